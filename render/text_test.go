package render

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// tidyTextRef is tidyText as it was first written (split, trim, join):
// the one-pass version must give the same text.
func tidyTextRef(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var out []string
	blank := false
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimSpace(l)
		if l == "" {
			if !blank && len(out) > 0 {
				out = append(out, "")
			}
			blank = true
			continue
		}
		blank = false
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

func TestTidyText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"\n\n \n", ""},
		{"a", "a"},
		{"  a  \n  b ", "a\nb"},
		{"\n\na\n\n\n\nb\n\n", "a\n\nb"},
		{"a\r\nb\r\n\r\nc", "a\nb\n\nc"},
		{"a\rb", "a\rb"},
		{"\u3000a\u3000\n\u3000\nb", "a\n\nb"},
	} {
		if got := tidyText(tc.in); got != tc.want {
			t.Errorf("tidyText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	// Random texts of the characters that matter.
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "b", " ", "\n", "\r", "\t", "\u3000", "日", "\r\n"}
	for range 20000 {
		var sb strings.Builder
		for range r.IntN(30) {
			sb.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		if got, want := tidyText(sb.String()), tidyTextRef(sb.String()); got != want {
			t.Fatalf("tidyText(%q) = %q, want %q", sb.String(), got, want)
		}
	}
}

func TestDropRedundantLinks(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"no links", "no links"},
		{"a@example.com <mailto:a@example.com>", "a@example.com"},
		{"メール：a@example.com <mailto:a@example.com>.", "メール：a@example.com."},
		{"call +1 555 <tel:+1 555>", "call +1 555"},
		{"the statement <https://example.com/s>", "the statement <https://example.com/s>"},
		{"x <y", "x <y"},
		{"https://e.com <https://e.com> and b <c>", "https://e.com and b <c>"},
	} {
		if got := dropRedundantLinks(tc.in); got != tc.want {
			t.Errorf("dropRedundantLinks(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
