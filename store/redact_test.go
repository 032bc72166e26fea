package store_test

import (
	"io/fs"
	"strings"
	"testing"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/internal/redact"
	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/migrations"
	"github.com/candor-dev/candor/store"
)

// claimAll dispatches a notice to n customers and claims every delivery.
func claimAll(t *testing.T, db *store.DB, n int) (candor.Incident, candor.Send, []store.Claimed) {
	t.Helper()
	ctx := testenv.Actor(candor.RoleLegal)
	in := incidentWithCustomers(t, db, n)
	s := noticeSend(t, db, in.ID)
	if _, err := db.Dispatch(ctx, s.ID, "", "notify.example.com"); err != nil {
		t.Fatal(err)
	}
	chunks, err := db.Chunks(ctx, s.ID, 1000)
	if err != nil || len(chunks) != 1 {
		t.Fatalf("chunks: %v %v", chunks, err)
	}
	claimed, err := db.Claim(ctx, s.ID, chunks[0][0], chunks[0][1], store.Claimant{})
	if err != nil || len(claimed) != n {
		t.Fatalf("claim: %d %v", len(claimed), err)
	}
	return in, s, claimed
}

// replies reads every delivery's response and last_error.
func replies(t *testing.T, db *store.DB, sendID string) map[string][2]string {
	t.Helper()
	var rows []struct{ CustomerID, Response, LastError string }
	if err := db.Gorm().Raw("SELECT customer_id, response, last_error FROM deliveries WHERE send_id = ?", sendID).
		Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	out := map[string][2]string{}
	for _, r := range rows {
		out[r.CustomerID] = [2]string{r.Response, r.LastError}
	}
	return out
}

// Record is the last door before the database: whatever the outcome's
// source, an address in a reply or an error is stored redacted, the rest
// of the text kept; erasing a customer clears what was stored about their
// deliveries.
func TestRecordRedactsAndErasureClears(t *testing.T) {
	for name, db := range customerStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := testenv.Actor(candor.RoleLegal)
			_, s, claimed := claimAll(t, db, 4)
			outs := make([]store.Outcome, len(claimed))
			for i, c := range claimed {
				outs[i] = store.Outcome{ID: c.ID, SendID: s.ID, CustomerID: c.CustomerID.String, Status: candor.DeliverySent,
					Response: "250 2.0.0 queued for <p" + c.ID + "@example.com> as X1"}
			}
			outs[1].Status, outs[1].Response, outs[1].Error = candor.DeliveryFailed, "", "render: no mailbox p1@example.com here"
			// All sent (PostgreSQL's one-statement path), then the rest.
			if err := db.Record(ctx, outs[2:]); err != nil {
				t.Fatal(err)
			}
			if err := db.Record(ctx, outs[:2]); err != nil {
				t.Fatal(err)
			}
			got := replies(t, db, s.ID)
			for i, o := range outs {
				r := got[o.CustomerID]
				if strings.Contains(r[0]+r[1], "@") {
					t.Fatalf("delivery %d stored %q / %q", i, r[0], r[1])
				}
				if want := (i != 1); want && r[0] != "250 2.0.0 queued for <redacted> as X1" {
					t.Fatalf("response %q", r[0])
				}
			}
			if r := got[outs[1].CustomerID]; r[1] != "render: no mailbox <redacted> here" {
				t.Fatalf("last_error %q", r[1])
			}
			if _, err := db.EraseCustomer(ctx, outs[0].CustomerID); err != nil {
				t.Fatal(err)
			}
			if _, err := db.EraseCustomer(ctx, outs[1].CustomerID); err != nil {
				t.Fatal(err)
			}
			got = replies(t, db, s.ID)
			for i, o := range outs {
				r := got[o.CustomerID]
				if erased := i < 2; erased != (r[0]+r[1] == "") {
					t.Fatalf("delivery %d (erased: %v): %q / %q", i, erased, r[0], r[1])
				}
			}
		})
	}
}

// Migrations sqlite/0013 and postgres/0014 scrub the replies stored
// before: addresses redacted, the erased customers' replies cleared.
func TestMigrationScrubsStoredReplies(t *testing.T) {
	for name, db := range customerStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := testenv.Actor(candor.RoleLegal)
			_, s, claimed := claimAll(t, db, 3)
			outs := make([]store.Outcome, len(claimed))
			for i, c := range claimed {
				outs[i] = store.Outcome{ID: c.ID, SendID: s.ID, CustomerID: c.CustomerID.String, Status: candor.DeliverySent}
			}
			if err := db.Record(ctx, outs); err != nil {
				t.Fatal(err)
			}
			// Rows as an older version stored them: replies in clear, and an
			// erasure that left them.
			raw := []struct{ response, lastError, want string }{
				{"250 2.0.0 queued for <rita@example.com> as X1", "", "250 2.0.0 queued for <redacted> as X1"},
				{"", `rcpt: 550 5.1.1 <"Wei Li"@example.jp>, (josé@bücher.example): rejected`, "rcpt: 550 5.1.1 <redacted>, (<redacted>): rejected"},
				{"250 2.0.0 queued for <erased@example.com>", "", ""},
			}
			for i, r := range raw {
				if err := db.Gorm().Exec("UPDATE deliveries SET response = ?, last_error = ? WHERE id = ?",
					r.response, r.lastError, outs[i].ID).Error; err != nil {
					t.Fatal(err)
				}
			}
			testenv.EraseCustomer(t, db, outs[2].CustomerID)
			version := map[string]string{store.SQLite: "0013_redact_replies", store.Postgres: "0014_redact_replies"}[name]
			if err := db.Gorm().Exec("DELETE FROM schema_migrations WHERE version = ?", version).Error; err != nil {
				t.Fatal(err)
			}
			if applied, err := db.Migrate(ctx); err != nil || len(applied) != 1 || applied[0] != version {
				t.Fatalf("migrate: %v %v", applied, err)
			}
			got := replies(t, db, s.ID)
			for i, r := range raw {
				g := got[outs[i].CustomerID]
				if stored := g[0] + g[1]; stored != r.want {
					t.Errorf("delivery %d: stored %q / %q, want %q", i, g[0], g[1], r.want)
				}
			}
		})
	}
}

// The PostgreSQL migration's expression is the Go one, character for
// character (SQLite's calls the Go function itself).
func TestMigrationUsesRedactPattern(t *testing.T) {
	b, err := fs.ReadFile(migrations.FS, "postgres/0014_redact_replies.sql")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(b), "$re$"+redact.Pattern()+"$re$"); n != 2 {
		t.Fatalf("the migration quotes redact.Pattern() %d times, want 2", n)
	}
	b, err = fs.ReadFile(migrations.FS, "sqlite/0013_redact_replies.sql")
	if err != nil || strings.Count(string(b), "candor_redact_addresses(") != 2 {
		t.Fatalf("the SQLite migration does not call candor_redact_addresses on both columns (%v)", err)
	}
}
