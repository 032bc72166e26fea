package store

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/deadline"
	"gorm.io/gorm"
)

// filingRow is a recorded filing (migration 0018/0019). The receipt's bytes
// live in filing_receipts, sealed with the data key.
type filingRow struct {
	ID                 string
	IncidentID         string
	ObligationID       string
	Jurisdiction       string
	FiledAt            time.Time
	Channel            string
	Reference          string
	PackID             string
	PackVersion        string
	FollowsID          *string
	ReceiptName        string
	ReceiptContentType string
	ReceiptSize        int64
	ReceiptSHA256      string `gorm:"column:receipt_sha256"`
	RecordedBy         string
	CreatedAt          time.Time
}

func (filingRow) TableName() string { return "filings" }

type filingReceiptRow struct {
	FilingID string `gorm:"primaryKey"`
	Sealed   string
}

func (filingReceiptRow) TableName() string { return "filing_receipts" }

func toFiling(r filingRow) candor.Filing {
	f := candor.Filing{ID: r.ID, IncidentID: r.IncidentID, ObligationID: r.ObligationID, Jurisdiction: r.Jurisdiction,
		FiledAt: r.FiledAt.UTC(), Channel: r.Channel, Reference: r.Reference, PackID: r.PackID, PackVersion: r.PackVersion,
		Receipt:    candor.Receipt{Name: r.ReceiptName, ContentType: r.ReceiptContentType, Size: r.ReceiptSize, SHA256: r.ReceiptSHA256},
		RecordedBy: r.RecordedBy, CreatedAt: r.CreatedAt.UTC()}
	if r.FollowsID != nil {
		f.FollowsID = *r.FollowsID
	}
	return f
}

// CreateFiling records a filing with its receipt. The caller has checked
// that the obligation is one of the incident's and can be met by a filing;
// CreateFiling checks the filing itself (candor.Filing.Validate), the
// receipt's size and type (by content), hashes and seals the receipt, makes
// the filing a follow-up of the obligation's first one if there is one, and
// audits it, all in one transaction. Errors: EINVALID naming the field,
// ETOOLARGE for a receipt over candor.MaxReceiptBytes, ENOTFOUND for an
// unknown incident, EUNAVAILABLE without a data key.
func (db *DB) CreateFiling(ctx context.Context, f candor.Filing, receipt []byte) (candor.Filing, error) {
	if len(receipt) > candor.MaxReceiptBytes {
		return f, candor.Errorf(candor.ETOOLARGE, "receipt is larger than %d MiB", candor.MaxReceiptBytes>>20)
	}
	ct, err := candor.ReceiptType(receipt)
	if err != nil {
		return f, err
	}
	now := db.clock()
	if err := f.Validate(now); err != nil {
		return f, err
	}
	kr, err := db.keyring()
	if err != nil {
		return f, err
	}
	actor, _ := candor.ActorFromContext(ctx)
	sum := sha256.Sum256(receipt)
	f.ID, f.CreatedAt, f.RecordedBy = NewID(), now, actor.Name
	f.FiledAt = f.FiledAt.UTC().Truncate(time.Microsecond)
	f.Receipt.ContentType, f.Receipt.Size, f.Receipt.SHA256 = ct, int64(len(receipt)), hex.EncodeToString(sum[:])
	sealed, err := kr.Encrypt(base64.StdEncoding.EncodeToString(receipt))
	if err != nil {
		return f, fmt.Errorf("seal receipt: %w", err)
	}
	err = db.inTx(ctx, func(tx *gorm.DB) (audit, error) {
		if _, err := db.getIncident(tx, f.IncidentID); err != nil {
			return audit{}, err
		}
		var first filingRow
		err := tx.Where("incident_id = ? AND obligation_id = ? AND follows_id IS NULL", f.IncidentID, f.ObligationID).
			Order("filed_at, id").Limit(1).Find(&first).Error
		if err != nil {
			return audit{}, fmt.Errorf("find first filing: %w", err)
		}
		row := filingRow{ID: f.ID, IncidentID: f.IncidentID, ObligationID: f.ObligationID, Jurisdiction: f.Jurisdiction,
			FiledAt: f.FiledAt, Channel: f.Channel, Reference: f.Reference, PackID: f.PackID, PackVersion: f.PackVersion,
			ReceiptName: f.Receipt.Name, ReceiptContentType: ct, ReceiptSize: f.Receipt.Size, ReceiptSHA256: f.Receipt.SHA256,
			RecordedBy: f.RecordedBy, CreatedAt: now}
		if first.ID != "" {
			row.FollowsID, f.FollowsID = &first.ID, first.ID
		}
		if err := tx.Create(&row).Error; err != nil {
			return audit{}, translate("create filing", "filing", err)
		}
		if err := tx.Create(&filingReceiptRow{FilingID: f.ID, Sealed: sealed}).Error; err != nil {
			return audit{}, fmt.Errorf("store receipt: %w", err)
		}
		return audit{Action: "filing.create", Resource: "filing", ResourceID: f.ID, IncidentID: f.IncidentID,
			Summary: map[string]any{"obligation_id": f.ObligationID, "channel": f.Channel, "filed_at": f.FiledAt,
				"reference": f.Reference, "pack_version": f.PackVersion, "follows_id": f.FollowsID,
				"receipt_sha256": f.Receipt.SHA256, "receipt_size": f.Receipt.Size}}, nil
	})
	if err != nil {
		return candor.Filing{}, err
	}
	return f, nil
}

// ListFilings returns the incident's filings, oldest filed first.
func (db *DB) ListFilings(ctx context.Context, incidentID string) ([]candor.Filing, error) {
	var rows []filingRow
	if err := db.gorm.WithContext(ctx).Where("incident_id = ?", incidentID).Order("filed_at, id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list filings: %w", err)
	}
	out := make([]candor.Filing, 0, len(rows))
	for _, r := range rows {
		out = append(out, toFiling(r))
	}
	return out, nil
}

// GetFiling returns one filing, or ENOTFOUND.
func (db *DB) GetFiling(ctx context.Context, id string) (candor.Filing, error) {
	if !validID(id) {
		return candor.Filing{}, candor.Errorf(candor.ENOTFOUND, "filing not found")
	}
	var r filingRow
	if err := db.gorm.WithContext(ctx).Where("id = ?", id).Take(&r).Error; err != nil {
		return candor.Filing{}, translate("get filing", "filing", err)
	}
	return toFiling(r), nil
}

// FilingReceipt returns a filing's receipt, checked against its recorded
// hash: a receipt that no longer matches is an error, never served.
func (db *DB) FilingReceipt(ctx context.Context, id string) (candor.Filing, []byte, error) {
	f, err := db.GetFiling(ctx, id)
	if err != nil {
		return f, nil, err
	}
	kr, err := db.keyring()
	if err != nil {
		return f, nil, err
	}
	var r filingReceiptRow
	if err := db.gorm.WithContext(ctx).Where("filing_id = ?", id).Take(&r).Error; err != nil {
		return f, nil, translate("get receipt", "receipt", err)
	}
	plain, err := kr.Decrypt(r.Sealed)
	if err != nil {
		return f, nil, fmt.Errorf("unseal receipt %s: %w", id, err)
	}
	b, err := base64.StdEncoding.DecodeString(plain)
	if err != nil {
		return f, nil, fmt.Errorf("decode receipt %s: %w", id, err)
	}
	if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != f.Receipt.SHA256 {
		return f, nil, fmt.Errorf("receipt %s does not match its recorded SHA-256", id)
	}
	return f, b, nil
}

// filedReports is the obligation evidence of the incident's filings.
func (db *DB) filedReports(ctx context.Context, incidentID string, until time.Time) ([]deadline.FiledReport, error) {
	q := db.gorm.WithContext(ctx).Model(&filingRow{}).Select("id, obligation_id, filed_at").Where("incident_id = ?", incidentID)
	if !until.IsZero() {
		q = q.Where("filed_at <= ?", until.UTC())
	}
	var rows []filingRow
	if err := q.Order("filed_at, id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("obligation evidence: filings: %w", err)
	}
	out := make([]deadline.FiledReport, 0, len(rows))
	for _, r := range rows {
		out = append(out, deadline.FiledReport{FilingID: r.ID, ObligationID: r.ObligationID, FiledAt: r.FiledAt.UTC()})
	}
	return out, nil
}

// ApprovedDisclosures returns the incident's approved disclosures (every
// kind), oldest first.
func (db *DB) ApprovedDisclosures(ctx context.Context, incidentID string) ([]candor.Disclosure, error) {
	var out []candor.Disclosure
	cursor := ""
	for {
		page, err := db.ListDisclosures(ctx, incidentID, cursor, 100)
		if err != nil {
			return nil, err
		}
		for _, d := range page.Items {
			if d.ApprovedRevision > 0 && d.ApprovedAt != nil {
				out = append(out, d)
			}
		}
		if page.NextCursor == nil {
			return out, nil
		}
		cursor = *page.NextCursor
	}
}
