package render

import (
	"context"
	"testing"

	"github.com/candor-dev/candor"
)

// FuzzRender feeds arbitrary template source to every part of a variant:
// whatever the source, rendering must not panic and must fail only with a
// domain error (EINVALID or ETOOLARGE), never an internal one.
func FuzzRender(f *testing.F) {
	for _, seed := range []string{
		"<p>{{.Customer.Name}}</p>",
		"<p>{{date .Incident.DiscoveredAt}} {{categories .Incident.DataCategories}}</p>",
		"{{range .Incident.Events}}<li>{{date .Date}} {{.Description}}</li>{{end}}",
		"{{.Customer.Nope}}",
		`{{template "x"}}`,
		`{{define "a"}}{{template "a"}}{{end}}{{template "a"}}`,
		"{{range 100000000}}{{end}}",
		`{{$s := "ab"}}{{range 40}}{{$s = print $s $s}}{{end}}`,
		`<a href="{{.Statement.URL}}">{{.Statement.URL}}</a>`,
		"<script>var x = {{.Customer}};</script>",
		`{{printf "%09999d" 1}}`,
		"{{if}}",
		"{{.Incident.DiscoveredAt.Format \"2006\"}}",
		"{{with .Customer.Name}}{{.}}{{else}}Customer{{end}}",
		"{{block \"b\" .}}x{{end}}",
		"{{range $i, $e := .Incident.Events}}{{if $i}}, {{end}}{{break}}{{end}}",
	} {
		f.Add(seed)
	}
	data := testData()
	f.Fuzz(func(t *testing.T, src string) {
		for _, v := range []candor.Variant{
			{Subject: "s", Body: src},
			{Subject: src, Body: "<p>x</p>"},
			{Subject: "s", Body: "<p>x</p>", Text: src},
		} {
			_, err := Render(context.Background(), v, "ja", data)
			if code := candor.ErrorCode(err); code != "" && code != candor.EINVALID && code != candor.ETOOLARGE {
				t.Fatalf("source %q: error %v has code %q", src, err, code)
			}
		}
	})
}
