package render

import (
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// TestLinesFinishMatchesWhole holds lines.finish to finishTextBytes over
// random skeletons: links kept and dropped, blank and space-only lines,
// trailing spaces, CRLF, no-break and ideographic spaces, and values that
// empty a line or end next to a link.
func TestLinesFinishMatchesWhole(t *testing.T) {
	const slot = "SLOTx"
	frags := []string{"a", "Dear", " ", "  ", "\r", "\u00a0", "\u3000", "x@y.example", " <mailto:x@y.example>",
		" <https://example.com/a>", "https://example.com/a", " <tel:+6621234567>", "+6621234567", ">", "-", "様"}
	values := []string{"", "Bob", "x@y.example", "สมศรี ใจดี", "Bob ", "a b", "\u3000", "https://example.com/a", "+6621234567"}
	rng := rand.New(rand.NewPCG(1, 2))
	isDyn := func(l string) bool { return strings.Contains(l, slot) }
	checked, fellBack := 0, 0
	for range 3000 {
		var skel []string
		for range 1 + rng.IntN(8) {
			var l strings.Builder
			for range rng.IntN(6) {
				if rng.IntN(5) == 0 {
					l.WriteString(slot)
				} else {
					l.WriteString(frags[rng.IntN(len(frags))])
				}
			}
			skel = append(skel, l.String())
		}
		sk := strings.Join(skel, "\n")
		ls := newLines(sk, isDyn)
		if ls == nil {
			// Only a shared line with an open " <" refuses.
			open := false
			for _, l := range skel {
				open = open || !isDyn(l) && !linksClosed([]byte(l))
			}
			if !open {
				t.Fatalf("newLines(%q) = nil, with every shared line closed", sk)
			}
			continue
		}
		for range 4 {
			text := sk
			for strings.Contains(text, slot) {
				text = strings.Replace(text, slot, values[rng.IntN(len(values))], 1)
			}
			want := finishTextBytes([]byte(text))
			got, ok := ls.finish([]byte(text))
			if !ok {
				fellBack++
				continue
			}
			checked++
			if got != want {
				t.Fatalf("skeleton %q, text %q:\nlines gave %q\nwhole gave %q", sk, text, got, want)
			}
		}
	}
	if checked < 5000 {
		t.Fatalf("only %d texts finished by line (%d fell back): the test checks too little", checked, fellBack)
	}
}

// TestLinesFinishRefuses: a text that is not the skeleton's, or whose own
// line leaves a " <" open, is left to finishTextBytes.
func TestLinesFinishRefuses(t *testing.T) {
	isDyn := func(l string) bool { return strings.Contains(l, "SLOT") }
	ls := newLines("Hello SLOT\nshared <x>\nend", isDyn)
	if ls == nil {
		t.Fatal("newLines refused a closed skeleton")
	}
	for _, c := range []struct {
		text string
		ok   bool
	}{
		{"Hello Bob\nshared <x>\nend", true},
		{"Hello Bob <\nshared <x>\nend", false}, // open on the customer's line
		{"Hello\nBob\nshared <x>\nend", false},  // a line too many
		{"Hello Bob\nshared <y>\nend", false},   // a shared line changed
		{"Hello Bob\nshared <x>\nend\n", false}, // trailing line
		{"Hello Bob\nshared <x>", false},        // a line short
	} {
		got, ok := ls.finish([]byte(c.text))
		if ok != c.ok {
			t.Errorf("finish(%q) ok = %v, want %v", c.text, ok, c.ok)
		}
		if ok && got != finishTextBytes([]byte(c.text)) {
			t.Errorf("finish(%q) = %q, want %q", c.text, got, finishTextBytes([]byte(c.text)))
		}
	}
	if newLines("a <b\nSLOT>", isDyn) != nil {
		t.Error("newLines accepted a shared line whose link closes on another line")
	}
}

// TestBudgetDeadline: a render past its own deadline stops with
// context.DeadlineExceeded (reported as taking too long), whatever its
// context allows, and a cancelled context stops it too.
func TestBudgetDeadline(t *testing.T) {
	run := func(b budget) error {
		for range 1000 {
			if _, err := b.tick(); err != nil {
				return err
			}
		}
		return nil
	}
	if err := run(budget{ctx: context.Background(), deadline: time.Now().Add(time.Hour)}); err != nil {
		t.Fatalf("within the deadline: %v", err)
	}
	if err := run(budget{ctx: context.Background(), deadline: time.Now().Add(-time.Millisecond)}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("past the deadline: %v, want DeadlineExceeded", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := run(budget{ctx: ctx, deadline: time.Now().Add(time.Hour)}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v, want Canceled", err)
	}
}
