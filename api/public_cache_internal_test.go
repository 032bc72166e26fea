package api

import (
	"bytes"
	"fmt"
	"testing"
	"time"
)

// The cache never holds more bytes than its bound, whatever it is given,
// and counts what it holds exactly.
func TestPageCacheByteBound(t *testing.T) {
	now := time.Unix(1_600_000_000, 0)
	tests := []struct {
		name     string
		maxBytes int
		bodies   []int // sizes of the pages put, in order
	}{
		{"many small", 64 << 10, repeat(1000, 1500)},
		{"few large", 1 << 20, repeat(100, 100<<10)},
		{"mixed", 512 << 10, append(repeat(50, 60<<10), repeat(500, 300)...)},
		{"too large for the cache", 64 << 10, []int{9 << 10, 100 << 10}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pc := newPageCache(time.Second)
			pc.maxBytes = tt.maxBytes
			for i, n := range tt.bodies {
				pc.put(pageKey("kawasaki-2020", i%7, i%2 == 0, fmt.Sprint("x-", i)), cachedPage{body: bytes.Repeat([]byte("a"), n), ctype: "text/html"}, now)
				entries, held := pc.stats()
				if held > tt.maxBytes {
					t.Fatalf("after %d puts: %d bytes held, bound %d", i+1, held, tt.maxBytes)
				}
				sum := 0
				for el := pc.lru.Front(); el != nil; el = el.Next() {
					sum += el.Value.(*cacheEntry).size
				}
				if sum != held || entries != pc.lru.Len() || entries != len(pc.entries) {
					t.Fatalf("count %d bytes in %d entries, holds %d in %d (map %d)", held, entries, sum, pc.lru.Len(), len(pc.entries))
				}
			}
		})
	}
}

// The least recently used page goes first; an expired one is not served.
func TestPageCacheEvictsLeastRecentlyUsed(t *testing.T) {
	now := time.Unix(1_600_000_000, 0)
	pc := newPageCache(time.Second)
	page := cachedPage{body: bytes.Repeat([]byte("a"), 1000)}
	pc.maxBytes = 8 * page.size(pageKey("s", 0, false, "l0"))
	for i := range 8 {
		pc.put(pageKey("s", 0, false, fmt.Sprint("l", i)), page, now)
	}
	if _, ok := pc.get(pageKey("s", 0, false, "l0"), now); !ok { // l0 is now the most recent
		t.Fatal("l0 not cached")
	}
	pc.put(pageKey("s", 0, false, "l8"), page, now)
	if _, ok := pc.get(pageKey("s", 0, false, "l1"), now); ok {
		t.Error("l1, the least recently used, was kept")
	}
	for _, l := range []string{"l0", "l2", "l7", "l8"} {
		if _, ok := pc.get(pageKey("s", 0, false, l), now); !ok {
			t.Errorf("%s evicted", l)
		}
	}
	if _, ok := pc.get(pageKey("s", 0, false, "l0"), now.Add(2*time.Second)); ok {
		t.Error("expired page served")
	}
	if n, _ := pc.stats(); n != 7 {
		t.Errorf("%d entries after the expired one was asked for, want 7", n)
	}
}

func repeat(n, size int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = size
	}
	return out
}
