package store

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

// Dispatch creates all the deliveries of a send that is due, in one step:
// DispatchFirst with no limit.
func (db *DB) Dispatch(ctx context.Context, sendID, regulatorJurisdiction, msgDomain string) (bool, error) {
	return db.DispatchFirst(ctx, sendID, regulatorJurisdiction, msgDomain, 0)
}

// DispatchFirst starts a send that is due: it creates the deliveries of the
// first limit recipients (all of them when limit is 0), in customer order,
// and sets the send running. A large send's first chunks can then go out
// while DispatchRest creates the rest, instead of waiting for a million-row
// insert. Deliveries are made in INSERT ... SELECT statements, so rows
// never pass through Go; the unique key (disclosure_id, recipient_key)
// makes both steps idempotent: a re-run dispatcher, or a second send of the
// same disclosure, adds no second delivery for anyone. It returns false
// when the send is not scheduled (paused, cancelled, already started).
//
// regulatorJurisdiction names a regulator report's recipient, "" for a
// customer notice. msgDomain is the right-hand side of Message-IDs.
//
// A send is dispatched (dispatched_at set) once every recipient has a
// delivery; until then it does not complete, however many of its
// deliveries are sent.
func (db *DB) DispatchFirst(ctx context.Context, sendID, regulatorJurisdiction, msgDomain string, limit int) (bool, error) {
	ctx = db.sendPath(ctx)
	dispatched := false
	// Not inTx: a send resumed before it was fully dispatched comes back
	// here, and its audit log says send.resumed, not send.started again.
	err := db.transaction(ctx, func(tx *gorm.DB) error {
		a, err := db.dispatchFirst(tx, sendID, regulatorJurisdiction, msgDomain, limit)
		if err != nil {
			return err
		}
		dispatched = true
		if a.Action == "" {
			return nil
		}
		return db.appendAudit(ctx, tx, a)
	})
	if err == errNothing {
		return false, nil
	}
	return dispatched, translate("dispatch send", "send", err)
}

// dispatchFirst is DispatchFirst's transaction; it returns no audit entry
// for a send that started before.
func (db *DB) dispatchFirst(tx *gorm.DB, sendID, regulatorJurisdiction, msgDomain string, limit int) (audit, error) {
	if err := lockDispatch(tx, sendID); err != nil {
		return audit{}, err
	}
	var s sendRow
	if err := tx.Where("id = ?", sendID).Take(&s).Error; err != nil {
		return audit{}, err
	}
	if s.State != string(candor.SendScheduled) || s.DispatchedAt != nil {
		return audit{}, errNothing
	}
	now := db.now()
	var inserted int
	var err error
	if s.Kind == "regulator_report" {
		inserted, err = db.insertRegulatorDelivery(tx, s, regulatorJurisdiction, msgDomain, now)
		limit = 0
	} else {
		inserted, err = db.insertDeliveries(tx, s, msgDomain, now, limit)
	}
	if err != nil {
		return audit{}, err
	}
	if err := addCounts(tx, sendID, countMove{candor.DeliveryPending: inserted}, now); err != nil {
		return audit{}, err
	}
	total, err := countDeliveries(tx, sendID)
	if err != nil {
		return audit{}, err
	}
	upd := map[string]any{"state": string(candor.SendRunning), "total": total,
		"started_at": gorm.Expr("COALESCE(started_at, ?)", now), "updated_at": now}
	if limit == 0 || inserted < limit { // every recipient has a delivery
		upd["dispatched_at"] = now
		if total == 0 {
			upd["state"], upd["finished_at"] = string(candor.SendCompleted), now
		}
	}
	if err := tx.Model(&sendRow{}).Where("id = ?", sendID).Updates(upd).Error; err != nil {
		return audit{}, err
	}
	if s.StartedAt != nil {
		return audit{}, nil
	}
	return audit{Action: "send.started", Resource: "send", ResourceID: sendID, IncidentID: s.IncidentID,
		Summary: map[string]any{"deliveries": total}}, nil
}

// DispatchRest creates deliveries DispatchFirst left to make, for up to
// limit more recipients (all when 0) whose customer id is after
// afterCustomer (from the start when ""), if the send is running and not
// yet dispatched. When there are none left it marks the send dispatched,
// with its total. Each call is its own transaction,
// so chunks already enqueued claim and record between them (SQLite has one
// writer). A paused send is left for its resume (which dispatches again);
// a cancelled one gets no more deliveries.
func (db *DB) DispatchRest(ctx context.Context, sendID, msgDomain, afterCustomer string, limit int) (DispatchStep, error) {
	ctx = db.sendPath(ctx)
	step := DispatchStep{Next: afterCustomer}
	err := db.inTx(ctx, func(tx *gorm.DB) (audit, error) {
		if err := lockDispatch(tx, sendID); err != nil {
			return audit{}, err
		}
		var s sendRow
		if err := tx.Where("id = ?", sendID).Take(&s).Error; err != nil {
			return audit{}, err
		}
		if s.State != string(candor.SendRunning) || s.DispatchedAt != nil {
			return audit{}, errNothing
		}
		now := db.now()
		prefix := strings.ReplaceAll(NewID(), "-", "")[:24]
		step.From = prefix
		inserted, err := db.insertDeliveriesAfter(tx, s, msgDomain, now, limit, afterCustomer, prefix)
		if err != nil {
			return audit{}, err
		}
		if err := addCounts(tx, sendID, countMove{candor.DeliveryPending: inserted}, now); err != nil {
			return audit{}, err
		}
		if limit > 0 && inserted == limit {
			// More may follow: the send row is left alone (no audit
			// entry per batch); the deliveries are the system's own.
			if err := tx.Raw(`SELECT customer_id FROM deliveries WHERE send_id = ? AND id > ? ORDER BY id DESC LIMIT 1`,
				sendID, prefix).Scan(&step.Next).Error; err != nil {
				return audit{}, err
			}
			step.More = true
			return audit{}, nil
		}
		total, err := countDeliveries(tx, sendID)
		if err != nil {
			return audit{}, err
		}
		if err := tx.Model(&sendRow{}).Where("id = ?", sendID).
			Updates(map[string]any{"total": total, "dispatched_at": now, "updated_at": now}).Error; err != nil {
			return audit{}, err
		}
		return audit{Action: "send.dispatched", Resource: "send", ResourceID: sendID, IncidentID: s.IncidentID,
			Summary: map[string]any{"deliveries": total}}, nil
	})
	if err == errNothing {
		return DispatchStep{Next: afterCustomer}, nil
	}
	return step, translate("dispatch send", "send", err)
}

// DispatchStep is what one DispatchRest did.
type DispatchStep struct {
	From string // the new deliveries' ids all sort after it ("" if none)
	Next string // the customer id to continue after
	More bool   // there may be more recipients: call again with Next
}

// insertDeliveries creates a pending delivery for each email customer of
// the send's audience who has none for this disclosure yet, the first
// limit of them in customer order (all when limit is 0), and shows those
// customers as queued.
//
// Delivery ids follow the customers' order: this statement's own
// time-ordered prefix, then the recipient's number in customer-id order
// (32 hex digits in all). A chunk, an id range, then covers neighbouring
// delivery rows and neighbouring customer rows, so its claim, reads and
// writes touch a few pages rather than one page per recipient; and the
// inserts append to the id indexes instead of landing all over them. A
// later statement (the rest of a send, a resumed one) has a later prefix,
// so its ids follow.
func (db *DB) insertDeliveries(tx *gorm.DB, s sendRow, msgDomain string, now time.Time, limit int) (int, error) {
	return db.insertDeliveriesAfter(tx, s, msgDomain, now, limit, "", strings.ReplaceAll(NewID(), "-", "")[:24])
}

// insertDeliveriesAfter is insertDeliveries for the customers whose id is
// after afterCustomer, with the given id prefix.
//
// The dispatch steps of one disclosure's sends take turns (lockDisclosure;
// SQLite has one writer), so the statement's NOT EXISTS sees every
// delivery the disclosure has, and its inserts need no ON CONFLICT clause:
// on PostgreSQL that clause made every row a speculative insertion, which
// probes the unique index again before inserting. Should a delivery still
// collide, deliveries_once refuses the statement and the step is retried.
func (db *DB) insertDeliveriesAfter(tx *gorm.DB, s sendRow, msgDomain string, now time.Time, limit int,
	afterCustomer, prefix string) (int, error) {
	if err := lockDisclosure(tx, s.DisclosureID); err != nil {
		return 0, err
	}
	q, args := db.dispatchStatement(s, msgDomain, now, limit, afterCustomer, prefix)
	if db.dialect == Postgres {
		// One statement inserts and marks the customers queued (see
		// dispatchStatement).
		var n int
		err := tx.Raw(q, args...).Scan(&n).Error
		return n, err
	}
	res := tx.Exec(q, args...)
	if res.Error != nil {
		return 0, res.Error
	}
	return int(res.RowsAffected), markQueuedFrom(tx, s.ID, prefix)
}

// dispatchStatement is insertDeliveriesAfter's INSERT ... SELECT. On
// PostgreSQL it also shows the new deliveries' customers as queued, in a
// data-modifying WITH that updates them from the rows just selected, and
// returns how many it inserted: a separate UPDATE found them again through
// the new deliveries (8.5 us a delivery in a 100,000 send). The customers
// are named as an array, so that each is found by its primary key: joined
// to x, the update was planned as a hash join over a scan of every
// customer of every incident (the statistics count the step's customers
// as pending), so each step of 5,000 read the whole table (390 of the
// step's 570 ms under EXPLAIN ANALYZE at 100,000 customers; 32 ms by key),
// and a send's dispatch grew with the square of its size
// (TestDispatchQueuesByKey).
func (db *DB) dispatchStatement(s sendRow, msgDomain string, now time.Time, limit int,
	afterCustomer, prefix string) (string, []any) {
	seqID := "? || printf('%08x', row_number() OVER (ORDER BY c.id))"
	if db.dialect == Postgres {
		seqID = "?::text || lpad(to_hex(row_number() OVER (ORDER BY c.id)), 8, '0')"
	}
	where, args := audienceWhere(s.Filter.V)
	if afterCustomer != "" {
		where += " AND c.id > ?"
		args = append(args, afterCustomer)
	}
	lim := ""
	if limit > 0 { // read only the first customers, in id order
		lim = fmt.Sprintf(" ORDER BY c.id LIMIT %d", limit)
	}
	// On PostgreSQL the NOT EXISTS is fenced (OFFSET 0) so that it stays a
	// probe of deliveries_once per customer. Turned into an anti-join, it
	// was planned from the statistics, which lag behind an import just
	// made and a send's own deliveries: with one customer estimated, the
	// planner chose a nested loop that matched recipient_key as a filter,
	// reading every delivery of the disclosure for every customer (the
	// third 20,000 send of a benchmark dispatched in 64 s, not 0.7 s).
	// SQLite always runs it as a probe (and has no OFFSET without LIMIT).
	fence := ""
	if db.dialect == Postgres {
		fence = " OFFSET 0"
	}
	// The new ids are materialised first: SQLite would otherwise evaluate
	// them once for the id and again for the Message-ID built from it.
	with := `WITH x AS MATERIALIZED (SELECT ` + seqID + ` AS id, c.id AS cid, c.locale AS locale FROM (
		      SELECT c.id, c.locale FROM customers c
		      WHERE c.incident_id = ? AND c.channel = 'email' AND c.erased_at IS NULL` + where + `
		      AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.disclosure_id = ? AND d.recipient_key = c.id` + fence + `)` + lim + `) c)`
	// Each customer's delivery draws its notice reference as it is made
	// (reference.go), so the reference exists before any message does.
	insert := `INSERT INTO deliveries (id, send_id, disclosure_id, incident_id, recipient_key, customer_id,
		locale, status, message_id, created_at, updated_at, reference)
		SELECT x.id, ?, ?, ?, x.cid, x.cid, x.locale, 'pending', '<' || x.id || '@' || ? || '>', ?, ?, ` + db.newReference() + `
		FROM x WHERE true ORDER BY x.id`
	args = append(append(append([]any{prefix, s.IncidentID}, args...), s.DisclosureID),
		s.ID, s.DisclosureID, s.IncidentID, msgDomain, now, now)
	if db.dialect != Postgres {
		return with + "\n\t\t" + insert, args
	}
	return with + `, ins AS (` + insert + ` RETURNING 1),
		queued AS (UPDATE customers c SET status = 'queued' WHERE c.id = ANY (ARRAY(SELECT cid FROM x)) AND c.status = 'pending')
		SELECT count(*) FROM ins`, args
}

// insertRegulatorDelivery creates a regulator report's one delivery.
func (db *DB) insertRegulatorDelivery(tx *gorm.DB, s sendRow, jurisdiction, msgDomain string, now time.Time) (int, error) {
	newID := "lower(hex(randomblob(16)))"
	if db.dialect == Postgres {
		newID = "replace(gen_random_uuid()::text, '-', '')"
	}
	res := tx.Exec(`WITH x AS MATERIALIZED (SELECT `+newID+` AS id)
		INSERT INTO deliveries (id, send_id, disclosure_id, incident_id, recipient_key, customer_id,
		locale, status, message_id, created_at, updated_at)
		SELECT x.id, ?, ?, ?, ?, NULL, '', 'pending', '<' || x.id || '@' || ? || '>', ?, ?
		FROM x WHERE true
		ON CONFLICT (disclosure_id, recipient_key) DO NOTHING`,
		s.ID, s.DisclosureID, s.IncidentID, "regulator:"+jurisdiction, msgDomain, now, now)
	return int(res.RowsAffected), res.Error
}

// markQueuedFrom shows the customers of the send's deliveries whose id is
// after fromID (those a dispatch step just made) as queued.
func markQueuedFrom(tx *gorm.DB, sendID, fromID string) error {
	return tx.Exec(`UPDATE customers SET status = 'queued' WHERE status = 'pending' AND id IN
		(SELECT customer_id FROM deliveries WHERE send_id = ? AND id > ? AND status = 'pending')`, sendID, fromID).Error
}

// countDeliveries is how many deliveries the send has, from its counts.
func countDeliveries(tx *gorm.DB, sendID string) (int, error) {
	var n int64
	err := tx.Raw("SELECT n_pending + n_sending + n_sent + n_failed + n_bounced + n_cancelled FROM sends WHERE id = ?", sendID).
		Scan(&n).Error
	return int(n), err
}

// errNothing rolls back a transaction that found nothing to do.
var errNothing = candor.Errorf(candor.ECONFLICT, "nothing to do")

func audienceWhere(f candor.SendFilter) (string, []any) {
	var sb strings.Builder
	var args []any
	for col, vals := range map[string][]string{"country": f.Countries, "region": f.Regions, "locale": f.Locales} {
		if len(vals) == 0 {
			continue
		}
		sb.WriteString(" AND c." + col + " IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(vals)), ", ") + ")")
		for _, v := range vals {
			args = append(args, v)
		}
	}
	return sb.String(), args
}

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

// Claim moves the chunk's pending deliveries (and, on a retry after a crash,
// those left in sending) to sending, and returns them. The condition on
// status makes a second worker's claim of the same rows return nothing.
func (db *DB) Claim(ctx context.Context, sendID, from, to string, reclaimSending bool) ([]Claimed, error) {
	ctx = db.sendPath(ctx)
	now := db.now()
	if db.dialect == Postgres && !reclaimSending {
		return db.claimAtOnce(ctx, sendID, from, to, now)
	}
	q := rebind(db.dialect, `UPDATE deliveries SET status = 'sending', attempts = attempts + 1, updated_at = ?
		WHERE send_id = ? AND id >= ? AND id <= ? AND status = ? AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
		RETURNING id, customer_id, recipient_key, locale, message_id, attempts, COALESCE(reference, '')`)
	claim := func(tx *gorm.DB, status string) ([]Claimed, error) {
		sqlTx, ok := tx.Statement.ConnPool.(*sql.Tx)
		if !ok {
			return nil, fmt.Errorf("not in a transaction")
		}
		return scanClaimed(sqlTx.QueryContext(ctx, q, now, sendID, from, to, status, now))
	}
	var out []Claimed
	err := db.transaction(ctx, func(tx *gorm.DB) error {
		flagged := 0
		if reclaimSending { // already counted as sending
			n, err := flagRepeats(tx, sendID, from, to, now)
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
func flagRepeats(tx *gorm.DB, sendID, from, to string, now time.Time) (int, error) {
	res := tx.Exec(`UPDATE deliveries SET possible_duplicate = TRUE
		WHERE send_id = ? AND id >= ? AND id <= ? AND status = 'sending' AND NOT possible_duplicate
		AND (next_attempt_at IS NULL OR next_attempt_at <= ?)`, sendID, from, to, now)
	return int(res.RowsAffected), res.Error
}

// claimAtOnce is Claim on PostgreSQL of a chunk's pending deliveries (a
// first attempt, or a retry), in one statement rather than a transaction
// of two: the deliveries are claimed by the main query, and the send's
// counts move by as many in a data-modifying WITH, which PostgreSQL runs
// after the main query, so the send's row is locked last (see
// send_counts.go). Being one statement, it is as atomic as the transaction
// was, without its BEGIN and COMMIT.
func (db *DB) claimAtOnce(ctx context.Context, sendID, from, to string, now time.Time) ([]Claimed, error) {
	sqlDB, err := db.gorm.DB()
	if err != nil {
		return nil, err
	}
	rows, err := sqlDB.QueryContext(ctx, `WITH d AS (
			UPDATE deliveries SET status = 'sending', attempts = attempts + 1, updated_at = $1
			WHERE send_id = $2 AND id >= $3 AND id <= $4 AND status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= $1)
			RETURNING id, customer_id, recipient_key, locale, message_id, attempts, COALESCE(reference, '') AS reference),
		n AS (SELECT count(*) AS claimed FROM d),
		s AS (UPDATE sends SET n_pending = n_pending - n.claimed, n_sending = n_sending + n.claimed, progressed_at = $1
			FROM n WHERE sends.id = $2 AND n.claimed > 0)
		SELECT id, customer_id, recipient_key, locale, message_id, attempts, reference FROM d`, now, sendID, from, to)
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

type deliveryRow struct {
	ID           string
	CustomerID   *string
	RecipientKey string
	Locale       string
	Status       string
	Attempts     int
	LastError    string
	MessageID    string
	Response     string
	SentAt       *time.Time
	EmailEnc     *string
	// PossibleDuplicate: claimed again after a crash (flagRepeats).
	PossibleDuplicate bool
}

// ListDeliveries pages through a send's deliveries with each recipient's
// email (decrypted; empty once the customer was erased).
func (db *DB) ListDeliveries(ctx context.Context, sendID, status, cursor string, n int) (Page[candor.Delivery], error) {
	kr, err := db.keyring()
	if err != nil {
		return Page[candor.Delivery]{}, err
	}
	if _, err := db.GetSend(ctx, sendID); err != nil {
		return Page[candor.Delivery]{}, err
	}
	after := ""
	if cursor != "" {
		b, err := decodeOpaque(cursor)
		if err != nil {
			return Page[candor.Delivery]{}, err
		}
		after = b
	}
	n = limit(n)
	q := `SELECT d.id, d.customer_id, d.recipient_key, d.locale, d.status, d.attempts, d.last_error, d.message_id,
		d.response, d.sent_at, c.email_enc, d.possible_duplicate FROM deliveries d LEFT JOIN customers c ON c.id = d.customer_id
		WHERE d.send_id = ? AND d.id > ?`
	args := []any{sendID, after}
	if status != "" {
		q += " AND d.status = ?"
		args = append(args, status)
	}
	var rows []deliveryRow
	if err := db.gorm.WithContext(ctx).Raw(q+" ORDER BY d.id LIMIT ?", append(args, n+1)...).Scan(&rows).Error; err != nil {
		return Page[candor.Delivery]{}, fmt.Errorf("list deliveries: %w", err)
	}
	p := Page[candor.Delivery]{Items: []candor.Delivery{}}
	for i, r := range rows {
		if i == n {
			p.NextCursor = encodeOpaque(rows[n-1].ID)
			break
		}
		d := candor.Delivery{ID: r.ID, SendID: sendID, CustomerID: r.CustomerID, Locale: r.Locale, Status: r.Status,
			Attempts: r.Attempts, LastError: r.LastError, MessageID: r.MessageID, Response: r.Response, SentAt: utcPtr(r.SentAt),
			PossibleDuplicate: r.PossibleDuplicate}
		if r.EmailEnc != nil && *r.EmailEnc != "" {
			if d.Email, err = kr.Decrypt(*r.EmailEnc); err != nil {
				return p, err
			}
		}
		p.Items = append(p.Items, d)
	}
	return p, nil
}

// RecipientsOf returns the customers of claimed deliveries, decrypted, by
// id, with what a message needs of them: name, email, country, region,
// locale and data categories (not their timestamps, hashes or postal
// address, which cost a send a column read or a decryption per recipient).
func (db *DB) RecipientsOf(ctx context.Context, claimed []Claimed) (map[string]candor.Customer, error) {
	ctx = db.sendPath(ctx)
	kr, err := db.keyring()
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(claimed))
	for _, c := range claimed {
		if c.CustomerID.Valid {
			ids = append(ids, c.CustomerID.String)
		}
	}
	out := make(map[string]candor.Customer, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	sqlDB, err := db.gorm.DB()
	if err != nil {
		return nil, err
	}
	// Read with database/sql, not gorm: gorm's reflection cost more than
	// the query for 200 rows, and it would spread a slice into a list. On
	// PostgreSQL the ids go as one array: one statement text for every
	// chunk size, and one parameter to bind instead of hundreds.
	q := "SELECT id, name_enc, email_enc, country, region, locale, data_categories FROM customers WHERE "
	var args []any
	if db.dialect == Postgres {
		q += "id = ANY($1::text[])"
		args = []any{ids}
	} else {
		q += "id IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ") + ")"
		args = make([]any, len(ids))
		for i, id := range ids {
			args[i] = id
		}
	}
	rs, err := sqlDB.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("read recipients: %w", err)
	}
	defer rs.Close()
	var rows []customerRow
	for rs.Next() {
		var r customerRow
		if err := rs.Scan(&r.ID, &r.NameEnc, &r.EmailEnc, &r.Country, &r.Region, &r.Locale, &r.DataCategories); err != nil {
			return nil, fmt.Errorf("read recipients: %w", err)
		}
		rows = append(rows, r)
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("read recipients: %w", err)
	}
	for _, r := range rows {
		c, err := unseal(kr, r)
		if err != nil {
			return nil, err
		}
		out[c.ID] = c
	}
	return out, nil
}

// MarkBounced records a bounce reported for a Message-ID (with or without
// angle brackets). A Message-ID is the delivery's id at the message domain,
// so the delivery is found by its id, and the whole Message-ID must match
// it. It returns ENOTFOUND for an unknown Message-ID.
func (db *DB) MarkBounced(ctx context.Context, messageID, kind string) error {
	id := strings.TrimSpace(messageID)
	if !strings.HasPrefix(id, "<") {
		id = "<" + id + ">"
	}
	deliveryID, _, _ := strings.Cut(strings.TrimPrefix(id, "<"), "@")
	notFound := candor.Errorf(candor.ENOTFOUND, "no delivery has that message_id")
	if deliveryID == "" || len(deliveryID) > 64 {
		return notFound
	}
	type delivery struct {
		ID         string
		SendID     string
		CustomerID *string
		Status     string
	}
	// The row is locked as it is read (PostgreSQL): an outcome being
	// recorded for it is waited for, so the status moved is the current one.
	lock := ""
	if db.dialect == Postgres {
		lock = " FOR UPDATE"
	}
	now := db.now()
	return db.transaction(ctx, func(tx *gorm.DB) error {
		var d delivery
		if err := tx.Raw("SELECT id, send_id, customer_id, status FROM deliveries WHERE id = ? AND message_id = ?"+lock,
			deliveryID, id).Scan(&d).Error; err != nil {
			return err
		}
		if d.ID == "" {
			return notFound
		}
		if err := tx.Exec("UPDATE deliveries SET status = 'bounced', last_error = ?, updated_at = ? WHERE id = ?",
			"bounce: "+kind, now, d.ID).Error; err != nil {
			return err
		}
		if d.CustomerID != nil {
			if err := tx.Exec("UPDATE customers SET status = 'bounced', updated_at = ? WHERE id = ?", now, *d.CustomerID).Error; err != nil {
				return err
			}
		}
		m := countMove{}
		m.move(d.Status, candor.DeliveryBounced, 1)
		return addCounts(tx, d.SendID, m, now) // the send's row last (send_counts.go)
	})
}
