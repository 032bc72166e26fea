package store

// Dispatching: a due send's deliveries are created from its audience, in
// steps, exactly once per recipient (deliveries_once). Claiming, recording
// and reading them are in delivery_claim.go, delivery_record.go and
// delivery_list.go.

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/candor-dev/candor"
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
