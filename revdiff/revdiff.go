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
type FieldDiff struct {
	Field string `json:"field"`
	Hunks []Hunk `json:"hunks"`
}

// Diff is what changed from revision From to revision To.
type Diff struct {
	From    int         `json:"from"`
	To      int         `json:"to"`
	Fields  []FieldDiff `json:"fields"`  // changed fields only, in a stable order
	Unified string      `json:"unified"` // the same changes as unified-diff text
}

// Revisions compares revision a (older) with revision b (newer).
func Revisions(a, b candor.Revision) Diff {
	fields := Content(a.Content, b.Content)
	return Diff{From: a.Number, To: b.Number, Fields: fields, Unified: Unified(fields, a.Number, b.Number)}
}

// Content compares two contents field by field and returns the changed
// fields: title, default_locale, regulator.jurisdiction, regulator.email,
// then for each locale in sorted order its subject, body and text. A field
// absent on one side (a variant added or removed) compares as empty.
func Content(a, b candor.DisclosureContent) []FieldDiff {
	fa, fb := flatten(a), flatten(b)
	out := []FieldDiff{}
	for _, name := range fieldOrder(a, b) {
		if fa[name] == fb[name] {
			continue
		}
		// Texts that differ only in line endings have no hunks: no change.
		if h := hunks(lines(fa[name], fb[name]), Context); len(h) > 0 {
			out = append(out, FieldDiff{Field: name, Hunks: h})
		}
	}
	return out
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

// lines diffs two texts line by line. Line endings are normalised and a
// missing final newline is ignored: neither is visible to a reviewer.
func lines(a, b string) []Line {
	norm := func(s string) string {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		if s != "" && !strings.HasSuffix(s, "\n") {
			s += "\n"
		}
		return s
	}
	dmp := diffmatchpatch.New()
	ca, cb, table := dmp.DiffLinesToChars(norm(a), norm(b))
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
func Unified(fields []FieldDiff, from, to int) string {
	var b strings.Builder
	for _, f := range fields {
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
