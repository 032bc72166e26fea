package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/letters"
	"github.com/candor-dev/candor/store"
)

// TestBatchLettersParts reads a batch a part at a time, on both papers,
// and holds the parts to what OFFSET in id order gave: every letter once,
// in id order, the parts of each paper one after another. Then the same
// after migration 0027 (0028 on PostgreSQL) numbered a batch made before
// it.
func TestBatchLettersParts(t *testing.T) {
	for name, db := range customerStores(t) {
		t.Run(name, func(t *testing.T) {
			b := postalBatch(t, db, 37, "JP,JP-13,en,%d Main St,Chiyoda,100-0001", "US,US-CA,en,%d Market St,San Francisco,94105",
				"TH,TH-10,en,%d Rama 1 Rd,Pathum Wan,10330", "CA,CA-ON,en,%d King St,Toronto,M5V 2T6")
			check := func(when string) {
				t.Helper()
				for _, us := range []bool{false, true} {
					var want []string
					in := map[bool]string{false: "NOT IN", true: "IN"}[us]
					if err := db.Gorm().Raw("SELECT id FROM letters WHERE batch_id = ? AND country "+in+" ('US', 'CA') ORDER BY id", b.ID).Scan(&want).Error; err != nil {
						t.Fatal(err)
					}
					var got []string
					for off := 0; off < len(want)+8; off += 4 {
						rows, err := db.BatchLetters(context.Background(), b.ID, us, off, 4)
						if err != nil {
							t.Fatalf("%s: part at %d: %v", when, off, err)
						}
						if n := min(4, max(0, len(want)-off)); len(rows) != n {
							t.Fatalf("%s: part at %d of %d: %d letters, want %d", when, off, len(want), len(rows), n)
						}
						for _, r := range rows {
							got = append(got, r.Letter.ID)
							if (r.Letter.Country == "US" || r.Letter.Country == "CA") != us {
								t.Errorf("%s: a %s letter on the other paper", when, r.Letter.Country)
							}
						}
					}
					if !slices.Equal(got, want) {
						t.Errorf("%s (US Letter %v): parts give\n%v\nwant, in id order\n%v", when, us, got, want)
					}
				}
			}
			check("a new batch")

			version := map[string]string{store.SQLite: "0027_letter_seq", store.Postgres: "0028_letter_seq"}[name]
			for _, q := range []string{"DROP INDEX letters_batch_seq", "ALTER TABLE letters DROP COLUMN seq",
				"DELETE FROM schema_migrations WHERE version = '" + version + "'"} {
				if err := db.Gorm().Exec(q).Error; err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			applied, err := db.Migrate(context.Background())
			if err != nil || len(applied) != 1 || applied[0] != version {
				t.Fatalf("migrate: %v %v", applied, err)
			}
			check("a batch made before the migration")
		})
	}
}

// TestLetterBatchKeepsPartSize: a batch keeps the part size it was made
// with, so that its letters' pages (places in a part's PDF) stay true when
// the product's part size changes; a batch made before migration 0028
// (0029 on PostgreSQL) keeps the 250 it was cut in.
func TestLetterBatchKeepsPartSize(t *testing.T) {
	for name, db := range customerStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := testenv.Actor(candor.RoleLegal)
			b := postalBatch(t, db, 3, "JP,JP-13,ja,%d Main St,Chiyoda,100-0001")
			if b.PartSize != candor.LettersPerPart {
				t.Fatalf("batch %+v", b)
			}
			if got, err := db.GetLetterBatch(ctx, b.ID); err != nil || got.PartSize != candor.LettersPerPart {
				t.Fatalf("read back: %+v %v", got, err)
			}
			version := map[string]string{store.SQLite: "0028_letter_part_size", store.Postgres: "0029_letter_part_size"}[name]
			for _, q := range []string{"ALTER TABLE letter_batches DROP COLUMN part_size",
				"DELETE FROM schema_migrations WHERE version = '" + version + "'"} {
				if err := db.Gorm().Exec(q).Error; err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			if applied, err := db.Migrate(context.Background()); err != nil || len(applied) != 1 || applied[0] != version {
				t.Fatalf("migrate: %v %v", applied, err)
			}
			old, err := db.GetLetterBatch(ctx, b.ID)
			if err != nil || old.PartSize != 250 {
				t.Fatalf("a batch made before the migration: %+v %v", old, err)
			}
			if parts := letters.Parts(old, 300, 0); len(parts) != 2 || parts[0].Letters != 250 || parts[1].Offset != 250 {
				t.Errorf("parts of a batch of 250s: %+v", parts)
			}
		})
	}
}

// postalBatch imports n customers with a postal address and no e-mail, the
// i-th at places[i%len(places)] (a roster's country to postal code, with
// %d for the street's number), and makes a batch of the approved default
// notice: a letter each.
func postalBatch(t *testing.T, db *store.DB, n int, places ...string) candor.LetterBatch {
	t.Helper()
	ctx := testenv.Actor(candor.RoleLegal)
	in, _ := db.CreateIncident(ctx, newIncident("letters"))
	var csv strings.Builder
	csv.WriteString("external_id,name,email,country,region,locale,address_lines,city,postal_code\n")
	for i := range n {
		fmt.Fprintf(&csv, "p%d,Name %d,,"+places[i%len(places)]+"\n", i, i, i+1)
	}
	if rep := testenv.ImportCSV(t, db, in.ID, csv.String()); rep.Accepted != n {
		t.Fatalf("import: %+v", rep)
	}
	d := testenv.ApprovedDisclosure(t, db, in.ID, candor.KindCustomerNotice, nil)
	b, err := db.CreateLetterBatch(ctx, d.ID, candor.SendFilter{})
	if err != nil || b.Total != n {
		t.Fatalf("batch %+v: %v", b, err)
	}
	return b
}
