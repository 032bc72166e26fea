package deadline

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/candor-dev/candor"
)

// mergeScopeCategories returns the incident's data categories with those
// its scope changes added, and the distinct instants after discovery at
// which one of them entered the scope, in order. A category on the
// incident that no change names is known from discovery.
func mergeScopeCategories(in ObligationInput, ix scopeIndex) ([]string, []time.Time) {
	cats := slices.Clone(in.DataCategories)
	var times []time.Time
	for code, c := range ix.categories {
		if !slices.Contains(cats, code) {
			cats = append(cats, code)
		}
		if c.At.After(in.DiscoveredAt) && !slices.ContainsFunc(times, c.At.Equal) {
			times = append(times, c.At)
		}
	}
	slices.Sort(cats)
	slices.SortFunc(times, time.Time.Compare)
	return cats, times
}

// categoriesAt returns facts that know only the data categories in scope
// at t.
func (f facts) categoriesAt(t time.Time) facts {
	in := f.in
	in.Scope = nil
	in.DataCategories = nil
	for _, c := range f.in.DataCategories {
		if e, ok := f.scope.categories[c]; !ok || !e.At.After(t) {
			in.DataCategories = append(in.DataCategories, c)
		}
	}
	g := newFacts(in)
	g.snapshot = true
	return g
}

// scopeFloor is the earliest a duty's clock may start because of the
// incident's scope, and why; zero At: no later than discovery.
type scopeFloor struct {
	At     time.Time
	Why    string
	Change *candor.ScopeChange
}

// scopeFloor finds when r came to apply as far as the scope is concerned:
// when its area entered the scope (an area reached only through the
// reporting entity's establishment is in scope from discovery), and, when
// data categories entered later, the first of those instants at which the
// rule applies with the categories known then (a new category re-evaluates
// conditions and thresholds from its time). The later of the two counts.
func (f facts) scopeFloor(r Rule, asOf time.Time, loc *time.Location, bc BusinessCalendar) scopeFloor {
	var fl scopeFloor
	discovered := f.in.DiscoveredAt
	if r.Nexus != NexusEntity {
		area := r.AreaCode()
		entity := area == f.entity || area == "EU" && candor.IsEEA(f.entity)
		if e, ok := f.scope.areaEntry(area); ok && !entity {
			fl = scopeFloor{At: e.At, Why: describeEntry(areaName(area), e, loc), Change: &e}
		}
	}
	if len(f.catTimes) > 0 {
		at := f.catTimes[len(f.catTimes)-1]
		for _, t := range append([]time.Time{discovered}, f.catTimes[:len(f.catTimes)-1]...) {
			if _, ok := f.categoriesAt(t).evaluate(r, asOf, bc); ok {
				at = t
				break
			}
		}
		if at.After(discovered) && at.After(fl.At) {
			var names []string
			for code, e := range f.scope.categories {
				if e.At.Equal(at) {
					names = append(names, code)
				}
			}
			slices.Sort(names)
			first := f.scope.categories[names[0]]
			fl = scopeFloor{At: at, Change: &first, Why: fmt.Sprintf("applies since data categories %s entered the scope at %s",
				strings.Join(names, ", "), at.In(loc).Format(reasonLayout))}
		}
	}
	if !fl.At.After(discovered) {
		if fl.Why != "" {
			fl.Why += ", no later than discovery"
		}
		fl.At, fl.Change = time.Time{}, nil
	}
	return fl
}

// reasonLayout shows an instant in the rule's zone with its offset: zone
// abbreviations are ambiguous (Manila's and California's are both PST).
const reasonLayout = "2006-01-02 15:04 -07:00"

func describeEntry(area string, e candor.ScopeChange, loc *time.Location) string {
	how := "with a timeline event"
	if e.Source == candor.ScopeFromImport {
		how = "with a customer import"
	}
	return fmt.Sprintf("%s entered the scope at %s %s", area, e.At.In(loc).Format(reasonLayout), how)
}

// apply moves a clock that runs from the organisation's knowledge
// (awareness, discovery, determination, the year of discovery) to the
// floor when that is later, and says why the clock starts when it does.
// Clocks set by a deliberate act (materiality, an assessment, the notice
// to individuals) are left alone: those acts already post-date the scope.
func (fl scopeFloor) apply(r Rule, start *time.Time, missing string, loc *time.Location) (*time.Time, string, string, *candor.ScopeChange) {
	why := map[ClockStart]string{
		ClockAwareness: "discovered_at", ClockDiscovery: "discovered_at", ClockDetermination: "determined_at",
		ClockMateriality: "materiality_determined_at", ClockNotifiableAssessment: "notifiable_assessed_at",
		ClockNewInformation: "new_information_at", ClockIndividualsNotified: "when every email customer of " + r.AreaCode() + " was notified",
		ClockDiscoveryYearEnd: "the end of the year of discovery",
	}[r.ClockStart]
	if r.ClockStart == ClockDetermination && missing != "" {
		why = "discovered_at (no determined_at recorded)"
	}
	if start == nil {
		return nil, missing, "", nil
	}
	switch r.ClockStart {
	case ClockAwareness, ClockDiscovery, ClockDetermination:
		if fl.At.After(*start) {
			at := fl.At
			return &at, missing, fl.Why, fl.Change
		}
	case ClockDiscoveryYearEnd:
		if fl.At.After(*start) || fl.At.In(loc).Year() > start.In(loc).Year() {
			end := time.Date(fl.At.In(loc).Year(), time.December, 31, 23, 59, 59, 0, loc)
			return &end, missing, "the end of the year in which " + fl.Why, fl.Change
		}
	}
	if fl.Why != "" {
		why += "; " + fl.Why
	}
	return start, missing, why, nil
}

// scopeIndex is the earliest entry of each code, by kind.
type scopeIndex struct {
	jurisdictions map[string]candor.ScopeChange
	categories    map[string]candor.ScopeChange
}

func newScopeIndex(changes []candor.ScopeChange) scopeIndex {
	ix := scopeIndex{jurisdictions: map[string]candor.ScopeChange{}, categories: map[string]candor.ScopeChange{}}
	for _, c := range changes {
		m := ix.jurisdictions
		code := strings.ToUpper(c.Code)
		if c.Kind == candor.ScopeDataCategory {
			m, code = ix.categories, c.Code
		}
		if old, ok := m[code]; !ok || c.At.Before(old.At) {
			m[code] = c
		}
	}
	return ix
}

// areaEntry returns the earliest scope entry that puts area in scope: the
// area itself, its country for a region, any of its regions for a country,
// and any EEA country for "EU". ok is false when none does.
func (ix scopeIndex) areaEntry(area string) (candor.ScopeChange, bool) {
	var best candor.ScopeChange
	found := false
	consider := func(c candor.ScopeChange) {
		if !found || c.At.Before(best.At) {
			best, found = c, true
		}
	}
	country, _, isRegion := strings.Cut(area, "-")
	for code, c := range ix.jurisdictions {
		switch {
		case code == area:
		case isRegion && code == country:
		case !isRegion && strings.HasPrefix(code, area+"-"):
		case area == "EU" && candor.IsEEA(code):
		default:
			continue
		}
		consider(c)
	}
	return best, found
}
