package store

import (
	"context"
	"fmt"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/geo"
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
	Scope        jsonCol[*candor.EventScope]
	CreatedAt    time.Time
}

func (eventRow) TableName() string { return "incident_events" }

func toEvent(r eventRow) candor.Event {
	return candor.Event{ID: r.ID, IncidentID: r.IncidentID, OccurredAt: utcPtr(r.OccurredAt), OccurredOn: r.OccurredOn,
		Description: r.Description, Public: r.Public, Translations: r.Translations.V, Scope: r.Scope.V, CreatedAt: r.CreatedAt.UTC()}
}

// CreateEvent adds a timeline entry to an incident; an event with a scope
// adds its jurisdictions and data categories to the incident's scope at
// its time (candor.Event.ScopeAt, in the incident's zone). Errors:
// ENOTFOUND, EINVALID for the event (an unknown jurisdiction or data
// category in its scope names scope.jurisdictions or scope.data_categories)
// or a public one past candor.MaxTimelineEvents; nothing is stored then.
func (db *DB) CreateEvent(ctx context.Context, incidentID string, e candor.Event) (candor.Event, error) {
	verr := e.Validate()
	scope, serr := candor.NormalizeEventScope(e.Scope, geo.Table{})
	if verr != nil || serr != nil {
		// Every field problem at once, the event's and its scope's.
		return candor.Event{}, candor.Invalid(append(candor.ErrorFields(verr), candor.ErrorFields(serr)...)...)
	}
	e.Scope = scope
	row := eventRow{ID: NewID(), IncidentID: incidentID, OccurredAt: e.OccurredAt, OccurredOn: e.OccurredOn,
		SortAt: e.SortTime(), Description: e.Description, Public: e.Public,
		Translations: jsonCol[map[string]candor.EventText]{e.Translations}, Scope: jsonCol[*candor.EventScope]{scope}, CreatedAt: db.now()}
	err := db.inTx(ctx, func(tx *gorm.DB) (audit, error) {
		inc, err := db.getIncident(tx, incidentID)
		if err != nil {
			return audit{}, err
		}
		ev := toEvent(row)
		if err := insertScope(tx, ev.ScopeChanges(incidentZone(inc)), row.CreatedAt); err != nil {
			return audit{}, err
		}
		if e.Public {
			// Notices and pages show at most this many (ListEvents): the
			// one after the limit is refused rather than silently left out.
			var public int64
			if err := tx.Model(&eventRow{}).Where("incident_id = ? AND public = ?", incidentID, true).Count(&public).Error; err != nil {
				return audit{}, err
			}
			if public >= candor.MaxTimelineEvents {
				return audit{}, candor.Invalid(candor.FieldError{Field: "public", Message: fmt.Sprintf(
					"the incident has %d public events, the most a notice or statement shows; add this one with public: false", public)})
			}
		}
		return audit{Action: "event.create", Resource: "event", ResourceID: row.ID, IncidentID: incidentID,
			Summary: map[string]any{"after": toEvent(row)}}, tx.Create(&row).Error
	})
	if err != nil {
		return candor.Event{}, translate("create event", "event", err)
	}
	return toEvent(row), nil
}

// ListEvents returns an incident's timeline in time order, for what
// templates see (compose) and the statement pages: at most
// candor.MaxTimelineEvents entries, the earliest, so a notice or a page
// cannot grow with the timeline. publicOnly keeps the entries that may
// appear in statements and notices.
func (db *DB) ListEvents(ctx context.Context, incidentID string, publicOnly bool) ([]candor.Event, error) {
	if _, err := db.GetIncident(ctx, incidentID); err != nil {
		return nil, err
	}
	q := db.gorm.WithContext(ctx).Where("incident_id = ?", incidentID).Order("sort_at, id").Limit(candor.MaxTimelineEvents)
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

// ListEventsPage returns a page of an incident's timeline in time order,
// for GET .../events: n entries (default 50, at most 1000) after the
// cursor, which names the last entry of the previous page. Errors:
// ENOTFOUND for the incident, EINVALID for a bad cursor, EUNAVAILABLE past
// the query timeout.
func (db *DB) ListEventsPage(ctx context.Context, incidentID string, publicOnly bool, cursor string, n int) (Page[candor.Event], error) {
	if _, err := db.GetIncident(ctx, incidentID); err != nil {
		return Page[candor.Event]{}, err
	}
	after, err := decodeCursor(cursor)
	if err != nil {
		return Page[candor.Event]{}, err
	}
	n = limit(n)
	var rows []eventRow
	err = db.boundedRead(ctx, "event list", func(tx *gorm.DB) error {
		q := tx.Where("incident_id = ?", incidentID).Order("sort_at, id").Limit(n + 1)
		if publicOnly {
			q = q.Where("public = ?", true)
		}
		if after != "" {
			// The entries after the cursor's in (sort_at, id) order, as the
			// index incident_events_order holds them. A cursor naming no
			// entry of this incident gives an empty page.
			q = q.Where("(sort_at, id) > (SELECT sort_at, id FROM incident_events WHERE id = ? AND incident_id = ?)", after, incidentID)
		}
		return q.Find(&rows).Error
	})
	if err != nil {
		return Page[candor.Event]{}, fmt.Errorf("list events: %w", err)
	}
	return pageOf(rows, n, func(r eventRow) string { return r.ID }, toEvent), nil
}

// incidentZone is the zone an incident's date-only events are read in.
func incidentZone(in candor.Incident) *time.Location {
	if loc, err := time.LoadLocation(in.Timezone); err == nil && in.Timezone != "" {
		return loc
	}
	return time.UTC
}
