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
			claimed, err := db.Claim(ctx, s.ID, c[0], c[1], store.Claimant{})
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
			other, err := db.Claim(ctx, s.ID, chunks[1][0], chunks[1][1], store.Claimant{Reclaim: store.ReclaimAll})
			if err != nil || len(other) != 10 {
				t.Fatalf("retry of a fresh chunk: %d %v", len(other), err)
			}
			for range 2 { // killed twice: the rows are reclaimed twice
				again, err := db.Claim(ctx, s.ID, c[0], c[1], store.Claimant{Reclaim: store.ReclaimAll})
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

// A retried task takes back only the rows it claimed itself: after a
// pause and resume, the resumed send's task holds the chunk's rows while
// the paused task's retry may still be due, and taking them would send
// them twice. The reconciler's claim (ReclaimAll) takes any.
func TestRetryReclaimsOnlyItsOwn(t *testing.T) {
	for name, db := range customerStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := testenv.Actor(candor.RoleLegal)
			s, chunks := dispatchedChunks(t, db, 20, 10)
			c := chunks[0]
			live, err := db.Claim(ctx, s.ID, c[0], c[1], store.Claimant{Task: "chunk:gen2"})
			if err != nil || len(live) != 10 {
				t.Fatalf("claim by the resumed send's task: %d %v", len(live), err)
			}
			// The paused task's retry: nothing of its own is left sending.
			stale, err := db.Claim(ctx, s.ID, c[0], c[1], store.Claimant{Task: "chunk:gen1", Reclaim: store.ReclaimOwn})
			if err != nil || len(stale) != 0 {
				t.Fatalf("the old task's retry took %d rows of a live task (%v)", len(stale), err)
			}
			if got, _ := db.GetSend(ctx, s.ID); got.PossibleDuplicates != 0 {
				t.Fatalf("possible_duplicates = %d after another task's retry, want 0", got.PossibleDuplicates)
			}
			// The live task crashes; its own retry takes its rows back,
			// flagged, each once.
			again, err := db.Claim(ctx, s.ID, c[0], c[1], store.Claimant{Task: "chunk:gen2", Reclaim: store.ReclaimOwn})
			if err != nil || len(again) != 10 || again[0].Attempts != 2 {
				t.Fatalf("own retry: %d rows %v", len(again), err)
			}
			if got, _ := db.GetSend(ctx, s.ID); got.PossibleDuplicates != 10 {
				t.Fatalf("possible_duplicates = %d, want 10", got.PossibleDuplicates)
			}
			// The reconciler takes rows whoever claimed them.
			other := chunks[1]
			if cl, err := db.Claim(ctx, s.ID, other[0], other[1], store.Claimant{Task: "chunk:x"}); err != nil || len(cl) != 10 {
				t.Fatalf("claim: %d %v", len(cl), err)
			}
			if cl, err := db.Claim(ctx, s.ID, other[0], other[1], store.Claimant{Task: "reconcile", Reclaim: store.ReclaimAll}); err != nil || len(cl) != 10 {
				t.Fatalf("reconciler: %d %v", len(cl), err)
			}
			checkCounts(t, db, s.ID)
		})
	}
}
