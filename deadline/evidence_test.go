package deadline_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/deadline"
	"github.com/candor-dev/candor/holidays"
	"github.com/candor-dev/candor/jurisdictions"
)

var evT0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func hours(h int) time.Time { return evT0.Add(time.Duration(h) * time.Hour) }

func dueIn(id, code string, aud deadline.Audience, stage string, h int) deadline.Obligation {
	due, clock := hours(h), evT0
	return deadline.Obligation{RuleID: id, Jurisdiction: code, Audience: aud, Stage: stage, DueAt: &due, ClockAt: &clock}
}

func report(code, send string, h int) deadline.RegulatorReport {
	return deadline.RegulatorReport{Jurisdiction: code, SendID: send, DisclosureID: "disc-" + send, SentAt: hours(h)}
}

func TestResolveObligations(t *testing.T) {
	obs := []deadline.Obligation{
		dueIn("ph-notice", "PH", deadline.AudienceRegulator, "notice", 72),
		dueIn("ph-full", "PH", deadline.AudienceRegulator, "full_report", 120),
		dueIn("th-office", "TH", deadline.AudienceRegulator, "", 72),
		dueIn("tx-ag", "US-TX", deadline.AudienceAttorneyGeneral, "", 720),
		dueIn("tx-people", "US-TX", deadline.AudienceIndividuals, "", 1440),
		dueIn("hipaa-people", "US-HIPAA", deadline.AudienceIndividuals, "", 1440),
		dueIn("sec-8k", "US-SEC", deadline.AudiencePublic, "8-K", 96),
	}
	rules := []deadline.Rule{{ID: "hipaa-people", Jurisdiction: "US-HIPAA", Area: "US"}}
	done := hours(50)
	complete := deadline.AreaReach{EmailCustomers: 250, Notified: 250, CompletedAt: &done,
		Sends: []deadline.SendRef{{SendID: "n2", DisclosureID: "d2", Delivered: 10, At: done}, {SendID: "n1", DisclosureID: "d1", Delivered: 240, At: hours(40)}}}
	tests := []struct {
		name   string
		ev     deadline.Evidence
		at     time.Time
		status map[string]string
		metBy  map[string]string // rule → send that met it
	}{
		{
			name:   "no evidence: open before the due date, overdue after",
			at:     hours(100),
			status: map[string]string{"ph-notice": "overdue", "ph-full": "open", "th-office": "overdue", "tx-ag": "open", "tx-people": "open", "sec-8k": "overdue"},
		},
		{
			name:   "one PH report meets the first stage only; a report to TH meets its unstaged duty",
			ev:     deadline.Evidence{Reports: []deadline.RegulatorReport{report("ph", "r1", 10), report("TH", "r2", 80)}},
			at:     hours(100),
			status: map[string]string{"ph-notice": "met", "ph-full": "open", "th-office": "met"},
			metBy:  map[string]string{"ph-notice": "r1", "th-office": "r2"},
		},
		{
			name:   "the second PH report meets the second stage; a report to US-TX meets the attorney general duty",
			ev:     deadline.Evidence{Reports: []deadline.RegulatorReport{report("PH", "r3", 90), report("PH", "r1", 10), report("US-TX", "r4", 20)}},
			at:     hours(100),
			status: map[string]string{"ph-notice": "met", "ph-full": "met", "tx-ag": "met"},
			metBy:  map[string]string{"ph-notice": "r1", "ph-full": "r3", "tx-ag": "r4"},
		},
		{
			name:   "a report after the instant asked about does not count yet",
			ev:     deadline.Evidence{Reports: []deadline.RegulatorReport{report("PH", "r1", 10)}},
			at:     hours(5),
			status: map[string]string{"ph-notice": "open"},
		},
		{
			name: "every Texan reached: met by the send that finished last; HIPAA reads the US area",
			ev: deadline.Evidence{Reach: map[string]deadline.AreaReach{"US-TX": complete,
				"US": {EmailCustomers: 300, Notified: 299}}},
			at:     hours(100),
			status: map[string]string{"tx-people": "met", "hipaa-people": "open", "sec-8k": "overdue"},
			metBy:  map[string]string{"tx-people": "n2"},
		},
		{
			name:   "one Texan missing: not met",
			ev:     deadline.Evidence{Reach: map[string]deadline.AreaReach{"US-TX": {EmailCustomers: 250, Notified: 249, Sends: complete.Sends}}},
			at:     hours(1500),
			status: map[string]string{"tx-people": "overdue"},
		},
		{
			name:   "no email customers: nothing to show, not met",
			ev:     deadline.Evidence{Reach: map[string]deadline.AreaReach{"US-TX": {}}},
			at:     hours(100),
			status: map[string]string{"tx-people": "open"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := map[string]deadline.ObligationState{}
			for _, st := range deadline.ResolveObligations(obs, rules, tt.ev, tt.at) {
				got[st.RuleID] = st
			}
			for id, want := range tt.status {
				if got[id].Status != want {
					t.Errorf("%s: %s, want %s", id, got[id].Status, want)
				}
				if want != deadline.StatusMet && got[id].MetBy != nil {
					t.Errorf("%s: met_by %+v on a duty not met", id, got[id].MetBy)
				}
			}
			for id, send := range tt.metBy {
				mb := got[id].MetBy
				if mb == nil || mb.SendID != send || mb.DisclosureID == "" || len(mb.Sends) == 0 {
					t.Errorf("%s: met_by %+v, want send %s", id, mb, send)
				}
			}
			if r := got["tx-people"].Reach; r == nil {
				t.Error("a duty to individuals carries no reach")
			}
		})
	}
}

func TestEvidenceAreas(t *testing.T) {
	rules, err := jurisdictions.Load()
	if err != nil {
		t.Fatal(err)
	}
	obs := deadline.ComputeObligations(deadline.ObligationInput{
		DiscoveredAt: evT0, Countries: map[string]int{"US": 10, "DE": 1, "JP": 2000},
		Regions: map[string]int{"US-CA": 4, "US-TX": 6}, DataCategories: []string{"name", "health"},
	}, rules, holidays.New())
	got := deadline.EvidenceAreas(obs, rules)
	// US from HIPAA's individuals duty (area US), US-CA also for its AG
	// copy, which runs from the customer notice.
	want := []string{"EU", "JP", "US", "US-CA", "US-TX"}
	if !slices.Equal(got, want) {
		t.Errorf("areas %v, want %v", got, want)
	}
}

// fakeSource is an ObligationSource without a database.
type fakeSource struct {
	inc       candor.Incident
	countries map[string]int
	regions   map[string]int
	ev        deadline.Evidence
	areas     []string
	scope     []candor.ScopeChange
}

func (f *fakeSource) GetIncident(context.Context, string) (candor.Incident, error) { return f.inc, nil }
func (f *fakeSource) CustomerPlaceCounts(context.Context, string) (map[string]int, map[string]int, error) {
	return f.countries, f.regions, nil
}
func (f *fakeSource) ApprovedDecisions(context.Context, string) ([]candor.Decision, error) {
	return nil, nil
}
func (f *fakeSource) ScopeChanges(context.Context, string) ([]candor.ScopeChange, error) {
	return f.scope, nil
}
func (f *fakeSource) ObligationEvidence(_ context.Context, _ string, areas []string, _ time.Time) (deadline.Evidence, error) {
	f.areas = areas
	return f.ev, nil
}

// The California AG copy is due 15 days after the residents were notified:
// Assess reads that date from the evidence and computes again.
func TestAssessDatesDutiesThatFollowTheNotice(t *testing.T) {
	rules, err := jurisdictions.Load()
	if err != nil {
		t.Fatal(err)
	}
	done := time.Date(2026, 3, 20, 15, 0, 0, 0, time.UTC)
	src := &fakeSource{
		inc: candor.Incident{ID: "i", DiscoveredAt: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC),
			DataCategories: []string{"name", "national_id"}},
		countries: map[string]int{"US": 600, "": 3}, regions: map[string]int{"US-CA": 600},
	}
	find := func(rep deadline.ObligationReport, id string) deadline.ObligationState {
		for _, st := range rep.Items {
			if st.RuleID == id {
				return st
			}
		}
		t.Fatalf("%s not in %d obligations", id, len(rep.Items))
		return deadline.ObligationState{}
	}
	at := time.Date(2026, 3, 25, 0, 0, 0, 0, time.UTC)
	rep, err := deadline.AssessObligations(context.Background(), src, "i", rules, holidays.New(), time.Time{}, at)
	if err != nil {
		t.Fatal(err)
	}
	if ag := find(rep, "us-ca-ag"); ag.DueAt != nil || ag.Missing == "" {
		t.Errorf("AG copy dated before any notice: %+v", ag)
	}
	if !rep.RulesAsOf.Equal(src.inc.DiscoveredAt) || !slices.Contains(src.areas, "US-CA") {
		t.Errorf("rules as of %v, areas %v", rep.RulesAsOf, src.areas)
	}
	src.ev = deadline.Evidence{Reach: map[string]deadline.AreaReach{"US-CA": {EmailCustomers: 600, Notified: 600,
		CompletedAt: &done, Sends: []deadline.SendRef{{SendID: "n1", DisclosureID: "d1", At: done}}}}}
	rep, err = deadline.AssessObligations(context.Background(), src, "i", rules, holidays.New(), time.Time{}, at)
	if err != nil {
		t.Fatal(err)
	}
	ag := find(rep, "us-ca-ag")
	// Candor records no acquisition yet, so California's duties wait on it.
	if ag.DueAt == nil || ag.DueAt.Format(time.DateOnly) != "2026-04-04" || ag.Status != deadline.StatusConditional ||
		!slices.Equal(ag.DependsOn, []string{deadline.CondAcquired}) {
		t.Errorf("AG copy after the notice: due %v status %s depends on %v", ag.DueAt, ag.Status, ag.DependsOn)
	}
	if people := find(rep, "us-ca-residents"); people.Status != deadline.StatusMet || people.MetBy.SendID != "n1" {
		t.Errorf("residents: %s %+v", people.Status, people.MetBy)
	}
}

func TestParseAsOf(t *testing.T) {
	now := time.Date(2026, 11, 22, 1, 2, 3, 0, time.FixedZone("X", 3600))
	tests := []struct {
		in, want string
		bad      bool
	}{
		{"", "0001-01-01T00:00:00Z", false},
		{"today", "2026-11-22T00:02:03Z", false},
		{"TODAY", "2026-11-22T00:02:03Z", false},
		{"2020-06-11", "2020-06-11T12:00:00Z", false},
		{"2020-06-11T00:00:00+09:00", "2020-06-10T15:00:00Z", false},
		{"yesterday", "", true},
		{"2020-13-01", "", true},
		{"11/06/2020", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := deadline.ParseAsOf("as_of", tt.in, now)
			if tt.bad {
				if candor.ErrorCode(err) != candor.EINVALID || candor.ErrorFields(err)[0].Field != "as_of" {
					t.Fatalf("err %v, want EINVALID on as_of", err)
				}
				return
			}
			if err != nil || got.Format(time.RFC3339) != tt.want {
				t.Fatalf("got %v %v, want %s", got, err, tt.want)
			}
		})
	}
}

func TestReminderMark(t *testing.T) {
	st := deadline.ObligationState{Obligation: dueIn("r", "US-TX", deadline.AudienceAttorneyGeneral, "", 100), Status: deadline.StatusOpen}
	tests := []struct {
		name   string
		now    time.Time
		status string
		stale  time.Duration
		want   int
	}{
		{"before half time", hours(49), "open", 0, 0},
		{"half time", hours(50), "open", 0, 50},
		{"80% only, though 50% passed too", hours(85), "open", 0, 80},
		{"due", hours(100), "open", 0, 100},
		{"overdue", hours(120), "overdue", 0, 100},
		{"long overdue and stale", hours(300), "overdue", 7 * 24 * time.Hour, 0},
		{"overdue within the stale window", hours(150), "overdue", 7 * 24 * time.Hour, 100},
		{"met", hours(90), "met", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := st
			s.Status = tt.status
			mark, ok := s.ReminderMark(tt.now, tt.stale)
			if mark != tt.want || ok != (tt.want != 0) {
				t.Errorf("mark %d %v, want %d", mark, ok, tt.want)
			}
		})
	}
	undated := deadline.ObligationState{Obligation: deadline.Obligation{RuleID: "x"}, Status: "open"}
	if _, ok := undated.ReminderMark(hours(1000), 0); ok {
		t.Error("an undated duty has a reminder")
	}
}

func TestReminderRecipients(t *testing.T) {
	in := candor.Incident{OwnerEmail: "Owner@example.com", LegalContacts: []string{"legal@example.com", "owner@example.com", "LEGAL@example.com", "dpo@example.com"}}
	got := in.ReminderRecipients()
	if want := []string{"Owner@example.com", "legal@example.com", "dpo@example.com"}; !slices.Equal(got, want) {
		t.Errorf("%v, want %v", got, want)
	}
	if deadline.RecipientKey("A@x.com ") != deadline.RecipientKey("a@x.com") || len(deadline.RecipientKey("a@x.com")) != 64 {
		t.Error("recipient key is not case-insensitive SHA-256 hex")
	}
	if got := (candor.Incident{}).ReminderRecipients(); len(got) != 0 {
		t.Errorf("no contacts: %v", got)
	}
}

func TestEEACountries(t *testing.T) {
	got := candor.EEACountries()
	if len(got) != 30 || !slices.Contains(got, "DE") || !slices.Contains(got, "NO") || slices.Contains(got, "GB") || !slices.IsSorted(got) {
		t.Errorf("%d countries: %v", len(got), got)
	}
}
