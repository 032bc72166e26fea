package geo_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/geo"
)

// The interfaces the domain declares are the contract.
var (
	_ candor.GeoChecker          = geo.Table{}
	_ candor.LocaleCanonicalizer = &geo.Locales{}
)

func TestCountry(t *testing.T) {
	tests := []struct {
		name, in, want string
		ok             bool
	}{
		{"upper", "US", "US", true},
		{"lower", "jp", "JP", true},
		{"mixed", "gB", "GB", true},
		{"first", "AD", "AD", true},
		{"last", "ZW", "ZW", true},
		{"user assigned XX", "XX", "", false},
		{"reserved UK", "UK", "", false},
		{"Kosovo is not ISO", "XK", "", false},
		{"alpha-3", "USA", "", false},
		{"one letter", "U", "", false},
		{"empty", "", "", false},
		{"digits", "12", "", false},
		{"non-ASCII", "ÜS", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := geo.Table{}.Country(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("Country(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestRegion(t *testing.T) {
	tests := []struct {
		name, in, want string
		ok             bool
	}{
		{"US state", "US-CA", "US-CA", true},
		{"lower case", "us-ca", "US-CA", true},
		{"JP prefecture", "jp-13", "JP-13", true},
		{"one-char code", "AF-BAL", "AF-BAL", true},
		{"FR 2016 region", "FR-IDF", "FR-IDF", true},
		{"FR overseas department", "FR-971", "FR-971", true},
		{"CN 2017 code", "CN-BJ", "CN-BJ", true},
		{"GB nation", "GB-SCT", "GB-SCT", true},
		{"DC", "US-DC", "US-DC", true},
		{"US outlying area", "US-PR", "US-PR", true},
		{"postal military code", "US-AA", "", false},
		{"unknown", "US-ZZ", "", false},
		{"no hyphen", "USCA", "", false},
		{"too long", "US-CALI", "", false},
		{"too short", "US-", "", false},
		{"space", "US CA", "", false},
		{"bare subdivision", "CA", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := geo.Table{}.Region(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("Region(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestTableSize(t *testing.T) {
	if n := len(geo.Table{}.Countries()); n != 249 {
		t.Errorf("%d countries, want the 249 of ISO 3166-1", n)
	}
	us := geo.Table{}.Regions("us")
	if len(us) != 57 || !slices.Contains(us, "US-CA") || !slices.IsSorted(us) {
		t.Errorf("US regions = %d %v; want 50 states, DC and 6 outlying areas, sorted", len(us), us)
	}
	if r := (geo.Table{}).Regions("XX"); r != nil {
		t.Errorf("Regions(XX) = %v", r)
	}
	for _, c := range (geo.Table{}).Countries() {
		for _, r := range (geo.Table{}).Regions(c) {
			if got, ok := (geo.Table{}).Region(r); !ok || got != r {
				t.Fatalf("Region(%q) = %q, %v", r, got, ok)
			}
		}
	}
}

func TestCanonicalLocale(t *testing.T) {
	tests := []struct {
		name, in, want string
		wantErr        bool
	}{
		{"language", "ja", "ja", false},
		{"upper language", "EN", "en", false},
		{"language-region", "en-us", "en-US", false},
		{"POSIX underscore", "en_US", "en-US", false},
		{"POSIX codeset", "ja_JP.UTF-8", "ja-JP", false},
		{"POSIX modifier", "de_DE@euro", "de-DE", false},
		{"deprecated code", "iw", "he", false},
		{"script", "zh-hant-tw", "zh-Hant-TW", false},
		{"extension kept", "ja-JP-u-ca-japanese", "ja-JP-u-ca-japanese", false},
		{"thai", "th", "th", false},
		{"spaces", " fr-CA ", "fr-CA", false},
		{"not well-formed", "zz-ZZ-xyz", "", true},
		{"unknown language", "zz", "", true},
		{"undetermined", "und", "", true},
		{"private use only", "x-foo", "", true},
		{"garbage", "english", "", true},
		{"dot without POSIX", "en.US", "", true},
		{"too long", "en-" + string(make([]byte, 70)), "", true},
	}
	var l geo.Locales
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Twice: the second answer comes from the cache.
			for range 2 {
				got, err := l.CanonicalLocale(tt.in)
				if (err != nil) != tt.wantErr || got != tt.want {
					t.Errorf("CanonicalLocale(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.wantErr)
				}
			}
		})
	}
	t.Run("cache is bounded", func(t *testing.T) {
		var l geo.Locales
		for i := range 5000 {
			tag := fmt.Sprintf("en-%03d", i%1000) // UN M.49 area codes parse
			l.CanonicalLocale(tag)
		}
		if got, err := l.CanonicalLocale("ja"); got != "ja" || err != nil {
			t.Errorf("after many tags: %q, %v", got, err)
		}
	})
}

func BenchmarkRegion(b *testing.B) {
	for b.Loop() {
		geo.Table{}.Region("us-ca")
	}
}

func BenchmarkCanonicalLocale(b *testing.B) {
	b.ReportAllocs()
	var l geo.Locales
	for b.Loop() {
		l.CanonicalLocale("en-US")
	}
}
