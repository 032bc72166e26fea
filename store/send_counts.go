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
// Lock order on PostgreSQL: every transaction that moves deliveries
// changes them first and the send's row (its counts, its state) last, just
// before it commits, so nothing waits for anything while holding a send's
// row. Dispatch steps and state changes are serialised with each other by
// an advisory lock on the send (lockSend), which claims and outcomes never
// take; a cancel skips delivery rows that are locked (their chunk is
// claiming or recording them, and releases them as cancelled once it sees
// the state). Locking the send's row first in every transaction was
// simpler, but each claim then waited for every other chunk's outcome and
// for each whole dispatch step: 8.5 s of lock waits in a 10 s send of
// 20,000 (pg_stat_statements).

// countColumns are the sends columns holding the counts, by status.
var countColumns = map[string]string{
	candor.DeliveryPending:   "n_pending",
	candor.DeliverySending:   "n_sending",
	candor.DeliverySent:      "n_sent",
	candor.DeliveryFailed:    "n_failed",
	candor.DeliveryBounced:   "n_bounced",
	candor.DeliveryCancelled: "n_cancelled",
	possibleDuplicates:       "n_possible_duplicates",
}

// possibleDuplicates is countColumns' key for the deliveries claimed again
// after a crash (flagRepeats): not a status, a count kept the same way.
// A countMove adds to it directly (m[possibleDuplicates] = n), never
// through move.
const possibleDuplicates = "+possible_duplicates" // no status is spelt so

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
