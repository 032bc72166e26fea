package candor_test

import (
	"strings"
	"testing"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/geo"
)

func TestNormalizeAddress(t *testing.T) {
	tests := []struct {
		name   string
		in     candor.CustomerInput
		want   candor.Customer // the address fields, when no error is wanted
		errors map[string]string
	}{
		{name: "JP, postal code read in any form",
			in:   candor.CustomerInput{ExternalID: "1", Country: "JP", Region: "JP-13", City: "千代田区", PostalCode: "１００ ０００１", AddressLines: []string{"丸の内1-1-1", " "}},
			want: candor.Customer{AddressLines: []string{"丸の内1-1-1"}, City: "千代田区", PostalCode: "100-0001"}},
		{name: "US ZIP+4", in: candor.CustomerInput{ExternalID: "1", Country: "US", Region: "CA", City: "San Francisco", PostalCode: "941051234", AddressLines: []string{"1 Market St"}, Phone: "'+1 (415) 555-0100"},
			want: candor.Customer{AddressLines: []string{"1 Market St"}, City: "San Francisco", PostalCode: "94105-1234", Phone: "+1 (415) 555-0100"}},
		{name: "TH", in: candor.CustomerInput{ExternalID: "1", Country: "TH", Region: "TH-10", City: "เขตปทุมวัน", PostalCode: "10330", AddressLines: []string{"999 ถนนพระราม 1"}},
			want: candor.Customer{AddressLines: []string{"999 ถนนพระราม 1"}, City: "เขตปทุมวัน", PostalCode: "10330"}},
		{name: "no address at all", in: candor.CustomerInput{ExternalID: "1", Phone: "03-1234-5678"}, want: candor.Customer{Phone: "03-1234-5678"}},
		{name: "missing fields", in: candor.CustomerInput{ExternalID: "1", Country: "US", AddressLines: []string{"1 Market St"}},
			errors: map[string]string{"city": "required", "region": "required", "postal_code": "ZIP code"}},
		{name: "no country", in: candor.CustomerInput{ExternalID: "1", City: "Paris", AddressLines: []string{"1 rue de Rivoli"}},
			errors: map[string]string{"country": "required for a postal address"}},
		{name: "unknown country", in: candor.CustomerInput{ExternalID: "1", Country: "XX", City: "Paris", AddressLines: []string{"1 rue"}},
			errors: map[string]string{"country": "not an ISO 3166-1"}},
		{name: "city without lines", in: candor.CustomerInput{ExternalID: "1", Country: "FR", City: "Paris"},
			errors: map[string]string{"address_lines": "required when a city"}},
		{name: "bad JP code", in: candor.CustomerInput{ExternalID: "1", Country: "JP", Region: "JP-13", City: "千代田区", PostalCode: "1000", AddressLines: []string{"丸の内"}},
			errors: map[string]string{"postal_code": "7-digit"}},
		{name: "bad phone", in: candor.CustomerInput{ExternalID: "1", Phone: "call me"}, errors: map[string]string{"phone": "not a phone number"}},
		{name: "too many lines", in: candor.CustomerInput{ExternalID: "1", Country: "FR", City: "Paris", AddressLines: strings.Split("a|b|c|d|e", "|")},
			errors: map[string]string{"address_lines": "more than 4 lines"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, errs := candor.NormalizeCustomer(tt.in, geo.Table{}, &geo.Locales{})
			got := map[string]string{}
			for _, e := range errs {
				got[e.Field] = e.Message
			}
			for f, want := range tt.errors {
				if !strings.Contains(got[f], want) {
					t.Errorf("%s: %q, want it to say %q (all: %v)", f, got[f], want, got)
				}
			}
			if tt.errors != nil {
				return
			}
			if len(errs) > 0 {
				t.Fatalf("errors: %v", errs)
			}
			if strings.Join(c.AddressLines, "|") != strings.Join(tt.want.AddressLines, "|") || c.City != tt.want.City ||
				c.PostalCode != tt.want.PostalCode || c.Phone != tt.want.Phone {
				t.Errorf("got %q %q %q %q", c.AddressLines, c.City, c.PostalCode, c.Phone)
			}
		})
	}
}
