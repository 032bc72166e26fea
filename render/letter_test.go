package render

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
)

func TestLetter(t *testing.T) {
	const body = "<p>Dear Ken,</p>\n<h2>1. Summary</h2>\n<p>We found it.</p>"
	for _, tc := range []struct {
		name, locale, org, subject string
		lang, dir                  string
		want                       []string // in the HTML
		text                       string   // the text part's start
	}{
		{name: "en", locale: "en", org: "Example Corp", subject: "About the incident", lang: "en", dir: "ltr",
			want: []string{"<title>About the incident</title>", ">Example Corp</td>", "line-height:1.6"}, text: "Example Corp\n\nDear Ken,"},
		{name: "ja", locale: "ja", org: "川崎重工業株式会社", subject: "当社への不正アクセスについて", lang: "ja", dir: "ltr",
			want: []string{"<title>当社への不正アクセスについて</title>", "'Noto Sans CJK JP'", "line-height:1.7"}, text: "川崎重工業株式会社\n\n"},
		{name: "th", locale: "th", org: "บริษัท ตัวอย่าง จำกัด", subject: "แจ้งเหตุ", lang: "th", dir: "ltr",
			want: []string{"'Noto Sans Thai'", "line-height:1.7"}, text: "บริษัท ตัวอย่าง จำกัด\n\n"},
		{name: "en-US", locale: "en-US", org: "Example Corp", subject: "s", lang: "en-US", dir: "ltr"},
		{name: "ar", locale: "ar", org: "شركة المثال", subject: "إشعار", lang: "ar", dir: "rtl"},
		{name: "he", locale: "he", org: "חברה לדוגמה", subject: "הודעה", lang: "he", dir: "rtl"},
		{name: "fa", locale: "fa-IR", org: "x", subject: "s", lang: "fa-IR", dir: "rtl"},
		{name: "ur", locale: "ur", org: "x", subject: "s", lang: "ur", dir: "rtl"},
		{name: "az Arabic script", locale: "az-Arab", org: "x", subject: "s", lang: "az-Arab", dir: "rtl"},
		{name: "az Latin script", locale: "az", org: "x", subject: "s", lang: "az", dir: "ltr"},
		{name: "not a tag", locale: "no such tag", org: "x", subject: "s", lang: "und", dir: "ltr"},
		{name: "escaping", locale: "en", org: `<script>alert("o")</script> & Co`, subject: `Tom's <b>notice</b> & "more"`, lang: "en", dir: "ltr",
			want: []string{"<title>Tom&#39;s &lt;b&gt;notice&lt;/b&gt; &amp; &#34;more&#34;</title>", "&lt;script&gt;alert(&#34;o&#34;)&lt;/script&gt; &amp; Co"},
			text: `<script>alert("o")</script> & Co` + "\n\n"},
		{name: "no name", locale: "en", org: "", subject: "s", lang: "en", dir: "ltr", text: "Dear Ken,"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := Rendered{Subject: tc.subject, HTML: body, Text: "Dear Ken,\n\nWe found it.\n"}
			out := Letter(in, tc.locale, tc.org)
			h := out.HTML
			if out.Subject != in.Subject {
				t.Errorf("subject %q", out.Subject)
			}
			if !strings.HasPrefix(h, "<!DOCTYPE html>\n<html lang=\""+tc.lang+"\" dir=\""+tc.dir+"\">\n<head>\n<meta charset=\"utf-8\">\n") {
				t.Errorf("starts:\n%.200s", h)
			}
			if !strings.HasSuffix(h, "</body>\n</html>\n") {
				t.Errorf("ends:\n%s", h[len(h)-100:])
			}
			for _, w := range append([]string{`<meta name="viewport" content="width=device-width, initial-scale=1">`, "max-width:600px"}, tc.want...) {
				if !strings.Contains(h, w) {
					t.Errorf("lacks %q:\n%s", w, h)
				}
			}
			if n := strings.Count(h, body); n != 1 {
				t.Errorf("the body appears %d times", n)
			}
			if n := strings.Count(h, "<title>"); n != 1 {
				t.Errorf("%d titles", n)
			}
			for _, bad := range []string{"<script", "<style", "word-break", "<link"} {
				if strings.Contains(h, bad) {
					t.Errorf("holds %q", bad)
				}
			}
			// The name: in the band before the body and in the footer after it.
			if esc := strings.NewReplacer("<", "&lt;", ">", "&gt;", "&", "&amp;", `"`, "&#34;", "'", "&#39;").Replace(tc.org); tc.org != "" {
				if i, j := strings.Index(h, ">"+esc+"</td>"), strings.Index(h, body); i < 0 || i > j || strings.Count(h, ">"+esc+"</td>") != 2 {
					t.Errorf("the name %q is not at the top and the foot:\n%s", esc, h)
				}
			} else if strings.Contains(h, "background-color:"+letterBand) {
				t.Errorf("a band without a name:\n%s", h)
			}
			if tc.text != "" && !strings.HasPrefix(out.Text, tc.text) {
				t.Errorf("text starts %q, want %q", out.Text, tc.text)
			}
			if !strings.HasSuffix(out.Text, in.Text) {
				t.Errorf("text %q lost %q", out.Text, in.Text)
			}
			if again := Letter(in, tc.locale, tc.org); again != out {
				t.Error("not deterministic")
			}
		})
	}
}

// A text that already starts with the name keeps it once.
func TestLetterTextKeepsName(t *testing.T) {
	in := Rendered{Subject: "s", HTML: "<p>x</p>", Text: "Example Corp\n\nDear customer,\n"}
	if out := Letter(in, "en", "Example Corp"); out.Text != in.Text {
		t.Errorf("text %q", out.Text)
	}
}

// A letter, or a body that is a page of its own, is not wrapped again: a
// second call changes nothing.
func TestLetterOnce(t *testing.T) {
	in := Rendered{Subject: "s", HTML: "<p>x</p>", Text: "x\n"}
	once := Letter(in, "en", "Example Corp")
	if twice := Letter(once, "en", "Example Corp"); twice != once {
		t.Errorf("wrapped twice:\n%s", twice.HTML)
	}
	for _, page := range []string{"<!DOCTYPE html><html><body>x</body></html>", "\n  <html lang=\"en\"><p>x</p></html>", "<!doctype html>x"} {
		if out := Letter(Rendered{Subject: "s", HTML: page, Text: "x"}, "en", "Example Corp"); out.HTML != page || out.Text != "x" {
			t.Errorf("a page was wrapped: %q", out.HTML)
		}
	}
}

func BenchmarkLetter(b *testing.B) {
	v := candor.Variant{Subject: "Notice of a data security incident at {{.Org.Name}}", Body: strings.Repeat(
		"<p>We are writing to inform you of an information security incident at {{.Org.Name}} that may have affected your personal information.</p>\n", 12)}
	data := Data{Org: OrgView{Name: "Example Corp", ContactEmail: "privacy@example.com"},
		Incident: IncidentView{Title: "Incident", DiscoveredAt: time.Date(2020, 6, 11, 0, 0, 0, 0, time.UTC)}}
	r, err := Render(context.Background(), v, "en", data)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(r.HTML)))
	b.ReportAllocs()
	for b.Loop() {
		Letter(r, "en", data.Org.Name)
	}
}
