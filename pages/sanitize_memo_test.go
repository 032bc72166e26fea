package pages

import (
	"fmt"
	"strings"
	"testing"
)

// The memo answers what SanitizeHTML answers, and holds no more than its
// bound however many bodies it is given.
func TestCleanMemo(t *testing.T) {
	cm := newCleanMemo()
	cm.max = 64 << 10
	for i := range 500 {
		in := fmt.Sprintf(`<p data-element="x">%d %s</p><script>alert(%d)</script>`, i, strings.Repeat("a", i), i)
		want := SanitizeHTML(in)
		for range 2 { // computed, then remembered
			if got := cm.clean(in); got != want {
				t.Fatalf("clean(%q) = %q, want %q", in, got, want)
			}
		}
		if cm.bytes > cm.max {
			t.Fatalf("after %d bodies: %d bytes, bound %d", i+1, cm.bytes, cm.max)
		}
	}
}

func BenchmarkSanitizeHTML(b *testing.B) {
	body := strings.Repeat(`<p data-element="what_happened">Kawasaki <a href="mailto:a@example.com">a@example.com</a> 川崎重工業株式会社 text</p>`+"\n", 1<<20/110)
	b.SetBytes(int64(len(body)))
	b.Run("sanitise", func(b *testing.B) {
		for b.Loop() {
			SanitizeHTML(body)
		}
	})
	b.Run("remembered", func(b *testing.B) {
		cm := newCleanMemo()
		for b.Loop() {
			cm.clean(body)
		}
	})
}
