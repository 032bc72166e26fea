package faq_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/faq"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		want       []candor.FAQItem
		err        string
	}{
		{"pairs", `<h1>x</h1><dl><dt>What happened?</dt><dd>An <b>intrusion</b>.</dd><dt>Whom to call?</dt><dd><a href="mailto:a@example.com">us</a></dd></dl>`,
			[]candor.FAQItem{{Question: "What happened?", AnswerHTML: "An <b>intrusion</b>.", Answer: "An intrusion."},
				{Question: "Whom to call?", AnswerHTML: `<a href="mailto:a@example.com">us</a>`, Answer: "us (a@example.com)"}}, ""},
		{"two answers and blocks", "<dl><dt>  What\n do I do? </dt><dd><p>First.</p><ul><li>one</li><li>two</li></ul></dd><dd>Also.</dd></dl>",
			[]candor.FAQItem{{Question: "What do I do?", AnswerHTML: "<p>First.</p><ul><li>one</li><li>two</li></ul>\nAlso.",
				Answer: "First.\n- one\n- two\n\nAlso."}}, ""},
		{"Japanese", "<dl><dt>何が起きたのですか。</dt><dd>不正アクセスです。</dd></dl>",
			[]candor.FAQItem{{Question: "何が起きたのですか。", AnswerHTML: "不正アクセスです。", Answer: "不正アクセスです。"}}, ""},
		{"no pair", "<p>Just text.</p>", nil, "renders no question"},
		{"answer first", "<dl><dd>orphan</dd><dt>Q</dt><dd>A</dd></dl>", nil, "before any question"},
		{"empty answer", "<dl><dt>Q</dt><dd> </dd></dl>", nil, "question 1 renders with an empty question or no answer"},
		{"question without answer", "<dl><dt>Q</dt><dd>A</dd><dt>Q2</dt></dl>", nil, "question 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := faq.Parse(tc.body)
			if tc.err != "" {
				if candor.ErrorCode(err) != candor.EINVALID || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want one saying %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d items %+v, want %d", len(got), got, len(tc.want))
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("item %d = %+v, want %+v", i, got[i], tc.want[i])
				}
			}
		})
	}
}

func TestWriteCSV(t *testing.T) {
	f := candor.PublishedFAQ{DefaultLocale: "ja", Variants: map[string]candor.FAQText{
		"en": {Items: []candor.FAQItem{{Question: "=HYPERLINK(1)", Answer: "a, \"b\"\nc"}}},
		"ja": {Items: []candor.FAQItem{{Question: "質問", Answer: "回答"}, {Question: "二", Answer: "-3"}}},
		"th": {Items: []candor.FAQItem{{Question: "คำถาม", Answer: "คำตอบ"}}},
	}}
	var b bytes.Buffer
	if err := faq.WriteCSV(&b, f); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"language", "number", "question", "answer"}, {"ja", "1", "質問", "回答"}, {"ja", "2", "二", "'-3"},
		{"en", "1", "'=HYPERLINK(1)", "a, \"b\"\nc"}, {"th", "1", "คำถาม", "คำตอบ"}}
	if len(rows) != len(want) {
		t.Fatalf("rows %q", rows)
	}
	for i := range want {
		if strings.Join(rows[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d = %q, want %q", i, rows[i], want[i])
		}
	}
}

func TestExpected(t *testing.T) {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	m := faq.Model{Rate: 0.1, Profile: []float64{0.5, 0.3, 0.2}, PostDays: 3}
	arrivals := []faq.Arrival{
		// 2020-12-28 23:30 UTC is the 29th in Tokyo.
		{At: time.Date(2020, 12, 28, 23, 30, 0, 0, time.UTC), Email: 1000},
		{At: time.Date(2021, 1, 2, 3, 0, 0, 0, time.UTC), Letters: 200},
	}
	got := faq.Expected(arrivals, m, tokyo)
	want := []faq.Day{
		{Date: "2020-12-29", Email: 1000, Calls: 50},
		{Date: "2020-12-30", Calls: 30},
		{Date: "2020-12-31", Calls: 20},
		{Date: "2021-01-01"},
		{Date: "2021-01-02", Letters: 200, Calls: 10},
		{Date: "2021-01-03", Calls: 6},
		{Date: "2021-01-04", Calls: 4},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("day %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if d := faq.Expected(nil, faq.DefaultModel, tokyo); len(d) != 0 {
		t.Errorf("no arrivals: %+v", d)
	}
	sum := 0.0
	for _, s := range faq.DefaultModel.Profile {
		sum += s
	}
	if sum < 0.999 || sum > 1.001 {
		t.Errorf("the default profile sums to %v, not 1", sum)
	}
}
