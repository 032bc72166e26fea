package pages

import (
	"crypto/sha256"
	"io"
	"regexp"
	"sync"

	"github.com/microcosm-cc/bluemonday"
)

// A statement's body is a template approved by two people, but approval is
// no guarantee against a pasted <script>, an onerror= or a
// <meta http-equiv=refresh>, and the static export has no CSP header to fall
// back on. So published HTML passes an allow-list of what statements use:
// text structure, lists, tables, emphasis, links to http, https and mailto,
// lang/dir, and the checklist's data-element marks. Everything else (script,
// style, iframe, object, form, img, meta, event handlers, style attributes,
// javascript: and data: URLs) is dropped; the text inside a dropped element
// is kept unless it is script or style.
//
// bluemonday's Policy is safe for concurrent use once built; it is built
// once, on first use, because building it compiles regular expressions.
var statementPolicy = sync.OnceValue(func() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "div", "span", "section", "article",
		"header", "footer", "address", "blockquote", "pre", "code", "em", "strong", "b", "i", "u", "s", "small",
		"sub", "sup", "mark", "abbr", "cite", "q", "dfn", "kbd", "samp", "var", "del", "ins", "bdi", "bdo", "wbr",
		"ruby", "rt", "rp", "figure", "figcaption", "time", "caption", "thead", "tbody", "tfoot", "tr", "table")
	p.AllowLists()
	p.AllowTables()
	p.AllowAttrs("datetime").Matching(regexp.MustCompile(`^[0-9T:+\-. Z]{1,40}$`)).OnElements("time", "del", "ins")
	p.AllowAttrs("cite").OnElements("blockquote", "q", "del", "ins")

	// lang, dir, title, class and id everywhere; data-element for the
	// checklist (a space-separated list of element keys).
	p.AllowAttrs("lang").Matching(regexp.MustCompile(`^[A-Za-z0-9-]{1,35}$`)).Globally()
	p.AllowAttrs("dir").Matching(regexp.MustCompile(`^(?i:ltr|rtl|auto)$`)).Globally()
	p.AllowAttrs("title").Matching(bluemonday.Paragraph).Globally()
	p.AllowAttrs("class").Matching(bluemonday.SpaceSeparatedTokens).Globally()
	p.AllowAttrs("id").Matching(regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_:.-]{0,63}$`)).Globally()
	p.AllowAttrs("data-element").Matching(regexp.MustCompile(`^[A-Za-z0-9_ -]{0,512}$`)).Globally()

	// Links: http, https, mailto and relative ones only, parseable, kept
	// as written with their rel (noopener and the like). No target: a
	// link opens in the same window, so the page it leads to never has a
	// window.opener. No Referer leaves either: the pages say no-referrer
	// (a header live, a <meta> in the export).
	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("hreflang").Matching(regexp.MustCompile(`^[A-Za-z0-9-]{1,35}$`)).OnElements("a")
	p.AllowAttrs("rel").Matching(regexp.MustCompile(`^(?:(?:noopener|noreferrer|nofollow|external|help|license)\s*)+$`)).OnElements("a")
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(true)
	p.AllowURLSchemes("http", "https", "mailto")
	return p
})

// SanitizeHTML is a statement body with everything outside the allow-list
// removed. It is idempotent: clean HTML comes back unchanged in meaning, so
// a publication sanitised when stored may be sanitised again when served.
func SanitizeHTML(s string) string {
	if s == "" {
		return s
	}
	return statementPolicy().Sanitize(s)
}

// cleanMemo remembers what SanitizeHTML made of a stored body, by the
// body's hash. Sanitising costs tens of milliseconds a megabyte and the
// feed and JSON are not cached; a body's hash costs a millisecond. What it
// is given is only stored publications' HTML, which no reader can add to;
// past its bound it starts over.
type cleanMemo struct {
	mu    sync.Mutex
	max   int
	bytes int
	m     map[[sha256.Size]byte]string
}

const cleanMemoBytes = 16 << 20

func newCleanMemo() *cleanMemo {
	return &cleanMemo{max: cleanMemoBytes, m: map[[sha256.Size]byte]string{}}
}

// clean is SanitizeHTML(s), remembered.
func (cm *cleanMemo) clean(s string) string {
	if s == "" {
		return s
	}
	var key [sha256.Size]byte
	h := sha256.New()
	io.WriteString(h, s) // no copy of s: the digest takes strings
	h.Sum(key[:0])
	cm.mu.Lock()
	out, ok := cm.m[key]
	cm.mu.Unlock()
	if ok {
		return out
	}
	out = SanitizeHTML(s)
	size := len(out) + 2*sha256.Size
	if size > cm.max/4 {
		return out
	}
	cm.mu.Lock()
	defer cm.mu.Unlock()
	if cm.bytes+size > cm.max {
		clear(cm.m)
		cm.bytes = 0
	}
	if _, ok := cm.m[key]; !ok {
		cm.m[key] = out
		cm.bytes += size
	}
	return out
}
