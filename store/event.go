package store

import (
	"context"
	"fmt"
	"time"

	"github.com/candor-dev/candor"
	"gorm.io/gorm"
)

type eventRow struct {
	ID           string `gorm:"primaryKey"`
	IncidentID   string
	OccurredAt   *time.Time
	OccurredOn   string
	SortAt       time.Time
	Description  string
	Public       bool
	Translations jsonCol[map[string]candor.EventText]
	CreatedAt    time.Time
}

func (eventRow) TableName() string { return "incident_events" }

func toEvent(r eventRow) candor.Event {
	return candor.Event{ID: r.ID, IncidentID: r.IncidentID, OccurredAt: utcPtr(r.OccurredAt), OccurredOn: r.OccurredOn,
		Description: r.Description, Public: r.Public, Translations: r.Translations.V, CreatedAt: r.CreatedAt.UTC()}
}

// CreateEvent adds a timeline entry to an incident.
func (db *DB) CreateEvent(ctx context.Context, incidentID string, e candor.Event) (candor.Event, error) {
	if err := e.Validate(); err != nil {
		return candor.Event{}, err
	}
	row := eventRow{ID: NewID(), IncidentID: incidentID, OccurredAt: e.OccurredAt, OccurredOn: e.OccurredOn,
		SortAt: e.SortTime(), Description: e.Description, Public: e.Public,
		Translations: jsonCol[map[string]candor.EventText]{e.Translations}, CreatedAt: db.now()}
	err := db.inTx(ctx, func(tx *gorm.DB) (audit, error) {
		if _, err := db.getIncident(tx, incidentID); err != nil {
			return audit{}, err
		}
		return audit{Action: "event.create", Resource: "event", ResourceID: row.ID, IncidentID: incidentID,
			Summary: map[string]any{"after": toEvent(row)}}, tx.Create(&row).Error
	})
	if err != nil {
		return candor.Event{}, translate("create event", "event", err)
	}
	return toEvent(row), nil
}

// ListEvents returns an incident's timeline in time order; publicOnly keeps
// the entries that may appear in statements and notices.
func (db *DB) ListEvents(ctx context.Context, incidentID string, publicOnly bool) ([]candor.Event, error) {
	if _, err := db.GetIncident(ctx, incidentID); err != nil {
		return nil, err
	}
	q := db.gorm.WithContext(ctx).Where("incident_id = ?", incidentID).Order("sort_at, id")
	if publicOnly {
		q = q.Where("public = ?", true)
	}
	var rows []eventRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list events: %w", err)
	}
	out := make([]candor.Event, len(rows))
	for i, r := range rows {
		out[i] = toEvent(r)
	}
	return out, nil
}
