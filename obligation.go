package candor

import (
	"strings"
	"time"
)

// ObligationInput is what the deadline engine needs to know about one
// incident. The store fills it from the incident, the counts of its
// affected customers and its reporting entity; nothing here is personal
// data.
type ObligationInput struct {
	// DiscoveredAt is when the organisation became aware of the breach; the
	// awareness and discovery clocks start here. Required.
	DiscoveredAt time.Time
	// DeterminedAt is when it determined that a breach occurred (Texas,
	// Colorado, Florida, PIPEDA). When nil, those deadlines are counted from
	// DiscoveredAt, the earliest the clock can have started, and say so in
	// Obligation.Missing: an unrecorded determination must not hide a
	// deadline that may already be running.
	DeterminedAt *time.Time
	// MaterialityDeterminedAt is when a US-listed entity decided the
	// incident is material (SEC Form 8-K Item 1.05). When nil the 8-K is
	// listed without a due date: materiality is a deliberate decision that
	// can come long after discovery, so guessing a date would mislead.
	MaterialityDeterminedAt *time.Time
	// NotifiableAssessedAt is when the breach was assessed as notifiable
	// (Singapore). Nil: listed without a due date, as for materiality.
	NotifiableAssessedAt *time.Time
	// NewInformationAt is when facts missing from an initial SEC filing
	// became known (8-K/A). Nil: listed without a due date.
	NewInformationAt *time.Time
	// IndividualsNotifiedAt maps a jurisdiction code ("US-CA") to when its
	// residents were notified, for duties that follow the customer notice
	// (California's sample copy to the attorney general).
	IndividualsNotifiedAt map[string]time.Time

	// DataCategories are the incident's data categories, matched to
	// conditions by DataCategoryConditions.
	DataCategories []string
	// Countries counts affected customers per ISO 3166-1 country and
	// Regions per ISO 3166-2 region ({"JP": 1200, "US": 300} and
	// {"US-TX": 250}); a customer with a region is in both.
	Countries map[string]int
	Regions   map[string]int

	// EntityCountry is where the reporting entity is established; its
	// country's (or, in the EEA, the EU's) rules apply even with no
	// affected customers there.
	EntityCountry string
	// ListedUS is true for an SEC registrant.
	ListedUS bool
	// Malicious says whether the breach is (suspected to be) deliberate,
	// such as unauthorized access with a wrongful purpose; nil: not known.
	Malicious *bool
	// HighRisk is the organisation's assessment of harm to individuals
	// (see CondHighRisk); nil: not assessed yet, so rules that depend on it
	// are listed as conditional.
	HighRisk *bool

	// AsOf picks the rules in force: zero means those in force at
	// DiscoveredAt (what the law required then); pass now to see what
	// today's rules would require. Deadlines still run from the
	// incident's own clock dates.
	AsOf time.Time
}

// Validate checks the input the engine cannot do without.
func (in ObligationInput) Validate() error {
	var v Validation
	if in.DiscoveredAt.IsZero() {
		v.Add("discovered_at", "is required")
	}
	for c, n := range in.Countries {
		if n < 0 {
			v.Add("countries", "count for %s is negative", c)
		}
	}
	for r, n := range in.Regions {
		if n < 0 {
			v.Add("regions", "count for %s is negative", r)
		}
		if !strings.Contains(r, "-") {
			v.Add("regions", "%q is not an ISO 3166-2 code like US-TX", r)
		}
	}
	return v.Err()
}

// Obligation is one duty that applies to an incident, with its due date.
type Obligation struct {
	RuleID       string   `json:"rule_id"`
	Jurisdiction string   `json:"jurisdiction"`
	Name         string   `json:"name"`
	Audience     Audience `json:"audience"`
	// Law is the citation: law and article.
	Law   string `json:"law"`
	Stage string `json:"stage,omitempty"`
	// DueAt is nil when the clock has not started (Missing says why); it is
	// in the rule's time zone, so callers convert to UTC for the API.
	DueAt *time.Time `json:"due_at"`
	// Soft marks a target Candor chose for "without undue delay": being
	// past it is a warning, not a breach of a fixed term.
	Soft       bool       `json:"soft"`
	Deadline   Deadline   `json:"deadline"`
	ClockStart ClockStart `json:"clock_starts"`
	// ClockAt is the instant the clock started (nil with DueAt).
	ClockAt *time.Time `json:"clock_at"`
	// Basis explains why the duty applies ("312 residents of US-TX ≥ 250;
	// in force since 2023-09-01").
	Basis string `json:"basis"`
	// Missing names a clock date the input lacks, and what was done about
	// it.
	Missing string `json:"missing,omitempty"`
	// DependsOn lists conditions not yet known; the duty applies only if
	// they hold ("high_risk", "!malicious").
	DependsOn []string `json:"depends_on,omitempty"`
	TimeZone  string   `json:"time_zone"`
	Source    string   `json:"source"`
	Confirmed bool     `json:"confirmed"`
	Notes     string   `json:"notes,omitempty"`
}

// Obligation statuses, as GET /api/v1/incidents/{id}/obligations shows them.
const (
	StatusOpen    = "open"
	StatusMet     = "met"
	StatusOverdue = "overdue"
)

// Status returns the obligation's status at now. metAt is when the evidence
// (a regulator-report send, or a customer notice that reached every
// customer of the jurisdiction) completed, nil if none; evidence dated after
// now does not count yet, so a status can be computed for any past day
// ("what had the 2020-12-28 statement missed?"). A duty met late is still
// met; compare metAt with DueAt to tell. Soft targets go overdue like hard
// ones: the Soft flag tells the reader how much that matters.
func (o Obligation) Status(now time.Time, metAt *time.Time) string {
	switch {
	case metAt != nil && !metAt.After(now):
		return StatusMet
	case o.DueAt != nil && now.After(*o.DueAt):
		return StatusOverdue
	}
	return StatusOpen
}

// ReminderMarks returns which of 50, 80 and 100 percent of the time between
// ClockAt and DueAt have passed at now, in that order; none for an
// obligation with no due date. The reminder task sends one message per
// (obligation, mark) it has not sent yet, so a missed run catches up
// without repeating.
func (o Obligation) ReminderMarks(now time.Time) []int {
	if o.DueAt == nil || o.ClockAt == nil {
		return nil
	}
	span := o.DueAt.Sub(*o.ClockAt)
	elapsed := now.Sub(*o.ClockAt)
	var marks []int
	for _, m := range [...]int{50, 80, 100} {
		// Integer arithmetic on nanoseconds: exact, no float rounding at 100%.
		if elapsed >= span/100*time.Duration(m)+span%100*time.Duration(m)/100 {
			marks = append(marks, m)
		}
	}
	return marks
}
