// Package faq reads a rendered FAQ (a disclosure of kind faq: its questions
// as <dt> and each answer as the <dd> after it) into questions and answers,
// writes the call centre's export of them, and estimates the calls to
// expect from when the notices reach people.
package faq

import (
	"bytes"
	"encoding/csv"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/candor-dev/candor"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Parse reads the questions and answers of a rendered (and sanitised) FAQ
// body: each <dt> is a question, the <dd> elements after it until the next
// <dt> its answer. A <dd> before any <dt> has no question and is an error,
// as is a body with no pair at all.
func Parse(body string) ([]candor.FAQItem, error) {
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	var items []candor.FAQItem
	var bad string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.DataAtom == atom.Dl {
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				if c.Type != html.ElementNode {
					continue
				}
				switch c.DataAtom {
				case atom.Dt:
					items = append(items, candor.FAQItem{Question: oneLine(text(c))})
				case atom.Dd:
					if len(items) == 0 {
						bad = "an answer (<dd>) comes before any question (<dt>)"
						continue
					}
					it := &items[len(items)-1]
					var b bytes.Buffer
					for k := c.FirstChild; k != nil; k = k.NextSibling {
						html.Render(&b, k) //nolint:errcheck // a bytes.Buffer does not fail
					}
					it.AnswerHTML = join(it.AnswerHTML, strings.TrimSpace(b.String()), "\n")
					it.Answer = join(it.Answer, paragraphs(c), "\n\n")
				}
			}
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	switch {
	case bad != "":
		return nil, candor.Invalid(candor.FieldError{Field: "body", Message: bad})
	case len(items) == 0:
		return nil, candor.Invalid(candor.FieldError{Field: "body", Message: "renders no question: a FAQ holds each question as <dt> and its answer as the <dd> after it, in a <dl>"})
	}
	for i, it := range items {
		if it.Question == "" || strings.TrimSpace(it.Answer) == "" {
			return nil, candor.Invalid(candor.FieldError{Field: "body", Message: "question " + itoaN(i+1) + " renders with an empty question or no answer"})
		}
	}
	return items, nil
}

func join(a, b, sep string) string {
	if a == "" {
		return b
	}
	return a + sep + b
}

// text is the node's text, links followed by their address when it
// differs from the text (a call-centre agent reads the address out).
func text(n *html.Node) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch {
		case n.Type == html.TextNode:
			b.WriteString(n.Data)
		case n.Type == html.ElementNode && n.DataAtom == atom.Br:
			b.WriteString("\n")
		default:
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		if n.Type == html.ElementNode && n.DataAtom == atom.A {
			for _, a := range n.Attr {
				if a.Key == "href" {
					href := strings.TrimPrefix(a.Val, "mailto:")
					if !strings.Contains(textOf(n), href) {
						b.WriteString(" (" + href + ")")
					}
				}
			}
		}
	}
	walk(n)
	return b.String()
}

func textOf(n *html.Node) string {
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		} else {
			b.WriteString(textOf(c))
		}
	}
	return b.String()
}

// paragraphs is an answer as text: one paragraph per block element (or the
// whole answer when it has none), each on one line.
func paragraphs(dd *html.Node) string {
	var out []string
	var inline strings.Builder
	flush := func() {
		if s := oneLine(inline.String()); s != "" {
			out = append(out, s)
		}
		inline.Reset()
	}
	for c := dd.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && isBlock(c.DataAtom) {
			flush()
			if c.DataAtom == atom.Ul || c.DataAtom == atom.Ol {
				for li := c.FirstChild; li != nil; li = li.NextSibling {
					if li.Type == html.ElementNode && li.DataAtom == atom.Li {
						out = append(out, "- "+oneLine(text(li)))
					}
				}
				continue
			}
			if s := oneLine(text(c)); s != "" {
				out = append(out, s)
			}
			continue
		}
		inline.WriteString(text(c))
	}
	flush()
	return strings.Join(out, "\n")
}

func isBlock(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Div, atom.Ul, atom.Ol, atom.Blockquote, atom.H3, atom.H4, atom.Table:
		return true
	}
	return false
}

// oneLine folds every run of white space to one space.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// WriteCSV writes the call centre's sheet: one row per question and
// language, in the FAQ's languages' order (the default first), with a
// header row. Cells that a spreadsheet would run as a formula are
// prefixed with an apostrophe.
func WriteCSV(w io.Writer, f candor.PublishedFAQ) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"language", "number", "question", "answer"}); err != nil {
		return err
	}
	for _, loc := range Languages(f) {
		for i, it := range f.Variants[loc].Items {
			if err := cw.Write([]string{loc, itoaN(i + 1), cell(it.Question), cell(it.Answer)}); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// Languages lists the FAQ's languages, the default first, then the others
// in order.
func Languages(f candor.PublishedFAQ) []string {
	out := []string{}
	if _, ok := f.Variants[f.DefaultLocale]; ok {
		out = append(out, f.DefaultLocale)
	}
	for _, loc := range slices.Sorted(maps.Keys(f.Variants)) {
		if loc != f.DefaultLocale {
			out = append(out, loc)
		}
	}
	return out
}

func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func itoaN(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}
