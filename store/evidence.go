package store

import (
	"context"
	"fmt"
	"slices"

	"github.com/candor-dev/candor"
)

// What the evidence bundle reads besides the filings: every disclosure
// and revision of an incident, its audit entries, and the chain's head.

// IncidentDisclosures returns every disclosure of the incident, oldest first.
func (db *DB) IncidentDisclosures(ctx context.Context, incidentID string) ([]candor.Disclosure, error) {
	var out []candor.Disclosure
	for cursor := ""; ; {
		page, err := db.ListDisclosures(ctx, incidentID, cursor, 100)
		if err != nil {
			return nil, err
		}
		out = append(out, page.Items...)
		if page.NextCursor == nil {
			return out, nil
		}
		cursor = *page.NextCursor
	}
}

// AllRevisions returns every revision of a disclosure, in order.
func (db *DB) AllRevisions(ctx context.Context, disclosureID string) ([]candor.Revision, error) {
	var out []candor.Revision
	for cursor := ""; ; {
		page, err := db.ListRevisions(ctx, disclosureID, cursor, 100)
		if err != nil {
			return nil, err
		}
		out = append(out, page.Items...)
		if page.NextCursor == nil {
			slices.SortFunc(out, func(a, b candor.Revision) int { return a.Number - b.Number })
			return out, nil
		}
		cursor = *page.NextCursor
	}
}

// IncidentAudit returns the incident's audit entries, oldest first.
func (db *DB) IncidentAudit(ctx context.Context, incidentID string) ([]candor.AuditEntry, error) {
	var rows []auditRow
	if err := db.gorm.WithContext(ctx).Where("incident_id = ?", incidentID).Order("seq").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("incident audit: %w", err)
	}
	out := make([]candor.AuditEntry, len(rows))
	for i, r := range rows {
		out[i] = toAuditEntry(r)
	}
	return out, nil
}

// AuditHead returns the audit chain's last sequence number and hash.
func (db *DB) AuditHead(ctx context.Context) (int64, string, error) {
	var h auditHead
	if err := db.gorm.WithContext(ctx).First(&h, 1).Error; err != nil {
		return 0, "", fmt.Errorf("audit head: %w", err)
	}
	return h.Seq, h.Hash, nil
}
