package deadline

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/candor-dev/candor"
)

// Evidence is what Candor holds that can meet an incident's obligations:
// the regulator reports it sent, and how far its customer notices reached
// each area. The store gathers it (only deliveries with status sent count);
// ResolveObligations reads it. Public statements, SEC filings, media notices
// and internal assessments leave no evidence here, so those duties stay
// open or overdue until Candor tracks them.
type Evidence struct {
	// Reports are the sent regulator-report deliveries, oldest first.
	Reports []RegulatorReport
	// Reach is keyed by area code as Rule.AreaCode gives it: a region
	// ("US-TX"), a country ("JP") or "EU" (every EEA country).
	Reach map[string]AreaReach
	// Filings are filings recorded outside Candor (a regulator's portal),
	// oldest first; each meets the obligation it names.
	Filings []FiledReport
	// Substitutes are the incident's substitute notices, and Decisions its
	// current approved decisions: a duty to individuals with an approved
	// substitute_notice decision is met once the notices cover everyone no
	// e-mail or letter reached (ResolveObligations).
	Substitutes []candor.SubstituteNotice
	Decisions   []candor.Decision
}

// FiledReport is a recorded Filing as evidence: the obligation (rule id)
// it was made for and when.
type FiledReport struct {
	FilingID     string
	ObligationID string
	FiledAt      time.Time
}

// RegulatorReport is one regulator-report delivery the relay accepted.
type RegulatorReport struct {
	// Jurisdiction is the code after "regulator:" in the delivery's
	// recipient key: the code the report's disclosure named, which should
	// be the catalogue's ("PH", "US-TX", "EU").
	Jurisdiction string
	SendID       string
	DisclosureID string
	SentAt       time.Time
}

// SendRef names one send that is evidence for an obligation.
type SendRef struct {
	SendID       string    `json:"send_id"`
	DisclosureID string    `json:"disclosure_id"`
	Delivered    int       `json:"delivered,omitempty"` // customer notices only: deliveries to the area
	At           time.Time `json:"at"`                  // the send's last delivery counted
}

// MetBy is the evidence that met an obligation: the send that completed it
// (SendID, DisclosureID, At) and every send that contributed.
type MetBy struct {
	At           time.Time `json:"at"`
	SendID       string    `json:"send_id"`
	DisclosureID string    `json:"disclosure_id"`
	Sends        []SendRef `json:"sends"`
	// Filing is the recorded filing that met the duty (POST
	// .../obligations/{id}/filings); the send fields are empty then.
	Filing string `json:"filing,omitempty"`
	// LetterBatches are the mailed letter batches that reached the duty's
	// people, and SubstituteNotices the substitute notices (ids) that
	// covered those no e-mail or letter reached.
	LetterBatches     []LetterBatchRef `json:"letter_batches,omitempty"`
	SubstituteNotices []string         `json:"substitute_notices,omitempty"`
}

// ObligationState is an obligation with its status at one instant.
type ObligationState struct {
	Obligation
	Status string `json:"status"`
	MetBy  *MetBy `json:"met_by,omitempty"`
	// MetAt is when a met duty was met (MetBy.At); nil unless met.
	MetAt *time.Time `json:"met_at,omitempty"`
	// Late says a met duty was met after its due instant, soft or hard,
	// and LateBy by how much (LateByISO: the same as an ISO 8601 duration
	// counted on the calendar of the rule's zone, "P6Y5M3DT4H"). Being met
	// does not make lateness disappear: the status is met, Late stays true.
	// A duty past due and not met is StatusOverdue, not Late.
	Late      bool          `json:"late"`
	LateBy    time.Duration `json:"-"`
	LateByISO string        `json:"late_by,omitempty"`
	// Reach is set on duties to individuals: how far notices got.
	Reach *AreaReach `json:"reach,omitempty"`
	// Decision is the current approved decision on the duty, if any.
	Decision *candor.Decision `json:"decision,omitempty"`
}

// ApplyDecisions attaches each obligation's current approved decision
// (decided at or before at); one that says no notice is owed makes an
// unmet duty StatusDecided.
func ApplyDecisions(states []ObligationState, decisions []candor.Decision, at time.Time) []ObligationState {
	for _, d := range decisions {
		if d.ApprovedAt == nil || d.ApprovedAt.After(at) {
			continue
		}
		for i := range states {
			if states[i].RuleID != d.ObligationID {
				continue
			}
			dd := d
			states[i].Decision = &dd
			if candor.Settles(d.Decision) && states[i].Status != StatusMet {
				states[i].Status = StatusDecided
			}
		}
	}
	return states
}

// LateSpan is how late a duty was met, counted on the calendar of its
// rule's zone (Short gives "+6y 5mo"); ok is false unless it is Late.
func (st ObligationState) LateSpan() (span Span, ok bool) {
	if !st.Late || st.DueAt == nil || st.MetAt == nil {
		return Span{}, false
	}
	return SpanBetween(*st.DueAt, *st.MetAt), true
}

// CountStatuses counts states by status, and the met ones that were met
// late: every summary of obligations counts with it, so that lateness
// never disappears from a count once a duty is met.
func CountStatuses(states []ObligationState) StatusCounts {
	var c StatusCounts
	for _, st := range states {
		switch st.Status {
		case StatusOpen:
			c.Open++
		case StatusConditional:
			c.Conditional++
		case StatusOverdue:
			c.Overdue++
		case StatusMet:
			c.Met++
			if st.Late {
				c.MetLate++
			}
		case StatusDecided:
			c.Decided++
		}
	}
	return c
}

// StatusCounts counts obligations by status; MetLate are those of Met
// that were met after their due instant.
type StatusCounts struct {
	Open, Overdue, Met, MetLate int
	// Conditional are duties that apply only if facts not yet known hold.
	Conditional int
	// Decided are duties an approved decision says need no notice.
	Decided int
}

// String is the summary people read: "8 overdue, 0 open, 9 met (7 of them
// late)"; "(none late)" when every met duty was met on time.
func (c StatusCounts) String() string {
	s := fmt.Sprintf("%d overdue, %d open, %d met", c.Overdue, c.Open, c.Met)
	switch {
	case c.MetLate > 0:
		s += fmt.Sprintf(" (%d of them late)", c.MetLate)
	case c.Met > 0:
		s += " (none late)"
	}
	if c.Conditional > 0 {
		s += fmt.Sprintf(", %d conditional", c.Conditional)
	}
	if c.Decided > 0 {
		s += fmt.Sprintf(", %d decided (no notice owed)", c.Decided)
	}
	return s
}

// reportAudience reports whether a duty is met by a regulator report: a
// regulator's, or an attorney general's (US states name theirs).
func reportAudience(a Audience) bool {
	return a == AudienceRegulator || a == AudienceAttorneyGeneral
}

// EvidenceAreas returns the areas whose reach the evidence must cover for
// obs: those of duties to individuals, and of duties whose clock starts
// when individuals are notified (California's copy to its AG). rules
// resolve an obligation's area (US-HIPAA protects residents of US).
func EvidenceAreas(obs []Obligation, rules []Rule) []string {
	byID := rulesByID(rules)
	var out []string
	for _, o := range obs {
		if o.Audience != AudienceIndividuals && o.ClockStart != ClockIndividualsNotified {
			continue
		}
		area := strings.ToUpper(o.Jurisdiction)
		if r, ok := byID[o.RuleID]; ok {
			area = r.AreaCode()
		}
		if !slices.Contains(out, area) {
			out = append(out, area)
		}
	}
	slices.Sort(out)
	return out
}

// ResolveObligations gives each obligation its status at the instant at,
// from ev (evidence dated after at is ignored).
//
// A duty to a regulator or attorney general of jurisdiction J is met by a
// regulator report sent to "regulator:J". Where J has staged duties
// (Japan's preliminary and final reports, the Philippines' notice and full
// report), its reports are matched to the stages in due order, one report
// per stage, so a preliminary report never marks the final one met; a duty
// without a stage is met by J's first report.
//
// A duty to individuals is met when every customer of its area was reached
// in person, by a customer notice delivered or a letter mailed (and not
// returned), dated by the last customer's first reach; or, under an
// approved substitute_notice decision on the duty, when substitute notices
// published by then cover the jurisdictions of everyone left. met_by lists
// the sends, the letter batches and the substitute notices.
func ResolveObligations(obs []Obligation, rules []Rule, ev Evidence, at time.Time) []ObligationState {
	byID := rulesByID(rules)
	reports := map[string][]RegulatorReport{}
	for _, r := range ev.Reports {
		if r.SentAt.After(at) {
			continue
		}
		j := strings.ToUpper(r.Jurisdiction)
		reports[j] = append(reports[j], r)
	}
	for _, rs := range reports {
		slices.SortStableFunc(rs, func(a, b RegulatorReport) int { return a.SentAt.Compare(b.SentAt) })
	}
	// The i-th staged duty of a jurisdiction, in due order, takes its i-th report.
	stageIndex := map[int]int{}
	staged := map[string][]int{}
	for i, o := range obs {
		if reportAudience(o.Audience) && o.Stage != "" {
			j := strings.ToUpper(o.Jurisdiction)
			staged[j] = append(staged[j], i)
		}
	}
	for _, idx := range staged {
		slices.SortStableFunc(idx, func(a, b int) int { return compareDue(obs[a], obs[b]) })
		for n, i := range idx {
			stageIndex[i] = n
		}
	}

	out := make([]ObligationState, len(obs))
	for i, o := range obs {
		st := ObligationState{Obligation: o}
		switch {
		case reportAudience(o.Audience):
			rs, n := reports[strings.ToUpper(o.Jurisdiction)], 0
			if o.Stage != "" {
				n = stageIndex[i]
			}
			if n < len(rs) {
				r := rs[n]
				ref := SendRef{SendID: r.SendID, DisclosureID: r.DisclosureID, At: r.SentAt.UTC()}
				st.MetBy = &MetBy{At: ref.At, SendID: r.SendID, DisclosureID: r.DisclosureID, Sends: []SendRef{ref}}
			}
		case o.Audience == AudienceIndividuals:
			area := strings.ToUpper(o.Jurisdiction)
			if r, ok := byID[o.RuleID]; ok {
				area = r.AreaCode()
			}
			reach := ev.Reach[area]
			st.Reach = &reach
			st.MetBy = reachedBy(reach, o.RuleID, area, ev, at)
		}
		if f, ok := firstFiling(ev.Filings, o.RuleID, at); ok && FilableAudience(o.Audience) &&
			(st.MetBy == nil || f.FiledAt.Before(st.MetBy.At)) {
			st.MetBy = &MetBy{At: f.FiledAt.UTC(), Filing: f.FilingID, Sends: []SendRef{}}
		}
		var metAt *time.Time
		if st.MetBy != nil {
			metAt = &st.MetBy.At
		}
		st.Status = o.Status(at, metAt)
		if st.Status == StatusMet {
			st.MetAt = metAt
			if st.Late, st.LateBy = o.Lateness(*metAt); st.Late {
				st.LateByISO = ISODuration(*o.DueAt, *metAt)
			}
		}
		out[i] = st
	}
	return out
}

// firstFiling returns the earliest filing for obligation id made by at.
func firstFiling(fs []FiledReport, id string, at time.Time) (FiledReport, bool) {
	var best FiledReport
	found := false
	for _, f := range fs {
		if f.ObligationID == id && !f.FiledAt.After(at) && (!found || f.FiledAt.Before(best.FiledAt)) {
			best, found = f, true
		}
	}
	return best, found
}

func compareDue(a, b Obligation) int {
	switch {
	case a.DueAt == nil && b.DueAt == nil:
		return cmp.Compare(a.RuleID, b.RuleID)
	case a.DueAt == nil:
		return 1
	case b.DueAt == nil:
		return -1
	}
	return cmp.Or(a.DueAt.Compare(*b.DueAt), cmp.Compare(a.RuleID, b.RuleID))
}

func rulesByID(rules []Rule) map[string]Rule {
	m := make(map[string]Rule, len(rules))
	for _, r := range rules {
		m[r.ID] = r
	}
	return m
}

// FilableAudience reports whether a duty of audience a is met by filing
// with an authority: a regulator's or attorney general's report, or a
// public filing such as the SEC's Form 8-K. Notices to individuals are met
// by reaching them, never by a filing.
func FilableAudience(a Audience) bool {
	return a == AudienceRegulator || a == AudienceAttorneyGeneral || a == AudiencePublic
}
