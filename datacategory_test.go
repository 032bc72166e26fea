package candor_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/candor-dev/candor"
)

func TestNormalizeDataCategories(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want []string
	}{
		{"known and free, sorted", []string{"Payment Card", "loyalty_tier", "name"}, []string{"loyalty_tier", "name", "payment_card"}},
		{"aliases", []string{"DOB", "credit-card", "Password"}, []string{"credentials", "date_of_birth", "payment_card"}},
		{"duplicates and blanks dropped", []string{"email", " EMAIL ", "", "  "}, []string{"email"}},
		{"nil", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, errs := candor.NormalizeDataCategories(tt.in)
			if len(errs) > 0 || !slices.Equal(got, tt.want) {
				t.Errorf("got %v %v; want %v", got, errs, tt.want)
			}
		})
	}
	t.Run("too many", func(t *testing.T) {
		var in []string
		for i := range 33 {
			in = append(in, "label_"+strings.Repeat("x", i))
		}
		if _, errs := candor.NormalizeDataCategories(in); len(errs) != 1 {
			t.Errorf("errs = %v", errs)
		}
	})
	t.Run("split CSV cell", func(t *testing.T) {
		got := candor.SplitDataCategories("email; name ,phone;;")
		if !slices.Equal(got, []string{"email", " name ", "phone"}) {
			t.Errorf("got %q", got)
		}
	})
	t.Run("every known category is a slug", func(t *testing.T) {
		for _, c := range candor.KnownDataCategories() {
			if got, errs := candor.NormalizeDataCategories([]string{c}); len(errs) > 0 || got[0] != c {
				t.Errorf("%s: %v %v", c, got, errs)
			}
		}
	})
}
