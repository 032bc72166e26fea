package render

import "strings"

// escapeStrayBrackets writes as entities the '<' and '>' of html that an
// HTML parser reads as text but html2text as markup: html2text takes every
// '<' for the start of a tag and every '>' for the end of one, so "3>2"
// lost its '>' ("32"), "1 < 2 and" everything up to the next '>', and a
// '>' inside a quoted attribute value ended the tag early. As in HTML, a
// '<' starts a tag only before a letter, '/', '!' or '?'; a comment runs
// to "-->"; a tag ends at the first '>' outside a quoted value. The text of
// script, style, title and textarea is left as it is: html2text hides the
// first two (and would print an entity even there).
//
// The conversion of a Bound's skeleton and of a whole message agree: a
// customer's value pasted into the text (plainText) holds no '<', '>' or
// '&', so it changes nothing here, and a placeholder that lands in a tag
// is not text, which makes the Bound convert every message whole.
//
// It returns html itself, without copying, when there is nothing to
// rewrite: the usual case, and the one a send's every message takes.
func escapeStrayBrackets(html string) string {
	var out []byte // nil until something is rewritten
	done := 0      // html[:done] is in out
	esc := func(at int, entity string) {
		if out == nil {
			out = make([]byte, 0, len(html)+32)
		}
		out = append(out, html[done:at]...)
		out = append(out, entity...)
		done = at + 1
	}
	escRange := func(from, to int) { // every bracket in html[from:to]
		for from < to {
			k := strings.IndexAny(html[from:to], "<>")
			if k < 0 {
				return
			}
			from += k
			if html[from] == '<' {
				esc(from, "&lt;")
			} else {
				esc(from, "&gt;")
			}
			from++
		}
	}
	i := 0
	for i < len(html) {
		// Text, up to the next '<'.
		end := len(html)
		if lt := strings.IndexByte(html[i:], '<'); lt >= 0 {
			end = i + lt
		}
		for {
			gt := strings.IndexByte(html[i:end], '>')
			if gt < 0 {
				break
			}
			esc(i+gt, "&gt;")
			i += gt + 1
		}
		i = end
		if i == len(html) {
			break
		}
		if i+1 == len(html) || !opensTag(html[i+1]) {
			esc(i, "&lt;")
			i++
			continue
		}
		if strings.HasPrefix(html[i:], "<!--") {
			stop := len(html)
			if j := strings.Index(html[i+4:], "-->"); j >= 0 {
				stop = i + 4 + j
			}
			escRange(i+4, stop)
			i = min(stop+3, len(html))
			continue
		}
		// A tag, to its first '>' outside a quoted attribute value (a
		// quote that follows a '=').
		j := i + 1
		for j < len(html) {
			k := strings.IndexAny(html[j:], "\"'<>")
			if k < 0 {
				j = len(html)
				break
			}
			j += k
			c := html[j]
			if c == '>' {
				break
			}
			if c == '<' {
				esc(j, "&lt;")
				j++
				continue
			}
			if !strings.HasSuffix(strings.TrimRight(html[i+1:j], " \t\n\r\f"), "=") {
				j++ // a stray quote, as in <p x'>: not a value
				continue
			}
			stop := len(html)
			if q := strings.IndexByte(html[j+1:], c); q >= 0 {
				stop = j + 1 + q
			}
			escRange(j+1, stop)
			j = stop + 1
		}
		if j >= len(html) { // never closed: html2text hides the rest, as before
			break
		}
		tag := html[i+1 : j]
		i = j + 1
		if name := rawTextElement(tag); name != "" {
			// Its text runs to its end tag; html2text sees it as before.
			if k := indexFold(html[i:], "</"+name); k >= 0 {
				i += k
			} else {
				i = len(html)
			}
		}
	}
	if out == nil {
		return html
	}
	return string(append(out, html[done:]...))
}

// opensTag reports whether '<' followed by c begins markup, as in HTML.
func opensTag(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '/' || c == '!' || c == '?'
}

// rawTextElement returns the name of the element tag (a start tag's text
// between '<' and '>') opens if its content is not markup: script, style,
// title or textarea; "" otherwise, and for an end tag or "<x/>".
func rawTextElement(tag string) string {
	if strings.HasSuffix(tag, "/") {
		return ""
	}
	for _, name := range [...]string{"script", "style", "title", "textarea"} {
		if len(tag) >= len(name) && strings.EqualFold(tag[:len(name)], name) &&
			(len(tag) == len(name) || strings.IndexByte(" \t\n\r\f", tag[len(name)]) >= 0) {
			return name
		}
	}
	return ""
}

// indexFold is strings.Index for an ASCII lower-case sub, ignoring the
// case of s.
func indexFold(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		j := strings.IndexByte(s[i:], '<')
		if j < 0 {
			return -1
		}
		i += j
		if i+len(sub) <= len(s) && strings.EqualFold(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}
