package revdiff

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/candor-dev/candor"
)

func numbered(n int, change map[int]string) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		if s, ok := change[i]; ok {
			if s != "" {
				b.WriteString(s + "\n")
			}
			continue
		}
		fmt.Fprintf(&b, "line %d\n", i)
	}
	return b.String()
}

func content(body string) candor.DisclosureContent {
	return candor.DisclosureContent{
		Title:         "Notice",
		DefaultLocale: "en",
		Variants:      map[string]candor.Variant{"en": {Subject: "Notice", Body: body}},
	}
}

func TestContent(t *testing.T) {
	base := content(numbered(20, nil))
	tests := []struct {
		name string
		edit func(c *candor.DisclosureContent)
		want string // the unified text
	}{
		{"unchanged", func(c *candor.DisclosureContent) {}, ""},
		{"line endings and final newline do not count", func(c *candor.DisclosureContent) {
			c.Variants["en"] = candor.Variant{Subject: "Notice", Body: strings.TrimSuffix(strings.ReplaceAll(numbered(20, nil), "\n", "\r\n"), "\r\n")}
		}, ""},
		{"title", func(c *candor.DisclosureContent) { c.Title = "Notice v2" },
			"--- 1/title\n+++ 2/title\n@@ -1 +1 @@\n-Notice\n+Notice v2\n"},
		{"one line in the middle", func(c *candor.DisclosureContent) {
			c.Variants["en"] = candor.Variant{Subject: "Notice", Body: numbered(20, map[int]string{10: "line ten"})}
		}, "--- 1/variants.en.body\n+++ 2/variants.en.body\n@@ -7,7 +7,7 @@\n line 7\n line 8\n line 9\n-line 10\n+line ten\n line 11\n line 12\n line 13\n"},
		{"changes six lines apart share a hunk", func(c *candor.DisclosureContent) {
			c.Variants["en"] = candor.Variant{Subject: "Notice", Body: numbered(20, map[int]string{5: "", 12: "twelve"})}
		}, "--- 1/variants.en.body\n+++ 2/variants.en.body\n@@ -2,14 +2,13 @@\n line 2\n line 3\n line 4\n-line 5\n line 6\n line 7\n line 8\n line 9\n line 10\n line 11\n-line 12\n+twelve\n line 13\n line 14\n line 15\n"},
		{"changes far apart make two hunks", func(c *candor.DisclosureContent) {
			c.Variants["en"] = candor.Variant{Subject: "Notice", Body: numbered(20, map[int]string{1: "one", 20: "twenty"})}
		}, "--- 1/variants.en.body\n+++ 2/variants.en.body\n@@ -1,4 +1,4 @@\n-line 1\n+one\n line 2\n line 3\n line 4\n@@ -17,4 +17,4 @@\n line 17\n line 18\n line 19\n-line 20\n+twenty\n"},
		{"variant added", func(c *candor.DisclosureContent) {
			c.Variants["ja"] = candor.Variant{Subject: "お知らせ", Body: "<p>本文</p>\n<p>二行目</p>"}
		}, "--- 1/variants.ja.subject\n+++ 2/variants.ja.subject\n@@ -0,0 +1 @@\n+お知らせ\n--- 1/variants.ja.body\n+++ 2/variants.ja.body\n@@ -0,0 +1,2 @@\n+<p>本文</p>\n+<p>二行目</p>\n"},
		{"regulator added", func(c *candor.DisclosureContent) {
			c.Regulator = &candor.Regulator{Jurisdiction: "JP", Email: "r@example.jp"}
		}, "--- 1/regulator.jurisdiction\n+++ 2/regulator.jurisdiction\n@@ -0,0 +1 @@\n+JP\n--- 1/regulator.email\n+++ 2/regulator.email\n@@ -0,0 +1 @@\n+r@example.jp\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			next := base.Clone()
			tt.edit(&next)
			d := Revisions(candor.Revision{Number: 1, Content: base}, candor.Revision{Number: 2, Content: next})
			if d.Unified != tt.want {
				t.Errorf("unified:\n%s\nwant:\n%s", d.Unified, tt.want)
			}
			if (tt.want == "") != (len(d.Fields) == 0) {
				t.Errorf("fields %+v", d.Fields)
			}
			back := Content(next, base)
			if len(back) != len(d.Fields) {
				t.Errorf("reverse diff has %d fields, forward %d", len(back), len(d.Fields))
			}
		})
	}
}

func TestVariantRemoved(t *testing.T) {
	a := content("<p>x</p>\n")
	a.Variants["th"] = candor.Variant{Subject: "s", Body: "<p>ไทย</p>", Text: "ไทย"}
	fields := Content(a, content("<p>x</p>\n"))
	var names []string
	for _, f := range fields {
		names = append(names, f.Field)
		if h := f.Hunks[0]; h.NewStart != 0 || h.NewLines != 0 || h.Lines[0].Op != Delete {
			t.Errorf("%s: hunk %+v", f.Field, h)
		}
	}
	if got := strings.Join(names, " "); got != "variants.th.subject variants.th.body variants.th.text" {
		t.Errorf("fields %s", got)
	}
}

func TestDiffJSON(t *testing.T) {
	d := Revisions(candor.Revision{Number: 1, Content: content("a\n")}, candor.Revision{Number: 2, Content: content("b\n")})
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"from":1,"to":2,"fields":[{"field":"variants.en.body","hunks":[{"old_start":1,"old_lines":1,"new_start":1,"new_lines":1,"lines":[{"op":"delete","text":"a"},{"op":"insert","text":"b"}]}]}],"unified":"--- 1/variants.en.body\n+++ 2/variants.en.body\n@@ -1 +1 @@\n-a\n+b\n","truncated":false}`
	if string(b) != want {
		t.Errorf("JSON\n%s\nwant\n%s", b, want)
	}
	empty, _ := json.Marshal(Revisions(candor.Revision{Number: 1}, candor.Revision{Number: 1}))
	if !strings.Contains(string(empty), `"fields":[]`) {
		t.Errorf("no changes marshal as %s; want an empty list, not null", empty)
	}
}
