package render

import (
	"context"
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
	}{
		{`{{with .Customer.DataCategories}}yours: {{categories .}}{{else}}all: {{categories .Incident.DataCategories}}{{end}}`, []string{"DataCategories"}},
		{`{{if eq .Customer.Country "JP"}}a{{else if eq $.Customer.Region "US-TX"}}b{{end}}`, []string{"Country", "Region"}},
		{`{{range .Incident.Events}}{{$.Customer.Locale}} {{.Description}}{{end}}`, []string{"Locale"}},
		{`{{if true}}{{$c := .Customer.Country}}{{$c}}{{end}}`, []string{"Country"}},
		{`{{with .Customer.Name}}Dear {{.}}{{end}}`, nil},
		{`{{.Customer.Email}}`, nil},
		{`{{with .Customer}}{{.Country}}{{end}}`, nil},
		{`{{(.Customer).Country}}`, nil},
		{`{{(.).Customer.Country}}`, nil},
		{`{{printf "%v %v" .Customer.Country .}}`, nil},
		{`{{printf "%v" $}}`, nil},
		{`{{$.Customer}}`, nil},
		{`{{template "x" .}}{{.Customer.Country}}`, nil},
		{`{{range .Incident.Events}}{{$.Customer.Name}}{{end}}`, nil},
		{`{{$n := .Customer.Country}}`, nil}, // declares for later nodes
		{`{{.Org.Name}}`, nil},               // reads no customer field: not a customer part
	} {
		tpl, err := texttemplate.New("t").Funcs(funcs(newLocale("en"))).Parse(`{{define "x"}}{{end}}` + c.src)
		if err != nil {
			t.Fatalf("%s: %v", c.src, err)
		}
		nodes := tpl.Tree.Root.Nodes
		if len(nodes) != 1 {
			nodes = nodes[:1]
		}
		got, ok := memoFields(nodes[0])
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
