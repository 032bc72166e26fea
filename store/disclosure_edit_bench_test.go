package store_test

import (
	"testing"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/internal/fixture"
	"github.com/candor-dev/candor/internal/testenv"
)

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
			contents := []candor.DisclosureContent{fixture.LargeNotice(1), fixture.LargeNotice(2)}
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
