package api

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/deadline"
	"github.com/candor-dev/candor/ical"
	"github.com/candor-dev/candor/jurisdictions"
	"github.com/gin-gonic/gin"
)

// ObligationStore reads what an incident's obligations are computed from,
// besides the incident itself; see deadline.ObligationSource.
type ObligationStore interface {
	CustomerPlaceCounts(ctx context.Context, incidentID string) (countries, regions map[string]int, err error)
	ObligationEvidence(ctx context.Context, incidentID string, areas []string, until time.Time) (deadline.Evidence, error)
	ScopeChanges(ctx context.Context, incidentID string) ([]candor.ScopeChange, error)
	ApprovedDecisions(ctx context.Context, incidentID string) ([]candor.Decision, error)
}

// ruleResponse is a catalogue entry: the rule as its file states it, plus
// the deadline in words and whether it is in force today.
type ruleResponse struct {
	deadline.Rule
	DeadlineText string `json:"deadline_text"`
	InForce      bool   `json:"in_force"`
}

func (s *Server) listJurisdictions(c *gin.Context) {
	now := time.Now()
	items := make([]ruleResponse, 0, len(s.cfg.Rules))
	for _, r := range s.cfg.Rules {
		loc, err := s.cfg.Calendar.Location(r.TimeZone)
		if err != nil {
			loc = time.UTC
		}
		items = append(items, ruleResponse{Rule: r, DeadlineText: r.Deadline.String(), InForce: r.InForce(now, loc)})
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "next_cursor": nil, "disclaimer": jurisdictions.Disclaimer})
}

// obligationResponse is one obligation as the API shows it: due_at in UTC,
// due_local in the zone the law counts days in.
type obligationResponse struct {
	// ID is stable within the incident: the rule's id.
	ID           string              `json:"id"`
	RuleID       string              `json:"rule_id"`
	Jurisdiction string              `json:"jurisdiction"`
	Name         string              `json:"name"`
	Audience     deadline.Audience   `json:"audience"`
	Law          string              `json:"law"`
	Stage        string              `json:"stage,omitempty"`
	DueAt        *time.Time          `json:"due_at"`
	DueLocal     string              `json:"due_local,omitempty"`
	Soft         bool                `json:"soft"`
	Status       string              `json:"status"`
	MetBy        *deadline.MetBy     `json:"met_by,omitempty"`
	MetAt        *time.Time          `json:"met_at,omitempty"`
	Late         bool                `json:"late"`
	LateBy       string              `json:"late_by,omitempty"`
	Notified     *notifiedResponse   `json:"notified,omitempty"`
	Deadline     deadline.Deadline   `json:"deadline"`
	DeadlineText string              `json:"deadline_text"`
	ClockStarts  deadline.ClockStart `json:"clock_starts"`
	ClockAt      *time.Time          `json:"clock_at"`
	ClockReason  string              `json:"clock_reason,omitempty"`
	ClockScope   *candor.ScopeChange `json:"clock_scope,omitempty"`
	// Decision is the current approved decision on the duty.
	Decision  *candor.Decision `json:"decision,omitempty"`
	Basis     string           `json:"basis"`
	Missing   string           `json:"missing,omitempty"`
	DependsOn []string         `json:"depends_on,omitempty"`
	TimeZone  string           `json:"time_zone"`
	Source    string           `json:"source"`
	Confirmed bool             `json:"confirmed"`
	Notes     string           `json:"notes,omitempty"`
}

// notifiedResponse is how far customer notices reached a duty's area.
type notifiedResponse struct {
	EmailCustomers int `json:"email_customers"`
	Notified       int `json:"notified"`
	// Customers counts every customer of the area, Letters those a mailed
	// letter reached and no e-mail did (issue 22).
	Customers int `json:"customers"`
	Letters   int `json:"letters"`
}

type obligationsResponse struct {
	IncidentID string               `json:"incident_id"`
	RulesAsOf  time.Time            `json:"rules_as_of"`
	StatusAt   time.Time            `json:"status_at"`
	Items      []obligationResponse `json:"items"`
	NextCursor *string              `json:"next_cursor"`
	// CustomersWithoutCountry are affected customers no rule can be
	// applied to until their country is known.
	CustomersWithoutCountry int `json:"customers_without_country"`
	// Scope is when jurisdictions and data categories entered the scope.
	Scope      []candor.ScopeChange `json:"scope"`
	Disclaimer string               `json:"disclaimer"`
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

func toObligationResponse(st deadline.ObligationState) obligationResponse {
	o := obligationResponse{ID: st.RuleID, RuleID: st.RuleID, ClockReason: st.ClockReason, ClockScope: st.ClockScope, Decision: st.Decision, Jurisdiction: st.Jurisdiction, Name: st.Name, Audience: st.Audience,
		Law: st.Law, Stage: st.Stage, DueAt: utc(st.DueAt), Soft: st.Soft, Status: st.Status, MetBy: st.MetBy,
		Deadline: st.Deadline, DeadlineText: st.Deadline.String(), ClockStarts: st.ClockStart, ClockAt: utc(st.ClockAt),
		Basis: st.Basis, Missing: st.Missing, DependsOn: st.DependsOn, TimeZone: st.TimeZone, Source: st.Source,
		Confirmed: st.Confirmed, Notes: st.Notes, MetAt: utc(st.MetAt), Late: st.Late, LateBy: st.LateByISO}
	if st.DueAt != nil {
		o.DueLocal = st.DueAt.Format(time.RFC3339)
	}
	if st.Reach != nil {
		o.Notified = &notifiedResponse{EmailCustomers: st.Reach.EmailCustomers, Notified: st.Reach.Notified,
			Customers: st.Reach.Customers, Letters: st.Reach.Letters}
	}
	return o
}

func toObligationsResponse(rep deadline.ObligationReport) obligationsResponse {
	out := obligationsResponse{IncidentID: rep.Incident.ID, RulesAsOf: rep.RulesAsOf.UTC(), StatusAt: rep.At.UTC(),
		Items: make([]obligationResponse, 0, len(rep.Items)), CustomersWithoutCountry: rep.Countries[""],
		Disclaimer: jurisdictions.Disclaimer, Scope: rep.Scope}
	if out.Scope == nil {
		out.Scope = []candor.ScopeChange{}
	}
	for _, st := range rep.Items {
		out.Items = append(out.Items, toObligationResponse(st))
	}
	return out
}

// assess reads ?as_of= (whose rules: default those in force at discovery)
// and ?at= (status at that instant: default now) and computes the
// incident's obligations.
func (s *Server) assess(c *gin.Context) (deadline.ObligationReport, error) {
	now := time.Now().UTC()
	asOf, err := deadline.ParseAsOf("as_of", c.Query("as_of"), now)
	if err != nil {
		return deadline.ObligationReport{}, err
	}
	at := now
	if q := strings.TrimSpace(c.Query("at")); q != "" && q != "now" {
		if at, err = time.Parse(time.RFC3339, q); err != nil || !candor.InDateRange(at) {
			return deadline.ObligationReport{}, candor.Invalid(candor.FieldError{Field: "at",
				Message: "must be an RFC 3339 time between 1970 and 2200, such as 2020-12-28T00:00:00Z"})
		}
	}
	if s.cfg.Rules == nil {
		return deadline.ObligationReport{}, candor.Errorf(candor.EUNAVAILABLE, "the rule catalogue is not loaded")
	}
	return deadline.AssessObligations(c.Request.Context(), s.store, c.Param("id"), s.cfg.Rules, s.cfg.Calendar, asOf, at.UTC())
}

func (s *Server) listObligations(c *gin.Context) {
	rep, err := s.assess(c)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, toObligationsResponse(rep))
}

// obligationsICS serves the deadlines as an iCalendar feed. Duties met on
// time leave the feed, so their alarms stop; duties met late stay in it,
// marked MET LATE and without an alarm, so the lateness does not vanish
// from the calendar. The DTSTAMP is the incident's last change, so an
// unchanged feed is byte for byte the same.
func (s *Server) obligationsICS(c *gin.Context) {
	rep, err := s.assess(c)
	if err != nil {
		writeError(c, err)
		return
	}
	var buf bytes.Buffer
	if err := ical.Write(&buf, feedOf(rep)); err != nil {
		writeError(c, err)
		return
	}
	c.Header("Content-Disposition", `inline; filename="incident-`+rep.Incident.ID+`.ics"`)
	c.Data(http.StatusOK, ical.ContentType, buf.Bytes())
}

// feedOf is an incident's feed: what is not met, and what was met late.
func feedOf(rep deadline.ObligationReport) ical.Feed {
	var obs []deadline.Obligation
	var metLate []deadline.ObligationState
	for _, st := range rep.Items {
		switch {
		case st.Status == deadline.StatusDecided:
			// Decided that no notice is owed: no alarm to keep.
		case st.Status != deadline.StatusMet:
			obs = append(obs, st.Obligation)
		case st.Late:
			metLate = append(metLate, st)
		}
	}
	return ical.Feed{IncidentID: rep.Incident.ID, IncidentTitle: rep.Incident.Title, Obligations: obs, MetLate: metLate,
		Stamp: rep.Incident.UpdatedAt}
}
