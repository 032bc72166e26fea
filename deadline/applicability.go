package deadline

import (
	"fmt"
	"strings"
	"time"

	"github.com/candor-dev/candor"
)

// truth is a fact that may not be known yet: the engine lists a duty whose
// conditions are unknown rather than hide it.
type truth int

const (
	unknown truth = iota
	yes
	no
)

func truthOf(b bool) truth {
	if b {
		return yes
	}
	return no
}

// facts is ObligationInput normalised once per computation: upper-case
// codes, condition flags from the data categories.
type facts struct {
	in         ObligationInput
	countries  map[string]int
	regions    map[string]int
	entity     string
	categories map[string]bool // conditions satisfied by the data categories
	scope      scopeIndex
	// catTimes are the instants after discovery at which data categories
	// entered the scope, in order; snapshot marks facts restricted to the
	// categories known at one of them (see scopeFloor).
	catTimes []time.Time
	snapshot bool
	cats     map[string]bool // the data categories, normalised
}

func newFacts(in ObligationInput) facts {
	f := facts{
		in:         in,
		countries:  map[string]int{},
		regions:    map[string]int{},
		entity:     strings.ToUpper(strings.TrimSpace(in.EntityCountry)),
		categories: map[string]bool{},
		cats:       map[string]bool{},
	}
	for c, n := range in.Countries {
		f.countries[strings.ToUpper(strings.TrimSpace(c))] += n
	}
	for r, n := range in.Regions {
		f.regions[strings.ToUpper(strings.TrimSpace(r))] += n
	}
	f.scope = newScopeIndex(in.Scope)
	in.DataCategories, f.catTimes = mergeScopeCategories(in, f.scope)
	f.in = in
	for _, c := range in.DataCategories {
		if n := candor.CanonicalDataCategory(c); n != "" {
			f.cats[n] = true
		}
		for _, cond := range candor.DataCategoryConditions(c) {
			f.categories[cond] = true
		}
	}
	return f
}

// condition evaluates a rule condition, "!" negating it.
func (f facts) condition(c string) truth {
	if neg, ok := strings.CutPrefix(c, "!"); ok {
		switch f.condition(neg) {
		case yes:
			return no
		case no:
			return yes
		}
		return unknown
	}
	switch c {
	case CondUSListed:
		return truthOf(f.in.ListedUS)
	case CondHealthData, CondSensitiveData, CondFinancialData:
		return truthOf(f.categories[c])
	case CondMalicious:
		if f.in.Malicious == nil {
			return unknown
		}
		return truthOf(*f.in.Malicious)
	case CondHighRisk:
		if f.in.HighRisk == nil {
			return unknown
		}
		return truthOf(*f.in.HighRisk)
	case CondAcquired:
		if f.in.Acquired == nil {
			return unknown
		}
		return truthOf(*f.in.Acquired)
	case CondProcessor:
		return truthOf(f.in.Processor)
	}
	return no // Validate rejects unknown conditions; fail closed
}

// describeCondition says in words why a condition holds, for Basis.
func describeCondition(c string) string {
	switch c {
	case CondUSListed:
		return "entity is US-listed"
	case CondHealthData:
		return "health data involved"
	case CondSensitiveData:
		return "sensitive data involved"
	case CondFinancialData:
		return "financial data involved"
	case CondMalicious:
		return "breach marked malicious"
	case "!" + CondMalicious:
		return "breach marked not malicious"
	case CondHighRisk:
		return "assessed as high risk"
	case CondAcquired:
		return "data acquired by an unauthorized person"
	case CondProcessor:
		return "entity holds the data for another organisation"
	}
	return c
}

// count returns the affected customers in area: a region, a country (its
// count, or the sum of its regions if larger, so a caller who only filled
// Regions is not undercounted), or the EU/EEA.
func (f facts) count(area string) int {
	switch {
	case area == "*": // every affected person, wherever they live
		n, inRegions := 0, 0
		for _, k := range f.countries {
			n += k
		}
		for _, k := range f.regions {
			inRegions += k
		}
		return max(n, inRegions)
	case area == "EU":
		n := 0
		for c, k := range f.countries {
			if candor.IsEEA(c) {
				n += k
			}
		}
		return n
	case strings.Contains(area, "-"):
		return f.regions[area]
	}
	sum := 0
	for r, k := range f.regions {
		if strings.HasPrefix(r, area+"-") {
			sum += k
		}
	}
	return max(f.countries[area], sum)
}

// largestRegion returns the region of country area with most customers,
// ties broken by code so the result is deterministic.
func (f facts) largestRegion(area string) (string, int) {
	best, n := "", 0
	for r, k := range f.regions {
		if strings.HasPrefix(r, area+"-") && (k > n || k == n && r < best) {
			best, n = r, k
		}
	}
	return best, n
}

// nexus reports whether the incident falls under r's area at all, and why.
func (f facts) nexus(r Rule) (bool, string) {
	if r.Nexus == NexusEntity {
		return true, ""
	}
	area := r.AreaCode()
	if n := f.count(area); n > 0 {
		return true, fmt.Sprintf("%d affected customers in %s", n, areaName(area))
	}
	if strings.Contains(area, "-") || f.entity == "" {
		return false, ""
	}
	if area == f.entity || area == "EU" && candor.IsEEA(f.entity) {
		return true, "reporting entity established in " + f.entity
	}
	return false, ""
}

func areaName(area string) string {
	if area == "EU" {
		return "the EU/EEA"
	}
	return area
}
