package candor_test

import (
	"strings"
	"testing"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/geo"
)

func TestNormalizeEventScope(t *testing.T) {
	tests := []struct {
		name  string
		in    *candor.EventScope
		want  *candor.EventScope
		field string // the field of the error, "" none
	}{
		{"none", nil, nil, ""},
		{"empty", &candor.EventScope{}, nil, ""},
		{"codes canonical", &candor.EventScope{Jurisdictions: []string{"ph", " id", "us-ca", "eu", "PH"}, DataCategories: []string{"Medical", "SSN"}},
			&candor.EventScope{Jurisdictions: []string{"EU", "ID", "PH", "US-CA"}, DataCategories: []string{"health", "national_id"}}, ""},
		{"unknown jurisdiction", &candor.EventScope{Jurisdictions: []string{"PH", "XX"}}, nil, "scope.jurisdictions"},
		{"not a region", &candor.EventScope{Jurisdictions: []string{"US-ZZ"}}, nil, "scope.jurisdictions"},
		{"unknown data category", &candor.EventScope{DataCategories: []string{"shoe_size"}}, nil, "scope.data_categories"},
		{"a category a rule condition knows", &candor.EventScope{DataCategories: []string{"religion"}},
			&candor.EventScope{DataCategories: []string{"religion"}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := candor.NormalizeEventScope(tt.in, geo.Table{})
			if tt.field != "" {
				f := candor.ErrorFields(err)
				if candor.ErrorCode(err) != candor.EINVALID || len(f) == 0 || f[0].Field != tt.field {
					t.Fatalf("err %v, want EINVALID on %s", err, tt.field)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if (got == nil) != (tt.want == nil) || got != nil && (strings.Join(got.Jurisdictions, ",") != strings.Join(tt.want.Jurisdictions, ",") ||
				strings.Join(got.DataCategories, ",") != strings.Join(tt.want.DataCategories, ",")) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}
