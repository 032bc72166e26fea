package jurisdictions_test

import (
	"strings"
	"testing"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/jurisdictions"
)

// TestElementCatalogue checks the embedded element catalogue: it loads
// (every key known, every entry with a label and a source whose research
// tags are listed), it covers the jurisdictions of the brief, and
// Massachusetts forbids what its statute forbids.
func TestElementCatalogue(t *testing.T) {
	cat, err := jurisdictions.LoadElements()
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range []string{"JP", "TH", "ID", "PH", "SG", "EU", "GB", "AU", "CA", "US-CA", "US-NY", "US-TX",
		"US-FL", "US-WA", "US-CO", "US-MA", "US-HIPAA"} {
		ind, ok := cat.For(code, jurisdictions.AudienceIndividuals)
		reg, _ := cat.For(code, jurisdictions.AudienceRegulator)
		if !ok || len(reg) == 0 || len(ind) == 0 && code != "US-TX" {
			t.Errorf("%s: %d individual and %d regulator elements", code, len(ind), len(reg))
		}
		for _, e := range append(ind, reg...) {
			if strings.TrimSpace(e.Source) == "" || strings.TrimSpace(e.Label) == "" {
				t.Errorf("%s %s: no source or label", code, e.Key)
			}
		}
	}
	if de, _ := cat.For("de", jurisdictions.AudienceIndividuals); len(de) == 0 {
		t.Error("an EEA country does not get the GDPR's elements")
	}
	ma, _ := cat.For("US-MA", jurisdictions.AudienceIndividuals)
	forbidden := map[string]bool{}
	for _, e := range ma {
		if e.Forbidden {
			forbidden[e.Key] = true
		}
	}
	if !forbidden["what_happened"] || !forbidden["affected_count"] || len(forbidden) != 2 {
		t.Errorf("Massachusetts forbids %v", forbidden)
	}
	ca, _ := cat.For("US-CA", jurisdictions.AudienceIndividuals)
	if ca[0].Key != "title" || ca[0].Text["en"] != "Notice of Data Breach" {
		t.Errorf("California's title: %+v", ca[0])
	}
}

func TestParseElementsRejects(t *testing.T) {
	const vocab = `"vocabulary": {"title": "t", "contact": "c"}`
	tests := []struct{ name, json, want string }{
		{"unknown key", `{` + vocab + `, "jurisdictions": [{"code": "JP", "law": "APPI", "individuals": [{"element": "nope", "label": "l", "source": "s"}]}]}`, "unknown element key"},
		{"no source", `{` + vocab + `, "jurisdictions": [{"code": "JP", "law": "APPI", "individuals": [{"element": "title", "label": "l", "source": " "}]}]}`, "source is required"},
		{"no label", `{` + vocab + `, "jurisdictions": [{"code": "JP", "law": "APPI", "regulator": [{"element": "title", "source": "s"}]}]}`, "label is required"},
		{"unlisted tag", `{` + vocab + `, "jurisdictions": [{"code": "JP", "law": "APPI", "individuals": [{"element": "title", "label": "l", "source": "Art. 1 [jp9]"}]}]}`, "[jp9]"},
		{"twice", `{` + vocab + `, "jurisdictions": [{"code": "JP", "law": "APPI", "individuals": [{"element": "title", "label": "l", "source": "s"}, {"element": "title", "label": "l", "source": "s"}]}]}`, "listed twice"},
		{"bad code", `{` + vocab + `, "jurisdictions": [{"code": "japan", "law": "APPI"}]}`, "code must be"},
		{"unknown field", `{` + vocab + `, "jurisdictions": [{"code": "JP", "law": "APPI", "individuals": [{"element": "title", "label": "l", "source": "s", "requried": true}]}]}`, "unknown field"},
		{"unknown data category", `{` + vocab + `, "jurisdictions": [{"code": "JP", "law": "APPI", "individuals": [{"element": "title", "label": "l", "source": "s", "if_data": ["ssn_number"]}]}]}`, "not a known data category"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := jurisdictions.ParseElements("test.json", []byte(tt.json))
			if err == nil || !strings.Contains(err.Error(), tt.want) || candor.ErrorCode(err) != candor.EINVALID {
				t.Fatalf("got %v, want an EINVALID error with %q", err, tt.want)
			}
		})
	}
}

func TestVariantJurisdiction(t *testing.T) {
	tests := []struct{ in, want string }{
		{"us-ca", "US-CA"}, {"DE", "DE"}, {"eu", "EU"}, {"US-HIPAA", "US-HIPAA"}, {"US-MA", "US-MA"}, {"jp", "JP"}, {"BR", "BR"},
		{"FR-IDF", ""}, {"XX", ""}, {"US-ZZ", ""}, {"", ""}, {"california", ""},
	}
	for _, tt := range tests {
		got, err := jurisdictions.VariantJurisdiction(tt.in)
		if tt.want == "" && err == nil || tt.want != "" && (err != nil || got != tt.want) {
			t.Errorf("VariantJurisdiction(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}
