package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/candor-dev/candor"
	"gorm.io/gorm"
)

type scopeRow struct {
	ID         string `gorm:"primaryKey"`
	IncidentID string
	Kind       string
	Code       string
	EnteredAt  time.Time
	Source     string
	EventID    string
	CreatedAt  time.Time
}

func (scopeRow) TableName() string { return "incident_scope" }

func toScopeChange(r scopeRow) candor.ScopeChange {
	return candor.ScopeChange{ID: r.ID, IncidentID: r.IncidentID, Kind: r.Kind, Code: r.Code, At: r.EnteredAt.UTC(),
		Source: r.Source, EventID: r.EventID, CreatedAt: r.CreatedAt.UTC()}
}

// ScopeChanges lists when jurisdictions and data categories entered the
// incident's scope, oldest first. Errors: ENOTFOUND.
func (db *DB) ScopeChanges(ctx context.Context, incidentID string) ([]candor.ScopeChange, error) {
	if _, err := db.GetIncident(ctx, incidentID); err != nil {
		return nil, err
	}
	var rows []scopeRow
	if err := db.gorm.WithContext(ctx).Where("incident_id = ?", incidentID).Order("entered_at, kind, code, id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list scope changes: %w", err)
	}
	out := make([]candor.ScopeChange, len(rows))
	for i, r := range rows {
		out[i] = toScopeChange(r)
	}
	return out, nil
}

// insertScope stores scope changes inside tx.
func insertScope(tx *gorm.DB, changes []candor.ScopeChange, now time.Time) error {
	for _, c := range changes {
		row := scopeRow{ID: NewID(), IncidentID: c.IncidentID, Kind: c.Kind, Code: c.Code, EnteredAt: c.At.UTC(),
			Source: c.Source, EventID: c.EventID, CreatedAt: now}
		if err := tx.Create(&row).Error; err != nil {
			return fmt.Errorf("store scope change: %w", err)
		}
	}
	return nil
}

// importScope adds to the scope, at now, the countries of an import batch
// that are not in it yet (no event or earlier import named them), except
// the reporting entity's own country, in scope from discovery. It returns
// what it added, for the import report.
func importScope(tx *gorm.DB, incidentID, entity string, countries []string, now time.Time) ([]candor.ScopeAddition, error) {
	var want []string
	for _, c := range countries {
		if c != "" && c != entity {
			want = append(want, c)
		}
	}
	if len(want) == 0 {
		return nil, nil
	}
	var have []string
	if err := tx.Model(&scopeRow{}).Where("incident_id = ? AND kind = ? AND code IN ?", incidentID, candor.ScopeJurisdiction, want).
		Distinct().Pluck("code", &have).Error; err != nil {
		return nil, fmt.Errorf("read scope: %w", err)
	}
	var added []candor.ScopeAddition
	var changes []candor.ScopeChange
	for _, c := range want {
		if slices.Contains(have, c) {
			continue
		}
		have = append(have, c)
		changes = append(changes, candor.ScopeChange{IncidentID: incidentID, Kind: candor.ScopeJurisdiction, Code: c, At: now,
			Source: candor.ScopeFromImport})
		added = append(added, candor.ScopeAddition{Jurisdiction: c, At: now.UTC()})
	}
	return added, insertScope(tx, changes, now)
}

// customerScope adds country to the incident's scope at now when no event,
// import or earlier edit put it there (the reporting entity's own country
// is in scope from discovery).
func customerScope(tx *gorm.DB, incidentID, country string, now time.Time) ([]candor.ScopeAddition, error) {
	var inc incidentRow
	if err := tx.Select("entity").Where("id = ?", incidentID).Take(&inc).Error; err != nil {
		return nil, fmt.Errorf("read incident: %w", err)
	}
	entity := ""
	if inc.Entity.V != nil {
		entity = strings.ToUpper(inc.Entity.V.Country)
	}
	return importScope(tx, incidentID, entity, []string{country}, now)
}
