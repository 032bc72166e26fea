package store

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/candor-dev/candor"
	"gorm.io/gorm"
)

// A send keeps the count of its deliveries in each status (migration 0008).
// Every statement that moves deliveries from one status to another adds
// what it moved, by the number of rows it changed, in the same
// transaction; so the counts are exact whenever they are read, and progress
// and completion cost one primary-key read instead of a look through the
// send's deliveries.
//
// Lock order: on PostgreSQL a transaction that changes deliveries' statuses
// first locks their sends (lockSends, lockSend), then changes deliveries,
// then the counts. Taking the send's row last would deadlock a chunk's
// claim (holding deliveries, waiting for the send) against a cancel
// (holding the send, waiting for those deliveries).

// countColumns are the sends columns holding the counts, by status.
var countColumns = map[string]string{
	candor.DeliveryPending:   "n_pending",
	candor.DeliverySending:   "n_sending",
	candor.DeliverySent:      "n_sent",
	candor.DeliveryFailed:    "n_failed",
	candor.DeliveryBounced:   "n_bounced",
	candor.DeliveryCancelled: "n_cancelled",
}

// countMove is a change to one send's counts: status → rows added.
type countMove map[string]int

// move records n deliveries moved from one status to another.
func (m countMove) move(from, to string, n int) {
	if n == 0 || from == to {
		return
	}
	m[from] -= n
	m[to] += n
}

// addCounts applies m to the send's counts and notes that it progressed.
func addCounts(tx *gorm.DB, sendID string, m countMove, now time.Time) error {
	set := ""
	var args []any
	for _, status := range slices.Sorted(maps.Keys(m)) {
		col, ok := countColumns[status]
		if !ok {
			return fmt.Errorf("count deliveries: unknown status %q", status)
		}
		if m[status] == 0 {
			continue
		}
		set += col + " = " + col + " + ?, "
		args = append(args, m[status])
	}
	if set == "" {
		return nil
	}
	err := tx.Exec("UPDATE sends SET "+set+"progressed_at = ? WHERE id = ?", append(args, now, sendID)...).Error
	if err != nil {
		return fmt.Errorf("count deliveries: %w", err)
	}
	return nil
}

// lockSends takes the sends' row locks, in id order, for the rest of the
// transaction on PostgreSQL (see the lock order above). SQLite's
// transactions take the one writer lock at BEGIN (_txlock=immediate).
func (db *DB) lockSends(tx *gorm.DB, ids []string) error {
	if db.dialect != Postgres || len(ids) == 0 {
		return nil
	}
	var got []string
	if err := tx.Raw("SELECT id FROM sends WHERE id IN ? ORDER BY id FOR UPDATE", ids).Scan(&got).Error; err != nil {
		return fmt.Errorf("lock sends: %w", err)
	}
	return nil
}
