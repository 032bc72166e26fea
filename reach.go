package candor

import (
	"context"
	"sort"
	"time"
)

// How an affected customer was reached, for proof of reach (issue 22):
// every customer of the incident is in exactly one class.
const (
	ReachEmail       = "email"       // a customer notice was sent to them by e-mail
	ReachLetter      = "letter"      // a letter was mailed to them and has not come back
	ReachSubstitute  = "substitute"  // not reached in person; covered by a substitute notice
	ReachPending     = "pending"     // not yet: a notice is on its way or can still be sent
	ReachUnreachable = "unreachable" // not at all, for a reason (Why)
)

// Reasons a customer cannot be reached.
const (
	WhyNoContact     = "no_contact"              // neither an e-mail address nor a postal address
	WhyEmailFailed   = "email_failed_no_address" // the e-mail failed or bounced, and there is no postal address
	WhyReturnedMail  = "returned_mail"           // the letter came back, and no e-mail reached them
	WhyErasedUnnamed = "erased"                  // erased before any notice reached them
)

// Delivery and letter progress of one customer, best first: what the
// reach classes are decided from.
const (
	ProgressNone     = 0 // no delivery (or letter) at all
	ProgressFailed   = 1 // failed or bounced (a letter: returned)
	ProgressUnderway = 2 // pending or sending (a letter: in a batch not mailed yet)
	ProgressDone     = 3 // sent (a letter: mailed)
)

// ReachFacts is what decides one customer's class.
type ReachFacts struct {
	HasEmail   bool // an e-mail address (channel email)
	HasAddress bool // a postal address
	Erased     bool
	Email      int // Progress* of their customer-notice deliveries, best of them
	Letter     int // Progress* of their letters, best of them
	Covered    bool
}

// ClassifyReach puts a customer in a reach class, with the reason when
// unreachable. Reached beats everything: a mailed letter to someone whose
// e-mail also went out counts once, as e-mail. A substitute notice covers
// only those not reached in person. A customer is pending while a notice
// is underway, or while a letter can still be printed for them (an
// address, and no letter yet or only one not mailed).
func ClassifyReach(f ReachFacts) (class, why string) {
	switch {
	case f.Email == ProgressDone:
		return ReachEmail, ""
	case f.Letter == ProgressDone:
		return ReachLetter, ""
	case f.Covered:
		return ReachSubstitute, ""
	case f.Erased:
		return ReachUnreachable, WhyErasedUnnamed
	case f.Email == ProgressUnderway || f.Letter == ProgressUnderway:
		return ReachPending, ""
	case f.Letter == ProgressFailed:
		return ReachUnreachable, WhyReturnedMail
	case f.HasAddress:
		return ReachPending, "" // the next letter batch takes them
	case f.HasEmail && f.Email == ProgressNone:
		return ReachPending, "" // no send has reached them yet
	case f.Email == ProgressFailed:
		return ReachUnreachable, WhyEmailFailed
	}
	return ReachUnreachable, WhyNoContact
}

// JurisdictionReach counts one jurisdiction's customers by reach class.
type JurisdictionReach struct {
	Jurisdiction string         `json:"jurisdiction"`
	Customers    int            `json:"customers"`
	Email        int            `json:"email"`
	Letter       int            `json:"letter"`
	Substitute   int            `json:"substitute"`
	Pending      int            `json:"pending"`
	Unreachable  int            `json:"unreachable"`
	Why          map[string]int `json:"unreachable_why"` // reason → customers
}

// Reached is how many were reached in person or covered.
func (r JurisdictionReach) Reached() int { return r.Email + r.Letter + r.Substitute }

// Complete reports whether everyone of the jurisdiction is reached or
// covered (and there is someone).
func (r JurisdictionReach) Complete() bool { return r.Customers > 0 && r.Reached() == r.Customers }

// Add counts n customers of class (and why).
func (r *JurisdictionReach) Add(class, why string, n int) {
	r.Customers += n
	switch class {
	case ReachEmail:
		r.Email += n
	case ReachLetter:
		r.Letter += n
	case ReachSubstitute:
		r.Substitute += n
	case ReachPending:
		r.Pending += n
	default:
		r.Unreachable += n
		if r.Why == nil {
			r.Why = map[string]int{}
		}
		r.Why[why] += n
	}
}

// ReachJurisdiction is the jurisdiction a customer's reach is counted in:
// a US state for US customers with one (state laws decide), else the
// country; "" when unknown.
func ReachJurisdiction(country, region string) string {
	if country == "US" && region != "" {
		return region
	}
	return country
}

// SortReach orders a reach report by jurisdiction.
func SortReach(rs []JurisdictionReach) {
	sort.Slice(rs, func(i, j int) bool { return rs[i].Jurisdiction < rs[j].Jurisdiction })
}

// ReachRow is n customers of one jurisdiction with the same facts.
type ReachRow struct {
	Jurisdiction string
	Facts        ReachFacts
	N            int
}

// TallyReach counts rows per jurisdiction; covered says which
// jurisdictions a substitute notice covers (nil: none).
func TallyReach(rows []ReachRow, covered func(jurisdiction string) bool) []JurisdictionReach {
	by := map[string]*JurisdictionReach{}
	for _, row := range rows {
		r, ok := by[row.Jurisdiction]
		if !ok {
			r = &JurisdictionReach{Jurisdiction: row.Jurisdiction, Why: map[string]int{}}
			by[row.Jurisdiction] = r
		}
		f := row.Facts
		f.Covered = covered != nil && covered(row.Jurisdiction)
		class, why := ClassifyReach(f)
		r.Add(class, why, row.N)
	}
	out := make([]JurisdictionReach, 0, len(by))
	for _, r := range by {
		out = append(out, *r)
	}
	SortReach(out)
	return out
}

// SumReach adds up a reach report's jurisdictions.
func SumReach(rs []JurisdictionReach) JurisdictionReach {
	total := JurisdictionReach{Why: map[string]int{}}
	for _, j := range rs {
		total.Customers += j.Customers
		total.Email += j.Email
		total.Letter += j.Letter
		total.Substitute += j.Substitute
		total.Pending += j.Pending
		total.Unreachable += j.Unreachable
		for k, n := range j.Why {
			total.Why[k] += n
		}
	}
	return total
}

// ReachSource is what proof of reach is read from; *store.DB provides it.
type ReachSource interface {
	ReachRows(ctx context.Context, incidentID string) ([]ReachRow, error)
	ListSubstituteNotices(ctx context.Context, incidentID string) ([]SubstituteNotice, error)
	ListDecisions(ctx context.Context, incidentID, obligationID string) ([]Decision, error)
}

// IncidentReach counts the incident's customers per jurisdiction and reach
// class as of at, the substitute notices covering those not reached in
// person where an approved substitute_notice decision allows it. areaOf
// gives a duty's area and whether it is owed to individuals (deadline.RuleAreas).
func IncidentReach(ctx context.Context, src ReachSource, incidentID string, areaOf func(string) (string, bool), at time.Time) ([]JurisdictionReach, error) {
	rows, err := src.ReachRows(ctx, incidentID)
	if err != nil {
		return nil, err
	}
	notices, err := src.ListSubstituteNotices(ctx, incidentID)
	if err != nil {
		return nil, err
	}
	var areas []string
	if len(notices) > 0 {
		decisions, err := src.ListDecisions(ctx, incidentID, "")
		if err != nil {
			return nil, err
		}
		areas = SubstituteAreas(decisions, areaOf, at)
	}
	return TallyReach(rows, Covered(SubstituteCoverage(notices, areas, at))), nil
}
