package api

// PageCacheStats reports the entries and bytes the public page cache holds
// (for api_test).
func PageCacheStats(s *Server) (entries, bytes int) { return s.pages.stats() }
