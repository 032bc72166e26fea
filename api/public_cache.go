package api

import (
	"sync"
	"time"
)

// pageCache keeps rendered public pages for a second. On the day a
// statement goes out, thousands of readers ask for the same page while the
// send pipeline is busy on the same machine; a second's cache turns their
// database query and template rendering into a map lookup. It cannot break
// the embargo: only pages already visible are stored, and an update or a
// withdrawal shows within a second.
type pageCache struct {
	mu      sync.Mutex
	ttl     time.Duration
	entries map[string]cachedPage
}

type cachedPage struct {
	body     []byte
	ctype    string
	lang     string
	modified time.Time
	expires  time.Time
}

const pageCacheMax = 1000

func newPageCache(ttl time.Duration) *pageCache {
	return &pageCache{ttl: ttl, entries: map[string]cachedPage{}}
}

func (pc *pageCache) get(key string, now time.Time) (cachedPage, bool) {
	if pc == nil || pc.ttl <= 0 {
		return cachedPage{}, false
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	p, ok := pc.entries[key]
	if !ok || now.After(p.expires) {
		return cachedPage{}, false
	}
	return p, true
}

func (pc *pageCache) put(key string, p cachedPage, now time.Time) {
	if pc == nil || pc.ttl <= 0 {
		return
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if len(pc.entries) >= pageCacheMax {
		// Varied Accept-Language headers can make many keys: start over
		// rather than grow.
		clear(pc.entries)
	}
	p.expires = now.Add(pc.ttl)
	pc.entries[key] = p
}
