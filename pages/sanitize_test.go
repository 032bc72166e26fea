package pages_test

import (
	"strings"
	"testing"

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
		{"https link", `<a href="https://example.com/help">h</a>`, `<a href="https://example.com/help" rel="noreferrer">h</a>`},
		{"new window", `<a href="https://example.com/" target="_blank">h</a>`, `<a href="https://example.com/" target="_blank" rel="noreferrer noopener">h</a>`},
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
