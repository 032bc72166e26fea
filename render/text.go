package render

import (
	"strings"

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
	return html2text.HTML2TextWithOptions(html,
		html2text.WithUnixLineBreaks(), html2text.WithLinksInnerText(), html2text.WithListSupport())
}

func finishText(text string) string {
	return tidyText(dropRedundantLinks(text))
}

// tidyText trims every line, keeps at most one blank line in a row, and
// trims the whole, so that "" means there is no text at all. One pass
// into one buffer: it runs on every message a send derives text for.
func tidyText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	blank := false // a blank line is owed before the next line of text
	for s != "" {
		line, rest, _ := strings.Cut(s, "\n")
		s = rest
		// TrimSpace also drops the \r of a \r\n line end.
		if line = strings.TrimSpace(line); line == "" {
			blank = b.Len() > 0
			continue
		}
		switch {
		case blank:
			b.WriteString("\n\n")
		case b.Len() > 0:
			b.WriteByte('\n')
		}
		blank = false
		b.WriteString(line)
	}
	return b.String()
}

// dropRedundantLinks turns "a@example.com <mailto:a@example.com>" into
// "a@example.com": html2text repeats a link's target even when its text
// already is the target. The text is whatever precedes, so "メール：a@…"
// counts too.
func dropRedundantLinks(s string) string {
	if !strings.Contains(s, " <") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for {
		i := strings.Index(s, " <")
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i+2:], '>')
		if j < 0 {
			break
		}
		target := s[i+2 : i+2+j]
		bare := strings.TrimPrefix(strings.TrimPrefix(target, "mailto:"), "tel:")
		if bare != "" && (strings.HasSuffix(s[:i], bare) || strings.HasSuffix(s[:i], target)) {
			b.WriteString(s[:i])
			s = s[i+2+j+1:]
			continue
		}
		b.WriteString(s[:i+2])
		s = s[i+2:]
	}
	b.WriteString(s)
	return b.String()
}
