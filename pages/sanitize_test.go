package pages_test

import (
	"encoding/json"
	"encoding/xml"
	"html"
	"os"
	"path/filepath"
	"regexp"

	"strings"
	"testing"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/pages"
)

// hostile is markup a statement body must never carry onto a page: each
// entry is what a careless or malicious editor might paste, and what must
// not be found afterwards.
var hostile = []struct{ name, in, gone string }{
	{"script", `<p>a</p><script>alert(1)</script>`, "<script"},
	{"script text", `<script>document.cookie</script>`, "document.cookie"},
	{"onerror", `<img src=x onerror=alert(1)>`, "onerror"},
	{"img", `<img src="https://tracker.example/p.gif">`, "<img"},
	{"meta refresh", `<meta http-equiv=refresh content="0;url=https://evil.example">`, "http-equiv"},
	{"javascript link", `<a href="javascript:alert(1)">x</a>`, "javascript:"},
	{"javascript link, entities", `<a href="jav&#x09;ascript:alert(1)">x</a>`, "ascript:"},
	{"data link", `<a href="data:text/html,<script>alert(1)</script>">x</a>`, "data:"},
	{"iframe", `<iframe src="https://evil.example"></iframe>`, "<iframe"},
	{"style element", `<style>body{display:none}</style>`, "display:none"},
	{"style attribute", `<p style="position:fixed">x</p>`, "style="},
	{"onclick", `<p onclick="x()">x</p>`, "onclick"},
	{"form", `<form action="https://evil.example"><input name=p></form>`, "<form"},
	{"object", `<object data="x.swf"></object>`, "<object"},
	{"base", `<base href="https://evil.example/">`, "<base"},
	{"svg", `<svg onload=alert(1)></svg>`, "<svg"},
	{"link", `<link rel=stylesheet href="https://evil.example/x.css">`, "<link"},
}

func TestSanitizeHTMLRemoves(t *testing.T) {
	for _, tt := range hostile {
		t.Run(tt.name, func(t *testing.T) {
			got := pages.SanitizeHTML(tt.in)
			if strings.Contains(strings.ToLower(got), tt.gone) {
				t.Errorf("SanitizeHTML(%q) = %q, still has %q", tt.in, got, tt.gone)
			}
		})
	}
}

func TestSanitizeHTMLKeeps(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"heading and paragraph", `<h1 data-element="title">T</h1><p>x</p>`, `<h1 data-element="title">T</h1><p>x</p>`},
		{"data-element list", `<section data-element="what_happened breach_date"><h2>W</h2></section>`, `<section data-element="what_happened breach_date"><h2>W</h2></section>`},
		{"lists", `<ul><li>a</li></ul><ol><li>b</li></ol>`, `<ul><li>a</li></ul><ol><li>b</li></ol>`},
		{"table", `<table><thead><tr><th scope="col">A</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>`,
			`<table><thead><tr><th scope="col">A</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>`},
		{"emphasis", `<p><em>a</em> <strong>b</strong> <b>c</b> <i>d</i></p>`, `<p><em>a</em> <strong>b</strong> <b>c</b> <i>d</i></p>`},
		{"lang and dir", `<p lang="th" dir="ltr">ไทย</p><span lang="ar" dir="rtl">x</span>`, `<p lang="th" dir="ltr">ไทย</p><span lang="ar" dir="rtl">x</span>`},
		{"mailto", `<a href="mailto:privacy@example.com">privacy@example.com</a>`, `<a href="mailto:privacy@example.com">privacy@example.com</a>`},
		{"relative link", `<a href="/statements">s</a>`, `<a href="/statements">s</a>`},
		{"https link", `<a href="https://example.com/help">h</a>`, `<a href="https://example.com/help">h</a>`},
		{"rel", `<a href="https://example.com/" rel="noopener noreferrer">h</a>`, `<a href="https://example.com/" rel="noopener noreferrer">h</a>`},
		{"no new window", `<a href="https://example.com/" target="_blank">h</a>`, `<a href="https://example.com/">h</a>`},
		{"no rel but known ones", `<a href="https://example.com/" rel="opener">h</a>`, `<a href="https://example.com/">h</a>`},
		{"japanese", `<p>川崎重工業株式会社は、不正アクセスを確認しました。</p>`, `<p>川崎重工業株式会社は、不正アクセスを確認しました。</p>`},
		{"line break", `<p>a<br>b</p>`, `<p>a<br>b</p>`},
		{"text around a dropped element", `<p>a<font color=red>b</font>c</p>`, `<p>abc</p>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := pages.SanitizeHTML(tt.in); got != tt.want {
				t.Errorf("SanitizeHTML(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

// The shipped templates pass unchanged in structure: every data-element
// mark and every link survives, so the checklist still finds its elements
// on the published page.
func TestSanitizeHTMLKeepsDefaults(t *testing.T) {
	for _, loc := range []string{"en", "ja", "th", "id", "fil"} {
		t.Run(loc, func(t *testing.T) {
			c := content(t, defaults(t, "en", loc))
			raw := c.Variants[loc].HTML
			got := pages.SanitizeHTML(raw)
			for _, s := range []string{"data-element=", "<a href=", "<h2>", "<li>"} {
				if strings.Count(got, s) != strings.Count(raw, s) {
					t.Errorf("%s: %d of %d kept", s, strings.Count(got, s), strings.Count(raw, s))
				}
			}
			if again := pages.SanitizeHTML(got); again != got {
				t.Errorf("not idempotent:\n%s\n%s", got, again)
			}
		})
	}
}

// hostileBody is a statement body with every kind of markup SanitizeHTML
// removes, around markup it keeps.
const hostileBody = `<h1 data-element="title">Statement</h1>
<p lang="en" dir="ltr">We found <em>unauthorised</em> access. <strong>Contact</strong> <a href="mailto:privacy@example.com">privacy@example.com</a> or see <a href="https://example.com/help">help</a>.</p>
<script>alert("script")</script>
<img src=x onerror=alert(1)>
<meta http-equiv=refresh content="0;url=https://evil.example/refresh">
<a href="javascript:alert(2)">click</a>
<iframe src="https://evil.example/frame"></iframe>
<style>body{background:url(https://evil.example/bg)}</style>
<p onclick="alert(3)" style="color:red">styled</p>
<table><tr><th>When</th><td>11 June 2020</td></tr></table>
<ul><li>one</li></ul>`

// hostileNeedles are what must not be found in anything a reader gets;
// legitNeedles what must.
var (
	hostileNeedles = []string{"<script", "alert(", "onerror", "refresh", "evil.example", "javascript:", "<iframe", "onclick", "color:red", "<img"}
	legitNeedles   = []string{`<h1 data-element="title">Statement</h1>`, `<p lang="en" dir="ltr">`, "<em>unauthorised</em>",
		`<a href="mailto:privacy@example.com">`, `<a href="https://example.com/help">help</a>`,
		"<table>", "<th>When</th>", "<li>one</li>", "<p>styled</p>"}
)

func checkClean(t *testing.T, what, s string, legit bool) {
	t.Helper()
	for _, n := range hostileNeedles {
		if strings.Contains(s, n) {
			t.Errorf("%s holds %q", what, n)
		}
	}
	if legit {
		for _, n := range legitNeedles {
			if !strings.Contains(s, n) {
				t.Errorf("%s lacks %q", what, n)
			}
		}
	}
}

// A hostile body is stored clean, and a publication stored before the
// sanitiser (its HTML as rendered) is served clean on the page, in the
// JSON, in the feed and in the export; exported pages carry the CSP.
func TestHostileStatementIsSanitised(t *testing.T) {
	s := site(t)
	variants := map[string]candor.Variant{"en": {Subject: "S", Body: hostileBody}}
	stored := content(t, variants)
	checkClean(t, "stored HTML", stored.Variants["en"].HTML, true)

	legacy := *stored
	legacy.Variants = map[string]candor.StatementText{"en": stored.Variants["en"]}
	text := legacy.Variants["en"]
	text.HTML = hostileBody // as rendered before there was a sanitiser
	legacy.Variants["en"] = text

	for name, c := range map[string]*candor.PublicationContent{"new": stored, "legacy": &legacy} {
		t.Run(name, func(t *testing.T) {
			p := pub("a", published, c)
			st := pages.Statement{Slug: "kawasaki-2020", Versions: []candor.Publication{p}}
			l := pages.LiveLinks("https://x.example")
			page, err := s.StatementHTML(st, 0, "en", l)
			if err != nil {
				t.Fatal(err)
			}
			checkClean(t, "page", string(page), true)
			if n := strings.Count(string(page), "<style"); n != 1 {
				t.Errorf("page has %d style elements, want the layout's one", n)
			}
			if strings.Contains(string(page), "http-equiv") {
				t.Error("the live page carries a CSP <meta>: its header is the policy")
			}
			js, err := s.StatementJSON(st, 0, "en", l)
			if err != nil {
				t.Fatal(err)
			}
			var doc pages.StatementDoc
			if err := json.Unmarshal(js, &doc); err != nil {
				t.Fatal(err)
			}
			checkClean(t, "JSON html", doc.HTML, true)
			feed, err := s.Feed([]pages.Statement{st}, l)
			if err != nil {
				t.Fatal(err)
			}
			var atom struct {
				Entry []struct {
					Content string `xml:"content"`
				} `xml:"entry"`
			}
			if err := xml.Unmarshal(feed, &atom); err != nil || len(atom.Entry) != 1 {
				t.Fatalf("feed: %v %s", err, feed)
			}
			checkClean(t, "feed content", atom.Entry[0].Content, true)

			dir := t.TempDir()
			files, err := s.Export(dir, "https://www.example.com/statements", []candor.Publication{p})
			if err != nil {
				t.Fatal(err)
			}
			policy := strings.TrimSuffix(s.ContentSecurityPolicy(), "; frame-ancestors 'none'")
			metaCSP := regexp.MustCompile(`<meta http-equiv="Content-Security-Policy" content="([^"]*)">`)
			for _, f := range files {
				b, err := os.ReadFile(filepath.Join(dir, f))
				if err != nil {
					t.Fatal(err)
				}
				if strings.HasSuffix(f, ".atom") {
					atom.Entry = nil
					if err := xml.Unmarshal(b, &atom); err != nil || len(atom.Entry) != 1 {
						t.Fatalf("%s: %v", f, err)
					}
					checkClean(t, f, atom.Entry[0].Content, true)
					continue
				}
				page := string(b)
				checkClean(t, f, page, strings.HasPrefix(f, "kawasaki-2020/"))
				// The policy must come before anything it governs: the style.
				m := metaCSP.FindStringSubmatchIndex(page)
				if m == nil || html.UnescapeString(page[m[2]:m[3]]) != policy || strings.Index(page, "<style>") < m[1] {
					t.Errorf("%s: CSP <meta> missing, not the policy or after the style: %v", f, m)
				}
				if !strings.Contains(page, `<meta name="referrer" content="no-referrer">`) {
					t.Errorf("%s: no referrer policy", f)
				}
			}
		})
	}
}
