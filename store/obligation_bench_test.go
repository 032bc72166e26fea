package store_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/store"
)

// BenchmarkObligationEvidence measures what GET .../obligations reads for
// an incident whose customers were all sent a notice: the place counts and
// the reach of three areas covering everyone (JP 60%, US-TX 30%, EU 10%).
// CANDOR_BENCH_CUSTOMERS sets the size (default 100,000); for the figure
// in the README: CANDOR_BENCH_CUSTOMERS=1000000 go test ./store -run - -bench Evidence -benchtime 5x
func BenchmarkObligationEvidence(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("CANDOR_BENCH_CUSTOMERS")); err == nil && v > 0 {
		n = v
	}
	for name, db := range testenv.Stores(b) {
		b.Run(name, func(b *testing.B) {
			ctx := testenv.Actor(candor.RoleComms)
			in, err := db.CreateIncident(ctx, newIncident("bench"))
			if err != nil {
				b.Fatal(err)
			}
			send, disc := testenv.Send(b, db, in.ID, "customer_notice", "")
			fill(b, db, in.ID, send, disc, n)
			areas := []string{"JP", "US-TX", "EU"}
			until := time.Now().Add(time.Hour)
			b.ResetTimer()
			for b.Loop() {
				if _, _, err := db.CustomerPlaceCounts(context.Background(), in.ID); err != nil {
					b.Fatal(err)
				}
				ev, err := db.ObligationEvidence(context.Background(), in.ID, areas, until)
				if err != nil {
					b.Fatal(err)
				}
				if r := ev.Reach["JP"]; r.EmailCustomers == 0 || !r.Complete() {
					b.Fatalf("JP reach %+v", r)
				}
			}
			b.ReportMetric(float64(n), "customers")
		})
	}
}

// fill inserts n customers and one sent notice delivery each, with SQL
// both dialects run (a recursive CTE as the row source).
func fill(b *testing.B, db *store.DB, incidentID, sendID, disclosureID string, n int) {
	b.Helper()
	now := time.Now().UTC().Truncate(time.Second)
	rows := `WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < ?) `
	err := db.Gorm().Exec(rows+`INSERT INTO customers (id, incident_id, dedupe_key, content_hash, country, region,
		channel, status, created_at, updated_at)
		SELECT 'c' || (100000000 + x), ?, 'k' || x, 'h',
			CASE WHEN x % 10 < 6 THEN 'JP' WHEN x % 10 < 9 THEN 'US' ELSE 'DE' END,
			CASE WHEN x % 10 IN (6, 7, 8) THEN 'US-TX' ELSE '' END,
			'email', 'sent', ?, ? FROM g`, n, incidentID, now, now).Error
	if err != nil {
		b.Fatalf("insert customers: %v", err)
	}
	err = db.Gorm().Exec(rows+`INSERT INTO deliveries (id, send_id, disclosure_id, incident_id, recipient_key,
		customer_id, status, message_id, sent_at, created_at, updated_at)
		SELECT 'd' || (100000000 + x), ?, ?, ?, 'c' || (100000000 + x), 'c' || (100000000 + x),
			'sent', 'm' || x, ?, ?, ? FROM g`, n, sendID, disclosureID, incidentID, now, now, now).Error
	if err != nil {
		b.Fatalf("insert deliveries: %v", err)
	}
	if db.Dialect() == store.Postgres {
		db.Gorm().Exec("ANALYZE customers")
		db.Gorm().Exec("ANALYZE deliveries")
	} else {
		db.Gorm().Exec("ANALYZE")
	}
}
