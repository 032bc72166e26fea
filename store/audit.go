package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/candor-dev/candor"
	"gorm.io/gorm"
)

type auditRow struct {
	Seq        int64 `gorm:"primaryKey;autoIncrement:false"`
	At         time.Time
	ActorID    string
	ActorName  string
	Action     string
	Resource   string
	ResourceID string
	IncidentID string
	Summary    string
	PrevHash   string
	Hash       string
}

func (auditRow) TableName() string { return "audit_log" }

type auditHead struct {
	ID   int `gorm:"primaryKey"`
	Seq  int64
	Hash string
}

func (auditHead) TableName() string { return "audit_head" }

// audit describes one change to append to the log.
type audit struct {
	Action     string
	Resource   string
	ResourceID string
	IncidentID string
	Summary    any // marshalled to JSON; must hold no personal data
}

// appendAudit extends the chain inside tx. Bumping the head row first takes
// its row lock (PostgreSQL) or relies on the writer lock (SQLite), so
// concurrent transactions append one after the other, never from one link.
func (db *DB) appendAudit(ctx context.Context, tx *gorm.DB, a audit) error {
	actor, ok := candor.ActorFromContext(ctx)
	if !ok {
		return fmt.Errorf("append audit %s: no actor in context", a.Action)
	}
	summary, err := json.Marshal(a.Summary)
	if err != nil {
		return fmt.Errorf("append audit %s: %w", a.Action, err)
	}
	if err := tx.Exec("UPDATE audit_head SET seq = seq + 1 WHERE id = 1").Error; err != nil {
		return fmt.Errorf("lock audit head: %w", err)
	}
	var head auditHead
	if err := tx.First(&head, 1).Error; err != nil {
		return fmt.Errorf("read audit head: %w", err)
	}
	e := candor.AuditEntry{
		Seq: head.Seq, At: db.now().Truncate(time.Microsecond),
		ActorID: auditActorID(actor), ActorName: actor.Name,
		Action: a.Action, Resource: a.Resource, ResourceID: a.ResourceID, IncidentID: a.IncidentID,
		Summary: summary, PrevHash: head.Hash,
	}
	e.Hash = e.ComputeHash()
	row := auditRow{Seq: e.Seq, At: e.At, ActorID: e.ActorID, ActorName: e.ActorName, Action: e.Action,
		Resource: e.Resource, ResourceID: e.ResourceID, IncidentID: e.IncidentID,
		Summary: string(e.Summary), PrevHash: e.PrevHash, Hash: e.Hash}
	if err := tx.Create(&row).Error; err != nil {
		return fmt.Errorf("append audit %s: %w", a.Action, err)
	}
	return tx.Model(&auditHead{}).Where("id = 1").Update("hash", e.Hash).Error
}

// auditActorID names who acted: their token's id, or "person:<id>" for
// a person signed in to the console (no token), so that the room's list of
// who is on an incident can find their person and role.
func auditActorID(a candor.Actor) string {
	if a.TokenID == "" && a.PersonID != "" {
		return PersonActorPrefix + a.PersonID
	}
	return a.TokenID
}

// PersonActorPrefix starts the actor_id of a change made in the console.
const PersonActorPrefix = "person:"

// inTx runs fn in a transaction that also appends the audit entry fn
// returns, so a change and its record land together or not at all.
func (db *DB) inTx(ctx context.Context, fn func(tx *gorm.DB) (audit, error)) error {
	return db.transaction(ctx, func(tx *gorm.DB) error {
		a, err := fn(tx)
		if err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, a)
	})
}

func toAuditEntry(r auditRow) candor.AuditEntry {
	return candor.AuditEntry{Seq: r.Seq, At: r.At.UTC(), ActorID: r.ActorID, ActorName: r.ActorName,
		Action: r.Action, Resource: r.Resource, ResourceID: r.ResourceID, IncidentID: r.IncidentID,
		Summary: json.RawMessage(r.Summary), PrevHash: r.PrevHash, Hash: r.Hash}
}

// ListAudit returns audit entries, newest first. The cursor is the last
// sequence number seen.
func (db *DB) ListAudit(ctx context.Context, f candor.AuditFilter) (Page[candor.AuditEntry], error) {
	n := limit(f.Limit)
	q := db.gorm.WithContext(ctx).Order("seq DESC").Limit(n + 1)
	if f.IncidentID != "" {
		q = q.Where("incident_id = ?", f.IncidentID)
	}
	if f.ActorName != "" {
		q = q.Where("actor_name = ?", f.ActorName)
	}
	if f.Action != "" {
		q = q.Where("action = ?", f.Action)
	}
	if !f.Since.IsZero() {
		q = q.Where("at >= ?", f.Since.UTC())
	}
	if !f.Until.IsZero() {
		q = q.Where("at < ?", f.Until.UTC())
	}
	if f.Cursor != "" {
		var seq int64
		if _, err := fmt.Sscanf(f.Cursor, "%d", &seq); err != nil || seq <= 0 {
			return Page[candor.AuditEntry]{}, candor.Invalid(candor.FieldError{Field: "cursor", Message: "is not a cursor from a previous page"})
		}
		q = q.Where("seq < ?", seq)
	}
	var rows []auditRow
	if err := q.Find(&rows).Error; err != nil {
		return Page[candor.AuditEntry]{}, fmt.Errorf("list audit: %w", err)
	}
	p := Page[candor.AuditEntry]{Items: []candor.AuditEntry{}}
	for i, r := range rows {
		if i == n {
			c := fmt.Sprint(rows[n-1].Seq)
			p.NextCursor = &c
			break
		}
		p.Items = append(p.Items, toAuditEntry(r))
	}
	return p, nil
}

// VerifyAudit walks the whole chain in order and returns the number of
// entries checked, or an error naming the first entry that does not hold.
func (db *DB) VerifyAudit(ctx context.Context) (int64, error) {
	prev := candor.GenesisHash
	var n, last int64
	var bad error
	err := db.gorm.WithContext(ctx).Model(&auditRow{}).Order("seq").
		FindInBatches(&[]auditRow{}, 1000, func(tx *gorm.DB, _ int) error {
			for _, r := range *tx.Statement.Dest.(*[]auditRow) {
				e := toAuditEntry(r)
				switch {
				case e.Seq != last+1:
					bad = &ChainBreak{Seq: e.Seq, Reason: fmt.Sprintf("expected sequence %d (an entry was removed)", last+1)}
				case e.PrevHash != prev:
					bad = &ChainBreak{Seq: e.Seq, Reason: fmt.Sprintf("previous hash does not match entry %d", last)}
				case e.ComputeHash() != e.Hash:
					bad = &ChainBreak{Seq: e.Seq, Reason: "content does not match its hash (the row was changed)"}
				}
				if bad != nil {
					return bad
				}
				prev, last = e.Hash, e.Seq
				n++
			}
			return nil
		}).Error
	if bad != nil {
		return n, bad
	}
	if err != nil {
		return n, fmt.Errorf("verify audit: %w", err)
	}
	var head auditHead
	if err := db.gorm.WithContext(ctx).First(&head, 1).Error; err != nil {
		return n, fmt.Errorf("read audit head: %w", err)
	}
	if head.Seq != last || head.Hash != prev {
		return n, &ChainBreak{Seq: last + 1, Reason: fmt.Sprintf("audit head says entry %d, chain ends at %d (entries were removed from the end)", head.Seq, last)}
	}
	return n, nil
}
