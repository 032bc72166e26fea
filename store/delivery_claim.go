package store

// Claiming: a chunk task divides a send's pending deliveries into chunks
// and claims one, moving its deliveries to sending.

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/candor-dev/candor"
	"gorm.io/gorm"
)

// Chunks returns the boundaries of the send's pending deliveries in id
// order, size at a time: [from, to] pairs, each one task's work.
func (db *DB) Chunks(ctx context.Context, sendID string, size int) ([][2]string, error) {
	return db.ChunksAfter(ctx, sendID, size, "")
}

// ChunksAfter is Chunks of the deliveries whose id is after after: those
// that DispatchRest added behind the chunks already enqueued.
func (db *DB) ChunksAfter(ctx context.Context, sendID string, size int, after string) ([][2]string, error) {
	ctx = db.sendPath(ctx)
	rows, err := db.gorm.WithContext(ctx).Raw("SELECT id FROM deliveries WHERE send_id = ? AND status IN ('pending', 'sending') AND id > ? ORDER BY id", sendID, after).Rows()
	if err != nil {
		return nil, fmt.Errorf("chunk deliveries: %w", err)
	}
	defer rows.Close()
	var out [][2]string
	n := 0
	var id, last string
	for rows.Next() {
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		if n%size == 0 {
			out = append(out, [2]string{id, id})
		}
		last = id
		out[len(out)-1][1] = last
		n++
	}
	return out, rows.Err()
}

// Claimed is a delivery a worker has claimed for sending.
type Claimed struct {
	ID           string
	CustomerID   sql.NullString
	RecipientKey string
	Locale       string
	MessageID    string
	Attempts     int
	Reference    string // the notice's reference (reference.go); "" for a regulator's
}

// Reclaim says which deliveries left in sending a claim takes again.
type Reclaim int

const (
	// ReclaimNone takes pending deliveries only: a task's first run.
	ReclaimNone Reclaim = iota
	// ReclaimOwn also takes those the same task claimed before it was
	// interrupted (an Asynq retry after a crash, a lost lease or a pause).
	// What another task claimed is left alone: after a pause and resume,
	// the resumed send's tasks claim the chunk's rows while the paused
	// task's retry may still be due, and taking theirs would send twice.
	ReclaimOwn
	// ReclaimAll takes any left in sending: the reconciler's tasks for a
	// send whose own tasks were lost.
	ReclaimAll
)

// Claimant is who claims a chunk: the task (kept on each row it claims,
// "" for none) and what it may take back.
type Claimant struct {
	Task    string
	Reclaim Reclaim
}

// Claim moves the chunk's pending deliveries (and, on a retry after a crash,
// those left in sending, as c.Reclaim allows) to sending, and returns them.
// The condition on status makes a second worker's claim of the same rows
// return nothing.
func (db *DB) Claim(ctx context.Context, sendID, from, to string, c Claimant) ([]Claimed, error) {
	ctx = db.sendPath(ctx)
	now := db.now()
	if db.dialect == Postgres && c.Reclaim == ReclaimNone {
		return db.claimAtOnce(ctx, sendID, from, to, c.Task, now)
	}
	const update = `UPDATE deliveries SET status = 'sending', attempts = attempts + 1, updated_at = ?, claim_task = NULLIF(?, '')
		WHERE send_id = ? AND id >= ? AND id <= ? AND status = ? AND (next_attempt_at IS NULL OR next_attempt_at <= ?)`
	const returning = ` RETURNING id, customer_id, recipient_key, locale, message_id, attempts, COALESCE(reference, '')`
	claimPending := rebind(db.dialect, update+returning)
	claimSending := rebind(db.dialect, update+c.owned()+returning)
	claim := func(tx *gorm.DB, status string) ([]Claimed, error) {
		sqlTx, ok := tx.Statement.ConnPool.(*sql.Tx)
		if !ok {
			return nil, fmt.Errorf("not in a transaction")
		}
		if status == candor.DeliverySending {
			return scanClaimed(sqlTx.QueryContext(ctx, claimSending, append([]any{now, c.Task, sendID, from, to, status, now}, c.ownedArgs()...)...))
		}
		return scanClaimed(sqlTx.QueryContext(ctx, claimPending, now, c.Task, sendID, from, to, status, now))
	}
	var out []Claimed
	err := db.transaction(ctx, func(tx *gorm.DB) error {
		flagged := 0
		if c.Reclaim != ReclaimNone { // already counted as sending
			n, err := flagRepeats(tx, sendID, from, to, c, now)
			if err != nil {
				return err
			}
			flagged = n
			again, err := claim(tx, candor.DeliverySending)
			if err != nil {
				return err
			}
			out = again
		}
		fresh, err := claim(tx, candor.DeliveryPending)
		if err != nil {
			return err
		}
		out = append(out, fresh...)
		m := countMove{}
		m.move(candor.DeliveryPending, candor.DeliverySending, len(fresh))
		if flagged > 0 {
			m[possibleDuplicates] = flagged
		}
		return addCounts(tx, sendID, m, now)
	})
	if err != nil {
		return nil, fmt.Errorf("claim deliveries: %w", err)
	}
	return out, nil
}

// flagRepeats marks possible_duplicate the chunk's deliveries a reclaim is
// about to take from "sending" — the rows Claim's reclaim statement
// takes, by the same condition — and returns how many it newly marked.
// A delivery still sending when its chunk is claimed again was claimed by
// a task that never recorded its outcome: a worker killed (or its lease
// lost) after the relay may already have accepted the message, which is
// now sent again. Whether the first attempt got through is not known, so
// every such delivery is flagged: the flagged ones include every one that
// reached the relay twice (TestWorkerKilledDuringSend holds that), and
// some that did not. A row flagged by an earlier crash is not counted
// again. On PostgreSQL the update locks the rows it marks, so two
// reclaims racing for a row count it once.
func flagRepeats(tx *gorm.DB, sendID, from, to string, c Claimant, now time.Time) (int, error) {
	res := tx.Exec(`UPDATE deliveries SET possible_duplicate = TRUE
		WHERE send_id = ? AND id >= ? AND id <= ? AND status = 'sending' AND NOT possible_duplicate
		AND (next_attempt_at IS NULL OR next_attempt_at <= ?)`+c.owned(), append([]any{sendID, from, to, now}, c.ownedArgs()...)...)
	return int(res.RowsAffected), res.Error
}

// owned is the condition on a row in sending that c may take back, with
// its arguments (ownedArgs): its own rows for ReclaimOwn (and rows claimed
// before tasks were recorded), any for ReclaimAll.
func (c Claimant) owned() string {
	if c.Reclaim == ReclaimOwn {
		return " AND (claim_task IS NULL OR claim_task = ?)"
	}
	return ""
}

func (c Claimant) ownedArgs() []any {
	if c.Reclaim == ReclaimOwn {
		return []any{c.Task}
	}
	return nil
}

// claimAtOnce is Claim on PostgreSQL of a chunk's pending deliveries (a
// first attempt, or a retry), in one statement rather than a transaction
// of two: the deliveries are claimed by the main query, and the send's
// counts move by as many in a data-modifying WITH, which PostgreSQL runs
// after the main query, so the send's row is locked last (see
// send_counts.go). Being one statement, it is as atomic as the transaction
// was, without its BEGIN and COMMIT.
func (db *DB) claimAtOnce(ctx context.Context, sendID, from, to, task string, now time.Time) ([]Claimed, error) {
	sqlDB, err := db.gorm.DB()
	if err != nil {
		return nil, err
	}
	rows, err := sqlDB.QueryContext(ctx, `WITH d AS (
			UPDATE deliveries SET status = 'sending', attempts = attempts + 1, updated_at = $1, claim_task = NULLIF($5, '')
			WHERE send_id = $2 AND id >= $3 AND id <= $4 AND status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= $1)
			RETURNING id, customer_id, recipient_key, locale, message_id, attempts, COALESCE(reference, '') AS reference),
		n AS (SELECT count(*) AS claimed FROM d),
		s AS (UPDATE sends SET n_pending = n_pending - n.claimed, n_sending = n_sending + n.claimed, progressed_at = $1
			FROM n WHERE sends.id = $2 AND n.claimed > 0)
		SELECT id, customer_id, recipient_key, locale, message_id, attempts, reference FROM d`, now, sendID, from, to, task)
	out, err := scanClaimed(rows, err)
	if err != nil {
		return nil, fmt.Errorf("claim deliveries: %w", err)
	}
	return out, nil
}

// scanClaimed reads a claim's rows (id, customer_id, recipient_key,
// locale, message_id, attempts, reference) with database/sql: gorm's reflection cost
// more than the statement for a chunk's 200 rows.
func scanClaimed(rows *sql.Rows, err error) ([]Claimed, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Claimed
	for rows.Next() {
		var c Claimed
		if err := rows.Scan(&c.ID, &c.CustomerID, &c.RecipientKey, &c.Locale, &c.MessageID, &c.Attempts, &c.Reference); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
