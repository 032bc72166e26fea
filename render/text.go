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
// trims the whole, so that "" means there is no text at all.
func tidyText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	lines := strings.Split(s, "\n")
	out := make([]string, 0, len(lines))
	blank := false
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" {
			if !blank && len(out) > 0 {
				out = append(out, "")
			}
			blank = true
			continue
		}
		blank = false
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

// dropRedundantLinks turns "a@example.com <mailto:a@example.com>" into
// "a@example.com": html2text repeats a link's target even when its text
// already is the target. The text is whatever precedes, so "メール：a@…"
// counts too.
func dropRedundantLinks(s string) string {
	var b strings.Builder
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
