package deadline

import (
	"context"
	"strings"
	"time"

	"github.com/candor-dev/candor"
)

// ObligationSource is what assessing an incident's obligations reads from
// storage; *store.DB provides it.
type ObligationSource interface {
	// GetIncident returns the incident, or ENOTFOUND.
	GetIncident(ctx context.Context, id string) (candor.Incident, error)
	// CustomerPlaceCounts counts the incident's customers per country and
	// per region (erased ones too: they were affected).
	CustomerPlaceCounts(ctx context.Context, incidentID string) (countries, regions map[string]int, err error)
	// ObligationEvidence gathers the evidence sent up to until, with the
	// reach of each of areas.
	ObligationEvidence(ctx context.Context, incidentID string, areas []string, until time.Time) (Evidence, error)
	// ScopeChanges lists when jurisdictions and data categories entered
	// the incident's scope, oldest first.
	ScopeChanges(ctx context.Context, incidentID string) ([]candor.ScopeChange, error)
	// ApprovedDecisions lists the incident's current approved decisions,
	// one per obligation at most.
	ApprovedDecisions(ctx context.Context, incidentID string) ([]candor.Decision, error)
}

// ObligationReport is an incident's obligations with their status.
type ObligationReport struct {
	Incident candor.Incident
	// RulesAsOf is the instant whose rules were applied: DiscoveredAt
	// unless the caller asked for another day's.
	RulesAsOf time.Time
	// At is the instant statuses are given for.
	At    time.Time
	Items []ObligationState
	// Countries and Regions are the customer counts the rules were
	// applied to; Countries[""] counts customers of no known country.
	Countries map[string]int
	Regions   map[string]int
	// Scope is when jurisdictions and data categories entered the scope.
	Scope []candor.ScopeChange
}

// IncidentInput returns the engine's input for the incident, given its
// customers per country and region. An acquisition or harm assessment not
// recorded (nil) leaves the duties that depend on it conditional.
func IncidentInput(in candor.Incident, countries, regions map[string]int) ObligationInput {
	out := ObligationInput{
		DiscoveredAt:            in.DiscoveredAt,
		DeterminedAt:            in.DeterminedAt,
		MaterialityDeterminedAt: in.MaterialityDeterminedAt,
		NotifiableAssessedAt:    in.NotifiableAssessedAt,
		DataCategories:          in.DataCategories,
		Countries:               map[string]int{},
		Regions:                 map[string]int{},
		Malicious:               in.Malicious,
		Acquired:                in.Acquired,
		HighRisk:                in.HighRisk,
	}
	for c, n := range countries {
		if c != "" {
			out.Countries[c] = n
		}
	}
	for r, n := range regions {
		if strings.Contains(r, "-") {
			out.Regions[r] = n
		}
	}
	if e := in.ReportingEntity; e != nil {
		out.EntityCountry, out.ListedUS, out.Processor = e.Country, e.ListedUS, e.Processor
	}
	return out
}

// AssessObligations computes incident id's obligations under the rules in
// force at asOf (zero: at its discovery) and their status at at. It reads
// the evidence only for the areas the duties need, then computes again
// with the dates individuals were notified, which start some clocks.
func AssessObligations(ctx context.Context, src ObligationSource, id string, rules []Rule, bc BusinessCalendar, asOf, at time.Time) (ObligationReport, error) {
	inc, err := src.GetIncident(ctx, id)
	if err != nil {
		return ObligationReport{}, err
	}
	countries, regions, err := src.CustomerPlaceCounts(ctx, id)
	if err != nil {
		return ObligationReport{}, err
	}
	in := IncidentInput(inc, countries, regions)
	in.AsOf = asOf
	if in.Scope, err = src.ScopeChanges(ctx, id); err != nil {
		return ObligationReport{}, err
	}
	obs := ComputeObligations(in, rules, bc)
	ev, err := src.ObligationEvidence(ctx, id, EvidenceAreas(obs, rules), at)
	if err != nil {
		return ObligationReport{}, err
	}
	if notified := ev.IndividualsNotifiedAt(); len(notified) > 0 {
		in.IndividualsNotifiedAt = notified
		obs = ComputeObligations(in, rules, bc)
	}
	decisions, err := src.ApprovedDecisions(ctx, id)
	if err != nil {
		return ObligationReport{}, err
	}
	ev.Decisions = decisions
	rep := ObligationReport{Incident: inc, RulesAsOf: asOf, At: at,
		Items: ApplyDecisions(ResolveObligations(obs, rules, ev, at), decisions, at), Countries: countries, Regions: regions, Scope: in.Scope}
	if rep.RulesAsOf.IsZero() {
		rep.RulesAsOf = inc.DiscoveredAt
	}
	return rep, nil
}

// ParseAsOf reads the as_of parameter: "" (the rules in force at
// discovery: zero), "today" or "now" (now), an RFC 3339 date-time, or a
// date, read as noon UTC so that it is the same day in every zone from
// UTC-12 to UTC+11. field names the parameter in the error.
func ParseAsOf(field, s string, now time.Time) (time.Time, error) {
	switch s = strings.TrimSpace(s); strings.ToLower(s) {
	case "":
		return time.Time{}, nil
	case "today", "now":
		return now.UTC(), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		if t, err = time.Parse(time.DateOnly, s); err == nil {
			t = t.Add(12 * time.Hour)
		}
	}
	switch {
	case err == nil && candor.InDateRange(t):
		return t.UTC(), nil
	case err == nil:
		return time.Time{}, candor.Invalid(candor.FieldError{Field: field, Message: "must lie between 1970-01-01 and 2200-12-31"})
	}
	return time.Time{}, candor.Invalid(candor.FieldError{Field: field,
		Message: `must be "today", a date (2024-01-31) or an RFC 3339 time (2024-01-31T09:00:00Z)`})
}
