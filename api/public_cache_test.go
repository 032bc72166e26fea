package api_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/api"
	"github.com/candor-dev/candor/compose"
	"github.com/candor-dev/candor/internal/testenv"
)

// newCachedPubEnv is newPubEnv with the page cache on (as in production:
// CANDOR_PAGE_CACHE_TTL defaults to 1s). The clock does not move unless a
// test moves it, so nothing expires behind a test's back.
func newCachedPubEnv(t *testing.T, d testenv.DB) *pubEnv {
	t.Helper()
	e := newPubEnv(t, d)
	srv := httptest.NewUnstartedServer(nil)
	s := api.New(api.Config{MaxBodyBytes: 64 << 10, Logger: quiet, BaseURL: "http://" + srv.Listener.Addr().String(), PageCacheTTL: time.Second,
		Org:    compose.Org("Kawasaki Heavy Industries", "privacy@example.com", "", ""),
		Public: api.Public{Location: time.FixedZone("JST", 9*3600), Queue: e.queue, Now: e.clock.Now}}, e.db)
	srv.Config.Handler = s
	srv.Start()
	t.Cleanup(srv.Close)
	e.srv, e.api = srv, s
	return e
}

// Any number of distinct Accept-Language headers and ?lang= values for one
// page leave one cached page per language and format, and one entry for
// the slug's languages.
func TestPageCacheKeyedOnLocale(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e := newCachedPubEnv(t, d)
			_, disc := e.statementFixture(candor.KindPublicStatement) // en and ja
			if r := e.publish(disc.ID, map[string]any{"slug": "kawasaki-2020"}); r.Status != 201 {
				t.Fatalf("publish: %d %s", r.Status, r.Raw)
			}
			for i := range 300 {
				headers := []string{"Accept-Language", fmt.Sprintf("x-%d", i)}
				path := "/statements/kawasaki-2020"
				switch i % 6 {
				case 1:
					headers[1] = fmt.Sprintf("ja;q=0.%d, x-%d", i%9+1, i)
				case 2:
					path += fmt.Sprintf("?lang=zz-%d", i)
				case 3:
					path += "?lang=ja&x=" + fmt.Sprint(i)
				case 4:
					headers = append(headers, "Accept", "application/json")
				case 5:
					headers[1] = strings.Repeat(fmt.Sprintf("x-%d,", i), 4000) // 20-30 KB
				}
				if status, _, body := e.page(path, headers...); status != 200 || !strings.Contains(body, "Kawasaki") {
					t.Fatalf("%s %v: %d", path, headers[:2], status)
				}
			}
			// The slug's languages, en and ja in HTML, en in JSON.
			if n, b := api.PageCacheStats(e.api); n != 4 {
				t.Errorf("%d entries (%d bytes) after 300 requests in 2 languages and 2 formats, want 4", n, b)
			}
			if _, _, v1 := e.page("/statements/kawasaki-2020/v/1?lang=ja", "Accept-Language", "th"); !strings.Contains(v1, `<html lang="ja"`) {
				t.Errorf("version 1 in Japanese: %.300s", v1)
			}
			if s, _, _ := e.page("/statements/kawasaki-2020/v/2"); s != 404 {
				t.Errorf("version 2 of one: %d", s)
			}
			if n, _ := api.PageCacheStats(e.api); n != 5 {
				t.Errorf("%d entries, want 5", n)
			}
		})
	}
}

// heapGrowthBound is what 1,000 requests for one page with 1 MB
// Accept-Language headers may add to the live heap. Measured (2026-12-07):
// 1.0 MiB, of which the cache holds 15 KB (the page in two languages and
// the slug's entry) and the rest is the four connections' buffers; before
// the cache was keyed on the negotiated language, 507 MiB after 500.
const heapGrowthBound = 8 << 20

// TestPageCacheHeapWithHugeHeaders sends 1,000 requests with distinct 1 MB
// Accept-Language headers and measures the live heap before and after.
func TestPageCacheHeapWithHugeHeaders(t *testing.T) {
	if testing.Short() {
		t.Skip("sends 1 GB of headers")
	}
	d := testenv.Databases(t)[0] // the cache is the same on either database
	e := newCachedPubEnv(t, d)
	_, disc := e.statementFixture(candor.KindPublicStatement)
	if r := e.publish(disc.ID, map[string]any{"slug": "kawasaki-2020"}); r.Status != 201 {
		t.Fatalf("publish: %d %s", r.Status, r.Raw)
	}
	e.page("/statements/kawasaki-2020") // warm up: the server's buffers, the templates
	heap := func() uint64 {
		runtime.GC()
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	before := heap()
	pad := strings.Repeat("x-abcdefg,", (1<<20-64)/10) // just under 1 MB, within net/http's header limit
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	defer client.CloseIdleConnections()
	// Two halves, the heap measured after each: a cache that is emptied
	// when full could look small at the end alone.
	var growth int64
	for half := range 2 {
		var wg sync.WaitGroup
		errs := make(chan error, 500)
		for w := range 4 {
			wg.Go(func() {
				for i := half*500 + w; i < (half+1)*500; i += 4 {
					req, _ := http.NewRequest("GET", e.srv.URL+"/statements/kawasaki-2020", nil)
					lang := "en"
					if i%2 == 1 {
						lang = "ja"
					}
					req.Header.Set("Accept-Language", fmt.Sprintf("%s,x-%d,%s", lang, i, pad))
					res, err := client.Do(req)
					if err != nil {
						errs <- err
						return
					}
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if res.StatusCode != 200 || res.Header.Get("Content-Language") != lang {
						errs <- fmt.Errorf("request %d: %d %s", i, res.StatusCode, res.Header.Get("Content-Language"))
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		client.CloseIdleConnections()
		after := heap()
		growth = max(growth, int64(after)-int64(before))
		t.Logf("after %d requests: heap %d -> %d bytes", (half+1)*500, before, after)
	}
	entries, held := api.PageCacheStats(e.api)
	t.Logf("heap growth %.2f MiB at most; cache %d entries, %d bytes", float64(growth)/(1<<20), entries, held)
	if growth > heapGrowthBound {
		t.Errorf("heap grew %.1f MiB over 1,000 requests, bound %d MiB", float64(growth)/(1<<20), heapGrowthBound>>20)
	}
	if entries != 3 {
		t.Errorf("%d cache entries, want 3 (slug, en, ja)", entries)
	}
}
