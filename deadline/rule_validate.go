package deadline

import (
	"strings"

	"github.com/candor-dev/candor"
)

// Validate checks that r is complete and means one thing: known audience,
// unit, clock start and conditions, a positive deadline, a sane effective
// range. It returns an EINVALID error naming every bad field; it does not
// check that TimeZone exists (package jurisdictions does, where the zone
// database is linked in).
func (r Rule) Validate() error {
	var v candor.Validation
	if !validRuleID(r.ID) {
		v.Add("id", "must be lower-case letters, digits and dashes, got %q", r.ID)
	}
	if !validAreaCode(r.Jurisdiction) {
		v.Add("code", "must be EU, an ISO 3166-1 country or an upper-case code like US-TX, got %q", r.Jurisdiction)
	}
	if r.Area != "" && !validAreaCode(r.Area) {
		v.Add("area", "must be EU, a country or a region code, got %q", r.Area)
	}
	for _, f := range [...]struct{ field, val string }{
		{"name", r.Name}, {"law", r.Law}, {"source", r.Source}, {"time_zone", r.TimeZone},
	} {
		if strings.TrimSpace(f.val) == "" {
			v.Add(f.field, "is required")
		}
	}
	switch r.Audience {
	case AudienceRegulator, AudienceIndividuals, AudiencePublic, AudienceAttorneyGeneral, AudienceMedia, AudienceInternal,
		AudienceCreditBureaus, AudienceController:
	default:
		v.Add("notify", "unknown audience %q", r.Audience)
	}
	if r.Deadline.Amount <= 0 {
		v.Add("deadline.amount", "must be positive, got %d", r.Deadline.Amount)
	}
	switch r.Deadline.Unit {
	case UnitHours, UnitCalendarDays, UnitBusinessDays, UnitCalendarMonths:
	default:
		v.Add("deadline.unit", "must be hours, calendar_days, business_days or calendar_months, got %q", r.Deadline.Unit)
	}
	if r.Deadline.DayOne && r.Deadline.Unit != UnitCalendarDays {
		v.Add("deadline.day_one", "applies to calendar_days only, got %q", r.Deadline.Unit)
	}
	if r.Deadline.NextOpenDay && r.Deadline.Unit == UnitHours {
		v.Add("deadline.next_open_day", "applies to day and month deadlines, not hours")
	}
	switch r.ClockStart {
	case ClockAwareness, ClockDiscovery, ClockDetermination, ClockNotifiableAssessment, ClockMateriality,
		ClockNewInformation, ClockIndividualsNotified, ClockDiscoveryYearEnd:
	default:
		v.Add("clock_starts", "unknown clock start %q", r.ClockStart)
	}
	switch r.Nexus {
	case "", NexusResidents, NexusEntity:
	default:
		v.Add("nexus", "must be residents or entity, got %q", r.Nexus)
	}
	for _, c := range r.Conditions {
		if !knownCondition(strings.TrimPrefix(c, "!")) {
			v.Add("conditions", "unknown condition %q", c)
		}
	}
	for _, combo := range r.Data {
		if len(combo) == 0 {
			v.Add("data", "an empty combination would match any data; leave data out instead")
		}
		for _, c := range combo {
			if !candor.IsKnownDataCategory(c) && !dataCondition(c) {
				v.Add("data", "unknown data category %q (see KnownDataCategories)", c)
			}
		}
	}
	if t := r.Threshold; t != nil {
		if t.Op != ">" && t.Op != ">=" && t.Op != "<" {
			v.Add("threshold.op", `must be ">", ">=" or "<", got %q`, t.Op)
		}
		if t.Count <= 0 {
			v.Add("threshold.count", "must be positive, got %d", t.Count)
		}
		if t.Per != "" && t.Per != "region" && t.Per != "incident" {
			v.Add("threshold.per", `must be "", "region" or "incident", got %q`, t.Per)
		}
		for _, c := range t.Or {
			if !knownCondition(c) {
				v.Add("threshold.or", "unknown condition %q", c)
			}
		}
	}
	if r.EffectiveFrom.IsZero() {
		v.Add("effective_from", "is required")
	}
	if !r.EffectiveTo.IsZero() && !r.EffectiveFrom.Before(r.EffectiveTo) {
		v.Add("effective_to", "must be after effective_from (%s), got %s", r.EffectiveFrom, r.EffectiveTo)
	}
	return v.Err()
}

func knownCondition(c string) bool {
	switch c {
	case CondUSListed, CondHealthData, CondSensitiveData, CondFinancialData, CondMalicious, CondHighRisk,
		CondAcquired, CondProcessor:
		return true
	}
	return false
}

// dataCondition reports whether c is a condition decided by the data
// categories, which Rule.Data may name beside the categories themselves.
func dataCondition(c string) bool {
	return c == CondHealthData || c == CondSensitiveData || c == CondFinancialData
}

// validRuleID accepts lower-case letters, digits and inner dashes: IDs end
// up in calendar UIDs, task IDs and file names.
func validRuleID(id string) bool {
	if id == "" || id[0] == '-' || id[len(id)-1] == '-' {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// validAreaCode accepts "EU", a country ("JP") or a region or federal regime
// ("US-TX", "US-SEC"), upper case so that it matches the canonical
// countries and regions customers are stored with.
func validAreaCode(code string) bool {
	country, sub, hasSub := strings.Cut(code, "-")
	if len(country) != 2 || !upperAlnum(country, false) {
		return false
	}
	if !hasSub {
		return true
	}
	return len(sub) >= 1 && len(sub) <= 8 && upperAlnum(sub, true)
}

func upperAlnum(s string, digits bool) bool {
	for _, c := range s {
		if !(c >= 'A' && c <= 'Z' || digits && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
