package pages_test

import (
	"strings"
	"testing"

	"github.com/candor-dev/candor/pages"
)

// Accept-Language is read to its 16th entry within its first 256 bytes: a
// megabyte header costs no more than a browser's, and still counts for
// what it says first.
func TestNegotiateCapsAcceptLanguage(t *testing.T) {
	avail := []string{"en", "ja", "th"}
	fr := func(n int) string { return strings.TrimSuffix(strings.Repeat("fr,", n), ",") }
	tests := []struct{ name, accept, want string }{
		{"ja then a megabyte", "ja," + strings.Repeat("x-a,", 1<<18), "ja"},
		{"ja after a megabyte", strings.Repeat("x-a,", 1<<18) + "ja", "en"},
		{"one megabyte entry", "ja" + strings.Repeat("a", 1<<20), "en"},
		{"ja 16th", fr(15) + ",ja", "ja"},
		{"ja 17th", fr(16) + ",ja", "en"},
		{"ja within 256 bytes", strings.Repeat(" ", 240) + "fr,ja", "ja"},
		{"ja cut by 256 bytes", strings.Repeat(" ", 250) + "fr,ja-JP", "en"},
		{"th, quality", "fr;q=0.9,th;q=0.5", "th"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := pages.Negotiate(avail, "", tt.accept); got != tt.want {
				t.Errorf("Negotiate(%.40q…) = %q, want %q", tt.accept, got, tt.want)
			}
		})
	}
}
