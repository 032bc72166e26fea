package deadline

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/candor-dev/candor"
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
	// Acquired says whether the data were (reasonably believed to be)
	// acquired by an unauthorized person rather than only accessed; nil:
	// not known, so rules that need acquisition are listed as conditional.
	Acquired *bool
	// Processor is true when the reporting entity holds the affected data
	// for another organisation; it then owes that organisation a notice.
	Processor bool
	// HighRisk is the organisation's assessment of harm to individuals
	// (see CondHighRisk); nil: not assessed yet, so rules that depend on it
	// are listed as conditional.
	HighRisk *bool

	// Scope says when jurisdictions and data categories entered the
	// incident's scope (timeline events, customer imports): duties of an
	// area, and duties that apply because of a data category, run from
	// then, never before DiscoveredAt. A code no change names is in scope
	// from DiscoveredAt.
	Scope []candor.ScopeChange

	// AsOf picks the rules in force: zero means those in force at
	// DiscoveredAt (what the law required then); pass now to see what
	// today's rules would require. Deadlines still run from the
	// incident's own clock dates.
	AsOf time.Time
}

// Validate checks the input the engine cannot do without.
func (in ObligationInput) Validate() error {
	var v candor.Validation
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
	// ClockAt is the instant the clock started (nil with DueAt): the duty
	// runs from then. ClockReason says why then ("PH entered the scope on
	// 2020-06-24 with a timeline event").
	ClockAt     *time.Time `json:"clock_at"`
	ClockReason string     `json:"clock_reason,omitempty"`
	// ClockScope is the scope change that set ClockAt, when one did (for a
	// data category, the first of those that entered then).
	ClockScope *candor.ScopeChange `json:"clock_scope,omitempty"`
	// Basis explains why the duty applies ("312 residents of US-TX ≥ 250;
	// in force since 2023-09-01").
	Basis string `json:"basis"`
	// Missing names a clock date the input lacks, and what was done about
	// it.
	Missing string `json:"missing,omitempty"`
	// DependsOn lists conditions not yet known; the duty applies only if
	// they hold ("high_risk", "!malicious").
	DependsOn []string `json:"depends_on,omitempty"`
	// Condition says in words what DependsOn waits on ("applies only if
	// the data include a name with a Social Security number ...").
	Condition string `json:"condition,omitempty"`
	TimeZone  string `json:"time_zone"`
	Source    string `json:"source"`
	Confirmed bool   `json:"confirmed"`
	Notes     string `json:"notes,omitempty"`
}

// Obligation statuses, as GET /api/v1/incidents/{id}/obligations shows them.
const (
	StatusOpen    = "open"
	StatusMet     = "met"
	StatusOverdue = "overdue"
	// StatusConditional is a duty that applies only if conditions not yet
	// known hold (DependsOn, Condition say which): never due or overdue,
	// because it may not exist; DueAt says when it would fall due.
	StatusConditional = "conditional"
	// StatusDecided: an approved decision says no notice is owed
	// (not_required, exempt), so the duty is neither open nor overdue.
	StatusDecided = "decided"
)

// Status returns the obligation's status at now. metAt is when the evidence
// (a regulator-report send, or a customer notice that reached every
// customer of the jurisdiction) completed, nil if none; evidence dated after
// now does not count yet, so a status can be computed for any past day
// ("what had the 2020-12-28 statement missed?"). A duty with conditions
// not yet known (DependsOn) is conditional until met, never overdue: it
// may not apply at all. A duty met late is met,
// and Lateness says it was late and by how much (ObligationState.Late, which
// every output shows). Soft targets go overdue like hard ones: the Soft flag
// tells the reader how much that matters.
func (o Obligation) Status(now time.Time, metAt *time.Time) string {
	switch {
	case metAt != nil && !metAt.After(now):
		return StatusMet
	case len(o.DependsOn) > 0:
		return StatusConditional
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

// Lateness reports whether a duty met at metAt was met after its due
// instant, and by how much. An undated duty, or one met at or before its
// due instant, is not late. Soft targets are late like hard deadlines: the
// Soft flag tells the reader how much that matters.
func (o Obligation) Lateness(metAt time.Time) (late bool, by time.Duration) {
	if o.DueAt == nil || !metAt.After(*o.DueAt) {
		return false, 0
	}
	return true, metAt.Sub(*o.DueAt)
}

// Span is the time between two instants counted on the calendar: whole
// years, months and days from the earlier, then hours, minutes and seconds
// of elapsed time. SpanBetween makes one.
type Span struct {
	Negative            bool
	Years, Months, Days int
	Hours, Minutes      int
	Seconds             int
	Nanoseconds         int
}

// SpanBetween counts the span from from to to on the calendar of from's
// time zone (a duty's due instant is in its rule's zone, so its days are
// the law's days): as many whole months as fit (a month from 31 January is
// the last day of February), then whole days, then the remaining elapsed
// time. When to is before from, the span from to to from, Negative.
func SpanBetween(from, to time.Time) Span {
	var s Span
	if to.Before(from) {
		s = SpanBetween(to.In(from.Location()), from)
		s.Negative = true
		return s
	}
	to = to.In(from.Location())
	fy, fm, _ := from.Date()
	ty, tm, _ := to.Date()
	months := (ty-fy)*12 + int(tm-fm)
	anchor := addMonths(from, months)
	for months > 0 && anchor.After(to) {
		months--
		anchor = addMonths(from, months)
	}
	s.Years, s.Months = months/12, months%12
	days := civilDays(anchor, to)
	next := anchor.AddDate(0, 0, days)
	for days > 0 && next.After(to) {
		days--
		next = anchor.AddDate(0, 0, days)
	}
	s.Days = days
	rest := to.Sub(next)
	s.Hours = int(rest / time.Hour)
	rest -= time.Duration(s.Hours) * time.Hour
	s.Minutes = int(rest / time.Minute)
	rest -= time.Duration(s.Minutes) * time.Minute
	s.Seconds = int(rest / time.Second)
	s.Nanoseconds = int(rest - time.Duration(s.Seconds)*time.Second)
	return s
}

// addMonths adds n months to t, keeping its wall clock and clamping the day
// to the end of a shorter month (31 January + 1 month = 28 or 29 February),
// where time.AddDate would run on into March.
func addMonths(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	total := int(m) - 1 + n
	y += total / 12
	m = time.Month(total%12 + 1)
	if last := time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day(); d > last {
		d = last
	}
	return time.Date(y, m, d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
}

// civilDays counts the calendar dates from a's to b's.
func civilDays(a, b time.Time) int {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return int(time.Date(by, bm, bd, 0, 0, 0, 0, time.UTC).Sub(time.Date(ay, am, ad, 0, 0, 0, 0, time.UTC)) / (24 * time.Hour))
}

// ISO returns the span as an ISO 8601 duration: "P6Y5M3DT4H", "PT2H10M",
// "PT0.5S", "PT0S" for none, with a leading "-" when Negative. Zero
// components are left out.
func (s Span) ISO() string {
	var b strings.Builder
	if s.Negative {
		b.WriteByte('-')
	}
	b.WriteByte('P')
	for _, c := range []struct {
		n    int
		unit byte
	}{{s.Years, 'Y'}, {s.Months, 'M'}, {s.Days, 'D'}} {
		if c.n != 0 {
			b.WriteString(strconv.Itoa(c.n))
			b.WriteByte(c.unit)
		}
	}
	var t strings.Builder
	for _, c := range []struct {
		n    int
		unit byte
	}{{s.Hours, 'H'}, {s.Minutes, 'M'}} {
		if c.n != 0 {
			t.WriteString(strconv.Itoa(c.n))
			t.WriteByte(c.unit)
		}
	}
	if s.Seconds != 0 || s.Nanoseconds != 0 {
		t.WriteString(strconv.Itoa(s.Seconds))
		if s.Nanoseconds != 0 {
			t.WriteString(strings.TrimRight(fmt.Sprintf(".%09d", s.Nanoseconds), "0"))
		}
		t.WriteByte('S')
	}
	if t.Len() == 0 && strings.HasSuffix(b.String(), "P") { // nothing at all
		t.WriteString("0S")
	}
	if t.Len() > 0 {
		b.WriteByte('T')
		b.WriteString(t.String())
	}
	return b.String()
}

// Short returns the span in its two largest units for people: "+6y 5mo",
// "+3d 4h", "+2h 10m", "+45s"; the largest unit that is not zero and the
// next one down, unless that is zero ("+6y" for 6 years and 3 days). The
// rest is cut off, never rounded up: "+3d 4h" was at least that late. A
// span under a second is "+<1s"; a negative one starts with "-".
func (s Span) Short() string {
	sign := "+"
	if s.Negative {
		sign = "-"
	}
	units := []struct {
		n    int
		unit string
	}{{s.Years, "y"}, {s.Months, "mo"}, {s.Days, "d"}, {s.Hours, "h"}, {s.Minutes, "m"}, {s.Seconds, "s"}}
	for i, u := range units {
		if u.n == 0 {
			continue
		}
		out := sign + strconv.Itoa(u.n) + u.unit
		if i+1 < len(units) && units[i+1].n != 0 {
			out += " " + strconv.Itoa(units[i+1].n) + units[i+1].unit
		}
		return out
	}
	if s.Nanoseconds != 0 {
		return sign + "<1s"
	}
	return "0s"
}

// ISODuration returns the time from from to to as an ISO 8601 duration
// counted on the calendar of from's zone ("P6Y5M3DT4H"); see SpanBetween.
func ISODuration(from, to time.Time) string { return SpanBetween(from, to).ISO() }
