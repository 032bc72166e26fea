package candor

import (
	"slices"
	"strings"
	"time"
)

// EventScope is what a timeline event adds to the incident's scope: from
// the event's time on, these jurisdictions and data categories were known
// to be affected (Kawasaki: Thailand on 11 June, Indonesia and the
// Philippines on 24 June, the United States on 8 July).
type EventScope struct {
	Jurisdictions  []string `json:"jurisdictions,omitempty"`
	DataCategories []string `json:"data_categories,omitempty"`
}

// Scope change kinds and sources.
const (
	ScopeJurisdiction = "jurisdiction"
	ScopeDataCategory = "data_category"
	ScopeFromEvent    = "event"
	ScopeFromImport   = "import"
)

// ScopeChange is one code entering an incident's scope: from a timeline
// event, or from a customer import that brought the first customers of a
// country not yet in scope. A code may enter more than once (two events
// name it); the earliest counts.
type ScopeChange struct {
	ID         string    `json:"id"`
	IncidentID string    `json:"incident_id"`
	Kind       string    `json:"kind"`
	Code       string    `json:"code"`
	At         time.Time `json:"at"`
	Source     string    `json:"source"`
	EventID    string    `json:"event_id,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
}

// ScopeAddition is a country a customer import brought into the scope, as
// the import report tells it.
type ScopeAddition struct {
	Jurisdiction string    `json:"jurisdiction"`
	At           time.Time `json:"at"`
}

// maxScopeCodes bounds each list of an event's scope.
const maxScopeCodes = 300

// NormalizeEventScope checks an event's scope and returns it as stored:
// jurisdictions upper-cased, each an ISO 3166-1 country, an ISO 3166-2
// region or "EU"; data categories normalised (NormalizeDataCategories),
// each one the deadline rules understand (KnownDataCategories or one that
// satisfies a rule condition). An empty scope is nil. Errors: EINVALID
// naming scope.jurisdictions or scope.data_categories.
func NormalizeEventScope(s *EventScope, geo GeoChecker) (*EventScope, error) {
	if s == nil {
		return nil, nil
	}
	var v Validation
	out := &EventScope{}
	if len(s.Jurisdictions) > maxScopeCodes {
		v.Add("scope.jurisdictions", "at most %d codes", maxScopeCodes)
	}
	for _, raw := range s.Jurisdictions {
		code, ok := ScopeJurisdictionCode(raw, geo)
		if !ok {
			v.Add("scope.jurisdictions", "%s is not a jurisdiction: give an ISO 3166-1 country (PH), an ISO 3166-2 region (US-CA) or EU", QuoteShort(raw))
			continue
		}
		if !slices.Contains(out.Jurisdictions, code) {
			out.Jurisdictions = append(out.Jurisdictions, code)
		}
	}
	if len(s.DataCategories) > maxScopeCodes {
		v.Add("scope.data_categories", "at most %d categories", maxScopeCodes)
	}
	cats, errs := NormalizeDataCategories(s.DataCategories)
	for _, e := range errs {
		v.Add("scope.data_categories", "%s", e.Message)
	}
	for _, c := range cats {
		if !IsKnownDataCategory(c) && len(DataCategoryConditions(c)) == 0 {
			v.Add("scope.data_categories", "%s is not a data category the deadline rules know: use one of %s", QuoteShort(c),
				strings.Join(KnownDataCategories(), ", "))
			continue
		}
		out.DataCategories = append(out.DataCategories, c)
	}
	slices.Sort(out.Jurisdictions)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if len(out.Jurisdictions)+len(out.DataCategories) == 0 {
		return nil, nil
	}
	return out, nil
}

// ScopeJurisdictionCode returns the canonical code of a jurisdiction named
// in a scope, and whether it is one.
func ScopeJurisdictionCode(raw string, geo GeoChecker) (string, bool) {
	c := strings.ToUpper(strings.TrimSpace(raw))
	if c == "EU" {
		return c, true
	}
	if strings.Contains(c, "-") {
		return geo.Region(c)
	}
	return geo.Country(c)
}

// ScopeAt is the instant an event widens the scope: its time, or for an
// event known only by its day the start of that day in the incident's
// zone (the earliest the knowledge can date from, so that no deadline is
// shown later than it may be).
func (e *Event) ScopeAt(loc *time.Location) time.Time {
	if e.OccurredAt != nil {
		return *e.OccurredAt
	}
	d, err := time.ParseInLocation(DateLayout, e.OccurredOn, loc)
	if err != nil {
		return e.SortTime()
	}
	return d.UTC()
}

// ScopeChanges are the rows an event with a scope adds.
func (e *Event) ScopeChanges(loc *time.Location) []ScopeChange {
	if e.Scope == nil {
		return nil
	}
	at := e.ScopeAt(loc)
	var out []ScopeChange
	for _, j := range e.Scope.Jurisdictions {
		out = append(out, ScopeChange{IncidentID: e.IncidentID, Kind: ScopeJurisdiction, Code: j, At: at, Source: ScopeFromEvent, EventID: e.ID})
	}
	for _, c := range e.Scope.DataCategories {
		out = append(out, ScopeChange{IncidentID: e.IncidentID, Kind: ScopeDataCategory, Code: c, At: at, Source: ScopeFromEvent, EventID: e.ID})
	}
	return out
}
