package render

import (
	"context"
	"strings"
	"testing"

	"github.com/candor-dev/candor"
)

func TestCheck(t *testing.T) {
	good := candor.Variant{Subject: "Notice", Body: "<p>{{with .Customer.Name}}Dear {{.}}{{else}}Dear customer{{end}}</p>"}
	tests := []struct {
		name     string
		variants map[string]candor.Variant
		locales  []string
		code     string
		fields   []string // field: message substring
	}{
		{"good", map[string]candor.Variant{"en": good, "ja": good}, []string{"ja", "th", "bogus!"}, "", nil},
		{"fails for the empty customer only", map[string]candor.Variant{
			"en": good,
			"ja": {Subject: "お知らせ", Body: "<p>{{index .Customer.DataCategories 0}}</p>"},
		}, []string{"ja"}, candor.EINVALID, []string{
			"variants.ja.body: line 1, col 6: index .Customer.DataCategories 0: error calling index: reflect: slice index out of range (rendering for a customer with empty optional fields)",
		}},
		{"fails only for a customer of a locale present", map[string]candor.Variant{
			"en": {Subject: "Notice", Body: `<p>{{if eq .Customer.Country "TH"}}{{.Customer.Nope}}{{end}}x</p>`},
		}, []string{"th"}, candor.EINVALID, []string{"variants.en.body: line 1, col 47: .Customer.Nope: can't evaluate field Nope in type CustomerView (rendering for a customer of locale th)"}},
		{"errors per variant, once each", map[string]candor.Variant{
			"en": {Subject: "{{.Customer.Nope}}", Body: "<p>{{.Org.Nope}}</p>"},
			"ja": {Subject: "お知らせ", Body: "<p>{{.Incident.Nope}}</p>"},
			"th": good,
		}, []string{"en", "ja", "th", "id"}, candor.EINVALID, []string{
			"variants.en.subject: line 1, col 12: .Customer.Nope",
			"variants.ja.body: line 1, col 15: .Incident.Nope",
		}},
		{"syntax errors in every variant", map[string]candor.Variant{
			"en": {Subject: "s", Body: "<p>{{if}}</p>"},
			"id": {Subject: "s {{", Body: "<p>x</p>"},
		}, nil, candor.EINVALID, []string{"variants.en.body: line 1, col 4: missing value for if", "variants.id.subject: line 1, col 3: unclosed action"}},
		{"too large", map[string]candor.Variant{"en": {Subject: "s", Body: strings.Repeat("x", candor.MaxTemplateSize+1)}}, nil, candor.ETOOLARGE, []string{"variants.en.body: is 65537 bytes"}},
		{"a limit stops the variant", map[string]candor.Variant{"en": {Subject: "s", Body: "<p>x</p>{{range 1000000}}{{end}}"}}, []string{"ja", "th"}, candor.EINVALID, []string{"variants.en.body: takes more than 100000 steps"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := candor.DisclosureContent{Title: "x", DefaultLocale: "en", Variants: tt.variants}
			err := Check(context.Background(), c, testData(), tt.locales)
			if code := candor.ErrorCode(err); code != tt.code {
				t.Fatalf("code %q (%v), want %q", code, err, tt.code)
			}
			got := candor.ErrorFields(err)
			if len(got) != len(tt.fields) {
				t.Fatalf("fields %+v, want %d", got, len(tt.fields))
			}
			for i, want := range tt.fields {
				if s := got[i].Field + ": " + got[i].Message; !strings.HasPrefix(s, want) {
					t.Errorf("field %d: %q, want it to start %q", i, s, want)
				}
			}
		})
	}
}

func TestCheckSyntax(t *testing.T) {
	c := candor.DisclosureContent{Variants: map[string]candor.Variant{
		"en": {Subject: "s", Body: "<p>{{.Customer.Nope}}</p>"}, // only fails when run
		"ja": {Subject: "s", Body: "<p>{{template \"x\"}}</p>"},
	}}
	err := CheckSyntax(c)
	fields := candor.ErrorFields(err)
	if candor.ErrorCode(err) != candor.EINVALID || len(fields) != 1 || fields[0].Field != "variants.ja.body" {
		t.Fatalf("CheckSyntax = %v %+v, want one error for variants.ja.body", err, fields)
	}
}

func TestSampleCustomer(t *testing.T) {
	tests := []struct{ locale, country, region string }{
		{"ja", "JP", "JP-13"},
		{"th", "TH", "TH-10"},
		{"id", "ID", "ID-JK"},
		{"fil", "PH", "PH-00"},
		{"en-US", "US", "US-CA"},
		{"en", "US", "US-CA"},
		{"de", "DE", ""},
	}
	for _, tt := range tests {
		t.Run(tt.locale, func(t *testing.T) {
			c := SampleCustomer(tt.locale, []string{"name"})
			if c.Country != tt.country || c.Region != tt.region || c.Locale != tt.locale || c.Name == "" || c.Email == "" || len(c.DataCategories) != 1 {
				t.Errorf("SampleCustomer(%q) = %+v", tt.locale, c)
			}
		})
	}
}
