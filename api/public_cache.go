package api

import (
	"container/list"
	"strconv"
	"sync"
	"time"

	"github.com/candor-dev/candor/pages"
)

// pageCache keeps rendered public pages for a second. On the day a
// statement goes out, thousands of readers ask for the same page while the
// send pipeline is busy on the same machine; a second's cache turns their
// database query and template rendering into a map lookup. It cannot break
// the embargo: only pages already visible are stored, and an update or a
// withdrawal shows within a second.
//
// Nobody needs a token to fill it, so it is keyed only on what the page
// depends on: slug, version, format and negotiated language, never on a
// raw header (a megabyte of Accept-Language once made a megabyte key per
// request); and it is bounded in bytes, least recently used out first.
type pageCache struct {
	mu       sync.Mutex
	ttl      time.Duration
	maxBytes int
	bytes    int                      // held: the sum of the entries' sizes
	lru      *list.List               // of *cacheEntry, most recently used first
	entries  map[string]*list.Element // by key
}

type cacheEntry struct {
	key     string
	page    cachedPage
	size    int
	expires time.Time
}

// cachedPage is a rendered page, or (under a statement key) what is known
// of a slug without rendering: the languages of its pages.
type cachedPage struct {
	body     []byte
	ctype    string
	lang     string
	modified time.Time
	locales  [][]string // a statement key's: the current page's languages, then version 1's, 2's, …
}

const (
	// pageCacheBytes bounds what the cache holds: a few dozen of the
	// largest pages (1 MiB of body, in up to 14 languages) or thousands
	// of ordinary ones.
	pageCacheBytes = 64 << 20
	// entryOverhead is charged per entry on top of its strings and body:
	// the map slot, the list element and the entry itself.
	entryOverhead = 256
)

func newPageCache(ttl time.Duration) *pageCache {
	return &pageCache{ttl: ttl, maxBytes: pageCacheBytes, lru: list.New(), entries: map[string]*list.Element{}}
}

// pageKey is a rendered page's key; statementKey a slug's languages'.
func pageKey(slug string, n int, asJSON bool, lang string) string {
	format := "html"
	if asJSON {
		format = "json"
	}
	return "p\x00" + slug + "\x00" + strconv.Itoa(n) + "\x00" + format + "\x00" + lang
}

func statementKey(slug string) string { return "s\x00" + slug }

// statementLocales is what a statement key keeps of st.
func statementLocales(st pages.Statement) cachedPage {
	locales := make([][]string, len(st.Versions)+1)
	for n := range locales {
		locales[n] = st.PageLocales(n)
	}
	return cachedPage{locales: locales}
}

func (p cachedPage) size(key string) int {
	n := entryOverhead + len(key) + len(p.body) + len(p.ctype) + len(p.lang)
	for _, ls := range p.locales {
		n += 24
		for _, l := range ls {
			n += 16 + len(l)
		}
	}
	return n
}

func (pc *pageCache) get(key string, now time.Time) (cachedPage, bool) {
	if pc == nil || pc.ttl <= 0 {
		return cachedPage{}, false
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	el, ok := pc.entries[key]
	if !ok {
		return cachedPage{}, false
	}
	e := el.Value.(*cacheEntry)
	if now.After(e.expires) {
		pc.remove(el)
		return cachedPage{}, false
	}
	pc.lru.MoveToFront(el)
	return e.page, true
}

func (pc *pageCache) put(key string, p cachedPage, now time.Time) {
	if pc == nil || pc.ttl <= 0 {
		return
	}
	size := p.size(key)
	if size > pc.maxBytes/8 {
		return // one page may not push out most of the others
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if el, ok := pc.entries[key]; ok {
		pc.remove(el)
	}
	for pc.bytes+size > pc.maxBytes {
		pc.remove(pc.lru.Back())
	}
	pc.entries[key] = pc.lru.PushFront(&cacheEntry{key: key, page: p, size: size, expires: now.Add(pc.ttl)})
	pc.bytes += size
}

func (pc *pageCache) remove(el *list.Element) {
	e := pc.lru.Remove(el).(*cacheEntry)
	delete(pc.entries, e.key)
	pc.bytes -= e.size
}

// stats reports the entries held and their bytes (for tests and metrics).
func (pc *pageCache) stats() (entries, bytes int) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	return len(pc.entries), pc.bytes
}
