package store

import (
	"context"
	"fmt"
	"time"

	"github.com/candor-dev/candor"
	"gorm.io/gorm"
)

type sendRow struct {
	ID           string `gorm:"primaryKey"`
	DisclosureID string
	IncidentID   string
	Kind         string
	Revision     int
	State        string
	SendAt       time.Time
	Filter       jsonCol[candor.SendFilter]
	Total        int
	DispatchedAt *time.Time
	CreatedBy    string
	CreatedAt    time.Time
	StartedAt    *time.Time
	FinishedAt   *time.Time
	UpdatedAt    time.Time
	// The deliveries' counts by status (see send_counts.go), and when
	// they last moved.
	NPending     int
	NSending     int
	NSent        int
	NFailed      int
	NBounced     int
	NCancelled   int
	ProgressedAt *time.Time

	// Deliveries claimed again after a crash (migrations sqlite 0014,
	// postgres 0015; store.flagRepeats).
	NPossibleDuplicates int
}

func (sendRow) TableName() string { return "sends" }

func toSend(r sendRow) candor.Send {
	return candor.Send{ID: r.ID, DisclosureID: r.DisclosureID, IncidentID: r.IncidentID, Kind: r.Kind,
		Revision: r.Revision, State: candor.SendState(r.State), SendAt: r.SendAt.UTC(), Filter: r.Filter.V,
		CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt.UTC(), StartedAt: utcPtr(r.StartedAt),
		FinishedAt: utcPtr(r.FinishedAt), SendCounts: candor.SendCounts{Total: r.Total, Pending: r.NPending,
			Sending: r.NSending, Sent: r.NSent, Failed: r.NFailed, Bounced: r.NBounced, Cancelled: r.NCancelled,
			PossibleDuplicates: r.NPossibleDuplicates}}
}

// NewSend is what creating a send needs: the disclosure's approved revision,
// pinned here so later edits never change what is sent.
type NewSend struct {
	DisclosureID string
	IncidentID   string
	Kind         string
	Revision     int
	SendAt       time.Time
	Filter       candor.SendFilter
}

// CreateSend stores a scheduled send.
func (db *DB) CreateSend(ctx context.Context, n NewSend) (candor.Send, error) {
	actor, _ := candor.ActorFromContext(ctx)
	now := db.now()
	row := sendRow{ID: NewID(), DisclosureID: n.DisclosureID, IncidentID: n.IncidentID, Kind: n.Kind,
		Revision: n.Revision, State: string(candor.SendScheduled), SendAt: n.SendAt.UTC(),
		Filter: jsonCol[candor.SendFilter]{n.Filter}, CreatedBy: actor.TokenID, CreatedAt: now, UpdatedAt: now}
	err := db.inTx(ctx, func(tx *gorm.DB) (audit, error) {
		// The revision must still be the approved one when the send is
		// stored: an edit between reading it and now voids the approval.
		// Read under the disclosure's lock, which an edit holds until it
		// commits, or the edit in flight is not seen.
		if err := lockApproval(tx, n.DisclosureID); err != nil {
			return audit{}, err
		}
		var d struct {
			State            string
			ApprovedRevision int
		}
		if err := tx.Raw("SELECT state, approved_revision FROM disclosures WHERE id = ?", n.DisclosureID).Scan(&d).Error; err != nil {
			return audit{}, err
		}
		if d.State != "approved" || d.ApprovedRevision != n.Revision {
			return audit{}, candor.Errorf(candor.ECONFLICT, "revision %d of the disclosure is no longer approved", n.Revision)
		}
		return audit{Action: "send.scheduled", Resource: "send", ResourceID: row.ID, IncidentID: n.IncidentID,
			Summary: map[string]any{"disclosure_id": n.DisclosureID, "revision": n.Revision, "send_at": row.SendAt,
				"filter": n.Filter}}, tx.Create(&row).Error
	})
	if err != nil {
		return candor.Send{}, translate("create send", "send", err)
	}
	return toSend(row), nil
}

// lockApproval takes a disclosure's row lock for the rest of the
// transaction, as every review step does (changeDisclosure), so that a
// send or publication created from its approval sees an edit, reject or
// new approval either whole or not at all: read without it, an edit in
// flight was not seen, and the send or publication of the revision it
// voided was stored after it (a send in 8 of 40 races, a publication in
// 17). PostgreSQL only: SQLite transactions are IMMEDIATE and so take the
// writer lock up front.
func lockApproval(tx *gorm.DB, disclosureID string) error {
	if tx.Dialector.Name() != "postgres" || !validID(disclosureID) {
		return nil
	}
	return tx.Exec("SELECT 1 FROM disclosures WHERE id = ? FOR UPDATE", disclosureID).Error
}

// GetSend returns a send with its progress counts, which the send keeps
// itself: one primary-key read at any number of deliveries, cheap enough
// for every chunk task to read it.
func (db *DB) GetSend(ctx context.Context, id string) (candor.Send, error) {
	ctx = db.sendPath(ctx)
	if !validID(id) {
		return candor.Send{}, candor.Errorf(candor.ENOTFOUND, "send not found")
	}
	var row sendRow
	if err := db.gorm.WithContext(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return candor.Send{}, translate("get send", "send", err)
	}
	return toSend(row), nil
}

// ChangeSendState applies a state transition (pause, resume, cancel) with its
// audit entry. Cancelling also cancels every pending delivery; what is being
// sent finishes and stays sent.
func (db *DB) ChangeSendState(ctx context.Context, id, action string) (candor.Send, error) {
	if !validID(id) {
		return candor.Send{}, candor.Errorf(candor.ENOTFOUND, "send not found")
	}
	err := db.inTx(ctx, func(tx *gorm.DB) (audit, error) {
		if err := lockSend(tx, id); err != nil {
			return audit{}, err
		}
		var row sendRow
		if err := tx.Where("id = ?", id).Take(&row).Error; err != nil {
			return audit{}, err
		}
		from := candor.SendState(row.State)
		var to candor.SendState
		var err error
		switch action {
		case "pause":
			to, err = from.Pause()
		case "resume":
			to, err = from.Resume(row.DispatchedAt != nil)
		case "cancel":
			to, err = from.Cancel()
		default:
			err = candor.Errorf(candor.EINVALID, "unknown action %q", action)
		}
		if err != nil {
			return audit{}, err
		}
		now := db.now()
		// A resumed send has not been stuck while it was paused.
		upd := map[string]any{"state": string(to), "updated_at": now, "progressed_at": now}
		m := countMove{}
		if to == candor.SendCancelled {
			upd["finished_at"] = now
			// The deliveries first, the send's row last (see
			// send_counts.go). On PostgreSQL rows a chunk is claiming or
			// recording are skipped, not waited for: that chunk releases
			// them as cancelled once it sees the state.
			cancel := "UPDATE deliveries SET status = ?, updated_at = ? WHERE send_id = ? AND status = ?"
			if db.dialect == Postgres {
				cancel = `UPDATE deliveries SET status = ?, updated_at = ? WHERE id IN
					(SELECT id FROM deliveries WHERE send_id = ? AND status = ? FOR UPDATE SKIP LOCKED)`
			}
			res := tx.Exec(cancel, candor.DeliveryCancelled, now, id, candor.DeliveryPending)
			if res.Error != nil {
				return audit{}, res.Error
			}
			m.move(candor.DeliveryPending, candor.DeliveryCancelled, int(res.RowsAffected))
			// Their customers are no longer queued (a customer sent by
			// another send stays sent).
			if err := tx.Exec(`UPDATE customers SET status = ?, updated_at = ? WHERE status <> ? AND id IN
				(SELECT customer_id FROM deliveries WHERE send_id = ? AND status = ? AND customer_id IS NOT NULL)`,
				candor.CustomerPending, now, candor.CustomerSent, id, candor.DeliveryCancelled).Error; err != nil {
				return audit{}, err
			}
		}
		// The state must still be the one read: a change that came first
		// wins, and this one is refused with nothing written.
		res := tx.Model(&sendRow{}).Where("id = ? AND state = ?", id, row.State).Updates(upd)
		if res.Error != nil {
			return audit{}, res.Error
		}
		if res.RowsAffected == 0 {
			return audit{}, candor.Errorf(candor.ECONFLICT, "the send changed meanwhile; try again")
		}
		if err := addCounts(tx, id, m, now); err != nil {
			return audit{}, err
		}
		return audit{Action: "send." + map[string]string{"pause": "paused", "resume": "resumed", "cancel": "cancelled"}[action],
			Resource: "send", ResourceID: id, IncidentID: row.IncidentID,
			Summary: map[string]any{"state": candor.Change{Before: from, After: to}}}, nil
	})
	if err != nil {
		return candor.Send{}, translate("change send", "send", err)
	}
	return db.GetSend(ctx, id)
}

// lockSend serialises the transactions that change a send's state or
// dispatch it, for the rest of the transaction, so that two dispatchers or
// two state changes never both act on what they read: on PostgreSQL a
// transaction-level advisory lock keyed by the send (SQLite's writer lock
// already serialises). Not the send's row lock: the chunks' claims and
// outcomes take that, last, to move the counts, and a dispatch step holds
// its lock for the whole of a large insert (see send_counts.go).
func lockSend(tx *gorm.DB, id string) error {
	if tx.Dialector.Name() != "postgres" {
		return nil
	}
	return tx.Exec("SELECT "+sendLock, "send:"+id).Error
}

// sendLock is the advisory lock of lockSend, lockDispatch and lockDisclosure.
const sendLock = "pg_advisory_xact_lock(hashtextextended(?, 0))"

// lockDispatch is lockSend for a dispatch step, whose transaction on
// PostgreSQL also runs without the JIT compiler: the step's INSERT ...
// SELECT is estimated above jit_above_cost once the customers table has
// statistics, and compiling it took 10-20 ms a step, longer than a
// 1,600-row step's plan runs. (SET LOCAL, not a session setting: a setting
// in the connection URL is a startup parameter, which poolers such as
// PgBouncer refuse.)
func lockDispatch(tx *gorm.DB, id string) error {
	if tx.Dialector.Name() != "postgres" {
		return nil
	}
	return tx.Exec("SELECT "+sendLock+", set_config('jit', 'off', true)", "send:"+id).Error
}

// lockDisclosure makes the dispatch steps of one disclosure's sends take
// turns on PostgreSQL (SQLite's writer lock already serialises them), so
// that each sees the deliveries the others made (see
// insertDeliveriesAfter). Taken after lockDispatch's lock on the send, and
// never before one, so two steps cannot wait for each other.
func lockDisclosure(tx *gorm.DB, id string) error {
	if tx.Dialector.Name() != "postgres" {
		return nil
	}
	return tx.Exec("SELECT "+sendLock, "disclosure:"+id).Error
}

// StaleSends finds work the queue may have lost: scheduled sends past due
// and not dispatched (or running and not yet fully dispatched), and running
// sends with open deliveries whose counts have not moved for the given age
// (longer than the longest retry backoff, so a send waiting for a retry is
// not counted). A chunk task lost while the rest of its send goes on is
// found once the send stops moving. Running sends with nothing open left
// are finished here too.
func (db *DB) StaleSends(ctx context.Context, age time.Duration) (due []candor.Send, stuck []string, err error) {
	now := db.now()
	var rows []sendRow
	// A running send not yet dispatched whose dispatcher died between its
	// first and second step is due again too (the dispatcher finishes it).
	if err := db.gorm.WithContext(ctx).Where("dispatched_at IS NULL AND ((state = ? AND send_at <= ?) OR (state = ? AND updated_at <= ?))",
		string(candor.SendScheduled), now.Add(-time.Minute), string(candor.SendRunning), now.Add(-time.Minute)).Find(&rows).Error; err != nil {
		return nil, nil, fmt.Errorf("stale sends: %w", err)
	}
	for _, r := range rows {
		due = append(due, toSend(r))
	}
	err = db.gorm.WithContext(ctx).Raw(`SELECT id FROM sends WHERE state = ? AND n_pending + n_sending > 0
		AND COALESCE(progressed_at, updated_at) < ?`, string(candor.SendRunning), now.Add(-age)).Scan(&stuck).Error
	if err != nil {
		return nil, nil, fmt.Errorf("stuck sends: %w", err)
	}
	var done []string
	err = db.gorm.WithContext(ctx).Raw(`SELECT id FROM sends WHERE state = ? AND dispatched_at IS NOT NULL
		AND n_pending = 0 AND n_sending = 0`, string(candor.SendRunning)).Scan(&done).Error
	for _, id := range done {
		if _, err := db.FinishIfDone(ctx, id); err != nil {
			return due, stuck, err
		}
	}
	return due, stuck, err
}

// CountRunningSends counts sends in state running (a metrics gauge).
func (db *DB) CountRunningSends(ctx context.Context) (int, error) {
	var n int64
	err := db.gorm.WithContext(ctx).Model(&sendRow{}).Where("state = ?", string(candor.SendRunning)).Count(&n).Error
	return int(n), err
}

// SendState reads only a send's state: the chunk handler asks it often
// while it waits on the rate limiter, so a pause takes effect mid-chunk.
func (db *DB) SendState(ctx context.Context, id string) (candor.SendState, error) {
	ctx = db.sendPath(ctx)
	var state string
	if err := db.gorm.WithContext(ctx).Raw("SELECT state FROM sends WHERE id = ?", id).Scan(&state).Error; err != nil {
		return "", fmt.Errorf("send state: %w", err)
	}
	return candor.SendState(state), nil
}
