package store

// Recording: what happened to claimed deliveries, the customers' statuses
// and the send's counts, and the send's completion.

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/internal/redact"
	"gorm.io/gorm"
)

// Outcome is what happened to one claimed delivery.
type Outcome struct {
	ID         string
	SendID     string
	CustomerID string
	Status     string // sent, pending (retry later), failed, cancelled
	Response   string
	Error      string
	RetryAt    *time.Time
	Throttled  bool // a relay's throttle: the attempt does not count
}

// Record writes outcomes, the customers' statuses and the sends' counts
// in one transaction. Sent outcomes, nearly all of them, are written a
// batch at a time: one UPDATE of the deliveries (joined to a VALUES list of
// ids and responses) and one of their customers per batch, rather than two
// statements per message. The rest go one by one. Only deliveries still
// sending move, and each send's counts move by the rows that did.
func (db *DB) Record(ctx context.Context, outcomes []Outcome) error {
	ctx = db.sendPath(ctx)
	if len(outcomes) == 0 {
		return nil
	}
	bySend := map[string][]Outcome{}
	for _, o := range outcomes {
		if o.SendID == "" {
			return fmt.Errorf("record deliveries: outcome of %s has no send", o.ID)
		}
		// The relay's words are kept, its echo of the recipient's address
		// is not (the mail package redacts them already; this is the
		// last door before the database, for every other source).
		o.Response, o.Error = redact.Addresses(o.Response), redact.Addresses(o.Error)
		bySend[o.SendID] = append(bySend[o.SendID], o)
	}
	sends := slices.Sorted(maps.Keys(bySend))
	now := db.now()
	if db.dialect == Postgres && len(sends) == 1 && allSent(outcomes) {
		return db.recordSentAtOnce(ctx, sends[0], bySend[sends[0]], now)
	}
	return db.transaction(ctx, func(tx *gorm.DB) error {
		sqlTx, ok := tx.Statement.ConnPool.(*sql.Tx)
		if !ok {
			return fmt.Errorf("record deliveries: not in a transaction")
		}
		moves := make([]countMove, len(sends))
		for i, id := range sends {
			m, err := db.recordSend(ctx, sqlTx, bySend[id], now)
			if err != nil {
				return err
			}
			moves[i] = m
		}
		for i, id := range sends { // last, in id order (see send_counts.go)
			if err := addCounts(tx, id, moves[i], now); err != nil {
				return err
			}
		}
		return nil
	})
}

func allSent(outcomes []Outcome) bool {
	for _, o := range outcomes {
		if o.Status != candor.DeliverySent {
			return false
		}
	}
	return true
}

// recordSentAtOnce is Record on PostgreSQL of what nearly every batch is:
// messages of one send, all sent. One statement does what the transaction
// does — the deliveries, then their customers, then the send's counts,
// in that order (n is materialised, so both counts are computed before
// the send's row is updated; see send_counts.go) — and, being one statement,
// is as atomic, without the round trips of BEGIN and COMMIT and three
// statements (five round trips a batch were ~1,200 transactions for a send
// of 100,000). The customers are those whose delivery moved. (The
// deliveries are found by id alone: with "AND send_id = $4" as well, the
// planner, from statistics that lag behind the send's own deliveries,
// read every delivery of the send through deliveries_send_order for each
// batch.)
func (db *DB) recordSentAtOnce(ctx context.Context, sendID string, sent []Outcome, now time.Time) error {
	sqlDB, err := db.gorm.DB()
	if err != nil {
		return err
	}
	ids, responses := sentArrays(sent)
	_, err = sqlDB.ExecContext(ctx, `WITH d AS (`+markSentPostgres+`),
		c AS (
			UPDATE customers SET status = 'sent', updated_at = $1
			WHERE status <> 'sent' AND id IN (SELECT customer_id FROM d WHERE customer_id IS NOT NULL)
			RETURNING 1),
		n AS MATERIALIZED (SELECT (SELECT count(*) FROM d) AS moved, (SELECT count(*) FROM c) AS customers)
		UPDATE sends SET n_sending = n_sending - n.moved, n_sent = n_sent + n.moved, progressed_at = $1
		FROM n WHERE sends.id = $4 AND n.moved > 0`, now, ids, responses, sendID)
	if err != nil {
		return fmt.Errorf("record deliveries: %w", err)
	}
	return nil
}

// markSentPostgres marks the deliveries of $2 (ids, with the responses
// $3) sent at $1, those still sending, and returns their customer ids:
// recordSent's statement on PostgreSQL, and the first step of
// recordSentAtOnce's.
const markSentPostgres = `UPDATE deliveries SET status = 'sent', response = v.response, last_error = '', sent_at = $1, updated_at = $1
	FROM unnest($2::text[], $3::text[]) AS v(id, response) WHERE deliveries.id = v.id AND deliveries.status = 'sending'
	RETURNING deliveries.customer_id`

// sentArrays are the ids and responses of sent outcomes, as markSentPostgres
// takes them.
func sentArrays(sent []Outcome) (ids, responses []string) {
	ids, responses = make([]string, len(sent)), make([]string, len(sent))
	for i, o := range sent {
		ids[i], responses[i] = o.ID, o.Response
	}
	return ids, responses
}

// recordSend writes one send's outcomes and returns how its counts moved.
func (db *DB) recordSend(ctx context.Context, tx *sql.Tx, outcomes []Outcome, now time.Time) (countMove, error) {
	m := countMove{}
	var sent, other []Outcome
	for _, o := range outcomes {
		if o.Status == candor.DeliverySent {
			sent = append(sent, o)
		} else {
			other = append(other, o)
		}
	}
	for len(sent) > 0 {
		n := min(len(sent), recordBatch)
		moved, err := db.recordSent(ctx, tx, sent[:n], now)
		if err != nil {
			return nil, err
		}
		m.move(candor.DeliverySending, candor.DeliverySent, moved)
		sent = sent[n:]
	}
	if len(other) == 0 {
		return m, nil
	}
	ph := func(s string) string { return rebind(db.dialect, s) }
	upd, err := tx.PrepareContext(ctx, ph("UPDATE deliveries SET status = ?, last_error = ?, next_attempt_at = ?, attempts = attempts - ?, updated_at = ? WHERE id = ? AND status = 'sending'"))
	if err != nil {
		return nil, err
	}
	defer upd.Close()
	cust, err := tx.PrepareContext(ctx, ph("UPDATE customers SET status = ?, updated_at = ? WHERE id = ? AND status <> 'sent'"))
	if err != nil {
		return nil, err
	}
	defer cust.Close()
	for _, o := range other {
		if _, ok := countColumns[o.Status]; !ok || o.Status == candor.DeliverySending || o.Status == possibleDuplicates {
			return nil, fmt.Errorf("record delivery: cannot record status %q", o.Status)
		}
		undo := 0
		if o.Throttled {
			undo = 1
		}
		res, err := upd.ExecContext(ctx, o.Status, o.Error, o.RetryAt, undo, now, o.ID)
		if err != nil {
			return nil, fmt.Errorf("record delivery: %w", err)
		}
		moved, err := res.RowsAffected()
		if err != nil {
			return nil, fmt.Errorf("record delivery: %w", err)
		}
		m.move(candor.DeliverySending, o.Status, int(moved))
		if o.CustomerID == "" {
			continue
		}
		status := map[string]string{candor.DeliveryFailed: candor.CustomerFailed,
			candor.DeliveryPending: candor.CustomerQueued, candor.DeliveryCancelled: candor.CustomerPending}[o.Status]
		if _, err := cust.ExecContext(ctx, status, now, o.CustomerID); err != nil {
			return nil, fmt.Errorf("record customer status: %w", err)
		}
	}
	return m, nil
}

// recordBatch is the most sent outcomes one statement writes (two
// parameters each: far below either database's limit).
const recordBatch = 500

// recordSent marks a batch of deliveries sent, each with its relay's
// response, and the customers of those that moved sent, and returns how
// many it moved. Like the one-by-one path, it only moves deliveries that
// are still sending: an outcome for any other changes neither it nor its
// customer.
func (db *DB) recordSent(ctx context.Context, tx *sql.Tx, sent []Outcome, now time.Time) (int, error) {
	var q string
	var args []any
	if db.dialect == Postgres {
		// The ids and responses go as two arrays, so each statement has
		// the same text and a handful of parameters whatever the batch's
		// size. With a VALUES list of two parameters a row, every batch
		// size was a statement of its own to parse and plan
		// (pg_stat_statements listed dozens), and binding hundreds of
		// parameters cost the server more than the updates.
		ids, responses := sentArrays(sent)
		q, args = markSentPostgres, []any{now, ids, responses}
	} else {
		var b strings.Builder
		args = make([]any, 0, 2+2*len(sent))
		args = append(args, now, now)
		b.WriteString("UPDATE deliveries SET status = 'sent', response = v.column2, last_error = '', sent_at = ?, updated_at = ? FROM (VALUES ")
		for i, o := range sent {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?)")
			args = append(args, o.ID, o.Response)
		}
		b.WriteString(") AS v WHERE deliveries.id = v.column1 AND deliveries.status = 'sending' RETURNING customer_id")
		q = b.String()
	}
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return 0, fmt.Errorf("record deliveries: %w", err)
	}
	moved := 0
	var customers []string
	for rows.Next() {
		var c sql.NullString
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return 0, fmt.Errorf("record deliveries: %w", err)
		}
		moved++
		if c.Valid {
			customers = append(customers, c.String)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("record deliveries: %w", err)
	}
	if len(customers) == 0 {
		return moved, nil
	}
	if db.dialect == Postgres {
		q, args = `UPDATE customers SET status = 'sent', updated_at = $1 WHERE status <> 'sent' AND id = ANY($2::text[])`,
			[]any{now, customers}
	} else {
		q = "UPDATE customers SET status = 'sent', updated_at = ? WHERE status <> 'sent' AND id IN (" +
			strings.TrimSuffix(strings.Repeat("?, ", len(customers)), ", ") + ")"
		args = append(args[:0], now)
		for _, c := range customers {
			args = append(args, c)
		}
	}
	if _, err := tx.ExecContext(ctx, q, args...); err != nil {
		return 0, fmt.Errorf("record customer status: %w", err)
	}
	return moved, nil
}

// rebind turns ? placeholders into $n for PostgreSQL.
func rebind(dialect, q string) string {
	if dialect != Postgres {
		return q
	}
	var sb strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			fmt.Fprintf(&sb, "$%d", n)
			continue
		}
		sb.WriteRune(r)
	}
	return sb.String()
}

// FinishIfDone marks a running send completed once it is dispatched and
// none of its deliveries is pending or sending, with its audit entry. It
// reads the send's counts (one primary-key read), so it is safe to call
// after every chunk.
func (db *DB) FinishIfDone(ctx context.Context, sendID string) (bool, error) {
	ctx = db.sendPath(ctx)
	done := false
	err := db.inTx(ctx, func(tx *gorm.DB) (audit, error) {
		now := db.now()
		res := tx.Model(&sendRow{}).Where("id = ? AND state = ? AND dispatched_at IS NOT NULL AND n_pending = 0 AND n_sending = 0",
			sendID, string(candor.SendRunning)).
			Updates(map[string]any{"state": string(candor.SendCompleted), "finished_at": now, "updated_at": now})
		if res.Error != nil {
			return audit{}, res.Error
		}
		if res.RowsAffected == 0 {
			return audit{}, errNothing
		}
		var s sendRow
		if err := tx.Where("id = ?", sendID).Take(&s).Error; err != nil {
			return audit{}, err
		}
		done = true
		return audit{Action: "send.completed", Resource: "send", ResourceID: sendID, IncidentID: s.IncidentID,
			Summary: map[string]any{"total": s.Total}}, nil
	})
	if err == errNothing {
		return false, nil
	}
	return done, translate("finish send", "send", err)
}
