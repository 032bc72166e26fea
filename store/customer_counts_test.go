package store_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"strings"
	"sync"
	"testing"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/internal/synth"
	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/roster"
	"github.com/candor-dev/candor/store"
	"gorm.io/gorm"
)

// The incident's customers are counted by place, language and channel by
// triggers (migration customer_counts), so the pages read a few rows. These
// tests compare every figure read from the kept counts with a full count of
// the customers after each kind of write, on both databases.

type placeKey struct{ Channel, Country, Region, Locale string }

// fullCounts counts the incident's customers the slow way.
func fullCounts(t *testing.T, db *store.DB, incidentID string) map[placeKey]int64 {
	t.Helper()
	return groupCounts(t, db, `SELECT channel, country, region, locale, COUNT(*) AS n FROM customers
		WHERE incident_id = ? GROUP BY channel, country, region, locale`, incidentID)
}

func keptCounts(t *testing.T, db *store.DB, incidentID string) map[placeKey]int64 {
	t.Helper()
	return groupCounts(t, db, `SELECT channel, country, region, locale, n FROM customer_counts WHERE incident_id = ?`, incidentID)
}

func groupCounts(t *testing.T, db *store.DB, q, incidentID string) map[placeKey]int64 {
	t.Helper()
	var rows []struct {
		Channel, Country, Region, Locale string
		N                                int64
	}
	if err := db.Gorm().Raw(q, incidentID).Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	out := map[placeKey]int64{}
	for _, r := range rows {
		k := placeKey{r.Channel, r.Country, r.Region, r.Locale}
		if r.N <= 0 { // an empty group must not linger: it would offer a sample that is not there
			t.Errorf("count %+v is %d", k, r.N)
		}
		out[k] = r.N
	}
	return out
}

// checkKeptCounts compares the kept counts, and every reader built on them,
// with a full count; want is the total the test expects.
func checkKeptCounts(t *testing.T, db *store.DB, incidentID string, want int64, when string) {
	t.Helper()
	ctx := context.Background()
	full, kept := fullCounts(t, db, incidentID), keptCounts(t, db, incidentID)
	if !maps.Equal(full, kept) {
		t.Fatalf("%s: kept counts differ from a full count:\nkept %v\nfull %v", when, kept, full)
	}
	var total int64
	chans, countries, regions := map[string]int64{}, map[string]int{}, map[string]int{}
	locales := map[[3]string]int{}
	langs := map[string]bool{}
	for k, n := range full {
		total += n
		chans[k.Channel] += n
		countries[k.Country] += int(n)
		if k.Region != "" {
			regions[k.Region] += int(n)
		}
		locales[[3]string{k.Country, k.Region, k.Locale}] += int(n)
		if k.Locale != "" {
			langs[k.Locale] = true
		}
	}
	if total != want {
		t.Fatalf("%s: %d customers, want %d", when, total, want)
	}
	gotChans, err := db.CountCustomers(ctx, incidentID)
	if err != nil || !maps.Equal(gotChans, chans) {
		t.Errorf("%s: CountCustomers %v %v, want %v", when, gotChans, err, chans)
	}
	gotC, gotR, err := db.CustomerPlaceCounts(ctx, incidentID)
	if err != nil || !maps.Equal(gotC, countries) || !maps.Equal(gotR, regions) {
		t.Errorf("%s: CustomerPlaceCounts %v %v %v, want %v %v", when, gotC, gotR, err, countries, regions)
	}
	pl, err := db.CustomerPlaceLocales(ctx, incidentID)
	gotL := map[[3]string]int{}
	for _, p := range pl {
		gotL[[3]string{p.Country, p.Region, p.Locale}] = p.N
	}
	if err != nil || !maps.Equal(gotL, locales) {
		t.Errorf("%s: CustomerPlaceLocales %v %v, want %v", when, gotL, err, locales)
	}
	ls, err := db.CustomerLocales(ctx, incidentID)
	if err != nil || len(ls) != len(langs) {
		t.Errorf("%s: CustomerLocales %v %v, want %v", when, ls, err, langs)
	}
	for _, l := range ls {
		if !langs[l] {
			t.Errorf("%s: CustomerLocales has %q, no customer reads it", when, l)
		}
	}
}

func importSynth(t *testing.T, db *store.DB, incidentID string, n int, seed uint64) candor.ImportReport {
	t.Helper()
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(synth.WriteCSV(pw, n, seed)) }()
	rd, err := roster.NewReader("text/csv", pr, roster.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := db.ImportCustomers(testenv.Actor(candor.RoleComms), incidentID, rd, nil)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestCustomerCountsKept(t *testing.T) {
	for name, db := range customerStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := testenv.Actor(candor.RoleLegal)
			in, _ := db.CreateIncident(ctx, newIncident("counted"))
			other, _ := db.CreateIncident(ctx, newIncident("another incident"))
			checkKeptCounts(t, db, in.ID, 0, "empty")

			// An import of two batches (5,000 rows each), then one into
			// another incident, which must not show in the first.
			rep := importSynth(t, db, in.ID, store.ImportBatchSize+1500, 7)
			n := int64(rep.Accepted)
			checkKeptCounts(t, db, in.ID, n, "after an import")
			importCSV(t, db, other.ID, roster1)
			checkKeptCounts(t, db, in.ID, n, "after another incident's import")
			checkKeptCounts(t, db, other.ID, 4, "the other incident")

			// A re-import that moves customers: Ann to the US (a region
			// too), the postal Chai to e-mail, one new customer.
			rep, err := importCSV(t, db, other.ID, "external_id,email,name,country,region,locale,postal_address\n"+
				"c1,ann@example.com,Ann Tanaka,US,US-CA,en-US,\n"+
				"c3,chai@example.com,Chai Postal,TH,,th,Bangkok\n"+
				"c9,new@example.com,New,JP,,ja,\n")
			if err != nil || rep.Updated != 2 || rep.Accepted != 1 {
				t.Fatalf("re-import: %+v %v", rep, err)
			}
			checkKeptCounts(t, db, other.ID, 5, "after a re-import that moved customers")

			// An edit of a customer's country, region, locale; one that
			// only renames (no count moves); erasure (the row and its
			// place stay, so does its count).
			page, err := db.ListCustomers(ctx, candor.CustomerFilter{IncidentID: in.ID, Limit: 3})
			if err != nil || len(page.Items) != 3 {
				t.Fatalf("list: %v %v", page, err)
			}
			a, b, c := page.Items[0], page.Items[1], page.Items[2]
			if _, err := db.UpdateCustomer(ctx, a.ID, func(ci *candor.CustomerInput) error {
				ci.Country, ci.Region, ci.Locale = "PH", "", "fil"
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			checkKeptCounts(t, db, in.ID, n, "after a customer moved to PH")
			if _, err := db.UpdateCustomer(ctx, b.ID, func(ci *candor.CustomerInput) error { ci.Name = "Renamed"; return nil }); err != nil {
				t.Fatal(err)
			}
			if _, err := db.EraseCustomer(ctx, c.ID); err != nil {
				t.Fatal(err)
			}
			checkKeptCounts(t, db, in.ID, n, "after a rename and an erasure")

			// A change refused (bad country) or rolled back stores no count.
			if _, err := db.UpdateCustomer(ctx, b.ID, func(ci *candor.CustomerInput) error { ci.Country = "XX"; return nil }); candor.ErrorCode(err) != candor.EINVALID {
				t.Fatalf("bad country: %v", err)
			}
			rollback := errors.New("rolled back")
			err = db.Gorm().Transaction(func(tx *gorm.DB) error {
				if err := tx.Exec("UPDATE customers SET country = 'DE', region = '' WHERE incident_id = ?", in.ID).Error; err != nil {
					return err
				}
				return rollback
			})
			if !errors.Is(err, rollback) {
				t.Fatal(err)
			}
			checkKeptCounts(t, db, in.ID, n, "after a refused edit and a rolled-back transaction")

			// Rows written by plain SQL (the fixtures), a bulk move of a
			// whole country, and deleted rows are counted the same.
			ids := testenv.Customers(t, db, in.ID, "US", "US-TX", "postal", 25)
			testenv.EraseCustomer(t, db, ids[0])
			checkKeptCounts(t, db, in.ID, n+25, "after fixtures")
			if err := db.Gorm().Exec("UPDATE customers SET country = 'DE', region = '', locale = 'de' WHERE incident_id = ? AND country = 'JP'", in.ID).Error; err != nil {
				t.Fatal(err)
			}
			checkKeptCounts(t, db, in.ID, n+25, "after moving every JP customer to DE")
			if err := db.Gorm().Exec("DELETE FROM customers WHERE id IN ?", ids[:10]).Error; err != nil {
				t.Fatal(err)
			}
			checkKeptCounts(t, db, in.ID, n+15, "after deleting ten")
			// A send rewrites every row's status: no count moves.
			if err := db.Gorm().Exec("UPDATE customers SET status = 'sent' WHERE incident_id = ?", in.ID).Error; err != nil {
				t.Fatal(err)
			}
			checkKeptCounts(t, db, in.ID, n+15, "after the status of every customer changed")
		})
	}
}

// TestCustomerCountsConcurrentImports runs imports into one incident at
// once (overlapping files: the same customers updated by two imports, new
// ones added by each) beside edits, then compares the counts with a full
// count.
func TestCustomerCountsConcurrentImports(t *testing.T) {
	for name, db := range customerStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := testenv.Actor(candor.RoleComms)
			in, _ := db.CreateIncident(ctx, newIncident("imported at once"))
			importSynth(t, db, in.ID, 2000, 3)
			page, err := db.ListCustomers(ctx, candor.CustomerFilter{IncidentID: in.ID, Limit: 40})
			if err != nil {
				t.Fatal(err)
			}
			countries := []string{"JP", "TH", "US", "PH"}
			var wg sync.WaitGroup
			errs := make(chan error, 16)
			for i := range 4 {
				wg.Go(func() {
					// Each file: 600 customers shared by all four imports
					// (each moves them to its own country), 600 of its own.
					var b strings.Builder
					b.WriteString("external_id,email,name,country,locale\n")
					for j := range 600 {
						fmt.Fprintf(&b, "shared-%d,s%d@example.com,Shared %d,%s,en\n", j, j, j, countries[i])
						fmt.Fprintf(&b, "own-%d-%d,o%d-%d@example.com,Own,%s,ja\n", i, j, i, j, countries[(i+1)%4])
					}
					rd, err := roster.NewReader("text/csv", strings.NewReader(b.String()), roster.Options{})
					if err == nil {
						_, err = db.ImportCustomers(ctx, in.ID, rd, nil)
					}
					errs <- err
				})
			}
			wg.Go(func() {
				for k, cu := range page.Items {
					_, err := db.UpdateCustomer(ctx, cu.ID, func(ci *candor.CustomerInput) error {
						ci.Country, ci.Region = countries[k%4], ""
						return nil
					})
					if err != nil {
						errs <- err
						return
					}
				}
			})
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			checkKeptCounts(t, db, in.ID, 2000+600+4*600, "after concurrent imports and edits")
		})
	}
}

// TestCustomerCountsMigration applies the migration to customers stored
// before it (the triggers and table dropped, the version forgotten): the
// backfill counts them, and the triggers count what follows.
func TestCustomerCountsMigration(t *testing.T) {
	for name, db := range customerStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := testenv.Actor(candor.RoleComms)
			in, _ := db.CreateIncident(ctx, newIncident("before the migration"))
			importSynth(t, db, in.ID, 700, 11)
			version, drop := "0025_customer_counts", []string{
				"DROP TRIGGER customer_counts_insert", "DROP TRIGGER customer_counts_delete",
				"DROP TRIGGER customer_counts_update", "DROP TABLE customer_counts"}
			if name == store.Postgres {
				version, drop = "0026_customer_counts", []string{"DROP TABLE customer_counts",
					"DROP TRIGGER customer_counts_insert ON customers", "DROP TRIGGER customer_counts_delete ON customers",
					"DROP TRIGGER customer_counts_update ON customers", "DROP FUNCTION customer_counts_insert",
					"DROP FUNCTION customer_counts_delete", "DROP FUNCTION customer_counts_update"}
			}
			for _, q := range append(drop, "DELETE FROM schema_migrations WHERE version = '"+version+"'") {
				if err := db.Gorm().Exec(q).Error; err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			testenv.Customers(t, db, in.ID, "TH", "", "email", 30) // stored before the migration, uncounted
			applied, err := db.Migrate(context.Background())
			if err != nil || len(applied) != 1 || applied[0] != version {
				t.Fatalf("migrate: %v %v", applied, err)
			}
			checkKeptCounts(t, db, in.ID, 730, "after the migration")
			importSynth(t, db, in.ID, 300, 12)
			checkKeptCounts(t, db, in.ID, 730, "after the migration and a re-import that moves customers")
		})
	}
}
