package candor

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// The one rule for free text, applied by every Validate before a value is
// stored. PostgreSQL refuses NUL and invalid UTF-8 (a 500 if they reach it)
// while SQLite stores them, so the rule is here, not in the database: both
// databases see the same text. The API refuses the same two at its edge
// with the JSON path; this rule is for every other way in (CLI, imports).
//
// A single-line field (a title, a name, a subject, a reason) is shown in
// lists, mail headers and printed letters, where a line break or a tab is an
// accident of copying: they are folded to a space rather than refused, so a
// spreadsheet cell holding "Wei\nLi" imports as "Wei Li" and that customer is
// notified. Other control characters hide text or break output, and the
// bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069) make a
// name display as something else ("Trojan Source"); both are refused.
// Multi-line fields (a summary, a description, a postal address) keep
// line breaks and tabs and refuse the other control characters.

// CheckText returns s as it is to be stored and, when it may not be, a
// message saying why (empty when it is fine). A single-line s is folded
// (FoldLine) and trimmed first.
func CheckText(s string, singleLine bool) (string, string) {
	if !utf8.ValidString(s) {
		return s, "is not valid UTF-8"
	}
	if singleLine {
		s = strings.TrimSpace(FoldLine(s))
	}
	for _, r := range s {
		switch {
		case r == 0:
			return s, "contains a NUL character (U+0000)"
		case r == '\n' || r == '\r' || r == '\t':
			// Only reached in multi-line text: FoldLine removed them.
		case r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f:
			return s, fmt.Sprintf("contains a control character (U+%04X)", r)
		case singleLine && isBidiControl(r):
			return s, fmt.Sprintf("contains a bidirectional override (U+%04X), which can make the text display as something else", r)
		}
	}
	return s, ""
}

// Text applies CheckText to the value of field, records a problem, and
// returns the value to store: in.Title = v.Text("title", in.Title, true).
func (v *Validation) Text(field, s string, singleLine bool) string {
	out, msg := CheckText(s, singleLine)
	if msg != "" {
		v.Add(field, "%s", msg)
	}
	return out
}

// FoldLine replaces each run of white space that holds a line break or a
// tab (CR, LF, CRLF, TAB, with any spaces around them) by one space. Runs of
// plain spaces are left as they are: only what makes a second line goes.
func FoldLine(s string) string {
	if !strings.ContainsAny(s, "\r\n\t") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		j := i
		fold := false
		for j < len(s) && (s[j] == ' ' || s[j] == '\r' || s[j] == '\n' || s[j] == '\t') {
			fold = fold || s[j] != ' '
			j++
		}
		switch {
		case j == i:
			b.WriteByte(s[i])
			i++
			continue
		case fold:
			b.WriteByte(' ')
		default:
			b.WriteString(s[i:j])
		}
		i = j
	}
	return b.String()
}

func isBidiControl(r rune) bool {
	return r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069
}

// The range a date or time may take: wide enough for any real incident,
// deadline or schedule, narrow enough that a typo (9999-12-31, year 0) is
// refused instead of making every deadline computation and JSON encoding
// misbehave (a UTC year past 9999 cannot be written as RFC 3339).
var (
	MinDate = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	MaxDate = time.Date(2200, 12, 31, 23, 59, 59, 999999999, time.UTC)
)

// DateRangeMessage is the message for a time outside MinDate..MaxDate.
const DateRangeMessage = "must be between 1970-01-01 and 2200-12-31"

// InDateRange reports whether t (in any zone) lies within MinDate..MaxDate.
func InDateRange(t time.Time) bool {
	return !t.Before(MinDate) && !t.After(MaxDate)
}

// Date records a problem when t is set and outside the accepted range (a
// zero time, 0001-01-01, is outside).
func (v *Validation) Date(field string, t *time.Time) {
	if t != nil && !InDateRange(*t) {
		v.Add(field, "%s", DateRangeMessage)
	}
}
