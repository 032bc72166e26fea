package revdiff

import (
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/internal/fixture"
)

// BenchmarkRevisions14Locales is the case: 14 locales × 60 KB of
// changed text in body and text. Before the request budget each field had
// its own second (go-diff's DiffTimeout): about 14 s per request.
func BenchmarkRevisions14Locales(b *testing.B) {
	a, c := candor.Revision{Number: 1, Content: fixture.LargeNotice(1)}, candor.Revision{Number: 2, Content: fixture.LargeNotice(2)}
	for b.Loop() {
		Revisions(a, c)
	}
}

// TestBudgetPerRequest: the request, 14 locales × 60 KB of changed
// body and text, stays within one budget for all its fields, and says so.
// It checks the work counter, not the clock (BenchmarkRevisions14Locales
// measures the time: 21 s per request before, 1.0 s after).
func TestBudgetPerRequest(t *testing.T) {
	a, b := candor.Revision{Number: 1, Content: fixture.LargeNotice(1)}, candor.Revision{Number: 2, Content: fixture.LargeNotice(2)}
	tests := []struct {
		name   string
		budget Budget
	}{
		{"bytes run out", Budget{Time: time.Hour, Bytes: 150_000}},
		{"time runs out", Budget{Time: time.Nanosecond, Bytes: 1 << 30}},
		{"the default", DefaultBudget},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := RevisionsWithin(a, b, tt.budget)
			if d.Work.Bytes > tt.budget.Bytes {
				t.Errorf("compared %d bytes; budget %d", d.Work.Bytes, tt.budget.Bytes)
			}
			// Every changed field is listed, diffed or not: 28 texts and
			// 14 subjects' locales share them.
			if len(d.Fields) != 28 || d.Work.Fields+d.Work.TooLarge != 28 {
				t.Fatalf("%d fields listed, %+v", len(d.Fields), d.Work)
			}
			if !d.Truncated || d.Work.TooLarge == 0 {
				t.Fatalf("not truncated: %+v", d.Work)
			}
			for _, f := range d.Fields {
				if f.TooLarge != (len(f.Hunks) == 0) {
					t.Errorf("%s: too_large %v with %d hunks", f.Field, f.TooLarge, len(f.Hunks))
				}
				if f.TooLarge && !strings.Contains(d.Unified, "Files 1/"+f.Field+" and 2/"+f.Field+" differ (too large to diff)\n") {
					t.Errorf("%s: not in the unified text as too large", f.Field)
				}
			}
		})
	}
	t.Run("the title still fits after a body that does not", func(t *testing.T) {
		c := b.Content.Clone()
		c.Title = "Notice v2"
		d := RevisionsWithin(a, candor.Revision{Number: 2, Content: c}, Budget{Time: time.Hour, Bytes: 200_000})
		if d.Fields[0].Field != "title" || d.Fields[0].TooLarge {
			t.Errorf("first field %+v", d.Fields[0])
		}
		if d.Work.Fields < 2 {
			t.Errorf("work %+v; want the title and at least one text diffed", d.Work)
		}
	})
}

// TestChangedFields: the cheap list the edit's audit entry keeps names
// what a full diff lists, without diffing.
func TestChangedFields(t *testing.T) {
	base := content(numbered(20, nil))
	crlf := base.Clone()
	crlf.Variants["en"] = candor.Variant{Subject: "Notice", Body: strings.ReplaceAll(numbered(20, nil), "\n", "\r\n")}
	added := base.Clone()
	added.Title = "v2"
	added.Variants["ja"] = candor.Variant{Subject: "お知らせ", Body: "<p>本文</p>"}
	big := fixture.LargeNotice(2)
	for name, pair := range map[string][2]candor.DisclosureContent{
		"same": {base, base}, "line endings": {base, crlf}, "added": {base, added}, "removed": {added, base},
		"big": {fixture.LargeNotice(1), big},
	} {
		t.Run(name, func(t *testing.T) {
			// Listed whether diffed or too large: the budget does not matter.
			var want []string
			for _, f := range RevisionsWithin(candor.Revision{Content: pair[0]}, candor.Revision{Content: pair[1]},
				Budget{Time: 10 * time.Millisecond, Bytes: 1 << 30}).Fields {
				want = append(want, f.Field)
			}
			if got := ChangedFields(pair[0], pair[1]); strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("ChangedFields %v; the diff lists %v", got, want)
			}
		})
	}
}
