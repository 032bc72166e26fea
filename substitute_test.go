package candor_test

import (
	"testing"
	"time"

	"github.com/candor-dev/candor"
)

func TestNoticeCovers(t *testing.T) {
	for _, tc := range []struct {
		j, r string
		want bool
	}{
		{"JP", "JP", true},
		{"US", "US-CA", true},     // a country covers its states
		{"US-CA", "US-CA", true},  // and a state itself
		{"US-CA", "US-TX", false}, // not another state
		{"US-CA", "US", false},    // nor US customers without a state
		{"EU", "DE", true},
		{"EU", "JP", false},
		{"TH", "JP", false},
	} {
		if got := candor.NoticeCovers(tc.j, tc.r); got != tc.want {
			t.Errorf("NoticeCovers(%s, %s) = %v", tc.j, tc.r, got)
		}
	}
}

// Coverage needs both a notice published by then and an approved
// substitute_notice decision on a duty whose area holds the jurisdiction.
func TestSubstituteCoverage(t *testing.T) {
	day := time.Date(2026, 12, 6, 15, 0, 0, 0, time.UTC) // 7 Dec in Tokyo
	approved := day.Add(time.Hour)
	decisions := []candor.Decision{
		{ObligationID: "jp-appi-individuals", Decision: candor.DecisionSubstituteNotice, State: candor.DecisionApproved, ApprovedAt: &approved},
		{ObligationID: "us-ca-residents", Decision: candor.DecisionSubstituteNotice, State: candor.DecisionProposed},
		{ObligationID: "th-pdpa-individuals", Decision: candor.DecisionNotify, State: candor.DecisionApproved, ApprovedAt: &approved},
		{ObligationID: "jp-appi-ppc-preliminary", Decision: candor.DecisionSubstituteNotice, State: candor.DecisionApproved, ApprovedAt: &approved},
	}
	areaOf := func(id string) (string, bool) {
		return map[string]string{"jp-appi-individuals": "JP", "us-ca-residents": "US-CA", "th-pdpa-individuals": "TH", "jp-appi-ppc-preliminary": "JP"}[id],
			id != "jp-appi-ppc-preliminary"
	}
	notices := []candor.SubstituteNotice{
		{Jurisdictions: []string{"JP", "US-CA", "TH"}, PublishedAt: day},
		{Jurisdictions: []string{"JP"}, PublishedAt: day.Add(-48 * time.Hour)},
	}
	if got := candor.SubstituteAreas(decisions, areaOf, approved.Add(-time.Minute)); len(got) != 0 {
		t.Errorf("before the approval: %v", got)
	}
	areas := candor.SubstituteAreas(decisions, areaOf, approved)
	if len(areas) != 1 || areas[0] != "JP" {
		t.Fatalf("areas %v, want [JP]", areas)
	}
	cover := candor.SubstituteCoverage(notices, areas, approved)
	for _, tc := range []struct {
		r    string
		ok   bool
		from time.Time
	}{
		{"JP", true, day.Add(-48 * time.Hour)}, // the earliest notice
		{"US-CA", false, time.Time{}},          // proposed, not approved
		{"TH", false, time.Time{}},             // decided to notify
		{"PH", false, time.Time{}},
	} {
		from, ok := cover(tc.r)
		if ok != tc.ok || !from.Equal(tc.from) {
			t.Errorf("%s: %v %v, want %v %v", tc.r, from, ok, tc.from, tc.ok)
		}
	}
	if _, ok := candor.SubstituteCoverage(notices[:1], areas, day.Add(-time.Second))("JP"); ok {
		t.Error("a notice covers before it was published")
	}
}

func TestSubstituteValidate(t *testing.T) {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	now := time.Date(2026, 12, 6, 16, 0, 0, 0, time.UTC) // 7 Dec, 01:00 in Tokyo
	n := candor.SubstituteNotice{Kind: " Media ", Jurisdictions: []string{"us-ca", "jp", "JP"}, PublishedOn: "2026-12-07",
		Outlet: "Nikkei", Description: "page 3"}
	if err := n.Validate(now, tokyo, geoStub{}); err != nil {
		t.Fatal(err)
	}
	if n.Kind != "media" || len(n.Jurisdictions) != 2 || n.Jurisdictions[0] != "JP" || !n.PublishedAt.Equal(time.Date(2026, 12, 6, 15, 0, 0, 0, time.UTC)) {
		t.Errorf("normalised %+v", n)
	}
	// 8 December is tomorrow in Tokyo.
	n = candor.SubstituteNotice{Kind: "media", Jurisdictions: []string{"JP"}, PublishedOn: "2026-12-08", Outlet: "x", Description: "d"}
	if err := n.Validate(now, tokyo, geoStub{}); candor.ErrorFields(err)[0].Field != "published_on" {
		t.Errorf("tomorrow: %v", err)
	}
}

// geoStub knows JP and US-CA.
type geoStub struct{}

func (geoStub) Country(c string) (string, bool) {
	if c == "JP" || c == "US" {
		return c, true
	}
	return "", false
}
func (geoStub) Region(c string) (string, bool) { return c, c == "US-CA" }
