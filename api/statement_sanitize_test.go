package api_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/compose"
	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/pages"
)

// hostileStatement is an approved body with everything a page must not
// carry (script, an onerror, a meta refresh, javascript: links, an iframe,
// a style element) around markup statements use.
const hostileStatement = `<h1 data-element="title">Statement</h1>
<p lang="en" dir="ltr">We found <em>unauthorised</em> access. Write to <a href="mailto:privacy@example.com">privacy@example.com</a>.</p>
<script>alert("script")</script>
<img src=x onerror=alert(1)>
<meta http-equiv=refresh content="0;url=https://evil.example/refresh">
<a href="javascript:alert(2)">click</a>
<iframe src="https://evil.example/frame"></iframe>
<style>body{background:url(https://evil.example/bg)}</style>
<table><tr><th>When</th><td>11 June 2020</td></tr></table>
<ul><li>one</li></ul>`

var (
	hostileMarks = []string{"<script", "alert(", "onerror", "refresh", "evil.example", "javascript:", "<iframe"}
	legitMarks   = []string{`<h1 data-element="title">Statement</h1>`, `<p lang="en" dir="ltr">`, "<em>unauthorised</em>",
		`<a href="mailto:privacy@example.com">`, "<th>When</th>", "<li>one</li>"}
)

func assertClean(t *testing.T, what, s string, legit bool) {
	t.Helper()
	for _, m := range hostileMarks {
		if strings.Contains(s, m) {
			t.Errorf("%s holds %q", what, m)
		}
	}
	for _, m := range legitMarks {
		if legit && !strings.Contains(s, m) {
			t.Errorf("%s lacks %q", what, m)
		}
	}
}

// TestPublishedStatementIsSanitised publishes a hostile body through the
// API and reads it back everywhere the public can: the page, the JSON,
// the feed and the static export. Then it puts the unsanitised HTML into
// the stored row, as a publication made before the sanitiser holds it,
// and reads it again.
func TestPublishedStatementIsSanitised(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e := newPubEnv(t, d)
			incidentID, disc := e.statementFixture(candor.KindPublicStatement)
			disc = e.approve(incidentID, disc.ID, "", map[string]candor.Variant{
				"en": {Subject: "Statement", Body: hostileStatement},
				"ja": {Subject: "お知らせ", Body: `<p lang="ja">川崎重工業株式会社</p><script>alert("ja")</script>`},
			})
			r := e.publish(disc.ID, map[string]any{"slug": "hostile"})
			if r.Status != 201 || r.Body["state"] != "published" {
				t.Fatalf("publish: %d %s", r.Status, r.Raw)
			}
			id := r.Body["id"].(string)
			var stored string
			e.db.Gorm().Raw("SELECT content FROM publications WHERE id = ?", id).Scan(&stored)
			var c candor.PublicationContent
			if err := json.Unmarshal([]byte(stored), &c); err != nil {
				t.Fatal(err)
			}
			assertClean(t, "stored content", c.Variants["en"].HTML, true)
			assertClean(t, "stored ja content", c.Variants["ja"].HTML, false)
			e.readBack(t, "new")

			// A row stored before the sanitiser: its HTML as rendered.
			text := c.Variants["en"]
			text.HTML = hostileStatement
			c.Variants["en"] = text
			raw, _ := json.Marshal(c)
			if err := e.db.Gorm().Exec("UPDATE publications SET content = ? WHERE id = ?", string(raw), id).Error; err != nil {
				t.Fatal(err)
			}
			e.clock.Add(2 * time.Second) // past the page cache
			e.readBack(t, "legacy")
		})
	}
}

// readBack checks the live page, its JSON, the feed and an export of
// what is visible now.
func (e *pubEnv) readBack(t *testing.T, what string) {
	t.Helper()
	status, h, page := e.page("/statements/hostile?lang=en")
	if status != 200 || !strings.HasPrefix(h.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Fatalf("%s page: %d %v", what, status, h)
	}
	assertClean(t, what+" page", page, true)
	if _, _, ja := e.page("/statements/hostile?lang=ja"); !strings.Contains(ja, `<p lang="ja">川崎重工業株式会社</p>`) || strings.Contains(ja, "<script") {
		t.Errorf("%s ja page:\n%s", what, ja)
	}
	_, _, js := e.page("/statements/hostile?lang=en", "Accept", "application/json")
	var doc struct{ HTML string }
	if err := json.Unmarshal([]byte(js), &doc); err != nil {
		t.Fatal(err)
	}
	assertClean(t, what+" JSON", doc.HTML, true)
	_, _, feed := e.page("/statements/feed.atom")
	var atom struct {
		Entry []struct {
			ID      string `xml:"id"`
			Content string `xml:"content"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal([]byte(feed), &atom); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, en := range atom.Entry {
		if strings.HasSuffix(en.ID, "/statements/hostile") {
			found = true
			assertClean(t, what+" feed", en.Content, true)
		}
	}
	if !found {
		t.Errorf("%s feed lacks the statement:\n%s", what, feed)
	}

	pubs, err := e.db.VisiblePublications(context.Background(), e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	site, err := pages.New(pages.Config{BaseURL: e.srv.URL, Org: compose.Org("Kawasaki Heavy Industries", "privacy@example.com", "", "").View("", "")})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files, err := site.Export(dir, "https://www.example.com/statements", pubs)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		b, _ := os.ReadFile(filepath.Join(dir, f))
		assertClean(t, what+" export "+f, string(b), false)
		if strings.HasSuffix(f, ".html") && !strings.Contains(string(b), `<meta http-equiv="Content-Security-Policy" content="default-src`) {
			t.Errorf("%s export %s has no CSP <meta>", what, f)
		}
	}
	b, _ := os.ReadFile(filepath.Join(dir, "hostile", "index.en.html"))
	assertClean(t, what+" exported page", string(b), true)
}
