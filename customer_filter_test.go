package candor_test

import (
	"slices"
	"testing"

	"github.com/candor-dev/candor"
)

func TestCustomerFilterNormalize(t *testing.T) {
	tests := []struct {
		name    string
		in      candor.CustomerFilter
		want    candor.CustomerFilter
		wantErr []string
	}{
		{"defaults", candor.CustomerFilter{}, candor.CustomerFilter{Limit: 50}, nil},
		{"canonical values", candor.CustomerFilter{Country: "us", Region: "ca", Locale: "ja", Q: " A@Example.COM ", Limit: 10},
			candor.CustomerFilter{Country: "US", Region: "US-CA", Locale: "ja", Q: "A@example.com", Limit: 10}, nil},
		{"region alone", candor.CustomerFilter{Region: "jp-13"}, candor.CustomerFilter{Region: "JP-13", Limit: 50}, nil},
		{"external id query", candor.CustomerFilter{Q: " crm-42 "}, candor.CustomerFilter{Q: "crm-42", Limit: 50}, nil},
		{"bad values", candor.CustomerFilter{Country: "XX", Locale: "zz-ZZ-xyz", Status: "done", Limit: 1001}, candor.CustomerFilter{},
			[]string{"country", "locale", "status", "limit"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.in.Normalize(fakeGeo{}, fakeLocales{})
			if tt.wantErr != nil {
				var fields []string
				for _, f := range candor.ErrorFields(err) {
					fields = append(fields, f.Field)
				}
				if candor.ErrorCode(err) != candor.EINVALID || !slices.Equal(fields, tt.wantErr) {
					t.Errorf("err = %v (fields %v); want EINVALID on %v", err, fields, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("got %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}
