package deadline_test

import (
	"testing"
	"time"

	"github.com/candor-dev/candor/deadline"
	"github.com/candor-dev/candor/holidays"
)

// at parses an RFC 3339 instant or fails the test.
func at(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatalf("parse %q: %v", s, err)
	}
	return v
}

func ptr[T any](v T) *T { return &v }

func TestDeadlineDue(t *testing.T) {
	cal := holidays.New()
	tests := []struct {
		name     string
		start    string
		amount   int
		unit     deadline.Unit
		zone     string
		holidays string
		want     string
	}{
		// Hours are exact instants: weekends and DST shifts count as elapsed time.
		{"hours across a weekend", "2024-06-07T18:00:00Z", 72, deadline.UnitHours, "Europe/London", "GB", "2024-06-10T19:00:00+01:00"},
		{"hours across UK spring DST", "2024-03-29T12:00:00Z", 72, deadline.UnitHours, "Europe/London", "GB", "2024-04-01T13:00:00+01:00"},
		{"hours across US spring DST", "2024-03-09T12:00:00-05:00", 72, deadline.UnitHours, "America/New_York", "US", "2024-03-12T13:00:00-04:00"},
		{"hours across US autumn DST", "2024-11-02T12:00:00-04:00", 72, deadline.UnitHours, "America/New_York", "US", "2024-11-05T11:00:00-05:00"},

		// Calendar days end at 23:59:59 local on day N; day 0 is the clock's local day.
		{"calendar days into a leap-year March", "2024-01-31T10:00:00Z", 30, deadline.UnitCalendarDays, "UTC", "", "2024-03-01T23:59:59Z"},
		{"calendar days into a common-year March", "2023-01-31T10:00:00Z", 30, deadline.UnitCalendarDays, "UTC", "", "2023-03-02T23:59:59Z"},
		{"calendar days across the year end", "2024-12-15T10:00:00-05:00", 30, deadline.UnitCalendarDays, "America/New_York", "US", "2025-01-14T23:59:59-05:00"},
		{"calendar days across autumn DST", "2024-10-20T10:00:00-04:00", 30, deadline.UnitCalendarDays, "America/New_York", "US", "2024-11-19T23:59:59-05:00"},
		{"calendar days across spring DST", "2024-02-20T10:00:00-05:00", 30, deadline.UnitCalendarDays, "America/New_York", "US", "2024-03-21T23:59:59-04:00"},
		{"calendar days count from the local date, not the UTC date", "2024-07-01T03:30:00Z", 30, deadline.UnitCalendarDays, "America/New_York", "US", "2024-07-30T23:59:59-04:00"},
		{"calendar days from Tokyo midnight", "2020-06-11T00:00:00+09:00", 60, deadline.UnitCalendarDays, "Asia/Tokyo", "JP", "2020-08-10T23:59:59+09:00"},
		{"calendar days ignore holidays", "2024-11-27T10:00:00-05:00", 1, deadline.UnitCalendarDays, "America/New_York", "US", "2024-11-28T23:59:59-05:00"},

		// Business days: the days after the clock day that are working days.
		{"business days skip a weekend", "2024-06-07T10:00:00-04:00", 4, deadline.UnitBusinessDays, "America/New_York", "US", "2024-06-13T23:59:59-04:00"},
		{"business days from a Saturday", "2024-06-08T10:00:00-04:00", 4, deadline.UnitBusinessDays, "America/New_York", "US", "2024-06-13T23:59:59-04:00"},
		{"SEC materiality before Thanksgiving", "2024-11-27T15:00:00-05:00", 4, deadline.UnitBusinessDays, "America/New_York", "US", "2024-12-04T23:59:59-05:00"},
		{"SEC late-evening determination stored in UTC", "2024-11-28T04:30:00Z", 4, deadline.UnitBusinessDays, "America/New_York", "US", "2024-12-04T23:59:59-05:00"},
		{"SEC across Christmas", "2024-12-23T10:00:00-05:00", 4, deadline.UnitBusinessDays, "America/New_York", "US", "2024-12-30T23:59:59-05:00"},
		{"SEC across Juneteenth", "2024-06-17T10:00:00-04:00", 4, deadline.UnitBusinessDays, "America/New_York", "US", "2024-06-24T23:59:59-04:00"},
		{"SEC across Independence Day", "2024-07-01T10:00:00-04:00", 4, deadline.UnitBusinessDays, "America/New_York", "US", "2024-07-08T23:59:59-04:00"},
		{"SEC across spring DST (2024-03-10)", "2024-03-07T10:00:00-05:00", 4, deadline.UnitBusinessDays, "America/New_York", "US", "2024-03-13T23:59:59-04:00"},
		{"SEC Friday before spring DST", "2024-03-08T16:00:00-05:00", 4, deadline.UnitBusinessDays, "America/New_York", "US", "2024-03-14T23:59:59-04:00"},
		{"SEC across autumn DST (2024-11-03)", "2024-10-31T10:00:00-04:00", 4, deadline.UnitBusinessDays, "America/New_York", "US", "2024-11-06T23:59:59-05:00"},
		{"SEC across a month end", "2024-01-30T10:00:00-05:00", 4, deadline.UnitBusinessDays, "America/New_York", "US", "2024-02-05T23:59:59-05:00"},
		{"JP business days across Golden Week", "2024-04-26T10:00:00+09:00", 5, deadline.UnitBusinessDays, "Asia/Tokyo", "JP", "2024-05-08T23:59:59+09:00"},
		{"weekends-only calendar (TH Songkran not modelled)", "2024-04-12T10:00:00+07:00", 3, deadline.UnitBusinessDays, "Asia/Bangkok", "TH", "2024-04-17T23:59:59+07:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loc, err := cal.Location(tt.zone)
			if err != nil {
				t.Fatal(err)
			}
			d := deadline.Deadline{Amount: tt.amount, Unit: tt.unit}
			got := d.Due(at(t, tt.start), loc, tt.holidays, cal)
			if want := at(t, tt.want); !got.Equal(want) {
				t.Errorf("%s from %s = %s, want %s", d, tt.start, got.Format(time.RFC3339), tt.want)
			}
			if got.Location() != loc {
				t.Errorf("due in %v, want the rule's zone %v", got.Location(), loc)
			}
		})
	}
}

// A calendar that never has a working day must not hang the engine.
type noWorkdays struct{}

func (noWorkdays) IsBusinessDay(string, time.Time) bool    { return false }
func (noWorkdays) Location(string) (*time.Location, error) { return time.UTC, nil }

func TestDeadlineDueTerminates(t *testing.T) {
	d := deadline.Deadline{Amount: 4, Unit: deadline.UnitBusinessDays}
	got := d.Due(at(t, "2024-06-07T10:00:00Z"), time.UTC, "XX", noWorkdays{})
	if want := at(t, "2024-06-11T23:59:59Z"); !got.Equal(want) {
		t.Errorf("fallback = %s, want calendar-day reading %s", got, want)
	}
}

func TestDeadlineString(t *testing.T) {
	for _, tt := range []struct {
		d    deadline.Deadline
		want string
	}{
		{deadline.Deadline{Amount: 72, Unit: deadline.UnitHours}, "72 hours"},
		{deadline.Deadline{Amount: 30, Unit: deadline.UnitCalendarDays}, "30 calendar days"},
		{deadline.Deadline{Amount: 4, Unit: deadline.UnitBusinessDays}, "4 business days"},
	} {
		t.Run(tt.want, func(t *testing.T) {
			if got := tt.d.String(); got != tt.want {
				t.Errorf("String() = %q", got)
			}
		})
	}
}
