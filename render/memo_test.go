package render

import (
	"context"
	"fmt"
	"slices"
	"testing"
	texttemplate "text/template"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/templates"
)

// memoFields memoises a customer part only when it provably reads nothing
// of the customer but memoable fields.
func TestMemoFields(t *testing.T) {
	for _, c := range []struct {
		src  string
		want []string // nil: not memoised
		at   int      // the top-level node examined
	}{
		{`{{with .Customer.DataCategories}}yours: {{categories .}}{{else}}all: {{categories .Incident.DataCategories}}{{end}}`, []string{"DataCategories"}, 0},
		{`{{if eq .Customer.Country "JP"}}a{{else if eq $.Customer.Region "US-TX"}}b{{end}}`, []string{"Country", "Region"}, 0},
		{`{{range .Incident.Events}}{{$.Customer.Locale}} {{.Description}}{{end}}`, []string{"Locale"}, 0},
		// Variables are refused: an inner one may shadow an outer one
		// holding the name, and an assignment must run for later nodes.
		{`{{if true}}{{$c := .Customer.Country}}{{$c}}{{end}}`, nil, 0},
		{`{{$v := .Customer.Name}}<p>{{if .Customer.Country}}{{if true}}{{$v := "x"}}{{end}}Hi {{$v}}{{end}}</p>`, nil, 2},
		{`{{$v := .Customer.Name}}{{if eq .Customer.Country "JP"}}{{$v = "resident"}}{{end}}<p>{{$v}}</p>`, nil, 1},
		{`{{range $i, $e := .Incident.Events}}{{$.Customer.Region}}{{$e.Description}}{{end}}`, nil, 0},
		{`{{with .Customer.Name}}Dear {{.}}{{end}}`, nil, 0},
		{`{{.Customer.Email}}`, nil, 0},
		{`{{with .Customer}}{{.Country}}{{end}}`, nil, 0},
		{`{{(.Customer).Country}}`, nil, 0},
		{`{{(.).Customer.Country}}`, nil, 0},
		{`{{printf "%v %v" .Customer.Country .}}`, nil, 0},
		{`{{printf "%v" $}}`, nil, 0},
		{`{{$.Customer}}`, nil, 0},
		{`{{template "x" .}}{{.Customer.Country}}`, nil, 0},
		{`{{range .Incident.Events}}{{$.Customer.Name}}{{end}}`, nil, 0},
		{`{{$n := .Customer.Country}}`, nil, 0}, // declares for later nodes
		{`{{.Org.Name}}`, nil, 0},               // reads no customer field: not a customer part
	} {
		tpl, err := texttemplate.New("t").Funcs(funcs(newLocale("en"))).Parse(`{{define "x"}}{{end}}` + c.src)
		if err != nil {
			t.Fatalf("%s: %v", c.src, err)
		}
		got, ok := memoFields(tpl.Tree.Root.Nodes[c.at])
		if !ok {
			got = nil
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: memoised on %v, want %v", c.src, got, c.want)
		}
	}
}

// The shipped notices memoise their data-categories paragraph and not the
// greeting; customers of the same categories share one rendering of it,
// each still addressed by their own name. Their subjects are run once.
func TestShippedNoticeMemoisesCategories(t *testing.T) {
	variants, _ := templates.Defaults(candor.KindCustomerNotice)
	for loc, v := range variants {
		tpl, err := Compile(loc, v)
		if err != nil {
			t.Fatal(err)
		}
		b := tpl.Bind(testData())
		for _, name := range []string{"Ann", "Bo", "Cy"} {
			c := CustomerView{Name: name, Country: "JP", DataCategories: []string{"email", "name"}}
			r, err := b.Execute(context.Background(), c)
			if err != nil {
				t.Fatal(err)
			}
			data := testData()
			data.Customer = c
			want, err := tpl.executeFull(context.Background(), data)
			if err != nil {
				t.Fatal(err)
			}
			if r != want {
				t.Fatalf("%s, %s: bound\n%+v\nwhole\n%+v", loc, name, r, want)
			}
		}
		if len(b.memos) != 1 || !slices.Equal(b.memos[0].fields, []string{"DataCategories"}) || len(b.memos[0].out) != 1 {
			t.Fatalf("%s: memos %d (want the categories paragraph, rendered once)", loc, len(b.memos))
		}
		// The subject reads no customer: it is run once.
		in, err := b.reduced(context.Background())
		if err != nil || in.subjectLine == nil || *in.subjectLine == "" {
			t.Fatalf("%s: subject not fixed (%v)", loc, err)
		}
	}
}

// A message that pastes a memoised part in still counts the steps it took:
// the bound template fails where rendering every node fails, whoever
// filled the memo.
func TestMemoCountsSteps(t *testing.T) {
	body := fmt.Sprintf(`<p>{{if .Customer.Country}}{{range %d}}{{end}}{{end}}</p><p>{{if .Customer.Name}}{{range %d}}{{end}}{{end}}</p><p>{{.Org.Name}}</p>`,
		MaxSteps*6/10, MaxSteps*45/100)
	tpl, err := Compile("en", candor.Variant{Subject: "S", Body: body})
	if err != nil {
		t.Fatal(err)
	}
	b := tpl.Bind(testData())
	if _, err := b.Execute(context.Background(), CustomerView{Country: "JP"}); err != nil {
		t.Fatalf("no name: %v", err)
	}
	if len(b.memos) != 1 || len(b.memos[0].out) != 1 {
		t.Fatalf("the country part is not memoised (%d memos)", len(b.memos))
	}
	data := testData()
	data.Customer = CustomerView{Name: "Bob", Country: "JP"}
	_, whole := tpl.executeFull(context.Background(), data)
	_, bound := b.Execute(context.Background(), data.Customer)
	if whole == nil || bound == nil {
		t.Fatalf("over the step limit: whole %v, bound %v", whole, bound)
	}
}
