package api_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/api"
	"github.com/candor-dev/candor/compose"
	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/pages"
	"github.com/candor-dev/candor/store"
)

// FuzzDecode sends arbitrary bodies to the JSON endpoints that create an
// incident and a timeline event: the answer is a 2xx or a 4xx problem,
// never a 5xx, whatever the bytes (NUL, broken UTF-8, huge numbers, dates
// outside any calendar). Seeds: testdata/fuzz/FuzzDecode; make test runs
// it for a few seconds; `go test ./api -run '^$' -fuzz FuzzDecode` longer.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"title":"a","discovered_at":"2020-06-11T00:00:00Z","severity":"high","data_categories":[]}`,
		`{"title":"a\u0000b","discovered_at":"2020-06-11T00:00:00Z","severity":"high"}`,
		`{"title":"\xff","discovered_at":"9999-12-31T23:59:59-23:59","severity":"high"}`,
		`{"occurred_on":"2020-06-11","public":true,"description":"x","translations":{"ja":{"description":"y"}}}`,
		`{"timezone":"Mars/Olympus","translations":{"":{}}}`, `[]`, `1e999`, `{"a":1}{"b":2}`,
	} {
		f.Add([]byte(s))
	}
	db := testenv.Open(f, testenv.SQLite(f))
	db.SetKeyring(testenv.Keyring(f))
	h := api.New(api.Config{MaxBodyBytes: 64 << 10, Logger: quiet}, db)
	_, token, err := db.CreateToken(testenv.Actor(candor.RoleAdmin), "fuzz comms", candor.RoleComms)
	if err != nil {
		f.Fatal(err)
	}
	in, err := db.CreateIncident(testenv.Actor(candor.RoleComms), candor.Incident{Title: "Fuzz", Severity: "high",
		DiscoveredAt: time.Date(2020, 6, 11, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, path := range []string{"/api/v1/incidents", "/api/v1/incidents/" + in.ID + "/events", "/api/v1/incidents/" + in.ID} {
			method := "POST"
			if path == "/api/v1/incidents/"+in.ID {
				method = "PATCH"
			}
			req := httptest.NewRequest(method, path, strings.NewReader(string(body)))
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Content-Type", "application/json")
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code >= 500 {
				t.Fatalf("%s %s %q: %d %s", method, path, body, w.Code, w.Body.String())
			}
			if w.Code >= 400 && !strings.HasPrefix(w.Header().Get("Content-Type"), "application/problem+json") {
				t.Fatalf("%s %s: %d without a problem document", method, path, w.Code)
			}
		}
	})
}

// FuzzPublicStatementPage asks for a published statement with arbitrary
// slugs, ?lang= values and Accept and Accept-Language headers, without a
// token: never a 5xx, and never a page bigger than the statement's own
// pages can be (the cache and negotiation must not echo input back).
func FuzzPublicStatementPage(f *testing.F) {
	for _, s := range [][3]string{
		{"kawasaki-2020", "ja", "ja-JP,ja;q=0.9"}, {"kawasaki-2020", "", "x-" + strings.Repeat("a", 300)},
		{"kawasaki-2020/v/1", "th", "*"}, {"%00", "\xff", "\x00"}, {"feed.atom", "en", "en;q=abc"},
		{"../../etc/passwd", "", ""}, {"kawasaki-2020", "zz-ZZ-u-ca-buddhist", "th-TH-u-ca-gregory"},
	} {
		f.Add(s[0], s[1], s[2])
	}
	db := testenv.Open(f, testenv.SQLite(f))
	db.SetKeyring(testenv.Keyring(f))
	comms, legal := testenv.Actor(candor.RoleComms), testenv.Actor(candor.RoleLegal)
	in, err := db.CreateIncident(comms, candor.Incident{Title: "Unauthorized access", Summary: "Overseas offices.", Timezone: "Asia/Tokyo",
		DiscoveredAt: time.Date(2020, 6, 11, 0, 0, 0, 0, time.UTC), Severity: "high", DataCategories: []string{"email"}})
	if err != nil {
		f.Fatal(err)
	}
	d := testenv.ApprovedDisclosure(f, db, in.ID, candor.KindPublicStatement, nil)
	_, rev, err := db.ApprovedRevision(context.Background(), d.ID)
	if err != nil {
		f.Fatal(err)
	}
	content, err := pages.RenderContent(context.Background(), rev, &compose.Facts{Incident: in,
		Org: compose.Org("Kawasaki", "p@example.com", "", ""), Statement: compose.Statement{URL: "http://x/statements/kawasaki-2020", Published: true}})
	if err != nil {
		f.Fatal(err)
	}
	if _, err := db.CreatePublication(legal, store.NewPublication{DisclosureID: d.ID, IncidentID: in.ID, Slug: "kawasaki-2020",
		Revision: rev.Number, PublishAt: time.Now().Add(-time.Minute), Content: content}); err != nil {
		f.Fatal(err)
	}
	h := api.New(api.Config{Logger: quiet, BaseURL: "http://x", PageCacheTTL: time.Second,
		Public: api.Public{Location: time.UTC}}, db)
	f.Fuzz(func(t *testing.T, slug, lang, acceptLanguage string) {
		for _, accept := range []string{"text/html", "application/json"} {
			req := httptest.NewRequest("GET", "/statements/kawasaki-2020", nil)
			req.URL.Path = "/statements/" + slug
			req.URL.RawQuery = url.Values{"lang": {lang}}.Encode()
			req.Header.Set("Accept", accept)
			req.Header.Set("Accept-Language", acceptLanguage)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code >= 500 {
				t.Fatalf("slug %q lang %q accept-language %q: %d %s", slug, lang, acceptLanguage, w.Code, w.Body.String())
			}
			if w.Code != http.StatusOK {
				continue
			}
			if max := 256 << 10; w.Body.Len() > max {
				t.Fatalf("a %d-byte page", w.Body.Len())
			}
			if len(acceptLanguage) > 64 && strings.Contains(w.Body.String(), acceptLanguage) {
				t.Fatal("the page echoes Accept-Language")
			}
		}
	})
}
