package render

import (
	"bytes"
	"strings"
	"sync"

	"github.com/k3a/html2text"
)

// htmlToText derives the plain-text part from rendered HTML. Links keep
// their text with the target in angle brackets, lists keep their bullets;
// tables and definition lists flatten badly, which is why the shipped
// templates use headings, paragraphs and lists only.
func htmlToText(html string) string {
	return finishText(convertHTML(html))
}

// convertHTML is html2text's conversion alone; finishText the clean-up
// after it. A Bound converts a notice's shared parts once and the
// customer's parts per message, and finishes the joined text.
func convertHTML(html string) string {
	return html2text.HTML2TextWithOptions(escapeStrayBrackets(html),
		html2text.WithUnixLineBreaks(), html2text.WithLinksInnerText(), html2text.WithListSupport())
}

func finishText(text string) string {
	return finishTextBytes([]byte(text))
}

// finishTextBytes is finishText of text in a buffer (a Bound's joined
// parts, in a scratch buffer of its own): the links are dropped into a
// pooled buffer and the tidy text is the one string allocated, where the
// string versions built a whole copy at each step (10 KB a message).
func finishTextBytes(text []byte) string {
	if !bytes.Contains(text, linkOpen) {
		return tidyBytes(text)
	}
	buf := getScratch()
	*buf = appendWithoutRedundantLinks((*buf)[:0], text)
	out := tidyBytes(*buf)
	putScratch(buf)
	return out
}

// scratch buffers of the text derivation, reused from message to message.
var scratch = sync.Pool{New: func() any { return new([]byte) }}

func getScratch() *[]byte { return scratch.Get().(*[]byte) }

func putScratch(b *[]byte) {
	if cap(*b) > 1<<20 { // an outsized body: let it go
		return
	}
	*b = (*b)[:0]
	scratch.Put(b)
}

// tidyText trims every line, keeps at most one blank line in a row, and
// trims the whole, so that "" means there is no text at all.
func tidyText(s string) string { return tidyBytes([]byte(s)) }

// tidyBytes is tidyText of a buffer, in one pass into one string: it runs
// on every message a send derives text for.
func tidyBytes(s []byte) string {
	var b strings.Builder
	b.Grow(len(s))
	blank := false // a blank line is owed before the next line of text
	for len(s) > 0 {
		line, rest, _ := bytes.Cut(s, newline)
		s = rest
		// TrimSpace also drops the \r of a \r\n line end.
		if line = bytes.TrimSpace(line); len(line) == 0 {
			blank = b.Len() > 0
			continue
		}
		separate(&b, &blank)
		b.Write(line)
	}
	return b.String()
}

var (
	newline  = []byte{'\n'}
	linkOpen = []byte(" <")
	mailto   = []byte("mailto:")
	tel      = []byte("tel:")
)

// dropRedundantLinks turns "a@example.com <mailto:a@example.com>" into
// "a@example.com": html2text repeats a link's target even when its text
// already is the target. The text is whatever precedes, so "メール：a@…"
// counts too.
func dropRedundantLinks(s string) string {
	if !strings.Contains(s, " <") {
		return s
	}
	return string(appendWithoutRedundantLinks(make([]byte, 0, len(s)), []byte(s)))
}

// appendWithoutRedundantLinks appends s to dst as dropRedundantLinks
// rewrites it.
func appendWithoutRedundantLinks(dst, s []byte) []byte {
	for {
		i := bytes.Index(s, linkOpen)
		if i < 0 {
			break
		}
		j := bytes.IndexByte(s[i+2:], '>')
		if j < 0 {
			break
		}
		target := s[i+2 : i+2+j]
		bare := bytes.TrimPrefix(bytes.TrimPrefix(target, mailto), tel)
		if len(bare) > 0 && (bytes.HasSuffix(s[:i], bare) || bytes.HasSuffix(s[:i], target)) {
			dst = append(dst, s[:i]...)
			s = s[i+2+j+1:]
			continue
		}
		dst = append(dst, s[:i+2]...)
		s = s[i+2:]
	}
	return append(dst, s...)
}
