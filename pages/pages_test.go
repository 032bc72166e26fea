package pages_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/compose"
	"github.com/candor-dev/candor/pages"
	"github.com/candor-dev/candor/templates"
)

var (
	org      = compose.Org("Kawasaki Heavy Industries", "privacy@example.com", "", "https://example.com")
	incident = candor.Incident{Title: "Unauthorized access", Summary: "Connections from overseas offices to servers in Japan.",
		DiscoveredAt: time.Date(2020, 6, 11, 0, 0, 0, 0, time.UTC), Severity: "high", DataCategories: []string{"name", "email"}}
	events = []candor.Event{
		{OccurredOn: "2020-06-11", Description: "Identified unauthorized access from an overseas office in Thailand", Public: true},
		{OccurredOn: "2020-06-12", Description: "internal detail", Public: false},
		{OccurredOn: "2020-07-08", Description: "Confirmed suspicious access from the United States office", Public: true},
	}
	published = time.Date(2020, 12, 28, 6, 0, 0, 0, time.UTC)
)

func revision(variants map[string]candor.Variant) candor.Revision {
	return candor.Revision{Number: 2, Content: candor.DisclosureContent{Title: "Kawasaki statement", DefaultLocale: "en", Variants: variants}}
}

func defaults(t *testing.T, locs ...string) map[string]candor.Variant {
	t.Helper()
	all, _ := templates.Defaults(candor.KindPublicStatement)
	out := map[string]candor.Variant{}
	for _, l := range locs {
		out[l] = all[l]
	}
	return out
}

func content(t *testing.T, variants map[string]candor.Variant) *candor.PublicationContent {
	t.Helper()
	c, err := pages.RenderContent(context.Background(), revision(variants), &compose.Facts{Incident: incident, Events: events, Org: org, Statement: compose.Statement{URL: "https://x.example/statements/kawasaki-2020", Published: true}})
	if err != nil {
		t.Fatal(err)
	}
	return &c
}

func site(t *testing.T) *pages.Site {
	t.Helper()
	s, err := pages.New(pages.Config{BaseURL: "https://x.example/", Org: org.View("", ""), Location: time.FixedZone("JST", 9*3600)})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestRenderContent(t *testing.T) {
	c := content(t, defaults(t, "en", "ja"))
	if c.DefaultLocale != "en" || len(c.Variants) != 2 || len(c.Events) != 2 {
		t.Fatalf("content: %+v", c)
	}
	en, ja := c.Variants["en"], c.Variants["ja"]
	if !strings.Contains(en.Title, "Kawasaki Heavy Industries") || !strings.Contains(en.HTML, "11 June 2020") || !en.ShowsEvents {
		t.Errorf("en: %+v", en)
	}
	if !strings.Contains(ja.HTML, "2020年6月11日") || strings.Contains(ja.HTML, "internal detail") || ja.Text == "" {
		t.Errorf("ja: %+v", ja)
	}
	// A text that does not list the timeline gets it from the page.
	c = content(t, map[string]candor.Variant{"en": {Subject: "S", Body: "<p>See {{.Statement.URL}}</p>"}})
	if c.Variants["en"].ShowsEvents || !strings.Contains(c.Variants["en"].HTML, "https://x.example/statements/kawasaki-2020") {
		t.Errorf("plain: %+v", c.Variants["en"])
	}
	_, err := pages.RenderContent(context.Background(), revision(map[string]candor.Variant{"en": {Subject: "S", Body: "{{.Customer.Nope}}"}}),
		&compose.Facts{Incident: incident, Events: events, Org: org})
	if candor.ErrorCode(err) != candor.EINVALID {
		t.Errorf("bad template: %v", err)
	}
}

func pub(id string, at time.Time, c *candor.PublicationContent) candor.Publication {
	return candor.Publication{ID: id, Slug: "kawasaki-2020", State: candor.PublicationPublished, PublishAt: at, Content: c}
}

func TestStatementPage(t *testing.T) {
	s := site(t)
	c1 := content(t, defaults(t, "en", "ja"))
	c2 := content(t, map[string]candor.Variant{
		"en": {Subject: "Update: unauthorized access", Body: "<p>Second version.</p>"},
		"ja": {Subject: "続報：不正アクセス", Body: "<p>第2版です。</p>"},
	})
	st := pages.Statement{Slug: "kawasaki-2020", Versions: []candor.Publication{pub("a", published, c1), pub("b", published.Add(48*time.Hour), c2)}}
	l := pages.LiveLinks("https://x.example")
	html, err := s.StatementHTML(st, 0, "ja", l)
	if err != nil {
		t.Fatal(err)
	}
	page := string(html)
	for _, want := range []string{
		`<html lang="ja" dir="ltr">`,
		`<meta name="viewport" content="width=device-width, initial-scale=1">`,
		`<link rel="alternate" hreflang="en" href="https://x.example/statements/kawasaki-2020?lang=en">`,
		`<link rel="alternate" hreflang="ja" href="https://x.example/statements/kawasaki-2020?lang=ja">`,
		`<link rel="alternate" hreflang="x-default" href="https://x.example/statements/kawasaki-2020">`,
		`<a href="https://x.example/statements/kawasaki-2020?lang=en" hreflang="en" lang="en">English</a>`,
		`<strong lang="ja" aria-current="page">日本語</strong>`,
		"<h1>続報：不正アクセス</h1>", "第2版です。",
		`公開日 <time datetime="2020-12-28T06:00:00Z">2020年12月28日 15:00 JST</time>`,
		`最終更新日 <time datetime="2020-12-30T06:00:00Z">2020年12月30日 15:00 JST</time>`,
		"<h2>経緯</h2>", "2020年7月8日", // the second text does not list the timeline: the page does
		"<h2>過去の版</h2>", `href="https://x.example/statements/kawasaki-2020/v/1?lang=ja">第1版</a>`,
		"@media print",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	for _, bad := range []string{"<script", "internal detail", "@import", "url(", "<link rel=\"stylesheet\""} {
		if strings.Contains(page, bad) {
			t.Errorf("page holds %q", bad)
		}
	}
	// The Content-Security-Policy allows exactly the inline style.
	style := regexp.MustCompile(`(?s)<style>(.*?)</style>`).FindStringSubmatch(page)
	sum := sha256.Sum256([]byte(style[1]))
	if !strings.Contains(s.ContentSecurityPolicy(), "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'") ||
		!strings.HasPrefix(s.ContentSecurityPolicy(), "default-src 'none'") {
		t.Errorf("CSP %q does not match the style", s.ContentSecurityPolicy())
	}

	// Version 1 keeps its own text, says it is an earlier one, links back.
	html, err = s.StatementHTML(st, 1, "en", l)
	if err != nil {
		t.Fatal(err)
	}
	page = string(html)
	for _, want := range []string{`<html lang="en"`, "This is version 1 of this statement, published on 28 December 2020 15:00 JST.",
		`<a href="https://x.example/statements/kawasaki-2020?lang=en">Read the current version.</a>`, "Identified unauthorized access",
		`<link rel="canonical" href="https://x.example/statements/kawasaki-2020/v/1?lang=en">`} {
		if !strings.Contains(page, want) {
			t.Errorf("version 1 lacks %q", want)
		}
	}
	if strings.Contains(page, "<h2>Course of events</h2>") {
		t.Error("version 1 repeats the timeline its text already lists")
	}
	if _, err := s.StatementHTML(st, 3, "en", l); candor.ErrorCode(err) != candor.ENOTFOUND {
		t.Errorf("version 3: %v", err)
	}
}

func TestWithdrawnStatement(t *testing.T) {
	s := site(t)
	c := content(t, defaults(t, "en", "ja"))
	p := pub("a", published, c)
	p.State = candor.PublicationRetracted
	at := published.Add(24 * time.Hour)
	p.RetractedAt = &at
	st := pages.Statement{Slug: "kawasaki-2020", Versions: []candor.Publication{p}}
	html, err := s.StatementHTML(st, 0, "en", pages.LiveLinks("https://x.example"))
	if err != nil {
		t.Fatal(err)
	}
	page := string(html)
	if !strings.Contains(page, "This statement, published on 28 December 2020 15:00 JST, was withdrawn on 29 December 2020 15:00 JST.") ||
		strings.Contains(page, "We became aware") || strings.Contains(page, c.Variants["en"].Title) {
		t.Errorf("withdrawn page:\n%s", page)
	}
	j, err := s.StatementJSON(st, 0, "en", pages.LiveLinks("https://x.example"))
	if err != nil {
		t.Fatal(err)
	}
	var doc pages.StatementDoc
	json.Unmarshal(j, &doc)
	if doc.State != "withdrawn" || doc.HTML != "" || doc.WithdrawnAt == nil || !doc.UpdatedAt.Equal(at) {
		t.Errorf("withdrawn JSON: %s", j)
	}
}

func TestStatementJSON(t *testing.T) {
	s := site(t)
	st := pages.Statement{Slug: "kawasaki-2020", Versions: []candor.Publication{pub("a", published, content(t, defaults(t, "en", "ja")))}}
	j, err := s.StatementJSON(st, 0, "ja", pages.LiveLinks("https://x.example"))
	if err != nil {
		t.Fatal(err)
	}
	var doc pages.StatementDoc
	if err := json.Unmarshal(j, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Lang != "ja" || doc.URL != "https://x.example/statements/kawasaki-2020" || doc.Version != 1 || !doc.Current ||
		!strings.Contains(doc.HTML, "2020年6月11日") || len(doc.Events) != 2 || doc.Events[0].Date != "2020-06-11" ||
		len(doc.Languages) != 2 || doc.Languages[1].Name != "日本語" || len(doc.Versions) != 1 {
		t.Errorf("doc: %s", j)
	}
}

func TestIndexAndFeed(t *testing.T) {
	s := site(t)
	older := pages.Statement{Slug: "older", Versions: []candor.Publication{{ID: "x", Slug: "older", State: candor.PublicationPublished,
		PublishAt: published.Add(-time.Hour * 24 * 30), Content: content(t, defaults(t, "en"))}}}
	newer := pages.Statement{Slug: "kawasaki-2020", Versions: []candor.Publication{pub("a", published, content(t, defaults(t, "en", "ja")))}}
	sts := pages.Group(append(older.Versions, newer.Versions...))
	if len(sts) != 2 || sts[0].Slug != "kawasaki-2020" {
		t.Fatalf("not newest first: %v", sts)
	}
	l := pages.LiveLinks("https://x.example")
	html, err := s.IndexHTML(sts, "ja", l)
	if err != nil {
		t.Fatal(err)
	}
	page := string(html)
	if !strings.Contains(page, `<html lang="ja"`) || strings.Index(page, "/statements/kawasaki-2020?lang=ja") > strings.Index(page, "/statements/older?lang=en") {
		t.Errorf("index:\n%s", page)
	}
	x, err := s.Feed(sts, l)
	if err != nil {
		t.Fatal(err)
	}
	var feed struct {
		XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
		ID      string   `xml:"id"`
		Title   string   `xml:"title"`
		Updated string   `xml:"updated"`
		Author  struct {
			Name string `xml:"name"`
		} `xml:"author"`
		Links []struct {
			Href string `xml:"href,attr"`
			Rel  string `xml:"rel,attr"`
		} `xml:"link"`
		Entries []struct {
			ID      string `xml:"id"`
			Title   string `xml:"title"`
			Updated string `xml:"updated"`
			Content struct {
				Type string `xml:"type,attr"`
				Body string `xml:",chardata"`
			} `xml:"content"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(x, &feed); err != nil {
		t.Fatalf("feed is not XML: %v\n%s", err, x)
	}
	if feed.ID != "https://x.example/statements" || feed.Updated != "2020-12-28T06:00:00Z" || feed.Author.Name == "" ||
		len(feed.Links) != 1 || feed.Links[0].Rel != "self" || len(feed.Entries) != 2 ||
		feed.Entries[0].ID != "https://x.example/statements/kawasaki-2020" || feed.Entries[0].Content.Type != "html" ||
		!strings.Contains(feed.Entries[0].Content.Body, "<h2>") {
		t.Errorf("feed:\n%s", x)
	}
	empty, err := s.Feed(nil, l)
	if err != nil || !strings.Contains(string(empty), "<updated>1970-01-01T00:00:00Z</updated>") {
		t.Errorf("empty feed: %s %v", empty, err)
	}
}

func TestNegotiate(t *testing.T) {
	avail := []string{"en", "ja", "th"}
	tests := []struct{ lang, accept, want string }{
		{"", "", "en"},
		{"ja", "", "ja"},
		{"ja-JP", "th", "ja"},
		{"JA", "", "ja"},
		{"de", "th;q=0.9, en;q=0.1", "th"},
		{"", "ja-JP,ja;q=0.9,en-US;q=0.8", "ja"},
		{"", "fr-FR, de", "en"},
		{"", "*", "en"},
		{"<script>", "garbage;;q=x", "en"},
	}
	for _, tt := range tests {
		if got := pages.Negotiate(avail, tt.lang, tt.accept); got != tt.want {
			t.Errorf("Negotiate(%q, %q) = %q, want %q", tt.lang, tt.accept, got, tt.want)
		}
	}
}

func TestStaticLinks(t *testing.T) {
	l := pages.StaticLinks("https://www.example.com/statements", "kawasaki-2020/v/1/index.ja.html")
	if got := l.Statement("kawasaki-2020", "ja"); got != "../../../kawasaki-2020/index.ja.html" {
		t.Errorf("statement link %q", got)
	}
	if got := l.At("index.html").Feed(); got != "feed.atom" {
		t.Errorf("feed link %q", got)
	}
}

// The export writes every page in every language, and every relative link
// in it leads to a file it wrote.
func TestExport(t *testing.T) {
	s := site(t)
	c1 := content(t, defaults(t, "en", "ja"))
	c2 := content(t, map[string]candor.Variant{"en": {Subject: "Update", Body: "<p>Second.</p>"}})
	gone := pub("z", published.Add(-time.Hour), content(t, defaults(t, "en", "th")))
	gone.Slug, gone.State = "withdrawn-one", candor.PublicationRetracted
	gone.RetractedAt = &published
	pubs := []candor.Publication{pub("a", published, c1), pub("b", published.Add(time.Hour), c2), gone}
	dir := t.TempDir()
	files, err := s.Export(dir, "https://www.example.com/statements", pubs)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"index.html", "index.en.html", "index.ja.html", "index.th.html", "feed.atom",
		"kawasaki-2020/index.html", "kawasaki-2020/index.en.html", "kawasaki-2020/v/1/index.ja.html",
		"kawasaki-2020/v/2/index.en.html", "withdrawn-one/index.th.html"}
	have := map[string]bool{}
	for _, f := range files {
		have[f] = true
	}
	for _, w := range want {
		if !have[w] {
			t.Errorf("export lacks %s (has %v)", w, files)
		}
	}
	if have["kawasaki-2020/index.ja.html"] {
		t.Error("the current version has no Japanese; its page should not exist")
	}
	href := regexp.MustCompile(`href="([^"]+)"`)
	for _, f := range files {
		if !strings.HasSuffix(f, ".html") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range href.FindAllStringSubmatch(string(b), -1) {
			link := m[1]
			if strings.HasPrefix(link, "https:") || strings.HasPrefix(link, "mailto:") {
				continue
			}
			target := filepath.Join(dir, filepath.Dir(f), filepath.FromSlash(link))
			if _, err := os.Stat(target); err != nil {
				t.Errorf("%s links to missing %s", f, link)
			}
		}
	}
	feed, _ := os.ReadFile(filepath.Join(dir, "feed.atom"))
	if !strings.Contains(string(feed), "<id>https://www.example.com/statements/kawasaki-2020/</id>") {
		t.Errorf("feed ids: %s", feed)
	}
}

// A page's text and the timeline it shows are held together to the
// render's output limit: 250 public events of 5,000 bytes would make a
// 1.25 MB page of a short body.
func TestRenderContentBoundsThePage(t *testing.T) {
	long := make([]candor.Event, 250)
	for i := range long {
		long[i] = candor.Event{ID: fmt.Sprint(i), OccurredOn: "2020-06-11", Public: true, Description: strings.Repeat("あ", 5000/3)}
	}
	plain := map[string]candor.Variant{"en": {Subject: "S", Body: "<p>See the timeline.</p>"}}
	_, err := pages.RenderContent(context.Background(), revision(plain), &compose.Facts{Incident: incident, Events: long, Org: org})
	if candor.ErrorCode(err) != candor.ETOOLARGE || !strings.Contains(fmt.Sprint(candor.ErrorFields(err)), "variants.en") {
		t.Fatalf("a 1.25 MB page: %v", err)
	}
	if _, err := pages.RenderContent(context.Background(), revision(plain), &compose.Facts{Incident: incident, Events: long[:100], Org: org}); err != nil {
		t.Fatalf("a 0.5 MB page: %v", err)
	}
}
