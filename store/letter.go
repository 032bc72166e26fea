package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/candor-dev/candor"
	"gorm.io/gorm"
)

type letterBatchRow struct {
	ID           string `gorm:"primaryKey"`
	DisclosureID string
	IncidentID   string
	Revision     int
	State        string
	Filter       string
	Total        int
	Returned     int
	CreatedBy    string
	DownloadedAt *time.Time
	MailedOn     *string
	MailedAt     *time.Time
	PartSize     int
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func (letterBatchRow) TableName() string { return "letter_batches" }

func (r letterBatchRow) batch() candor.LetterBatch {
	b := candor.LetterBatch{ID: r.ID, DisclosureID: r.DisclosureID, IncidentID: r.IncidentID, Revision: r.Revision,
		State: r.State, Total: r.Total, Returned: r.Returned, CreatedBy: r.CreatedBy, DownloadedAt: utcPtr(r.DownloadedAt), PartSize: r.PartSize,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
	if r.MailedOn != nil {
		b.MailedOn = *r.MailedOn
	}
	json.Unmarshal([]byte(r.Filter), &b.Filter) //nolint:errcheck // written by CreateLetterBatch
	return b
}

// newRowID is SQL for a fresh id per row of an INSERT ... SELECT.
func (db *DB) newRowID() string {
	if db.dialect == Postgres {
		return "replace(gen_random_uuid()::text, '-', '')"
	}
	return "lower(hex(randomblob(16)))"
}

// CreateLetterBatch makes a batch of letters for the approved customer
// notice: one letter, with its own reference, for each of the incident's
// customers (within filter) who has a postal address and either no e-mail
// or an e-mail delivery of this notice that failed or bounced, and who has
// no letter of this notice yet. One INSERT ... SELECT under the
// disclosure's lock makes them; letters_once refuses a second letter
// whatever races. ECONFLICT when the notice is not approved or when nobody
// is left to write to (nothing is stored then).
func (db *DB) CreateLetterBatch(ctx context.Context, disclosureID string, f candor.SendFilter) (candor.LetterBatch, error) {
	var out letterBatchRow
	err := db.inTx(ctx, func(tx *gorm.DB) (audit, error) {
		var d struct {
			IncidentID       string
			Kind             string
			State            string
			ApprovedRevision int
		}
		if err := tx.Raw("SELECT incident_id, kind, state, approved_revision FROM disclosures WHERE id = ?", disclosureID).Scan(&d).Error; err != nil {
			return audit{}, err
		}
		switch {
		case d.IncidentID == "":
			return audit{}, candor.Errorf(candor.ENOTFOUND, "disclosure not found")
		case d.Kind != string(candor.KindCustomerNotice):
			return audit{}, candor.Errorf(candor.ECONFLICT, "only a customer notice is printed as letters")
		case d.State != "approved":
			return audit{}, candor.Errorf(candor.ECONFLICT, "the notice is not approved: letters print an approved revision")
		}
		if err := lockDisclosure(tx, disclosureID); err != nil {
			return audit{}, err
		}
		filter, _ := json.Marshal(f)
		actor, _ := candor.ActorFromContext(ctx)
		now := db.now()
		out = letterBatchRow{ID: NewID(), DisclosureID: disclosureID, IncidentID: d.IncidentID, Revision: d.ApprovedRevision,
			State: candor.LettersGenerated, Filter: string(filter), CreatedBy: actor.TokenID, PartSize: candor.LettersPerPart, CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&out).Error; err != nil {
			return audit{}, err
		}
		where, args := audienceWhere(f)
		q := `INSERT INTO letters (id, batch_id, disclosure_id, incident_id, customer_id, reference, locale, country, status, created_at)
			SELECT ` + db.newRowID() + `, ?, ?, ?, c.id, ` + db.newReference() + `, c.locale, c.country, 'generated', ?
			FROM customers c WHERE c.incident_id = ? AND c.erased_at IS NULL AND c.has_address` + where + `
			AND (c.email_hash = '' OR EXISTS (SELECT 1 FROM deliveries d WHERE d.disclosure_id = ? AND d.recipient_key = c.id
				AND d.status IN ('failed', 'bounced')))
			AND NOT EXISTS (SELECT 1 FROM letters l WHERE l.disclosure_id = ? AND l.customer_id = c.id)`
		all := append(append([]any{out.ID, disclosureID, d.IncidentID, now, d.IncidentID}, args...), disclosureID, disclosureID)
		res := tx.Exec(q, all...)
		if res.Error != nil {
			return audit{}, res.Error
		}
		if res.RowsAffected == 0 {
			return audit{}, candor.Errorf(candor.ECONFLICT, "no letters to make: every customer with a postal address who has no e-mail, or whose e-mail failed or bounced, already has a letter of this notice")
		}
		out.Total = int(res.RowsAffected)
		// Each letter's place on its paper, in id order: a part of the
		// batch is a range of it (BatchLetters, letters_batch_seq).
		if err := tx.Exec(`UPDATE letters SET seq = r.n FROM (
			SELECT id, ROW_NUMBER() OVER (PARTITION BY country IN ('US', 'CA') ORDER BY id) - 1 AS n FROM letters WHERE batch_id = ?
			) AS r WHERE letters.id = r.id`, out.ID).Error; err != nil {
			return audit{}, err
		}
		if err := tx.Model(&letterBatchRow{}).Where("id = ?", out.ID).Update("total", out.Total).Error; err != nil {
			return audit{}, err
		}
		return audit{Action: "letters.create", Resource: "letter_batch", ResourceID: out.ID, IncidentID: d.IncidentID,
			Summary: map[string]any{"disclosure_id": disclosureID, "revision": d.ApprovedRevision, "total": out.Total}}, nil
	})
	if err != nil {
		return candor.LetterBatch{}, translate("create letter batch", "letter batch", err)
	}
	return out.batch(), nil
}

// GetLetterBatch returns a batch.
func (db *DB) GetLetterBatch(ctx context.Context, id string) (candor.LetterBatch, error) {
	var rows []letterBatchRow
	if err := db.gorm.WithContext(ctx).Where("id = ?", id).Limit(1).Find(&rows).Error; err != nil {
		return candor.LetterBatch{}, fmt.Errorf("get letter batch: %w", err)
	}
	if len(rows) == 0 {
		return candor.LetterBatch{}, candor.Errorf(candor.ENOTFOUND, "letter batch not found")
	}
	return rows[0].batch(), nil
}

// ListLetterBatches lists an incident's batches, newest first.
func (db *DB) ListLetterBatches(ctx context.Context, incidentID string) ([]candor.LetterBatch, error) {
	var rows []letterBatchRow
	if err := db.gorm.WithContext(ctx).Where("incident_id = ?", incidentID).Order("created_at DESC, id DESC").Limit(500).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list letter batches: %w", err)
	}
	out := make([]candor.LetterBatch, len(rows))
	for i, r := range rows {
		out[i] = r.batch()
	}
	return out, nil
}
