package store_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/internal/testenv"
)

// largeNotice is 14 locales whose body and text are each about 60 KB;
// two seeds share every other line: the costly case for a line diff.
func largeNotice(seed uint64) candor.DisclosureContent {
	r := rand.New(rand.NewPCG(seed, seed))
	c := candor.DisclosureContent{Title: "Notice", DefaultLocale: "en", Variants: map[string]candor.Variant{}}
	n := 0
	text := func() string {
		var b strings.Builder
		for i := 0; b.Len() < 60_000; i++ {
			n++
			if i%2 == 0 {
				fmt.Fprintf(&b, "<p>%d</p>\n", n%300)
			} else {
				fmt.Fprintf(&b, "<p>%d</p>\n", r.IntN(300))
			}
		}
		return b.String()
	}
	for _, loc := range []string{"ar", "de", "en", "es", "fr", "hi", "id", "it", "ja", "ko", "pt", "th", "vi", "zh"} {
		c.Variants[loc] = candor.Variant{Subject: "Notice " + loc, Body: text(), Text: text()}
	}
	return c
}

// BenchmarkEditLargeDisclosure is a PUT of 14 locales × 60 KB changed in
// body and text. Its audit entry names the changed fields; before, it
// found them with a line diff of every field inside the disclosure's row
// lock (18 s per edit on SQLite, 19 s on PostgreSQL, on this machine);
// now by comparing texts (0.36 s and 0.57 s, mostly storing the revision).
func BenchmarkEditLargeDisclosure(b *testing.B) {
	for name, db := range testenv.Stores(b) {
		b.Run(name, func(b *testing.B) {
			in, err := db.CreateIncident(comms, newIncident("bench"))
			if err != nil {
				b.Fatal(err)
			}
			contents := []candor.DisclosureContent{largeNotice(1), largeNotice(2)}
			d, err := db.CreateDisclosure(comms, in.ID, candor.KindCustomerNotice, contents[0], false)
			if err != nil {
				b.Fatal(err)
			}
			i := 0
			for b.Loop() {
				i++
				if _, err := db.EditDisclosure(comms, d.ID, contents[i%2], 0); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
