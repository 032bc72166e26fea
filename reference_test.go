package candor_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/candor-dev/candor"
)

func TestNewReference(t *testing.T) {
	shape := regexp.MustCompile(`^[2-9A-HJKMNP-TV-Z]{5}-[2-9A-HJKMNP-TV-Z]{5}-[2-9A-HJKMNP-TV-Z]{5}$`)
	seen := map[string]bool{}
	counts := map[rune]int{}
	for i := 0; i < 20000; i++ {
		r := candor.NewReference()
		if !shape.MatchString(r) {
			t.Fatalf("reference %q has the wrong shape", r)
		}
		if seen[r] {
			t.Fatalf("reference %q drawn twice", r)
		}
		seen[r] = true
		for _, c := range strings.ReplaceAll(r, "-", "") {
			counts[c]++
		}
		if got, err := candor.ParseReference("ref", strings.ToLower(strings.ReplaceAll(r, "-", " "))); err != nil || got != r {
			t.Fatalf("ParseReference(%q) = %q, %v", r, got, err)
		}
	}
	// 300,000 symbols over 30: each about 10,000; a biased draw (modulo
	// without rejection) would put the first 16 symbols near 10,600.
	if len(counts) != 30 {
		t.Fatalf("%d symbols used, want 30", len(counts))
	}
	for c, n := range counts {
		if n < 9400 || n > 10600 {
			t.Errorf("symbol %c drawn %d times of 300,000", c, n)
		}
	}
}

func TestParseReferenceRefuses(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"K7QM4-XR2TD-9HWP0", `contains "0"`},
		{"K7QM4-XR2TD-9HWPO", `contains "O"`},
		{"K7QM4-XR2TD-9HWPl", `contains "L"`},
		{"K7QM4-XR2TD-9HWPI", `contains "I"`},
		{"K7QM4-XR2TD-9HWP", "must be 15 characters"},
		{"K7QM4-XR2TD-9HWPAA", "must be 15 characters"},
		{"", "must be 15 characters"},
		{"K7QM4-XR2TD-9HWP#", "may hold only"},
		{"K7QM4-XR2TD-9HWPＡ", "may hold only"},
	} {
		_, err := candor.ParseReference("ref", tc.in)
		if candor.ErrorCode(err) != candor.EINVALID || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseReference(%q) = %v, want an invalid error saying %q", tc.in, err, tc.want)
		}
	}
}
