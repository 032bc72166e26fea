// Package revdiff compares two revisions of a disclosure line by line, for
// GET /api/v1/disclosures/{id}/revisions?diff=1..2: reviewers approve a
// revision number, so they need to see exactly what changed since the one
// they last read.
//
// The content is compared field by field (title, default_locale, regulator,
// and each variant's subject, body and text), so a change in the Japanese
// body is reported as a change to "variants.ja.body", with hunks in the
// form of a unified diff, and also as unified-diff text.
package revdiff

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/candor-dev/candor"
	"github.com/sergi/go-diff/diffmatchpatch"
)

// Context is how many unchanged lines surround each change, as in diff -u.
const Context = 3

// Op is what happened to a line.
type Op string

// Line operations.
const (
	Equal  Op = "equal"
	Insert Op = "insert"
	Delete Op = "delete"
)

// prefix is the op's mark in unified-diff text.
func (op Op) prefix() byte {
	switch op {
	case Insert:
		return '+'
	case Delete:
		return '-'
	}
	return ' '
}

// Line is one line of a hunk, without its line break.
type Line struct {
	Op   Op     `json:"op"`
	Text string `json:"text"`
}

// Hunk is a run of changes with their context. Starts are 1-based line
// numbers and follow unified-diff convention: a side with no lines starts
// at the line before the change (0 at the top).
type Hunk struct {
	OldStart int    `json:"old_start"`
	OldLines int    `json:"old_lines"`
	NewStart int    `json:"new_start"`
	NewLines int    `json:"new_lines"`
	Lines    []Line `json:"lines"`
}

// FieldDiff is the change to one field, named as in the API's JSON.
// TooLarge marks a field that changed but was not diffed, because the
// request's budget was spent: its Hunks are empty.
type FieldDiff struct {
	Field    string `json:"field"`
	Hunks    []Hunk `json:"hunks"`
	TooLarge bool   `json:"too_large,omitempty"`
}

// Diff is what changed from revision From to revision To. Truncated says
// that some changed fields are listed as TooLarge, without their lines.
type Diff struct {
	From      int         `json:"from"`
	To        int         `json:"to"`
	Fields    []FieldDiff `json:"fields"`  // changed fields only, in a stable order
	Unified   string      `json:"unified"` // the same changes as unified-diff text
	Truncated bool        `json:"truncated"`
	// Work is what the diff cost, for tests and benchmarks.
	Work Work `json:"-"`
}

// Budget bounds the work of one diff, all fields together. A line diff
// costs up to the product of the two sides' line counts, and a disclosure
// has up to 32 locales of three fields each: a budget per field (go-diff's
// own timeout, a second each) let one viewer's request of 14 locales × 60
// KB run for 21 s of CPU. Fields are diffed in order while the budget
// lasts; a changed field that does not fit is listed as too large to diff.
type Budget struct {
	Time  time.Duration // wall time for every field's line diff together
	Bytes int           // bytes of text (both sides) diffed, all fields together
}

// DefaultBudget is the budget of a request: a second, and 1 MiB compared
// (eight or so bodies and their text parts at the template limit).
var DefaultBudget = Budget{Time: time.Second, Bytes: 1 << 20}

// Work counts what a diff did.
type Work struct {
	Bytes    int // bytes of text diffed line by line (both sides)
	Fields   int // fields diffed line by line
	TooLarge int // changed fields not diffed: over the budget
}

// Revisions compares revision a (older) with revision b (newer), within
// DefaultBudget.
func Revisions(a, b candor.Revision) Diff {
	return RevisionsWithin(a, b, DefaultBudget)
}

// RevisionsWithin is Revisions with a given budget.
func RevisionsWithin(a, b candor.Revision, budget Budget) Diff {
	fields, work := diffContent(a.Content, b.Content, budget)
	return Diff{From: a.Number, To: b.Number, Fields: fields, Unified: Unified(fields, a.Number, b.Number),
		Truncated: work.TooLarge > 0, Work: work}
}

// Content compares two contents field by field and returns the changed
// fields: title, default_locale, regulator.jurisdiction, regulator.email,
// then for each locale in sorted order its subject, body and text. A field
// absent on one side (a variant added or removed) compares as empty. The
// work is bounded by DefaultBudget.
func Content(a, b candor.DisclosureContent) []FieldDiff {
	fields, _ := diffContent(a, b, DefaultBudget)
	return fields
}

// ChangedFields names the fields Content would list, in the same order,
// without diffing them: it costs one pass over each text, so it can run
// where a full diff must not (inside an edit's row lock, for the audit).
func ChangedFields(a, b candor.DisclosureContent) []string {
	fa, fb := flatten(a), flatten(b)
	out := []string{}
	for _, name := range fieldOrder(a, b) {
		if fa[name] != fb[name] && normalize(fa[name]) != normalize(fb[name]) {
			out = append(out, name)
		}
	}
	return out
}

func diffContent(a, b candor.DisclosureContent, budget Budget) ([]FieldDiff, Work) {
	fa, fb := flatten(a), flatten(b)
	deadline := time.Now().Add(budget.Time)
	var work Work
	out := []FieldDiff{}
	for _, name := range fieldOrder(a, b) {
		x, y := fa[name], fb[name]
		// Texts that differ only in line endings have no hunks: no change.
		if x == y {
			continue
		}
		x, y = normalize(x), normalize(y)
		if x == y {
			continue
		}
		left := time.Until(deadline)
		if size := len(x) + len(y); work.Bytes+size > budget.Bytes || left <= 0 {
			// Smaller fields after this one may still fit in the bytes.
			work.TooLarge++
			out = append(out, FieldDiff{Field: name, Hunks: []Hunk{}, TooLarge: true})
			continue
		}
		work.Bytes += len(x) + len(y)
		work.Fields++
		out = append(out, FieldDiff{Field: name, Hunks: hunks(lines(x, y, left), Context)})
	}
	return out, work
}

func fieldOrder(a, b candor.DisclosureContent) []string {
	names := []string{"title", "default_locale", "regulator.jurisdiction", "regulator.email"}
	locales := slices.Sorted(maps.Keys(a.Variants))
	for loc := range b.Variants {
		if _, ok := a.Variants[loc]; !ok {
			locales = append(locales, loc)
		}
	}
	slices.Sort(locales)
	for _, loc := range locales {
		for _, part := range []string{"subject", "body", "text"} {
			names = append(names, "variants."+loc+"."+part)
		}
	}
	return names
}

func flatten(c candor.DisclosureContent) map[string]string {
	m := map[string]string{"title": c.Title, "default_locale": c.DefaultLocale}
	if c.Regulator != nil {
		m["regulator.jurisdiction"], m["regulator.email"] = c.Regulator.Jurisdiction, c.Regulator.Email
	}
	for loc, v := range c.Variants {
		m["variants."+loc+".subject"], m["variants."+loc+".body"], m["variants."+loc+".text"] = v.Subject, v.Body, v.Text
	}
	return m
}

// normalize makes line endings LF and adds a missing final newline:
// neither is visible to a reviewer, so neither is a change.
func normalize(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	if s != "" && !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	return s
}

// lines diffs two normalised texts line by line, within timeout: past it,
// go-diff returns a correct diff that is not the shortest (the rest of the
// text as deleted and inserted).
func lines(a, b string, timeout time.Duration) []Line {
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = timeout
	ca, cb, table := dmp.DiffLinesToChars(a, b)
	var out []Line
	for _, d := range dmp.DiffCharsToLines(dmp.DiffMain(ca, cb, false), table) {
		op := Equal
		switch d.Type {
		case diffmatchpatch.DiffInsert:
			op = Insert
		case diffmatchpatch.DiffDelete:
			op = Delete
		}
		for _, l := range strings.SplitAfter(d.Text, "\n") {
			if l != "" {
				out = append(out, Line{Op: op, Text: strings.TrimSuffix(l, "\n")})
			}
		}
	}
	return out
}

// hunks groups changed lines with ctx lines of context, merging changes
// that are at most 2*ctx unchanged lines apart, as diff -u does.
func hunks(ls []Line, ctx int) []Hunk {
	n := len(ls)
	oldAt, newAt := make([]int, n+1), make([]int, n+1) // line numbers of ls[i] on each side
	o, w := 1, 1
	for i, l := range ls {
		oldAt[i], newAt[i] = o, w
		if l.Op != Insert {
			o++
		}
		if l.Op != Delete {
			w++
		}
	}
	oldAt[n], newAt[n] = o, w

	var out []Hunk
	for i := 0; i < n; {
		for i < n && ls[i].Op == Equal {
			i++
		}
		if i == n {
			break
		}
		start := max(i-ctx, 0)
		j := i
		for {
			for j < n && ls[j].Op != Equal {
				j++
			}
			k := j
			for k < n && ls[k].Op == Equal {
				k++
			}
			if k == n || k-j > 2*ctx {
				break
			}
			j = k
		}
		end := min(j+ctx, n)
		h := Hunk{OldStart: oldAt[start], NewStart: newAt[start], Lines: slices.Clone(ls[start:end])}
		h.OldLines, h.NewLines = oldAt[end]-oldAt[start], newAt[end]-newAt[start]
		if h.OldLines == 0 {
			h.OldStart--
		}
		if h.NewLines == 0 {
			h.NewStart--
		}
		out = append(out, h)
		i = end
	}
	return out
}

// Unified renders field diffs as unified-diff text, one file per field,
// named by revision: "--- 1/variants.ja.body", "+++ 2/variants.ja.body".
// A field too large to diff is one line, as diff -q says it: "Files
// 1/variants.ja.body and 2/variants.ja.body differ (too large to diff)".
func Unified(fields []FieldDiff, from, to int) string {
	var b strings.Builder
	for _, f := range fields {
		if f.TooLarge {
			fmt.Fprintf(&b, "Files %d/%s and %d/%s differ (too large to diff)\n", from, f.Field, to, f.Field)
			continue
		}
		fmt.Fprintf(&b, "--- %d/%s\n+++ %d/%s\n", from, f.Field, to, f.Field)
		for _, h := range f.Hunks {
			fmt.Fprintf(&b, "@@ -%s +%s @@\n", span(h.OldStart, h.OldLines), span(h.NewStart, h.NewLines))
			for _, l := range h.Lines {
				b.WriteByte(l.Op.prefix())
				b.WriteString(l.Text)
				b.WriteByte('\n')
			}
		}
	}
	return b.String()
}

// span is a hunk range as diff -u writes it: "3" for one line, "3,4" else.
func span(start, n int) string {
	if n == 1 {
		return fmt.Sprint(start)
	}
	return fmt.Sprintf("%d,%d", start, n)
}
