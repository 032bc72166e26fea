package render

import (
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/text/language"
)

// Letter returns r made into the letter a recipient reads: its HTML part a
// whole HTML document in the variant's language (<html lang dir>, charset,
// viewport, the subject as its <title>) with a plain, centred layout of at
// most 600px — the organisation's name in a band at the top, the rendered
// body, a small footer with the name again — and its plain-text part
// starting with the organisation's name. It is for messages mailed on their
// own (customer notices, regulator reports), not for public statements,
// which the pages embed in their own layout.
//
// All styles are inline, on tables, because many mail clients drop <style>
// and <link>. The font stack names system fonts for Latin, Japanese,
// Chinese, Korean, Thai, Arabic and Hebrew text, the variant's own first
// among the CJK ones; CJK and Thai get a looser line height. Nothing splits words: long
// unbreakable runs (a URL on a phone) may wrap anywhere, which does not
// change where Japanese or Thai lines break. Right-to-left languages (ar,
// he, fa, ur …: any whose script is written right to left) get dir="rtl".
//
// The body is inserted as it is (it is the output of html/template); the
// subject and the organisation's name are escaped. The text part is left
// as it is when it already starts with the name, or when there is no name.
// Letter does no template work: the document around the body is built once
// per locale and name, so wrapping a message costs one copy of it.
//
// A message whose HTML is already a whole document (it starts with a
// doctype or <html>: a letter, or a body written as a page) is returned as
// it is, so a letter is never put inside another.
func Letter(r Rendered, variantLocale, orgName string) Rendered {
	if isDocument(r.HTML) {
		return r
	}
	l := letterFor(variantLocale, orgName)
	var b strings.Builder
	b.Grow(len(l.head) + len(r.Subject) + 16 + len(l.open) + len(r.HTML) + len(l.tail))
	b.WriteString(l.head)
	writeEscaped(&b, r.Subject)
	b.WriteString(l.open)
	b.WriteString(r.HTML)
	b.WriteString(l.tail)
	r.HTML = b.String()
	if orgName != "" && !strings.HasPrefix(r.Text, orgName) {
		r.Text = orgName + "\n\n" + r.Text
	}
	return r
}

// isDocument reports whether html starts, after white space, with
// "<!doctype" or "<html" in any case.
func isDocument(html string) bool {
	html = strings.TrimLeft(html, " \t\r\n\f")
	for _, p := range []string{"<!doctype", "<html"} {
		if len(html) >= len(p) && strings.EqualFold(html[:len(p)], p) {
			return true
		}
	}
	return false
}

// letter is the document around a message's subject and body for one
// locale and organisation: head, the title, open, the body, tail.
type letter struct{ head, open, tail string }

type letterKey struct{ locale, org string }

// The letters made so far. Locales and names are few per deployment; the
// cache stops growing at maxLetters, past which letters are built per call.
var (
	letters     sync.Map // letterKey → *letter
	letterCount atomic.Int32
)

const maxLetters = 512

func letterFor(loc, org string) *letter {
	k := letterKey{loc, org}
	if l, ok := letters.Load(k); ok {
		return l.(*letter)
	}
	l := buildLetter(loc, org)
	if letterCount.Load() < maxLetters {
		if _, loaded := letters.LoadOrStore(k, l); !loaded {
			letterCount.Add(1)
		}
	}
	return l
}

// Colours: dark slate band, white sheet on a light grey ground; text and
// footer contrast above WCAG AA.
const (
	letterGround = "#f3f4f6"
	letterBand   = "#1f2937"
	letterInk    = "#1f2937"
	letterMuted  = "#4b5563"
	letterRule   = "#e5e7eb"
)

func buildLetter(loc, org string) *letter {
	lang, dir, base := letterLocale(loc)
	font := fontStack(base)
	lineHeight := "1.6"
	switch base {
	case "ja", "zh", "ko", "th", "lo", "km", "my":
		lineHeight = "1.7"
	}
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html>` + "\n" + `<html lang="`)
	writeEscaped(&b, lang)
	b.WriteString(`" dir="` + dir + `">` + "\n<head>\n" +
		`<meta charset="utf-8">` + "\n" +
		`<meta name="viewport" content="width=device-width, initial-scale=1">` + "\n" +
		`<meta name="x-apple-disable-message-reformatting">` + "\n" +
		`<meta name="color-scheme" content="light">` + "\n" +
		`<title>`)
	head := b.String()

	b.Reset()
	b.WriteString("</title>\n</head>\n" +
		`<body style="margin:0;padding:0;background-color:` + letterGround + `;">` + "\n" +
		`<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;border-collapse:collapse;background-color:` + letterGround + `;">` + "\n" +
		`<tr><td align="center" style="padding:24px 8px;">` + "\n" +
		`<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;max-width:600px;border-collapse:collapse;background-color:#ffffff;border:1px solid ` + letterRule + `;font-family:` + font + `;">` + "\n")
	if org != "" {
		b.WriteString(`<tr><td style="padding:18px 24px;background-color:` + letterBand + `;color:#ffffff;font-size:18px;font-weight:bold;line-height:1.4;text-align:start;word-wrap:break-word;overflow-wrap:anywhere;">`)
		writeEscaped(&b, org)
		b.WriteString("</td></tr>\n")
	}
	b.WriteString(`<tr><td style="padding:8px 24px 16px;color:` + letterInk + `;font-family:` + font +
		`;font-size:16px;line-height:` + lineHeight + `;text-align:start;word-wrap:break-word;overflow-wrap:anywhere;">` + "\n")
	open := b.String()

	b.Reset()
	b.WriteString("\n</td></tr>\n")
	if org != "" {
		b.WriteString(`<tr><td style="padding:14px 24px 18px;border-top:1px solid ` + letterRule + `;color:` + letterMuted + `;font-size:13px;line-height:1.5;text-align:start;word-wrap:break-word;overflow-wrap:anywhere;">`)
		writeEscaped(&b, org)
		b.WriteString("</td></tr>\n")
	}
	b.WriteString("</table>\n</td></tr>\n</table>\n</body>\n</html>\n")
	return &letter{head: head, open: open, tail: b.String()}
}

// letterLocale returns the lang attribute for loc ("und" when it is not a
// language tag), its direction and its base language ("ja").
func letterLocale(loc string) (lang, dir, base string) {
	t, err := language.Parse(loc)
	if err != nil || loc == "" {
		return "und", "ltr", ""
	}
	b, _ := t.Base()
	dir = "ltr"
	// The script, explicit or the language's likely one: ar → Arab,
	// yi → Hebr, dv → Thaa, az-Arab → Arab.
	if s, conf := t.Script(); conf != language.No {
		switch s.String() {
		case "Arab", "Hebr", "Syrc", "Thaa", "Nkoo", "Adlm", "Mand", "Samr", "Rohg", "Mend", "Yezi":
			dir = "rtl"
		}
	}
	return t.String(), dir, b.String()
}

// fontStack returns a CSS font-family list (with single quotes: it goes in
// a double-quoted style attribute). Latin fonts come first so that Latin
// text keeps its shapes, and the browser falls back character by character
// along the list: the CJK fonts of the language (Japanese ones for a
// language that is not Chinese or Korean), then Thai ones; other scripts
// (Arabic, Hebrew …) find theirs through sans-serif. The list is short on
// purpose: it is in every message, twice.
func fontStack(base string) string {
	const latin = `-apple-system,'Segoe UI',Roboto,Arial,`
	const ja = `'Hiragino Sans','Noto Sans CJK JP','Yu Gothic',Meiryo,`
	const zh = `'PingFang SC','Noto Sans CJK SC','Microsoft YaHei',`
	const ko = `'Apple SD Gothic Neo','Noto Sans CJK KR','Malgun Gothic',`
	const thai = `'Noto Sans Thai','Leelawadee UI',Tahoma,`
	switch base {
	case "zh":
		return latin + zh + ja + thai + "sans-serif"
	case "ko":
		return latin + ko + ja + thai + "sans-serif"
	case "th":
		return latin + thai + ja + "sans-serif"
	}
	return latin + ja + thai + "sans-serif"
}

// writeEscaped writes s to b escaped for HTML text and double- or
// single-quoted attributes, as html.EscapeString does, without allocating
// when s needs no escaping.
func writeEscaped(b *strings.Builder, s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '&':
			esc = "&amp;"
		case '"':
			esc = "&#34;"
		case '\'':
			esc = "&#39;"
		default:
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(esc)
		last = i + 1
	}
	b.WriteString(s[last:])
}
