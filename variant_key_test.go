package candor_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/candor-dev/candor"
)

// TestNormalizeContentVariantKeys: a variant key is a language or a
// language for one jurisdiction, canonicalised; a jurisdiction the
// catalogue does not know is refused naming the key.
func TestNormalizeContentVariantKeys(t *testing.T) {
	known := func(code string) (string, error) {
		switch c := strings.ToUpper(code); c {
		case "US-CA", "DE", "EU", "US-HIPAA":
			return c, nil
		}
		return "", errors.New("not in the catalogue")
	}
	v := candor.Variant{Subject: "s", Body: "<p>b</p>"}
	tests := []struct {
		name  string
		keys  []string
		def   string
		jur   candor.JurisdictionFunc
		want  []string // canonical keys; nil: an error
		field string
	}{
		{"language and California", []string{"en", "EN-us@us-ca"}, "en", known, []string{"en", "en-US@US-CA"}, ""},
		{"country", []string{"en", "de@de"}, "en", known, []string{"de@DE", "en"}, ""},
		{"EU and a regime", []string{"en", "en@EU", "en@us-hipaa"}, "en", known, []string{"en", "en@EU", "en@US-HIPAA"}, ""},
		{"unknown jurisdiction", []string{"en", "en@US-ZZ"}, "en", known, nil, "variants.en@US-ZZ"},
		{"bad language", []string{"en", "english@US-CA"}, "en", known, nil, "variants.english@US-CA"},
		{"same variant twice", []string{"en", "en@us-ca", "en@US-CA"}, "en", known, nil, "variants.en@us-ca"},
		{"default for a jurisdiction", []string{"en", "en@US-CA"}, "en@US-CA", known, nil, "default_locale"},
		{"without a catalogue: well-formed", []string{"en", "en@us-ca"}, "en", nil, []string{"en", "en@US-CA"}, ""},
		{"without a catalogue: malformed", []string{"en", "en@California"}, "en", nil, nil, "variants.en@California"},
		{"empty jurisdiction", []string{"en", "en@"}, "en", nil, nil, "variants.en@"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := candor.DisclosureContent{Title: "T", DefaultLocale: tt.def, Variants: map[string]candor.Variant{}}
			for _, k := range tt.keys {
				c.Variants[k] = v
			}
			got, err := candor.NormalizeContentWith(candor.KindCustomerNotice, c, canon, tt.jur)
			if tt.want == nil {
				fields := candor.ErrorFields(err)
				if candor.ErrorCode(err) != candor.EINVALID || len(fields) == 0 || fields[0].Field != tt.field {
					t.Fatalf("got %v %+v, want EINVALID on %s", err, fields, tt.field)
				}
				return
			}
			if err != nil {
				t.Fatalf("%v %+v", err, candor.ErrorFields(err))
			}
			var keys []string
			for _, k := range tt.want {
				if _, ok := got.Variants[k]; ok {
					keys = append(keys, k)
				}
			}
			if len(keys) != len(tt.want) || len(got.Variants) != len(tt.want) {
				t.Errorf("variants %v, want %v", got.Variants, tt.want)
			}
		})
	}
}

func TestNormalizeSubmitOptions(t *testing.T) {
	legal := candor.Actor{TokenID: "t1", Name: "Lena Legal", Role: candor.RoleLegal}
	comms := candor.Actor{TokenID: "t2", Name: "Cody Comms", Role: candor.RoleComms}
	waiver := candor.Waiver{Jurisdiction: " us-ca ", Element: "title", Reason: " counsel approved the heading "}
	tests := []struct {
		name  string
		in    candor.SubmitOptions
		by    candor.Actor
		code  string
		field string
	}{
		{"nothing", candor.SubmitOptions{}, comms, "", ""},
		{"comms may accept untranslated", candor.SubmitOptions{AcceptUntranslated: []string{"ja", " ja "}}, comms, "", ""},
		{"legal waives", candor.SubmitOptions{Waivers: []candor.Waiver{waiver}}, legal, "", ""},
		{"comms may not waive", candor.SubmitOptions{Waivers: []candor.Waiver{waiver}}, comms, candor.EFORBIDDEN, ""},
		{"a waiver needs a reason", candor.SubmitOptions{Waivers: []candor.Waiver{{Jurisdiction: "US-CA", Element: "title", Reason: " "}}}, legal, candor.EINVALID, "waivers.0.reason"},
		{"a waiver needs an element", candor.SubmitOptions{Waivers: []candor.Waiver{{Jurisdiction: "US-CA", Reason: "r"}}}, legal, candor.EINVALID, "waivers.0.element"},
		{"twice", candor.SubmitOptions{Waivers: []candor.Waiver{waiver, waiver}}, legal, candor.EINVALID, "waivers.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := candor.NormalizeSubmitOptions(tt.in, tt.by)
			if candor.ErrorCode(err) != tt.code {
				t.Fatalf("code %q (%v), want %q", candor.ErrorCode(err), err, tt.code)
			}
			if tt.field != "" {
				if f := candor.ErrorFields(err); len(f) == 0 || f[0].Field != tt.field {
					t.Errorf("fields %+v, want %s", f, tt.field)
				}
			}
			if err == nil && len(got.Waivers) > 0 {
				w := got.Waivers[0]
				if w.Jurisdiction != "US-CA" || w.Reason != "counsel approved the heading" || w.By != "Lena Legal" {
					t.Errorf("waiver %+v", w)
				}
			}
			if err == nil && len(tt.in.AcceptUntranslated) > 0 && len(got.AcceptUntranslated) != 1 {
				t.Errorf("accept_untranslated %v", got.AcceptUntranslated)
			}
		})
	}
}
