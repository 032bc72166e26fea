package store_test

import (
	"testing"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/store"
)

// TestDeliveriesGetReferences checks that every customer delivery is made
// with its own reference, in the form readers type back (ParseReference
// accepts it unchanged), and that a claim hands it to the sender.
func TestDeliveriesGetReferences(t *testing.T) {
	for name, db := range customerStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := testenv.Actor(candor.RoleLegal)
			s, chunks := dispatchedChunks(t, db, 300, 100)
			seen := map[string]bool{}
			for _, ch := range chunks {
				claimed, err := db.Claim(ctx, s.ID, ch[0], ch[1], store.Claimant{})
				if err != nil {
					t.Fatal(err)
				}
				for _, c := range claimed {
					got, err := candor.ParseReference("reference", c.Reference)
					if err != nil || got != c.Reference {
						t.Fatalf("delivery %s: reference %q: %v", c.ID, c.Reference, err)
					}
					if seen[c.Reference] {
						t.Fatalf("reference %s given twice", c.Reference)
					}
					seen[c.Reference] = true
				}
			}
			if len(seen) != 300 {
				t.Fatalf("%d references for 300 deliveries", len(seen))
			}
		})
	}
}
