package render

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
)

func testData() Data {
	return Data{
		Customer: CustomerView{Name: "Ken Sato", Email: "ken@example.com", Country: "JP", Region: "JP-13", Locale: "ja", DataCategories: []string{"name", "email"}},
		Incident: IncidentView{
			Title:          "Unauthorized access",
			Summary:        "An internal audit found a connection that should not have occurred.",
			DiscoveredAt:   time.Date(2020, 6, 11, 0, 0, 0, 0, time.UTC),
			Severity:       "high",
			DataCategories: []string{"name", "email", "postal_address"},
			Affected:       26000,
			Events: []EventView{
				{Date: time.Date(2020, 6, 11, 0, 0, 0, 0, time.UTC), DateOnly: true, Description: "Identified unauthorized access"},
				{Date: time.Date(2020, 6, 15, 0, 0, 0, 0, time.UTC), DateOnly: true, Description: "Confirmed a possible breach"},
			},
		},
		Org:       OrgView{Name: "Example Heavy Industries", ContactEmail: "privacy@example.com", ContactPhone: "+81 3 0000 0000", WebsiteURL: "https://example.com"},
		Statement: StatementView{URL: "https://example.com/statements/2020-12"},
	}
}

func body(b string) candor.Variant { return candor.Variant{Subject: "Notice", Body: b} }

// fanOut is n templates each calling the next twice: 2^n calls, no recursion.
func fanOut(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `{{define "t%d"}}{{template "t%d"}}{{template "t%d"}}{{end}}`, i, i+1, i+1)
	}
	fmt.Fprintf(&b, `{{define "t%d"}}{{end}}<p>x{{template "t0"}}</p>`, n)
	return b.String()
}

func TestRenderBadInput(t *testing.T) {
	tests := []struct {
		name    string
		loc     string
		v       candor.Variant
		code    string
		field   string
		message string // a substring of the field's message
	}{
		{"syntax error", "ja", body("<p>\n本文\n日本語 {{if}}</p>"), candor.EINVALID, "variants.ja.body", "line 3, col 5: missing value for if"},
		{"unterminated action", "en", body("<p>\n{{.Customer.Name</p>"), candor.EINVALID, "variants.en.body", "line 2, col 1: bad character U+003C '<'"},
		{"undefined function", "en", body("<p>\n  {{nope .Customer.Name}}</p>"), candor.EINVALID, "variants.en.body", `line 2, col 5: function "nope" not defined`},
		{"unknown field", "ja", body("<p>\n\n日本語 {{.Customer.Nope}}</p>"), candor.EINVALID, "variants.ja.body", "line 3, col 16: .Customer.Nope: can't evaluate field Nope"},
		{"unknown field in subject", "en", candor.Variant{Subject: "Hi {{.Customer.Nope}}", Body: "<p>x</p>"}, candor.EINVALID, "variants.en.subject", "line 1, col 15:"},
		{"unknown field in text", "en", candor.Variant{Subject: "s", Body: "<p>x</p>", Text: "{{.Org.Nope}}"}, candor.EINVALID, "variants.en.text", "line 1, col 7:"},
		{"undefined template", "en", body("<p>x</p>\n  {{template \"x\"}}"), candor.EINVALID, "variants.en.body", `line 2, col 14: no such template "x"`},
		{"undefined template in text", "en", candor.Variant{Subject: "s", Body: "<p>x</p>", Text: `{{template "x"}}`}, candor.EINVALID, "variants.en.text", `no such template "x"`},
		{"recursive template", "en", body(`{{define "a"}}{{template "a" .}}{{end}}<p>{{template "a" .}}</p>`), candor.EINVALID, "variants.en.body", `recursive template call: "a" → "a"`},
		{"mutually recursive templates", "en", body(`{{define "a"}}{{template "b"}}{{end}}{{define "b"}}{{block "c" .}}{{template "a"}}{{end}}{{end}}<p>{{template "a"}}</p>`), candor.EINVALID, "variants.en.body", `recursive template call: "a" → "b" → "c" → "a"`},
		{"exponential template calls", "en", body(fanOut(24)), candor.ETOOLARGE, "variants.en.body", "takes more than 100000 steps"},
		{"huge silent loop", "en", body("<p>x</p>{{range 1000000000}}{{end}}"), candor.ETOOLARGE, "variants.en.body", "takes more than 100000 steps"},
		{"nested loops", "en", body("<p>x</p>{{range 1000}}{{range 1000}}{{end}}{{end}}"), candor.ETOOLARGE, "variants.en.body", "steps"},
		{"huge output", "en", body("<p>x</p>{{range 90000}}{{$.Incident.Summary}}{{end}}"), candor.ETOOLARGE, "variants.en.body", "renders more than 1 MiB"},
		{"huge text output", "en", candor.Variant{Subject: "s", Body: "<p>x</p>", Text: "{{range 90000}}{{$.Incident.Summary}}{{end}}"}, candor.ETOOLARGE, "variants.en.text", "renders more than 1 MiB"},
		{"huge subject", "en", candor.Variant{Subject: "{{range 200}}{{$.Incident.Summary}}{{end}}", Body: "<p>x</p>"}, candor.ETOOLARGE, "variants.en.subject", "renders more than 4 KiB"},
		{"string doubling", "en", body(`{{$s := "ab"}}{{range 40}}{{$s = print $s $s}}{{end}}<p>{{$s}}</p>`), candor.ETOOLARGE, "variants.en.body", "line 1, col 34: print $s $s: error calling print: builds a string of more than 64 KiB"},
		{"escaper doubling", "en", body(`{{$s := "\\"}}{{range 40}}{{$s = js $s}}{{end}}<p>{{$s}}</p>`), candor.ETOOLARGE, "variants.en.body", "builds a string of more than 64 KiB"},
		{"printf width", "en", body(`<p>{{printf "%01000000000d" 1}}</p>`), candor.ETOOLARGE, "variants.en.body", "width or precision 01000000000 is over 200"},
		{"printf star width", "en", body(`<p>{{printf "%*d" 1000000000 1}}</p>`), candor.ETOOLARGE, "variants.en.body", "'*' widths are not allowed"},
		{"computed time layout", "en", body(`{{$l := "2"}}<p>{{.Incident.DiscoveredAt.Format $l}}</p>`), candor.EINVALID, "variants.en.body", "Format takes one literal layout string"},
		{"piped time layout", "en", body(`<p>{{"2" | .Incident.DiscoveredAt.Format}}</p>`), candor.EINVALID, "variants.en.body", "Format takes one literal layout string"},
		{"unclosed attribute", "en", body(`<p><a href="{{.Statement.URL}}</p>`), candor.EINVALID, "variants.en.body", "ends inside a tag"},
		{"invalid locale", "english!", body("<p>x</p>"), candor.EINVALID, "variants.english!", "not a BCP 47 language tag"},
		{"undetermined locale", "und", body("<p>x</p>"), candor.EINVALID, "variants.und", "names no language"},
		{"body too large", "en", body(strings.Repeat("x", candor.MaxTemplateSize+1)), candor.ETOOLARGE, "variants.en.body", "the limit is 64 KiB"},
		{"no subject", "en", candor.Variant{Body: "<p>x</p>"}, candor.EINVALID, "variants.en.subject", "is required"},
		{"subject renders empty", "en", candor.Variant{Subject: "{{.Customer.Email}}", Body: "<p>x</p>"}, candor.EINVALID, "variants.en.subject", "renders empty"},
		{"body without text", "en", body(`<p><img src="{{.Org.WebsiteURL}}/logo.png"></p>`), candor.EINVALID, "variants.en.body", "renders no text"},
		{"text renders empty", "en", candor.Variant{Subject: "s", Body: "<p>x</p>", Text: "{{.Customer.Email}}"}, candor.EINVALID, "variants.en.text", "renders empty"},
		{"function error", "en", body(`<p>{{index .Incident.DataCategories 10}}</p>`), candor.EINVALID, "variants.en.body", "line 1, col 6: index .Incident.DataCategories 10: error calling index: index out of range: 10"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := testData()
			data.Customer.Email = "" // a postal customer, for "renders empty"
			got, err := Render(context.Background(), tt.v, tt.loc, data)
			if code := candor.ErrorCode(err); code != tt.code {
				t.Fatalf("code %q (%v), want %q; rendered %+v", code, err, tt.code, got)
			}
			fields := candor.ErrorFields(err)
			if len(fields) != 1 || fields[0].Field != tt.field || !strings.Contains(fields[0].Message, tt.message) {
				t.Fatalf("fields %+v, want one %s containing %q", fields, tt.field, tt.message)
			}
			if strings.HasPrefix(fields[0].Message, "line ") && fields[0].Line == 0 {
				t.Errorf("message has a line but FieldError.Line is 0")
			}
		})
	}
}

func TestRenderJapaneseDate(t *testing.T) {
	v := candor.Variant{
		Subject: "{{.Org.Name}}からのお知らせ（{{date .Incident.DiscoveredAt}}）",
		Body:    "<p>{{.Customer.Name}} 様</p><ul>{{range .Incident.Events}}<li>{{date .Date}}　{{.Description}}</li>{{end}}</ul><p>{{categories .Customer.DataCategories}}</p>",
	}
	got, err := Render(context.Background(), v, "ja", testData())
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"2020年6月11日", "2020年6月15日", "氏名、メールアドレス", "Ken Sato 様"} {
		if !strings.Contains(got.HTML, want) || !strings.Contains(got.Text, want) {
			t.Errorf("HTML %q or text %q lacks %q", got.HTML, got.Text, want)
		}
	}
	if got.Subject != "Example Heavy Industriesからのお知らせ（2020年6月11日）" {
		t.Errorf("subject %q", got.Subject)
	}
}

func TestRenderParts(t *testing.T) {
	tests := []struct {
		name string
		v    candor.Variant
		want Rendered
	}{
		{"text derived from HTML", candor.Variant{
			Subject: "Notice for {{.Customer.Name}}",
			Body:    `<h2>Contact</h2><p>Write to <a href="mailto:{{.Org.ContactEmail}}">{{.Org.ContactEmail}}</a> or read <a href="{{.Statement.URL}}">our statement</a>.</p><ul>{{range .Incident.Events}}<li>{{date .Date}}: {{.Description}}</li>{{end}}</ul>`,
		}, Rendered{
			Subject: "Notice for Ken Sato",
			HTML:    `<h2>Contact</h2><p>Write to <a href="mailto:privacy@example.com">privacy@example.com</a> or read <a href="https://example.com/statements/2020-12">our statement</a>.</p><ul><li>11 June 2020: Identified unauthorized access</li><li>15 June 2020: Confirmed a possible breach</li></ul>`,
			Text:    "Contact\n\nWrite to privacy@example.com or read our statement <https://example.com/statements/2020-12>.\n\n- 11 June 2020: Identified unauthorized access\n- 15 June 2020: Confirmed a possible breach",
		}},
		{"text template", candor.Variant{
			Subject: "Notice",
			Body:    "<p>{{.Customer.Name}} &amp; co</p>",
			Text:    "Dear {{.Customer.Name}} & co,\n\n\n\n{{number .Incident.Affected}} people.  ",
		}, Rendered{Subject: "Notice", HTML: "<p>Ken Sato &amp; co</p>", Text: "Dear Ken Sato & co,\n\n26,000 people."}},
		{"escaping", candor.Variant{Subject: "{{.Customer.Name}}", Body: "<p>{{.Customer.Name}}</p>"},
			Rendered{Subject: "<b>Ken</b> Bcc: x@example.com", HTML: "<p>&lt;b&gt;Ken&lt;/b&gt;\r\nBcc: x@example.com</p>", Text: "<b>Ken</b> Bcc: x@example.com"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := testData()
			if tt.name == "escaping" {
				data.Customer.Name = "<b>Ken</b>\r\nBcc: x@example.com"
			}
			got, err := Render(context.Background(), tt.v, "en", data)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got  %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

func TestExecuteCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Render(ctx, body("<p>x</p>{{range 100000}}{{end}}"), "en", testData())
	if !errors.Is(err, context.Canceled) || candor.ErrorCode(err) != candor.EINTERNAL {
		t.Fatalf("error %v, want the context's, as an internal error", err)
	}
}

func TestExecuteConcurrently(t *testing.T) {
	tmpl, err := Compile("en", body(`<p>{{.Customer.Name}}{{range .Incident.Events}}{{date .Date}}{{end}}</p>`))
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 8)
	for i := range 8 {
		go func() {
			data := testData()
			data.Customer.Name = fmt.Sprint("customer ", i)
			r, err := tmpl.Execute(context.Background(), data)
			if err == nil && !strings.Contains(r.HTML, data.Customer.Name+"11 June 2020") {
				err = fmt.Errorf("rendered %q for %q", r.HTML, data.Customer.Name)
			}
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

func BenchmarkExecute(b *testing.B) {
	tmpl, err := Compile("ja", body(strings.Repeat(`<p>{{.Customer.Name}} 様、{{.Incident.Summary}}</p><ul>{{range .Incident.Events}}<li>{{date .Date}} {{.Description}}</li>{{end}}</ul>`, 10)))
	if err != nil {
		b.Fatal(err)
	}
	data := testData()
	for b.Loop() {
		if _, err := tmpl.Execute(context.Background(), data); err != nil {
			b.Fatal(err)
		}
	}
}
