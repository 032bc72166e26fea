package deadline

import "strings"

// RuleAreas returns, for an obligation id (a rule id), the area its duty
// covers (Rule.AreaCode) and whether it is owed to individuals: what
// candor.SubstituteAreas asks of the catalogue.
func RuleAreas(rules []Rule) func(obligationID string) (area string, individuals bool) {
	byID := rulesByID(rules)
	return func(id string) (string, bool) {
		r, ok := byID[id]
		if !ok {
			return strings.ToUpper(id), false
		}
		return r.AreaCode(), r.Audience == AudienceIndividuals
	}
}
