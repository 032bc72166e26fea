package deadline_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/deadline"
	"github.com/candor-dev/candor/holidays"
)

// TestDeadlineDayOneAndNextOpenDay: Japan's PPC counts the day of
// awareness as day 1 and moves a deadline off the days its offices are
// closed (JP-GOV: weekends, national holidays, 29 December-3 January);
// months end on the same day of the month, or the month's last day.
func TestDeadlineDayOneAndNextOpenDay(t *testing.T) {
	cal := holidays.New()
	tokyo, _ := cal.Location("Asia/Tokyo")
	manila, _ := cal.Location("Asia/Manila")
	days := func(n int, dayOne, next bool) deadline.Deadline {
		return deadline.Deadline{Amount: n, Unit: deadline.UnitCalendarDays, DayOne: dayOne, NextOpenDay: next}
	}
	tests := []struct {
		name     string
		d        deadline.Deadline
		start    string
		loc      *time.Location
		calendar string
		want     string
	}{
		{"day 60 from 11 June 2020 is 9 August", days(60, true, false), "2020-06-11T00:00:00+09:00", tokyo, "JP-GOV", "2020-08-09T23:59:59+09:00"},
		{"Sunday, then Mountain Day 2020: Tuesday 11 August", days(60, true, true), "2020-06-11T00:00:00+09:00", tokyo, "JP-GOV", "2020-08-11T23:59:59+09:00"},
		{"without day one the 60th day after is 10 August, moved to 11", days(60, false, true), "2020-06-11T00:00:00+09:00", tokyo, "JP-GOV", "2020-08-11T23:59:59+09:00"},
		{"an open day stays", days(30, true, true), "2024-06-11T09:00:00+09:00", tokyo, "JP-GOV", "2024-07-10T23:59:59+09:00"},
		{"year-end closure: 30 December to 6 January 2025", days(30, true, true), "2024-12-01T09:00:00+09:00", tokyo, "JP-GOV", "2025-01-06T23:59:59+09:00"},
		{"companies' calendar has no year-end closure", days(30, true, true), "2024-12-01T09:00:00+09:00", tokyo, "JP", "2024-12-30T23:59:59+09:00"},
		{"Golden Week", days(30, true, true), "2024-04-04T09:00:00+09:00", tokyo, "JP-GOV", "2024-05-07T23:59:59+09:00"},
		{"3 months from the year's end", deadline.Deadline{Amount: 3, Unit: deadline.UnitCalendarMonths}, "2020-12-31T23:59:59+08:00", manila, "PH", "2021-03-31T23:59:59+08:00"},
		{"a month from 31 January ends on February's last day", deadline.Deadline{Amount: 1, Unit: deadline.UnitCalendarMonths}, "2024-01-31T10:00:00+08:00", manila, "PH", "2024-02-29T23:59:59+08:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.d.Due(at(t, tt.start), tt.loc, tt.calendar, cal)
			if got.Format(time.RFC3339) != tt.want {
				t.Errorf("%s from %s = %s, want %s", tt.d, tt.start, got.Format(time.RFC3339), tt.want)
			}
		})
	}
}

func TestConditionalStatus(t *testing.T) {
	due := ptr(at(t, "2020-07-10T23:59:59-04:00"))
	o := deadline.Obligation{DueAt: due, DependsOn: []string{deadline.CondAcquired}}
	if got := o.Status(at(t, "2020-12-28T00:00:00Z"), nil); got != deadline.StatusConditional {
		t.Errorf("past due, condition unknown: %s, want conditional", got)
	}
	if got := o.Status(at(t, "2020-12-28T00:00:00Z"), ptr(at(t, "2020-07-01T00:00:00Z"))); got != deadline.StatusMet {
		t.Errorf("met while conditional: %s, want met", got)
	}
	c := deadline.CountStatuses([]deadline.ObligationState{{Status: deadline.StatusConditional}, {Status: deadline.StatusOverdue}})
	if c.String() != "1 overdue, 0 open, 0 met, 1 conditional" {
		t.Errorf("counts %q", c.String())
	}
}

// TestDataConditions: Rule.Data decides on the incident's categories:
// yes when a combination is complete, no when it cannot be, undecided
// (conditional) when nothing is recorded or a recorded category may hold
// the missing item.
func TestDataConditions(t *testing.T) {
	r := testRule("us-xx", "US-CA", "America/Los_Angeles", func(r *deadline.Rule) {
		r.Data = [][]string{{"name", "national_id"}, {"name", "account_with_code"}, {"credentials"}, {"sensitive_data"}}
	})
	tests := []struct {
		cats    []string
		applies bool
		depends []string
	}{
		{[]string{"name", "email"}, false, nil},
		{nil, true, []string{deadline.DependsOnData}},
		{[]string{"name", "SSN"}, true, nil}, // an alias of national_id
		{[]string{"national_id"}, false, nil},
		{[]string{"Username and password"}, true, nil},
		{[]string{"name", "payment_card"}, true, []string{deadline.DependsOnData}}, // the code may have leaked
		{[]string{"name", "card_with_cvv"}, true, nil},
		{[]string{"name", "other"}, true, []string{deadline.DependsOnData}},
		{[]string{"religion"}, true, nil}, // sensitive data
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.cats, "+"), func(t *testing.T) {
			in := deadline.ObligationInput{DiscoveredAt: at(t, "2024-06-11T00:00:00Z"), Regions: map[string]int{"US-CA": 3},
				DataCategories: tt.cats}
			obs := deadline.ComputeObligations(in, []deadline.Rule{r}, holidays.New())
			if (len(obs) == 1) != tt.applies {
				t.Fatalf("applies = %v, want %v", len(obs) == 1, tt.applies)
			}
			if tt.applies && !slices.Equal(obs[0].DependsOn, tt.depends) {
				t.Errorf("depends on %v, want %v", obs[0].DependsOn, tt.depends)
			}
			if tt.applies && len(tt.depends) > 0 && !strings.Contains(obs[0].Condition, "a name with a national ID or Social Security number") {
				t.Errorf("condition %q", obs[0].Condition)
			}
		})
	}
}

func TestRuleValidateCorrections(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*deadline.Rule)
		field string
	}{
		{"data combinations", func(r *deadline.Rule) { r.Data = [][]string{{"name", "national_id"}, {"sensitive_data"}} }, ""},
		{"unknown data category", func(r *deadline.Rule) { r.Data = [][]string{{"name", "ssn_number"}} }, "data"},
		{"empty data combination", func(r *deadline.Rule) { r.Data = [][]string{{}} }, "data"},
		{"acquired and processor", func(r *deadline.Rule) { r.Conditions = []string{"acquired", "processor"} }, ""},
		{"credit bureaus and controller", func(r *deadline.Rule) { r.Audience = deadline.AudienceCreditBureaus }, ""},
		{"per incident", func(r *deadline.Rule) { r.Threshold = &deadline.Threshold{Op: ">", Count: 1000, Per: "incident"} }, ""},
		{"months", func(r *deadline.Rule) { r.Deadline = deadline.Deadline{Amount: 3, Unit: deadline.UnitCalendarMonths} }, ""},
		{"day one on hours", func(r *deadline.Rule) {
			r.Deadline = deadline.Deadline{Amount: 72, Unit: deadline.UnitHours, DayOne: true}
		}, "deadline.day_one"},
		{"next open day on hours", func(r *deadline.Rule) {
			r.Deadline = deadline.Deadline{Amount: 72, Unit: deadline.UnitHours, NextOpenDay: true}
		}, "deadline.next_open_day"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := testRule("jp-final", "JP", "Asia/Tokyo", tt.edit)
			err := r.Validate()
			var fields []string
			for _, f := range candor.ErrorFields(err) {
				fields = append(fields, f.Field)
			}
			if tt.field == "" && err != nil || tt.field != "" && !slices.Contains(fields, tt.field) {
				t.Errorf("Validate() = %v, want field %q", err, tt.field)
			}
		})
	}
}
