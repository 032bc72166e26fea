package deadline

import (
	"fmt"
	"time"
)

// Unit is how a deadline is counted.
type Unit string

const (
	// UnitHours counts exact elapsed time from the clock instant: 72 hours
	// are 72 hours whatever the zone, weekends and DST shifts included.
	UnitHours Unit = "hours"
	// UnitCalendarDays counts days in the rule's zone: the day the clock
	// starts is day 0, and the deadline ends at 23:59:59 local on day N.
	UnitCalendarDays Unit = "calendar_days"
	// UnitBusinessDays counts the working days after the clock day in the
	// rule's holiday calendar, ending at 23:59:59 local on the Nth.
	UnitBusinessDays Unit = "business_days"
	// UnitCalendarMonths counts months in the rule's zone: the deadline
	// ends at 23:59:59 local on the same day of the Nth month after the
	// clock day, or that month's last day when it is shorter (yearly
	// reports "by 31 March").
	UnitCalendarMonths Unit = "calendar_months"
)

// Deadline is the time a rule allows.
type Deadline struct {
	Amount int  `json:"amount"`
	Unit   Unit `json:"unit"`
	// DayOne counts the clock's own day as day 1 (calendar days only):
	// Japan's PPC counts "30 days" from the day of awareness as day 1, so
	// the deadline is a day earlier than with the day after as day 1.
	DayOne bool `json:"day_one,omitempty"`
	// NextOpenDay moves a deadline that ends on a day closed in the rule's
	// holiday calendar to the end of the next open day, as Japan's Act on
	// Holidays of Administrative Organs does for filings with a ministry.
	NextOpenDay bool `json:"next_open_day,omitempty"`
}

// String renders d for people: "72 hours", "4 business days".
func (d Deadline) String() string {
	switch d.Unit {
	case UnitHours:
		return fmt.Sprintf("%d hours", d.Amount)
	case UnitCalendarDays:
		return fmt.Sprintf("%d calendar days", d.Amount)
	case UnitBusinessDays:
		return fmt.Sprintf("%d business days", d.Amount)
	case UnitCalendarMonths:
		return fmt.Sprintf("%d calendar months", d.Amount)
	}
	return fmt.Sprintf("%d %s", d.Amount, d.Unit)
}

// BusinessCalendar knows time zones and public holidays. The domain only
// declares it; package holidays implements it (US federal and Japanese
// holidays; weekends only elsewhere). Keeping it an interface keeps the
// engine pure and lets tests pin a calendar.
type BusinessCalendar interface {
	// IsBusinessDay reports whether day, read as a date in day's own
	// location, is a working day in the named holiday calendar ("US", "JP").
	IsBusinessDay(calendar string, day time.Time) bool
	// Location returns the IANA time zone called name.
	Location(name string) (*time.Location, error)
}

// endOfDay is the last second of the day that is n days after t's day in
// loc. time.Date normalises month ends and leap years, and 23:59:59 exists
// on every DST transition day in the catalogue's zones.
func endOfDay(t time.Time, n int, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d+n, 23, 59, 59, 0, loc)
}

// Due returns when d ends for a clock that started at start, counting days
// in loc and business days (and, with NextOpenDay, open days) in the named
// holiday calendar of bc. Hour
// deadlines are exact instants; day deadlines end at 23:59:59 local on the
// last day, because statutes count whole days ("within 30 days") and do not
// end them at the hour the clock started. Where a filing system closes
// earlier (EDGAR), the rule's notes say so. The result is in loc.
func (d Deadline) Due(start time.Time, loc *time.Location, calendar string, bc BusinessCalendar) time.Time {
	switch d.Unit {
	case UnitHours:
		return start.Add(time.Duration(d.Amount) * time.Hour).In(loc)
	case UnitBusinessDays:
		y, m, day := start.In(loc).Date()
		n := 0
		// The bound only guards against a calendar with no working days.
		for i := 1; i <= 7*d.Amount+400; i++ {
			// Noon keeps the probe on the intended date across DST shifts.
			probe := time.Date(y, m, day+i, 12, 0, 0, 0, loc)
			if bc.IsBusinessDay(calendar, probe) {
				n++
			}
			if n >= d.Amount {
				return endOfDay(probe, 0, loc)
			}
		}
		return endOfDay(start, d.Amount, loc)
	case UnitCalendarMonths:
		y, m, day := start.In(loc).Date()
		if last := time.Date(y, m+time.Month(d.Amount)+1, 0, 0, 0, 0, 0, time.UTC).Day(); day > last {
			day = last
		}
		return d.nextOpen(time.Date(y, m+time.Month(d.Amount), day, 23, 59, 59, 0, loc), loc, calendar, bc)
	default: // UnitCalendarDays; Validate rejects other units
		n := d.Amount
		if d.DayOne {
			n--
		}
		return d.nextOpen(endOfDay(start, n, loc), loc, calendar, bc)
	}
}

// nextOpen moves due to the end of the first open day at or after it in
// calendar when d asks for it. The bound covers the longest closure in any
// calendar (Japan's Golden Week or year end with a weekend: under ten days).
func (d Deadline) nextOpen(due time.Time, loc *time.Location, calendar string, bc BusinessCalendar) time.Time {
	if !d.NextOpenDay {
		return due
	}
	y, m, day := due.Date()
	for i := 0; i < 31; i++ {
		probe := time.Date(y, m, day+i, 12, 0, 0, 0, loc)
		if bc.IsBusinessDay(calendar, probe) {
			return endOfDay(probe, 0, loc)
		}
	}
	return due
}
