package store_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/store"
)

// Race tests: each runs many pairs of requests that race on purpose and
// checks what is stored afterwards. SQLite serialises writers, so its runs
// pass with or without the locks; they hold the rule to both databases.

// race runs fns at once, released together, and waits for them.
func race(fns ...func()) {
	var start, done sync.WaitGroup
	start.Add(1)
	for _, fn := range fns {
		done.Add(1)
		go func() {
			defer done.Done()
			start.Wait()
			fn()
		}()
	}
	start.Done()
	done.Wait()
}

// inParallel runs fn(i) for i in [0, n) on width goroutines.
func inParallel(n, width int, fn func(i int)) {
	next := make(chan int)
	var wg sync.WaitGroup
	for range width {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

func rosterCSV(n int, name string) string {
	var b strings.Builder
	b.WriteString("external_id,name,email,country\n")
	for i := range n {
		fmt.Fprintf(&b, "x%d,%s %d,p%d@example.com,JP\n", i, name, i, i)
	}
	return b.String()
}

// checkErased fails unless every customer in ids is erased and holds no
// personal data.
func checkErased(t *testing.T, db *store.DB, ids []string) {
	t.Helper()
	ctx := testenv.Actor(candor.RoleLegal)
	restored := 0
	for _, id := range ids {
		c, err := db.GetCustomer(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if c.ErasedAt == nil || c.Name != "" || c.Email != "" || c.PostalAddress != "" {
			restored++
			if restored <= 3 {
				t.Errorf("customer %s after erasure: erased_at %v, name %q, email %q, status %s", id, c.ErasedAt, c.Name, c.Email, c.Status)
			}
		}
	}
	if restored > 0 {
		t.Fatalf("%d of %d erased customers have personal data again", restored, len(ids))
	}
}

func customerIDs(t *testing.T, db *store.DB, incidentID string) []string {
	t.Helper()
	var ids []string
	err := db.EachCustomer(testenv.Actor(candor.RoleLegal), incidentID, func(c candor.Customer) error {
		ids = append(ids, c.ID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// TestEditRacingErasure: 150 edits (PATCH) each racing the erasure
// (DELETE) of its customer. Either the edit comes first and the erasure
// then blanks it, or the edit is refused (409): an erased customer stays
// erased.
func TestEditRacingErasure(t *testing.T) {
	const pairs = 150
	for name, db := range customerStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := testenv.Actor(candor.RoleLegal)
			in, err := db.CreateIncident(ctx, newIncident("breach"))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := importCSV(t, db, in.ID, rosterCSV(pairs, "Ann")); err != nil {
				t.Fatal(err)
			}
			ids := customerIDs(t, db, in.ID)
			var mu sync.Mutex
			var errs []error
			refused := 0
			inParallel(pairs, 8, func(i int) {
				var editErr, eraseErr error
				race(func() {
					_, editErr = db.UpdateCustomer(ctx, ids[i], func(c *candor.CustomerInput) error {
						c.Name, c.Email = "Edited", fmt.Sprintf("edited%d@example.com", i)
						return nil
					})
				}, func() { _, eraseErr = db.EraseCustomer(ctx, ids[i]) })
				mu.Lock()
				defer mu.Unlock()
				if eraseErr != nil {
					errs = append(errs, fmt.Errorf("erase %d: %w", i, eraseErr))
				}
				switch candor.ErrorCode(editErr) {
				case "":
				case candor.ECONFLICT:
					refused++
				default:
					errs = append(errs, fmt.Errorf("edit %d: %w", i, editErr))
				}
			})
			for _, e := range errs {
				t.Error(e)
			}
			checkErased(t, db, ids)
			t.Logf("%d of %d edits refused as erased meanwhile", refused, pairs)
		})
	}
}

// TestReimportRacingErasure: the same roster, with changed names, imported
// again and again while its 300 customers are erased: no erased customer
// gets its data back.
func TestReimportRacingErasure(t *testing.T) {
	const n = 300
	for name, db := range customerStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := testenv.Actor(candor.RoleLegal)
			in, err := db.CreateIncident(ctx, newIncident("breach"))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := importCSV(t, db, in.ID, rosterCSV(n, "Ann")); err != nil {
				t.Fatal(err)
			}
			ids := customerIDs(t, db, in.ID)
			stop := make(chan struct{})
			imported := make(chan error, 1)
			go func() {
				var err error
				for round := 0; err == nil; round++ {
					select {
					case <-stop:
						imported <- nil
						return
					default:
					}
					_, err = importCSV(t, db, in.ID, rosterCSV(n, fmt.Sprintf("Round%d", round)))
				}
				imported <- err
			}()
			var mu sync.Mutex
			var errs []error
			inParallel(n, 6, func(i int) {
				if _, err := db.EraseCustomer(ctx, ids[i]); err != nil {
					mu.Lock()
					errs = append(errs, fmt.Errorf("erase %d: %w", i, err))
					mu.Unlock()
				}
			})
			close(stop)
			if err := <-imported; err != nil {
				t.Fatalf("re-import: %v", err)
			}
			for _, e := range errs {
				t.Error(e)
			}
			checkErased(t, db, ids)
		})
	}
}

// TestParallelImportsOfTheSameRoster: imports of the same external_ids at
// once all succeed (none answers 500 for the unique key, none rolls its
// batch back), and each customer is stored once.
func TestParallelImportsOfTheSameRoster(t *testing.T) {
	const n, imports, rounds = 1000, 4, 2
	for name, db := range customerStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := testenv.Actor(candor.RoleLegal)
			for round := range rounds {
				in, err := db.CreateIncident(ctx, newIncident("breach"))
				if err != nil {
					t.Fatal(err)
				}
				reports := make([]candor.ImportReport, imports)
				errs := make([]error, imports)
				fns := make([]func(), imports)
				for k := range fns {
					fns[k] = func() { reports[k], errs[k] = importCSV(t, db, in.ID, rosterCSV(n, fmt.Sprintf("Name%d", k))) }
				}
				race(fns...)
				added := 0
				for k, err := range errs {
					if err != nil {
						t.Fatalf("round %d: import %d of %d: %v", round, k+1, imports, err)
					}
					r := reports[k]
					if r.Accepted+r.Updated+r.Unchanged != n || r.Rejected != 0 {
						t.Fatalf("round %d: import %d reported %+v", round, k+1, r)
					}
					added += r.Accepted
				}
				if got := len(customerIDs(t, db, in.ID)); got != n || added != n {
					t.Fatalf("round %d: %d customers stored, %d reported added; want %d", round, got, added, n)
				}
			}
		})
	}
}

// auditSeq returns the sequence number of the incident's one audit entry
// with action, or 0.
func auditSeq(t *testing.T, db *store.DB, incidentID, action string) int64 {
	t.Helper()
	p, err := db.ListAudit(context.Background(), candor.AuditFilter{IncidentID: incidentID, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range p.Items {
		if e.Action == action {
			return e.Seq
		}
	}
	return 0
}

// TestSendAndPublicationRacingEdit: creating a send or a publication of the
// approved revision while an edit voids that approval. Either the send or
// publication is stored before the edit (its audit entry comes first), or
// it is refused (409); never stored after the approval was voided.
func TestSendAndPublicationRacingEdit(t *testing.T) {
	const races = 40
	for name, db := range testenv.Stores(t) {
		t.Run(name, func(t *testing.T) {
			for _, kind := range []candor.DisclosureKind{candor.KindCustomerNotice, candor.KindPublicStatement} {
				late, refused := 0, 0
				for i := range races {
					in, err := db.CreateIncident(legal, newIncident("breach"))
					if err != nil {
						t.Fatal(err)
					}
					d := testenv.ApprovedDisclosure(t, db, in.ID, kind, nil)
					edited := d.DisclosureContent
					edited.Title += " (edited)"
					var editErr, createErr error
					action := "send.scheduled"
					create := func() {
						_, createErr = db.CreateSend(legal, store.NewSend{DisclosureID: d.ID, IncidentID: in.ID,
							Kind: string(kind), Revision: d.ApprovedRevision, SendAt: time.Now()})
					}
					if kind == candor.KindPublicStatement {
						action = "publication.scheduled"
						create = func() {
							_, createErr = db.CreatePublication(legal, newPub(in, d, fmt.Sprintf("race-%d", i), time.Now()))
						}
					}
					race(func() { _, editErr = db.EditDisclosure(comms, d.ID, edited, 0) }, create)
					if editErr != nil {
						t.Fatalf("%s race %d: edit: %v", kind, i, editErr)
					}
					switch candor.ErrorCode(createErr) {
					case "":
						if c, e := auditSeq(t, db, in.ID, action), auditSeq(t, db, in.ID, "disclosure.edit"); c > e {
							late++
						}
					case candor.ECONFLICT:
						refused++
					default:
						t.Fatalf("%s race %d: create: %v", kind, i, createErr)
					}
				}
				if late > 0 {
					t.Errorf("%s: %d of %d stored after the edit voided their approval", kind, late, races)
				}
				t.Logf("%s: %d of %d refused", kind, refused, races)
			}
		})
	}
}
