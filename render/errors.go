package render

import (
	"errors"
	htmltemplate "html/template"
	"strconv"
	"strings"
	texttemplate "text/template"
	"unicode/utf8"

	"github.com/candor-dev/candor"
)

// part is one template of a variant, as errors name it.
type part struct {
	field string // "variants.ja.body", as in the API's JSON
	name  string // "body": the name Go's template errors quote
	src   string
	funcs map[string]any // to re-parse prefixes when locating a parse error
}

// fieldError turns an error from parsing (parsing true) or running p into a
// field error an editor can act on: "line 3, col 7: …", columns counted in
// characters, 1-based, as editors show them.
func (p part) fieldError(err error, parsing bool) candor.FieldError {
	fe := candor.FieldError{Field: p.field}
	var he *htmltemplate.Error
	if errors.As(err, &he) && he.ErrorCode == htmltemplate.ErrEndContext {
		fe.Message = "the template ends inside a tag, attribute, comment or script; close it"
		return fe
	}
	line, col, msg, ok := p.locate(err.Error())
	if !ok {
		fe.Message = clean(err.Error())
		return fe
	}
	fe.Line = line
	switch {
	case col >= 0:
		col = p.runeCol(line, col)
	case parsing:
		col = p.parseErrorCol(line, err.Error())
	}
	if col > 0 {
		fe.Message = "line " + strconv.Itoa(line) + ", col " + strconv.Itoa(col) + ": " + clean(msg)
	} else {
		fe.Message = "line " + strconv.Itoa(line) + ": " + clean(msg)
	}
	return fe
}

// locate splits Go's "template: body:3:7: msg" (col a 0-based byte offset)
// or "html/template:body:3: msg" into its parts; col is -1 when absent.
func (p part) locate(s string) (line, col int, msg string, ok bool) {
	rest, found := strings.CutPrefix(s, "template: ")
	if !found {
		if rest, found = strings.CutPrefix(s, "html/template:"); !found {
			return 0, 0, "", false
		}
	}
	if rest, found = strings.CutPrefix(rest, p.name+":"); !found {
		return 0, 0, "", false
	}
	num := func() (int, bool) {
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		n, err := strconv.Atoi(rest[:i])
		rest = rest[i:]
		return n, err == nil
	}
	if line, ok = num(); !ok {
		return 0, 0, "", false
	}
	col = -1
	if r, found := strings.CutPrefix(rest, ":"); found && r != "" && r[0] >= '0' && r[0] <= '9' {
		rest = r
		col, _ = num()
	}
	msg, ok = strings.CutPrefix(rest, ": ")
	return line, col, msg, ok
}

// clean drops what means nothing to a template author: the executing
// template's name and Go package paths.
func clean(msg string) string {
	if rest, ok := strings.CutPrefix(msg, "executing "); ok {
		if at := strings.Index(rest, " at <"); at >= 0 {
			if end := strings.Index(rest[at:], ">: "); end >= 0 {
				msg = rest[at+len(" at <"):at+end] + ": " + rest[at+end+len(">: "):]
			}
		}
	}
	msg = strings.ReplaceAll(msg, "type render.", "type ")
	return strings.ReplaceAll(msg, "error calling "+tickFunc+": ", "")
}

// lineStart returns the byte offset where 1-based line begins, or -1.
func lineStart(src string, line int) int {
	pos := 0
	for l := 1; l < line; l++ {
		i := strings.IndexByte(src[pos:], '\n')
		if i < 0 {
			return -1
		}
		pos += i + 1
	}
	return pos
}

func lineEnd(src string, start int) int {
	if i := strings.IndexByte(src[start:], '\n'); i >= 0 {
		return start + i
	}
	return len(src)
}

// runeCol converts a 0-based byte offset within line to a 1-based
// character column.
func (p part) runeCol(line, byteCol int) int {
	start := lineStart(p.src, line)
	if start < 0 {
		return 0
	}
	end := min(start+byteCol, lineEnd(p.src, start))
	return utf8.RuneCountInString(p.src[start:end]) + 1
}

// parseErrorCol finds the column of a parse error, which Go reports by line
// only. It bisects for the shortest prefix of the source that fails with
// the same error, then points at the action being parsed there (the last
// "{{" before it), or at the quoted token the message names within that
// action. Best effort: 0 when it cannot tell.
func (p part) parseErrorCol(line int, full string) int {
	start := lineStart(p.src, line)
	if start < 0 {
		return 0
	}
	end := lineEnd(p.src, start)
	same := func(c int) bool {
		_, err := texttemplate.New(p.name).Funcs(p.funcs).Parse(p.src[:c])
		return err != nil && err.Error() == full
	}
	hi := end
	if !same(hi) {
		hi = len(p.src)
	}
	lo := start
	for lo < hi {
		mid := lo + (hi-lo)/2
		for mid > lo && !utf8.RuneStart(p.src[mid]) {
			mid--
		}
		if same(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	c := min(lo, end)
	a := strings.LastIndex(p.src[start:c], "{{")
	if a < 0 {
		return 0
	}
	pos := start + a
	if tok := quotedToken(full); tok != "" {
		if k := strings.Index(p.src[pos:end], tok); k >= 0 && pos+k < c+len(tok) {
			pos += k
		}
	}
	return utf8.RuneCountInString(p.src[start:pos]) + 1
}

// quotedToken returns the first Go-quoted string in msg, unquoted:
// `function "nope" not defined` → nope.
func quotedToken(msg string) string {
	i := strings.IndexByte(msg, '"')
	if i < 0 {
		return ""
	}
	q, err := strconv.QuotedPrefix(msg[i:])
	if err != nil {
		return ""
	}
	s, err := strconv.Unquote(q)
	if err != nil {
		return ""
	}
	return s
}
