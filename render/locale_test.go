package render

import (
	"testing"

	"github.com/candor-dev/candor"
)

func TestCanonicalLocale(t *testing.T) {
	tests := []struct {
		in, want string // want "" for an error
	}{
		{"en", "en"},
		{"EN_us", "en-US"},
		{"ja-jp", "ja-JP"},
		{"tl", "fil"},
		{"iw", "he"},
		{"zh-hant-tw", "zh-Hant-TW"},
		{"th-TH-u-ca-gregory", "th-TH-u-ca-gregory"},
		{"", ""},
		{"und", ""},
		{"x-private", ""},
		{"english", ""},
		{"en-", ""},
		{"not a locale", ""},
		{"en-US-" + string(make([]byte, 80)), ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := CanonicalLocale(tt.in)
			if tt.want == "" {
				if err == nil {
					t.Errorf("CanonicalLocale(%q) = %q, want an error", tt.in, got)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("CanonicalLocale(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestPickVariant(t *testing.T) {
	variants := map[string]candor.Variant{"en": {Subject: "en"}, "ja": {Subject: "ja"}, "pt": {Subject: "pt"}, "fil": {Subject: "fil"}, "zh-Hant": {Subject: "zh-Hant"}}
	tests := []struct {
		name       string
		variants   map[string]candor.Variant
		def, loc   string
		wantLocale string
	}{
		{"exact", variants, "en", "ja", "ja"},
		{"region falls back to language", variants, "en", "pt-BR", "pt"},
		{"case and underscore", variants, "en", "JA_jp", "ja"},
		{"English region", variants, "ja", "en-GB", "en"},
		{"alias", variants, "en", "tl", "fil"},
		{"script", variants, "en", "zh-TW", "zh-Hant"},
		{"no match gets the default", variants, "ja", "de-DE", "ja"},
		{"empty locale gets the default", variants, "ja", "", "ja"},
		{"malformed locale gets the default", variants, "ja", "not a locale", "ja"},
		{"default without a variant: first sorted", map[string]candor.Variant{"th": {}, "id": {}}, "en", "de", "id"},
		{"no variants", nil, "en", "en", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loc, v := PickVariant(tt.variants, tt.def, tt.loc)
			if loc != tt.wantLocale || v != tt.variants[tt.wantLocale] {
				t.Errorf("PickVariant(%q, %q) = %q %+v, want %q", tt.def, tt.loc, loc, v, tt.wantLocale)
			}
		})
	}
}
