package render

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/templates"
)

// bindCustomers are recipients that exercise every branch a template may
// take on the customer: full, empty, and data that needs escaping.
func bindCustomers() []CustomerView {
	full := testData().Customer
	return []CustomerView{
		full,
		{},
		{Name: `<b>O'Brien & "Sons"</b> {{.Org.Name}}`, Email: "o@example.com", Country: "US", Region: "US-CA", Locale: "en",
			DataCategories: []string{"email", "custom label <x>"}},
		{Name: "สมศรี ใจดี", Locale: "th", Country: "TH", DataCategories: []string{"national_id"}},
	}
}

// TestBoundMatchesExecute holds Bind to its promise: for every shipped
// template and for templates built to confuse the analysis, a bound
// template renders exactly what rendering every node for the same data
// renders (the text of the shipped templates included; elsewhere up to
// spaces within a line).
func TestBoundMatchesExecute(t *testing.T) {
	type tc struct {
		name      string
		loc       string
		v         candor.Variant
		exactText bool
	}
	var cases []tc
	for _, kind := range []candor.DisclosureKind{candor.KindCustomerNotice, candor.KindRegulatorReport, candor.KindPublicStatement} {
		variants, _ := templates.Defaults(kind)
		if len(variants) == 0 {
			t.Fatalf("no default templates for %s", kind)
		}
		for loc, v := range variants {
			cases = append(cases, tc{string(kind) + "/" + loc, loc, v, true})
		}
	}
	for _, c := range []struct{ name, subject, body, text string }{
		{"customer through $ in a range", "S", `<ul>{{range .Incident.Events}}<li>{{$.Customer.Name}} {{.Description}}</li>{{end}}</ul>`, ""},
		{"variable declared at the top", "S", `{{$n := .Customer.Name}}<p>{{.Org.Name}}</p><p>{{$n}}</p>`, ""},
		{"variable assigned in a range", "S", `{{$n := "x"}}{{range .Incident.Events}}{{$n = $.Customer.Name}}{{end}}<p>{{$n}}</p>`, ""},
		{"whole data to a function", "S", `<p>{{printf "%v" .}}</p><p>{{printf "%v" $}}</p>`, ""},
		{"whole data to a template", "S", `{{define "c"}}<b>{{.Customer.Name}}</b>{{end}}<p>{{template "c" .}}</p><p>{{template "c" $}}</p>`, ""},
		{"clean value to a template", "S", `{{define "o"}}<b>{{.}}</b>{{end}}<p>{{template "o" .Org.Name}}</p>`, ""},
		{"with rebinding dot", "S", `{{with .Customer}}<p>{{.Name}}</p>{{end}}{{with .Incident}}<p>{{.Title}}</p>{{else}}<p>{{.Customer.Name}}</p>{{end}}`, ""},
		{"else keeps the outer dot", "S", `{{with .Org.ContactPhone}}<p>{{.}}</p>{{else}}<p>{{.Customer.Email}}</p>{{end}}`, ""},
		{"customer in a condition", "S", `{{if eq .Customer.Country "JP"}}<p>日本</p>{{else}}<p>other</p>{{end}}<p>{{len .Customer.DataCategories}}</p>`, ""},
		{"attribute and URL contexts", "S", `<a href="{{.Statement.URL}}?n={{.Customer.Name}}" title="{{.Customer.Name}}">{{.Org.Name}}</a><script>var n = {{.Customer.Name}};</script>`, ""},
		{"chains and pipes", "S", `<p>{{(.Incident).Title}} {{(.Customer).Name}} {{.Customer.Name | printf "%s!"}} {{.Org.Name | printf "%s?"}}</p>`, ""},
		{"customer in subject and text", "Hello {{.Customer.Name}} from {{.Org.Name}}", `<p>{{.Org.Name}}</p>`, "Dear {{.Customer.Name}},\n{{range .Incident.Events}}{{date .Date}} {{.Description}}\n{{end}}"},
		{"text around an empty value", "S", `<p>Region {{.Customer.Region}} here.</p><p>{{.Org.Name}}</p>`, ""},
		{"customer link and list", "S", `<p>Write to <a href="mailto:{{.Customer.Email}}">{{.Customer.Email}}</a>.</p>{{if .Customer.DataCategories}}<ul>{{range .Customer.DataCategories}}<li>{{.}}</li>{{end}}</ul>{{end}}<h2>{{.Org.Name}}</h2>`, ""},
		{"customer block between headings", "S", `<h2>A</h2>{{with .Customer.Name}}<p>{{.}}</p>{{end}}<h2>B</h2><p>{{.Incident.Summary}}</p>`, ""},
		{"dates and categories", "S", `<p>{{date .Incident.DiscoveredAt}} {{categories .Incident.DataCategories}} {{categories .Customer.DataCategories}}</p>`, ""},
	} {
		cases = append(cases, tc{c.name, "en", candor.Variant{Subject: c.subject, Body: c.body, Text: c.text}, false})
	}

	base := testData()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tpl, err := Compile(c.loc, c.v)
			if err != nil {
				t.Fatal(err)
			}
			bound := tpl.Bind(base)
			for round := range 2 { // the second round runs on pooled instances
				for i, cu := range bindCustomers() {
					data := base
					data.Customer = cu
					want, wantErr := tpl.executeFull(context.Background(), data)
					got, gotErr := bound.Execute(context.Background(), cu)
					if (wantErr == nil) != (gotErr == nil) {
						t.Fatalf("round %d customer %d: Execute error %v, bound error %v", round, i, wantErr, gotErr)
					}
					if !c.exactText { // the text may differ in spaces within a line
						got.Text, want.Text = squeeze(got.Text), squeeze(want.Text)
					}
					if got != want {
						t.Fatalf("round %d customer %d: bound rendered\n%+v\nExecute rendered\n%+v", round, i, got, want)
					}
				}
			}
			if bound.err != nil {
				t.Fatalf("bind fell back to full execution: %v", bound.err)
			}
		})
	}
}

// squeeze folds runs of spaces within each line: where a customer's value
// is empty, html2text over the whole body and a Bound's text may differ in
// the spaces around it, and in nothing else.
func squeeze(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.Join(strings.Fields(l), " ")
	}
	return strings.Join(lines, "\n")
}

// TestBindRendersSharedPartsOnce checks that the split does its job on the
// shipped notice: only the nodes that read the customer (and the step
// counter) stay dynamic.
func TestBindRendersSharedPartsOnce(t *testing.T) {
	variants, _ := templates.Defaults(candor.KindCustomerNotice)
	for _, loc := range []string{"en", "ja"} {
		tpl, err := Compile(loc, variants[loc])
		if err != nil {
			t.Fatal(err)
		}
		b := tpl.Bind(testData())
		if _, err := b.Execute(context.Background(), testData().Customer); err != nil {
			t.Fatal(err)
		}
		dyn, static := 0, 0
		for _, d := range b.dynamic["body"] {
			if d {
				dyn++
			} else {
				static++
			}
		}
		if dyn > 4 || static < 10 {
			t.Errorf("%s body: %d dynamic and %d static top-level nodes; want at most 4 dynamic (tick, greeting, impact)", loc, dyn, static)
		}
		for _, d := range b.dynamic["subject"][1:] { // [0] is the step counter
			if d {
				t.Errorf("%s subject: a node that does not read the customer runs per recipient", loc)
			}
		}
	}
}

// TestBoundConcurrent renders from many goroutines at once (run with -race).
func TestBoundConcurrent(t *testing.T) {
	variants, _ := templates.Defaults(candor.KindCustomerNotice)
	tpl, err := Compile("ja", variants["ja"])
	if err != nil {
		t.Fatal(err)
	}
	b := tpl.Bind(testData())
	want, err := tpl.Execute(context.Background(), testData())
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for range 8 {
		wg.Go(func() {
			for range 20 {
				got, err := b.Execute(context.Background(), testData().Customer)
				if err != nil || got != want {
					errs <- "bound render differs under concurrency"
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
}

// TestPlainText checks the shortcut against html2text itself.
func TestPlainText(t *testing.T) {
	for _, s := range []string{"", "Ken Sato", "山田 花子", "Dear Ken Sato,", " lead", "two  spaces", "tab\there",
		"line\nbreak", "a &amp; b", "O&#39;Brien", "<b>x</b>", "a > b", "trail ", "x\u2028y", "x\u200by", "สมศรี ใจดี"} {
		if plainText(s) && convertHTML(s) != s {
			t.Errorf("plainText(%q) = true, but html2text gives %q", s, convertHTML(s))
		}
	}
	for _, s := range []string{"Ken Sato", "Dear Ken Sato,", "山田 花子"} {
		if !plainText(s) {
			t.Errorf("plainText(%q) = false", s)
		}
	}
}
