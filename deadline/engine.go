package deadline

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/candor-dev/candor"
)

// ComputeObligations returns the duties rules impose on the incident
// described by in, sorted by due date (undated ones last, then by
// jurisdiction and rule ID). It is pure and deterministic: the same input,
// rules and calendar give the same result, so the API, the reminder task
// and the calendar feed agree.
//
// A rule yields an obligation when it is in force on in.AsOf (default
// in.DiscoveredAt) read in the rule's time zone, the incident falls under
// its area (Rule.Nexus), none of its conditions is known to be false and its
// threshold is met or may still be. Conditions not yet known are listed in
// Obligation.DependsOn; a clock date not yet known leaves DueAt nil and says
// so in Obligation.Missing.
func ComputeObligations(in ObligationInput, rules []Rule, bc BusinessCalendar) []Obligation {
	f := newFacts(in)
	asOf := in.AsOf
	if asOf.IsZero() {
		asOf = in.DiscoveredAt
	}
	if asOf.IsZero() {
		return nil // no day to choose rules by; Validate reports it
	}
	var out []Obligation
	for _, r := range rules {
		if o, ok := f.evaluate(r, asOf, bc); ok {
			out = append(out, o)
		}
	}
	SortObligations(out)
	return out
}

// SortObligations orders obligations as ComputeObligations returns them.
func SortObligations(obs []Obligation) {
	slices.SortStableFunc(obs, func(a, b Obligation) int {
		switch {
		case a.DueAt == nil && b.DueAt != nil:
			return 1
		case a.DueAt != nil && b.DueAt == nil:
			return -1
		case a.DueAt != nil && !a.DueAt.Equal(*b.DueAt):
			return a.DueAt.Compare(*b.DueAt)
		}
		return cmp.Or(cmp.Compare(a.Jurisdiction, b.Jurisdiction), cmp.Compare(a.RuleID, b.RuleID))
	})
}

// InForce reports whether r applies on the day at falls on in loc.
func (r Rule) InForce(at time.Time, loc *time.Location) bool {
	d := candor.DateOf(at.In(loc))
	return !d.Before(r.EffectiveFrom) && (r.EffectiveTo.IsZero() || d.Before(r.EffectiveTo))
}

// evaluate applies one rule; ok is false when the rule does not apply.
func (f facts) evaluate(r Rule, asOf time.Time, bc BusinessCalendar) (Obligation, bool) {
	var basis, notes []string
	loc, err := bc.Location(r.TimeZone)
	if err != nil {
		loc = time.UTC // the loaders reject unknown zones; never drop a duty over one
		notes = append(notes, fmt.Sprintf("time zone %q unknown, days counted in UTC", r.TimeZone))
	}
	if !r.InForce(asOf, loc) {
		return Obligation{}, false
	}
	ok, why := f.nexus(r)
	if !ok {
		return Obligation{}, false
	}
	if why != "" {
		basis = append(basis, why)
	}
	var depends []string
	if len(r.Data) > 0 {
		switch t, why := f.data(r.Data); t {
		case no:
			return Obligation{}, false
		case unknown:
			depends = append(depends, DependsOnData)
		default:
			basis = append(basis, why)
		}
	}
	for _, c := range r.Conditions {
		switch f.condition(c) {
		case no:
			return Obligation{}, false
		case unknown:
			depends = append(depends, c)
		default:
			basis = append(basis, describeCondition(c))
		}
	}
	if t := r.Threshold; t != nil {
		why, pending, ok := f.threshold(r, *t)
		if !ok {
			return Obligation{}, false
		}
		if why != "" {
			basis = append(basis, why)
		}
		if pending != "" {
			depends = append(depends, pending)
		}
	}
	since := "in force since " + r.EffectiveFrom.String()
	if !r.EffectiveTo.IsZero() {
		since += " until " + r.EffectiveTo.String()
	}
	basis = append(basis, since)

	o := Obligation{
		RuleID: r.ID, Jurisdiction: r.Jurisdiction, Name: r.Name, Audience: r.Audience,
		Law: r.Citation(), Stage: r.Stage, Soft: r.Soft, Deadline: r.Deadline,
		ClockStart: r.ClockStart, Basis: strings.Join(basis, "; "), DependsOn: depends,
		Condition: ConditionText(r, depends),
		TimeZone:  loc.String(), Source: r.Source, Confirmed: r.Confirmed,
		Notes: strings.TrimSpace(strings.Join(append(notes, r.Notes), " ")),
	}
	var floor scopeFloor
	if !f.snapshot {
		floor = f.scopeFloor(r, asOf, loc, bc)
	}
	start, missing, reason, change := f.clock(r, loc, floor)
	o.Missing, o.ClockReason, o.ClockScope = missing, reason, change
	if start != nil {
		due := r.Deadline.Due(*start, loc, r.HolidayCalendar(), bc)
		clockAt := start.In(loc)
		o.ClockAt, o.DueAt = &clockAt, &due
	}
	return o, true
}

// threshold decides r's headcount test: why it is met, or which unknown
// conditions it waits on ("malicious|high_risk": any of them), or !ok.
func (f facts) threshold(r Rule, t Threshold) (why, pending string, ok bool) {
	area := r.AreaCode()
	where, n := areaName(area), f.count(area)
	residents := "residents of "
	switch t.Per {
	case "region":
		where, n = f.largestRegion(area)
		if where == "" {
			where = "any region of " + area
		}
	case "incident":
		where, n, residents = "all countries", f.count("*"), "people affected in "
	}
	if t.Met(n) {
		return fmt.Sprintf("%d %s%s %s", n, residents, where, t), "", true
	}
	var unknowns []string
	for _, c := range t.Or {
		switch f.condition(c) {
		case yes:
			return fmt.Sprintf("%s, although %d %s%s is not %s", describeCondition(c), n, residents, where, t), "", true
		case unknown:
			unknowns = append(unknowns, c)
		}
	}
	if len(unknowns) == 0 {
		return "", "", false
	}
	return fmt.Sprintf("%d %s%s is not %s", n, residents, where, t), strings.Join(unknowns, "|"), true
}

// clock returns when r's clock started, or nil and what is missing, and
// why it starts then. A determination not yet recorded falls back to
// discovery (see ObligationInput.DeterminedAt); then both are returned.
// floor is when the rule's area (or the data that makes it apply) entered
// the scope: clocks that run from the organisation's knowledge start no
// earlier (see scopeFloor).
func (f facts) clock(r Rule, loc *time.Location, floor scopeFloor) (*time.Time, string, string, *candor.ScopeChange) {
	start, missing := f.clockStart(r, loc)
	return floor.apply(r, start, missing, loc)
}

func (f facts) clockStart(r Rule, loc *time.Location) (*time.Time, string) {
	in := f.in
	after := fmt.Sprintf("due %s after ", r.Deadline)
	var discovered *time.Time
	if !in.DiscoveredAt.IsZero() {
		discovered = &in.DiscoveredAt
	}
	switch r.ClockStart {
	case ClockAwareness, ClockDiscovery:
		if discovered == nil {
			return nil, "discovered_at not recorded: " + after + "discovery"
		}
		return discovered, ""
	case ClockDetermination:
		if in.DeterminedAt != nil {
			return in.DeterminedAt, ""
		}
		if discovered == nil {
			return nil, "determined_at not recorded: " + after + "the breach is determined"
		}
		return discovered, "determined_at not recorded: counted from discovered_at, the earliest the clock can start"
	case ClockMateriality:
		if in.MaterialityDeterminedAt == nil {
			return nil, "materiality_determined_at not recorded: " + after + "materiality is determined"
		}
		return in.MaterialityDeterminedAt, ""
	case ClockNotifiableAssessment:
		if in.NotifiableAssessedAt == nil {
			return nil, "notifiable_assessed_at not recorded: " + after + "the breach is assessed as notifiable"
		}
		return in.NotifiableAssessedAt, ""
	case ClockNewInformation:
		if in.NewInformationAt == nil {
			return nil, "new_information_at not recorded: " + after + "the missing information becomes available"
		}
		return in.NewInformationAt, ""
	case ClockIndividualsNotified:
		if at, ok := in.IndividualsNotifiedAt[r.Jurisdiction]; ok {
			return &at, ""
		}
		for code, at := range in.IndividualsNotifiedAt {
			if strings.EqualFold(code, r.Jurisdiction) {
				return &at, ""
			}
		}
		return nil, fmt.Sprintf("individuals in %s not yet notified: %sthey are", r.Jurisdiction, after)
	case ClockDiscoveryYearEnd:
		if discovered == nil {
			return nil, "discovered_at not recorded: " + after + "the end of the year of discovery"
		}
		end := time.Date(discovered.In(loc).Year(), time.December, 31, 23, 59, 59, 0, loc)
		return &end, ""
	}
	return nil, fmt.Sprintf("unknown clock start %q", r.ClockStart)
}
