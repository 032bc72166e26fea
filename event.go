package candor

import (
	"strings"
	"time"
)

// Event is one dated entry in an incident's course of events. Many are known
// only by their day ("June 15"), so an event carries either an instant or a
// date; Public ones appear in statements and notices.
type Event struct {
	ID          string     `json:"id"`
	IncidentID  string     `json:"incident_id"`
	OccurredAt  *time.Time `json:"occurred_at,omitempty"`
	OccurredOn  string     `json:"occurred_on,omitempty"`
	Description string     `json:"description"`
	Public      bool       `json:"public"`
	// Translations give the description in other languages ("ja").
	Translations map[string]EventText `json:"translations,omitempty"`
	// Scope widens the incident's scope from the event's time (ScopeAt).
	Scope     *EventScope `json:"scope,omitempty"`
	CreatedAt time.Time   `json:"created_at"`
}

// MaxTimelineEvents is the most timeline entries a notice, a statement or a
// template sees: the earliest of the incident's (public) events. The API
// lists them all, a page at a time.
const MaxTimelineEvents = 1000

// DateLayout is the layout of a date-only value (occurred_on).
const DateLayout = "2006-01-02"

// Validate checks an event: exactly one of occurred_at or occurred_on.
func (e *Event) Validate() error {
	var v Validation
	e.Description = strings.TrimSpace(e.Description)
	e.Description = v.Text("description", e.Description, false)
	if e.Description == "" || len(e.Description) > maxDescription {
		v.Add("description", "is required, at most %d characters", maxDescription)
	}
	e.Translations = normalizeTranslations(&v, "translations", e.Translations, func(t *EventText) bool {
		t.Description = strings.TrimSpace(t.Description)
		return t.Description == ""
	})
	for k, t := range e.Translations {
		t.Description = v.Text("translations."+k+".description", t.Description, false)
		e.Translations[k] = t
		if len(t.Description) > maxDescription {
			v.Add("translations."+k+".description", "must be at most %d characters", maxDescription)
		}
	}
	switch {
	case e.OccurredAt != nil && e.OccurredOn != "":
		v.Add("occurred_on", "give occurred_on or occurred_at, not both")
	case e.OccurredAt == nil && e.OccurredOn == "":
		v.Add("occurred_on", "occurred_on (YYYY-MM-DD) or occurred_at (RFC 3339) is required")
	case e.OccurredAt != nil:
		t := e.OccurredAt.UTC()
		e.OccurredAt = &t
		v.Date("occurred_at", e.OccurredAt)
	default:
		if d, err := time.Parse(DateLayout, e.OccurredOn); err != nil {
			v.Add("occurred_on", "must be a date as YYYY-MM-DD")
		} else {
			v.Date("occurred_on", &d)
		}
	}
	return v.Err()
}

// SortTime is the instant an event is ordered by: its time, or the start of
// its day in UTC.
func (e *Event) SortTime() time.Time {
	if e.OccurredAt != nil {
		return *e.OccurredAt
	}
	t, _ := time.Parse(DateLayout, e.OccurredOn)
	return t
}
