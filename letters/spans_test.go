package letters

import (
	"reflect"
	"strings"
	"testing"
)

func TestSpans(t *testing.T) {
	link := func(ref string) string { return "https://c.example/notices/check?ref=" + ref }
	cases := []struct {
		name  string
		pages [][]string
		refs  []string
		want  []Span
		err   string
	}{
		{"one page each", [][]string{{link("A")}, {link("B")}}, []string{"A", "B"}, []Span{{1, 1}, {2, 1}}, ""},
		{"long middle letter, other links", [][]string{{link("A")}, {link("B"), "mailto:x@example.com"}, {}, {link("B")}, {link("C")}},
			[]string{"A", "B", "C"}, []Span{{1, 1}, {2, 3}, {5, 1}}, ""},
		{"last letter to the end", [][]string{{link("A")}, {}, {}}, []string{"A"}, []Span{{1, 3}}, ""},
		{"a letter missing", [][]string{{link("A")}, {}}, []string{"A", "B"}, nil, "B is not in the PDF"},
		{"out of order", [][]string{{link("B")}, {link("A")}}, []string{"A", "B"}, nil, "not after the letter before it"},
		{"another reference's link is ignored", [][]string{{link("A"), link("Z")}, {link("B")}}, []string{"A", "B"}, []Span{{1, 1}, {2, 1}}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Spans(c.pages, c.refs)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("err %v, want %q", err, c.err)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, c.want) {
				t.Fatalf("got %v %v, want %v", got, err, c.want)
			}
		})
	}
}
