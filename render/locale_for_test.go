package render

import (
	"testing"

	"github.com/candor-dev/candor"
)

func TestPickVariantFor(t *testing.T) {
	all := map[string]candor.Variant{
		"en": {Subject: "en"}, "ja": {Subject: "ja"}, "de": {Subject: "de"},
		"en@US-CA": {Subject: "en@US-CA"}, "en@US": {Subject: "en@US"},
		"de@DE": {Subject: "de@DE"}, "en@EU": {Subject: "en@EU"}, "es@US-CA": {Subject: "es@US-CA"},
	}
	onlyPlaces := map[string]candor.Variant{"en": {Subject: "en"}, "en@US-CA": {Subject: "en@US-CA"}}
	tests := []struct {
		name                 string
		variants             map[string]candor.Variant
		loc, country, region string
		want                 string
	}{
		{"Californian in English gets the California variant", all, "en-US", "US", "US-CA", "en@US-CA"},
		{"Californian in Spanish gets the Spanish California variant", all, "es-MX", "US", "US-CA", "es@US-CA"},
		{"Texan gets the country variant", all, "en-US", "US", "US-TX", "en@US"},
		{"American without region gets the country variant", all, "en", "US", "", "en@US"},
		{"Japanese speaker in California gets Japanese", all, "ja", "US", "US-CA", "ja"},
		{"French speaker in California gets the default, for California", all, "fr", "US", "US-CA", "en@US-CA"},
		{"German in Germany gets the German variant", all, "de-DE", "DE", "", "de@DE"},
		{"English speaker in France gets the EEA variant", all, "en-GB", "FR", "", "en@EU"},
		{"German speaker in Austria gets plain German", all, "de-AT", "AT", "", "de"},
		{"Japanese customer in Japan gets Japanese", all, "ja-JP", "JP", "JP-13", "ja"},
		{"no locale in California gets the default for California", all, "", "US", "US-CA", "en@US-CA"},
		{"no locale nowhere gets the default", all, "", "", "", "en"},
		{"malformed locale gets the default", all, "not a tag!", "GB", "", "en"},
		{"lower-case places match", onlyPlaces, "en", "us", "us-ca", "en@US-CA"},
		{"Texan gets plain English", onlyPlaces, "en-US", "US", "US-TX", "en"},
		{"only place variants, another place", map[string]candor.Variant{"en@US-CA": {Subject: "x"}}, "en", "JP", "", "en@US-CA"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key, v := PickVariantFor(tt.variants, "en", tt.loc, tt.country, tt.region)
			if key != tt.want || v.Subject != tt.variants[key].Subject {
				t.Errorf("PickVariantFor(%q, %q, %q) = %q %+v, want %q", tt.loc, tt.country, tt.region, key, v, tt.want)
			}
		})
	}
	if k, _ := PickVariantFor(nil, "en", "en", "US", "US-CA"); k != "" {
		t.Errorf("no variants: %q", k)
	}
}

func TestVariantLocale(t *testing.T) {
	for in, want := range map[string]string{"ja": "ja", "en@US-CA": "en", "EN-us@DE": "en-US", "@US-CA": "", "x@": ""} {
		got, err := VariantLocale(in)
		if want == "" && err == nil || want != "" && got != want {
			t.Errorf("VariantLocale(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := Compile("en@US-CA", candor.Variant{Subject: "s", Body: "<p>b</p>"}); err != nil {
		t.Errorf("Compile of a jurisdiction key: %v", err)
	}
}
