package render

import (
	"context"
	"fmt"
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
		{Name: "Bob", Country: "US", DataCategories: []string{"name", "ssn"}},
		{Name: ";"},
		// The same place and categories as Bob under another name and
		// email: a part memoised for Bob's values must not show Bob.
		{Name: "Carol <c>", Email: "carol@example.com", Country: "US", DataCategories: []string{"name", "ssn"}},
		{Name: "Dan", Country: "US", Region: "US-TX", DataCategories: []string{"name", "ssn"}},
		{Name: "Eve", Country: "US", DataCategories: []string{"ssn", "name"}},
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
		// From review: variables that outlive a node, $ reassigned,
		// escaping contexts, and text html2text converts with state.
		{"assign dollar", "S", `<p>Hi</p>{{if true}}{{$ = .Customer}}{{end}}<p>{{$.Name}}</p>`, ""},
		{"assign dollar nested", "S", `{{if true}}{{$ = .Customer}}{{end}}<p>{{$.Name}}</p>`, ""},
		{"with decl else", "S", `{{with $x := .Customer.Name}}<p>{{$x}}</p>{{else}}<p>{{$x}}none</p>{{end}}`, ""},
		{"entity split", "S", `<p>R&amp{{.Customer.Name}}</p>`, ""},

		{"template decl", "S", `{{define "x"}}{{end}}{{$n := .Customer.Name}}{{template "x" $n := "fixed"}}<p>{{$n}}</p>`, ""},
		{"template paren decl", "S", `{{define "x"}}{{end}}{{$n := .Customer.Name}}{{template "x" (print ($n := "fixed"))}}<p>{{$n}}</p>`, ""},
		{"js ctx", "S", `<script>var o = {{.Org.Name}}; var n = {{.Customer.Name}}; var x = /{{.Org.Name}}/; // {{.Customer.Email}}
</script><p onclick="f({{.Customer.Name}})">{{.Org.Name}}</p>`, ""},
		{"css/url ctx", "S", `<style>p { color: {{.Org.Name}} } a::after{content:"{{.Customer.Name}}"}</style><a href="{{.Customer.Email}}">x</a><img src="https://x/?q={{.Customer.Name}}&o={{.Org.Name}}">`, ""},
		{"template in contexts", "S", `{{define "v"}}{{.}}{{end}}<a title="{{template "v" .Org.Name}}" href="/{{template "v" .Customer.Name}}">{{template "v" .Customer.Name}}</a><script>var a={{template "v" .Org.Name}};</script>`, ""},
		{"if in tag", "S", `<input {{if .Customer.Name}}checked{{end}} value="{{.Org.Name}}">`, ""},
		{"comment", "S", `<!-- {{.Org.Name}} --><p>{{.Customer.Name}}</p><!-- x -->`, ""},

		// analysis
		{"paren decl shadows", "S", `{{$n := .Customer.Name}}<p>{{print ($n := "fixed")}}</p><p>{{$n}}</p>`, ""},
		{"paren decl later use", "S", `<p>{{print ($n := .Org.Name)}}</p><p>{{$n}}</p>`, ""},
		{"paren decl in text part", "S", `<p>x</p>`, `{{print ($n := .Org.Name)}} {{$n}}`},
		{"paren decl subject", `{{$n := .Customer.Name}}{{print ($n := "fixed")}} {{$n}}`, `<p>x</p>`, ""},
		{"range assign", "S", `{{$e := 0}}{{range $e = .Incident.Events}}{{end}}<p>{{$e}}</p>`, ""},
		{"index root", "S", `<p>{{index .Customer.DataCategories 0}}</p>`, ""},
		{"and/or", "S", `<p>{{or .Org.WebsiteURL $.Customer.Name}}</p><p>{{and .Org.Name .Customer.Email}}</p>`, ""},
		{"with else with", "S", `{{with .Org.WebsiteURL}}<p>{{.}}</p>{{else with .Customer.Email}}<p>{{.}}</p>{{end}}`, ""},
		{"range int", "S", `{{range 3}}<p>{{.}}{{$.Customer.Name}}</p>{{end}}{{range len .Customer.Name}}.{{end}}`, ""},
		{"block", "S", `{{block "b" .}}<p>{{.Customer.Name}}</p>{{end}}`, ""},
		{"template nil pipe", "S", `{{define "x"}}<p>{{$}}</p>{{end}}{{template "x"}}<p>{{.Customer.Name}}</p>`, ""},
		{"slice", "S", `<p>{{slice .Customer.Name 0 1}}</p>`, ""},
		{"chain paren", "S", `<p>{{(.).Customer.Name}} {{($).Customer.Email}} {{(index .Customer.DataCategories 0)}}</p>`, ""},
		{"break/continue", "S", `{{range .Incident.Events}}{{if eq $.Customer.Country "JP"}}{{break}}{{end}}<p>{{.Description}}</p>{{end}}`, ""},
		// text derivation
		{"leading space", "S", `<p>Dear{{with .Customer.Name}} {{.}}{{end}},</p><p>x</p>`, ""},
		{"div then p", "S", `<div>Intro</div>{{with .Customer.Name}}<p>Dear {{.}}</p>{{end}}<div>Outro</div>`, ""},
		{"ul then p", "S", `<ul><li>a</li></ul>{{with .Customer.Name}}<p>Dear {{.}}</p>{{end}}<p>b</p>`, ""},
		{"conditional href", "S", `<p>Contact <a {{if .Customer.Email}}href="mailto:{{.Org.ContactEmail}}"{{end}}>us</a>.</p><p>Important text</p>`, ""},
		{"dynamic opens link", "S", `<p>{{if .Customer.Email}}<a href="mailto:{{.Customer.Email}}">{{else}}<a href="{{.Org.WebsiteURL}}">{{end}}contact</a></p>`, ""},
		{"name anchor", "S", `<p>A</p>{{if .Customer.Name}}<a name="top"></a>{{end}}<p>B</p>`, ""},
		{"entity across", "S", `<p>Tom&{{.Customer.Name}}</p>`, ""},
		{"td cells", "S", `<table><tr><td>Name:</td><td>{{.Customer.Name}}</td></tr></table>`, ""},
		{"h2 after text", "S", `<span>Intro</span>{{if .Customer.Name}}<h2>For {{.Customer.Name}}</h2>{{end}}<span>x</span>`, ""},
		{"newline in dyn", "S", `<p>Hi</p>{{if .Customer.Name}}
<p>Dear {{.Customer.Name}}</p>
{{end}}<p>x</p>`, ""},
		{"br", "S", `<p>Hi<br>{{.Customer.Name}}<br>x</p>`, ""},
		{"empty value spaces", "S", `<p>A {{.Customer.Region}} B</p>`, ""},
		{"ends with dyn p", "S", `{{with .Customer.Name}}<p>Dear {{.}},</p>{{end}}We write to you.`, ""},
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
					// Each notice with its own reference: the text of a
					// shape is filled with it (bind_variant.go); one that
					// is not a word is converted whole.
					for _, ref := range []string{"K7QM4-XR2TD-9HWPA", "23456-789AB-CDEFG", "R&D <1>"} {
						data.Notice.Reference = ref
						want, wantErr := tpl.executeFull(context.Background(), data)
						got, gotErr := bound.ExecuteNotice(context.Background(), cu, ref)
						if (wantErr == nil) != (gotErr == nil) {
							t.Fatalf("reference %q customer %d: Execute error %v, bound error %v", ref, i, wantErr, gotErr)
						}
						if !c.exactText {
							got.Text, want.Text = squeeze(got.Text), squeeze(want.Text)
						}
						if got != want {
							t.Fatalf("reference %q customer %d: bound rendered\n%+v\nExecute rendered\n%+v", ref, i, got, want)
						}
					}
				}
			}
			// The shipped notices print markup around the reference and
			// for US readers: their text comes from a few shapes, never
			// from converting the whole body per message.
			if strings.HasPrefix(c.name, string(candor.KindCustomerNotice)+"/") {
				bound.shapes.mu.RLock()
				n, whole := len(bound.shapes.m), 0
				for _, v := range bound.shapes.m {
					if v == nil {
						whole++
					}
				}
				bound.shapes.mu.RUnlock()
				if n == 0 || n > 12 || whole > 0 {
					t.Errorf("%d shapes, %d of them converted whole; want 1 to 12 (the test's customers with markup in their names make their own), none whole", n, whole)
				}
			}
			// The shipped templates must split; others may fall back to
			// rendering whole (a template that assigns to $, or fails for
			// an empty customer), which is slower, not wrong.
			if c.exactText && bound.err != nil {
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
// shipped notice: only the nodes that read the customer or the notice's
// own reference (and the step counter) stay dynamic.
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
		if dyn > 6 || static < 10 {
			t.Errorf("%s body: %d dynamic and %d static top-level nodes; want at most 6 dynamic (tick, greeting, impact, the two references)", loc, dyn, static)
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

// TestBoundLimits: a bound template hits the step and output limits exactly
// where rendering it whole does. The shared parts' steps count to every
// message; the markers around the customer's parts do not count as output.
func TestBoundLimits(t *testing.T) {
	base := testData()
	n := 2000
	nearMax := fmt.Sprintf("<p>{{range %d}}aaaaaaaaaaaaaaaa{{end}}</p>", (MaxOutput-n*len("<i>Ken Sato</i>")-200)/16) +
		strings.Repeat("<i>{{.Customer.Name}}</i>", n)
	for _, c := range []struct {
		name, body string
		fails      bool
	}{
		{"shared and customer steps over the limit", `<p>x</p>{{range 60000}}{{end}}{{if .Customer.Name}}{{range 60000}}{{end}}{{end}}`, true},
		{"shared steps alone under the limit", `<p>x</p>{{range 60000}}{{end}}{{if .Customer.Name}}{{range 10}}{{end}}{{end}}`, false},
		{"output just under the limit", nearMax, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			tpl, err := Compile("en", candor.Variant{Subject: "S", Body: c.body})
			if err != nil {
				t.Fatal(err)
			}
			_, full := tpl.executeFull(context.Background(), base)
			b := tpl.Bind(base)
			_, bound := b.Execute(context.Background(), base.Customer)
			if (full != nil) != c.fails || (bound != nil) != c.fails {
				t.Fatalf("want failure %v; whole: %v; bound: %v", c.fails, full, bound)
			}
			if b.err != nil {
				t.Fatalf("bind fell back to full execution: %v", b.err)
			}
		})
	}
}

func BenchmarkNotice(b *testing.B) {
	variants, _ := templates.Defaults(candor.KindCustomerNotice)
	tpl, err := Compile("en", variants["en"])
	if err != nil {
		b.Fatal(err)
	}
	cu := testData().Customer
	b.Run("whole", func(b *testing.B) {
		data := testData()
		for b.Loop() {
			if _, err := tpl.executeFull(context.Background(), data); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("bound", func(b *testing.B) {
		bd := tpl.Bind(testData())
		for b.Loop() {
			if _, err := bd.Execute(context.Background(), cu); err != nil {
				b.Fatal(err)
			}
		}
	})
	// As a send renders: each notice with its own reference, which the
	// notice prints in a paragraph of its own (a shape, bind_variant.go).
	b.Run("bound with reference", func(b *testing.B) {
		bd := tpl.Bind(testData())
		for b.Loop() {
			if _, err := bd.ExecuteNotice(context.Background(), cu, "K7QM4-XR2TD-9HWPA"); err != nil {
				b.Fatal(err)
			}
		}
	})
}
