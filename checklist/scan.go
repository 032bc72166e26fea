// Package checklist checks a disclosure against what each law requires a
// notice to contain (jurisdictions.ElementCatalogue): it renders the
// variant each jurisdiction's audience gets and looks in the HTML for the
// elements a template marks with data-element="KEY" (a space-separated
// list is allowed). An element is present when a marked element's text is
// not blank. A required element absent, or a forbidden one present, is a
// failure, unless waived at submit.
package checklist

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// Attr is the attribute templates mark elements with.
const Attr = "data-element"

// maxWhereText bounds the text quoted in a Where.
const maxWhereText = 80

// Where is one marked element in the rendered HTML: its tag, the start of
// its text, and the template line the marker is on (0 when not found).
type Where struct {
	Tag  string `json:"tag"`
	Text string `json:"text"`
	Line int    `json:"line,omitempty"`
	full string // the whole text, whitespace collapsed, for literal checks
}

// Scan returns, for each element key marked in html, the marked elements
// whose text is not blank, in document order. The HTML5 parser never
// fails on markup; an error is only a read error.
func Scan(doc string) (map[string][]Where, error) {
	root, err := html.Parse(strings.NewReader(doc))
	if err != nil {
		return nil, err
	}
	found := map[string][]Where{}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				if a.Namespace != "" || a.Key != Attr {
					continue
				}
				text := collapse(textOf(n))
				if text == "" {
					break
				}
				for _, key := range strings.Fields(a.Val) {
					found[key] = append(found[key], Where{Tag: n.Data, Text: clip(text, maxWhereText), full: text})
				}
				break
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	return found, nil
}

// textOf is the text content of n, without scripts and styles.
func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch {
		case n.Type == html.TextNode:
			b.WriteString(n.Data)
			b.WriteByte(' ')
		case n.Type == html.ElementNode && (n.Data == "script" || n.Data == "style"):
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// contains reports whether text contains the literal, ignoring case and
// runs of white space.
func contains(text, literal string) bool {
	return strings.Contains(strings.ToLower(collapse(text)), strings.ToLower(collapse(literal)))
}

var markerAttr = regexp.MustCompile(`data-element\s*=\s*(?:"([^"]*)"|'([^']*)')`)

// markerLines maps each element key marked in a template's source to the
// first line (from 1) its marker is on.
func markerLines(src string) map[string]int {
	out := map[string]int{}
	for i, line := range strings.Split(src, "\n") {
		for _, m := range markerAttr.FindAllStringSubmatch(line, -1) {
			for _, key := range strings.Fields(m[1] + " " + m[2]) {
				if _, ok := out[key]; !ok {
					out[key] = i + 1
				}
			}
		}
	}
	return out
}
