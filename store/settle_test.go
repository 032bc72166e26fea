package store_test

import (
	"context"
	"testing"
)

// Settle leaves nothing for the database's background work to do after a
// bulk change: on PostgreSQL the send's tables are vacuumed and analyzed,
// on SQLite the write-ahead log is checkpointed into the database and
// emptied.
func TestSettle(t *testing.T) {
	for name, db := range customerStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			in := incidentWithCustomers(t, db, 20)
			noticeSend(t, db, in.ID)
			if err := db.Settle(ctx); err != nil {
				t.Fatal(err)
			}
			if db.Dialect() == "postgres" {
				var n int
				if err := db.Gorm().Raw(`SELECT count(*) FROM pg_stat_user_tables WHERE relname IN ('customers', 'deliveries', 'sends')
					AND last_vacuum IS NOT NULL AND last_analyze IS NOT NULL`).Scan(&n).Error; err != nil || n != 3 {
					t.Fatalf("%d of the 3 tables vacuumed and analyzed (%v)", n, err)
				}
				return
			}
			var busy, logFrames, moved int
			if err := db.Gorm().Raw("PRAGMA wal_checkpoint(PASSIVE)").Row().Scan(&busy, &logFrames, &moved); err != nil {
				t.Fatal(err)
			}
			if busy != 0 || logFrames != 0 {
				t.Fatalf("the write-ahead log still holds %d frames (busy %d)", logFrames, busy)
			}
		})
	}
}
