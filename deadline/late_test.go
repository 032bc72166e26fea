package deadline_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor/deadline"
)

func TestISODuration(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		from, to time.Time
		iso      string
		short    string
	}{
		{"none", at(t, "2020-06-13T15:00:00Z"), at(t, "2020-06-13T15:00:00Z"), "PT0S", "0s"},
		{"years, months, days and hours", at(t, "2020-06-13T15:00:00Z"), at(t, "2026-11-16T19:00:00Z"), "P6Y5M3DT4H", "+6y 5mo"},
		{"days and hours", at(t, "2024-06-30T23:59:59Z"), at(t, "2024-07-04T03:59:59Z"), "P3DT4H", "+3d 4h"},
		{"hours and minutes", at(t, "2024-06-30T10:00:00Z"), at(t, "2024-06-30T12:10:00Z"), "PT2H10M", "+2h 10m"},
		{"one second", at(t, "2024-06-30T23:59:59Z"), at(t, "2024-07-01T00:00:00Z"), "PT1S", "+1s"},
		{"under a second", at(t, "2024-06-30T23:59:59Z"), at(t, "2024-06-30T23:59:59.25Z"), "PT0.25S", "+<1s"},
		{"the next unit down is zero: cut off, not skipped", at(t, "2020-01-10T00:00:00Z"), at(t, "2023-01-13T05:00:00Z"), "P3Y3DT5H", "+3y"},
		{"a whole year", at(t, "2023-03-01T00:00:00Z"), at(t, "2024-03-01T00:00:00Z"), "P1Y", "+1y"},
		{"a year from a leap day ends on 28 February", at(t, "2024-02-29T12:00:00Z"), at(t, "2025-02-28T12:00:00Z"), "P1Y", "+1y"},
		{"23 months from 31 March end on 28 February, then hours", at(t, "2024-03-31T12:00:00Z"), at(t, "2026-03-01T11:00:00Z"), "P1Y11MT23H", "+1y 11mo"},
		{"31 January plus a month is the end of February", at(t, "2023-01-31T00:00:00Z"), at(t, "2023-03-01T00:00:00Z"), "P1M1D", "+1mo 1d"},
		{"a month not yet complete counts days", at(t, "2024-01-15T18:00:00Z"), at(t, "2024-02-15T17:00:00Z"), "P30DT23H", "+30d 23h"},
		{"a day not yet complete counts hours", at(t, "2024-05-01T23:00:00Z"), at(t, "2024-05-02T22:30:00Z"), "PT23H30M", "+23h 30m"},
		{"days on the due zone's calendar: 23:59:59 JST to noon JST two days on",
			time.Date(2020, 6, 16, 23, 59, 59, 0, tokyo), at(t, "2020-06-18T03:00:00Z"), "P1DT12H1S", "+1d 12h"},
		{"a calendar day across a DST change is a day", time.Date(2024, 3, 9, 12, 0, 0, 0, ny), time.Date(2024, 3, 10, 12, 0, 0, 0, ny), "P1D", "+1d"},
		{"before: negative", at(t, "2024-07-04T03:59:59Z"), at(t, "2024-06-30T23:59:59Z"), "-P3DT4H", "-3d 4h"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := deadline.ISODuration(tt.from, tt.to); got != tt.iso {
				t.Errorf("ISODuration = %s, want %s", got, tt.iso)
			}
			if got := deadline.SpanBetween(tt.from, tt.to).Short(); got != tt.short {
				t.Errorf("Short = %s, want %s", got, tt.short)
			}
		})
	}
}

func TestLateness(t *testing.T) {
	due := at(t, "2020-06-13T15:00:00Z")
	hard := deadline.Obligation{RuleID: "ph-notice", Jurisdiction: "PH", Audience: deadline.AudienceRegulator, DueAt: &due}
	soft := hard
	soft.RuleID, soft.Soft = "ph-soft", true
	undated := deadline.Obligation{RuleID: "sec", Jurisdiction: "PH", Audience: deadline.AudienceRegulator}
	tests := []struct {
		name    string
		o       deadline.Obligation
		sent    string // a regulator report to PH; "" for none
		at      string
		status  string
		late    bool
		lateBy  string
		lateDur time.Duration
	}{
		{"met before due: on time", hard, "2020-06-12T03:00:00Z", "2026-11-21T00:00:00Z", deadline.StatusMet, false, "", 0},
		{"met at the due instant: on time", hard, "2020-06-13T15:00:00Z", "2026-11-21T00:00:00Z", deadline.StatusMet, false, "", 0},
		{"met six years late: met and late", hard, "2026-11-16T19:00:00Z", "2026-11-21T00:00:00Z", deadline.StatusMet, true, "P6Y5M3DT4H",
			at(t, "2026-11-16T19:00:00Z").Sub(due)},
		{"a soft target met late is late", soft, "2020-06-14T15:00:00Z", "2026-11-21T00:00:00Z", deadline.StatusMet, true, "P1D", 24 * time.Hour},
		{"overdue and not met: unchanged", hard, "", "2026-11-21T00:00:00Z", deadline.StatusOverdue, false, "", 0},
		{"late evidence after the instant asked about: still overdue", hard, "2026-11-16T19:00:00Z", "2021-01-01T00:00:00Z", deadline.StatusOverdue, false, "", 0},
		{"undated duty met: never late", undated, "2026-11-16T19:00:00Z", "2026-11-21T00:00:00Z", deadline.StatusMet, false, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ev deadline.Evidence
			if tt.sent != "" {
				ev.Reports = []deadline.RegulatorReport{{Jurisdiction: "PH", SendID: "r1", DisclosureID: "d1", SentAt: at(t, tt.sent)}}
			}
			st := deadline.ResolveObligations([]deadline.Obligation{tt.o}, nil, ev, at(t, tt.at))[0]
			if st.Status != tt.status || st.Late != tt.late || st.LateByISO != tt.lateBy || st.LateBy != tt.lateDur {
				t.Errorf("status %s late %v by %q (%s), want %s %v %q (%s)", st.Status, st.Late, st.LateByISO, st.LateBy,
					tt.status, tt.late, tt.lateBy, tt.lateDur)
			}
			if met := tt.status == deadline.StatusMet; met != (st.MetAt != nil) || met && !st.MetAt.Equal(at(t, tt.sent)) {
				t.Errorf("met_at %v, want the report's time when met", st.MetAt)
			}
			raw, err := json.Marshal(st)
			if err != nil {
				t.Fatal(err)
			}
			js := string(raw)
			if !strings.Contains(js, `"late":`+map[bool]string{true: "true", false: "false"}[tt.late]) {
				t.Errorf("JSON lacks late %v: %s", tt.late, js)
			}
			if strings.Contains(js, `"late_by"`) != tt.late || tt.late && !strings.Contains(js, `"late_by":"`+tt.lateBy+`"`) {
				t.Errorf("JSON late_by wrong (want %q): %s", tt.lateBy, js)
			}
			if strings.Contains(js, `"met_at"`) != (tt.status == deadline.StatusMet) {
				t.Errorf("JSON met_at wrong: %s", js)
			}
			span, ok := st.LateSpan()
			if ok != tt.late || ok && span.ISO() != tt.lateBy {
				t.Errorf("LateSpan = %+v, %v", span, ok)
			}
		})
	}
}

func TestCountStatuses(t *testing.T) {
	st := func(status string, late bool) deadline.ObligationState {
		return deadline.ObligationState{Status: status, Late: late}
	}
	tests := []struct {
		name   string
		states []deadline.ObligationState
		want   string
	}{
		{"nothing", nil, "0 overdue, 0 open, 0 met"},
		{"met on time", []deadline.ObligationState{st("met", false), st("open", false)}, "0 overdue, 1 open, 1 met (none late)"},
		{"lateness stays counted once met", []deadline.ObligationState{st("overdue", false), st("met", true), st("met", true), st("met", false)},
			"1 overdue, 0 open, 3 met (2 of them late)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := deadline.CountStatuses(tt.states).String(); got != tt.want {
				t.Errorf("%q, want %q", got, tt.want)
			}
		})
	}
}
