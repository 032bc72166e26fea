package store_test

import (
	"testing"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/store"
)

// A retry that reclaims deliveries a crashed worker left in "sending"
// flags them possible_duplicate (their first attempt may have reached the
// relay), counts each once in the send's progress however often it is
// reclaimed, and shows it in the deliveries list and to the customers
// export; a delivery recorded before the crash, or a retry that finds
// nothing left in "sending", flags nothing.
func TestReclaimFlagsPossibleDuplicates(t *testing.T) {
	for name, db := range customerStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := testenv.Actor(candor.RoleLegal)
			s, chunks := dispatchedChunks(t, db, 30, 10)
			c := chunks[0]
			claimed, err := db.Claim(ctx, s.ID, c[0], c[1], false)
			if err != nil || len(claimed) != 10 {
				t.Fatalf("claim: %d %v", len(claimed), err)
			}
			// The worker recorded 4 before it was killed; 6 stay sending.
			var outs []store.Outcome
			for _, cl := range claimed[:4] {
				outs = append(outs, store.Outcome{ID: cl.ID, SendID: s.ID, CustomerID: cl.CustomerID.String,
					Status: candor.DeliverySent, Response: "250 ok"})
			}
			if err := db.Record(ctx, outs); err != nil {
				t.Fatal(err)
			}
			// A temporary failure's retry of another chunk: nothing sending.
			other, err := db.Claim(ctx, s.ID, chunks[1][0], chunks[1][1], true)
			if err != nil || len(other) != 10 {
				t.Fatalf("retry of a fresh chunk: %d %v", len(other), err)
			}
			for range 2 { // killed twice: the rows are reclaimed twice
				again, err := db.Claim(ctx, s.ID, c[0], c[1], true)
				if err != nil || len(again) != 6 {
					t.Fatalf("reclaim: %d %v", len(again), err)
				}
			}
			got, err := db.GetSend(ctx, s.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.PossibleDuplicates != 6 {
				t.Fatalf("possible_duplicates = %d, want 6", got.PossibleDuplicates)
			}
			checkCounts(t, db, s.ID)

			page, err := db.ListDeliveries(ctx, s.ID, "", "", 100)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]bool{}
			for _, cl := range claimed[4:] {
				want[cl.ID] = true
			}
			customers := map[string]bool{}
			for _, d := range page.Items {
				if d.PossibleDuplicate != want[d.ID] {
					t.Errorf("delivery %s (%s): possible_duplicate %v, want %v", d.ID, d.Status, d.PossibleDuplicate, want[d.ID])
				}
				if want[d.ID] {
					customers[*d.CustomerID] = true
				}
			}
			dups, err := db.PossibleDuplicateCustomers(ctx, s.IncidentID)
			if err != nil {
				t.Fatal(err)
			}
			if len(dups) != len(customers) {
				t.Fatalf("export flags %d customers, want %d", len(dups), len(customers))
			}
			for id := range customers {
				if !dups[id] {
					t.Errorf("customer %s not flagged for the export", id)
				}
			}
		})
	}
}
