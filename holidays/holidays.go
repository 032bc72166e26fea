// Package holidays implements deadline.BusinessCalendar with the public
// holidays maintained in github.com/rickar/cal/v2, rather than a table of
// dates that would go stale.
//
// Calendars:
//   - "US": US federal holidays (5 U.S.C. 6103 as listed by rickar/cal/us:
//     New Year's Day, Martin Luther King Jr. Day, Presidents' Day, Memorial
//     Day, Juneteenth from 2021, Independence Day, Labor Day, Columbus Day,
//     Veterans Day, Thanksgiving, Christmas), with their Friday/Monday
//     observed days. This is the calendar SEC deadlines count in. The day
//     after Thanksgiving is a business day. Inauguration Day, a holiday
//     only around Washington DC, is not included.
//   - "JP": Japanese national holidays, substitute holidays and the
//     one-off imperial holidays of 2019 (rickar/cal/jp), with the 2020 and
//     2021 Olympic moves of Mountain Day corrected (see japan).
//   - "JP-GOV": "JP" plus the government offices' year-end closure, 29
//     December to 3 January: the days a filing with a Japanese authority
//     cannot fall due on (Japan's PPC reports).
//   - any other name: Saturdays and Sundays only. No catalogue rule counts
//     business days outside the US today; a rule that does should get its
//     country's holidays added here first.
//
// The package links the IANA zone database into the binary (time/tzdata),
// so deadlines come out the same on a minimal container with no
// /usr/share/zoneinfo.
package holidays

import (
	"fmt"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // deadlines must not depend on the host's zone files

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/us"
)

// Calendar is a deadline.BusinessCalendar. It is safe for concurrent use:
// the holiday calendars are built once and only read, and loaded zones are
// cached under a mutex.
type Calendar struct {
	holidays map[string]*cal.BusinessCalendar

	mu    sync.Mutex
	zones map[string]*time.Location
}

// New returns a Calendar with the US, JP and JP-GOV holiday sets.
func New() *Calendar {
	c := &Calendar{
		holidays: map[string]*cal.BusinessCalendar{},
		zones:    map[string]*time.Location{},
	}
	sets := map[string][]*cal.Holiday{"US": us.Holidays, "JP": japan(), "JP-GOV": append(japan(), govClosure()...)}
	for name, hs := range sets {
		bc := cal.NewBusinessCalendar() // Monday to Friday
		bc.AddHoliday(reentrant(hs)...)
		// rickar/cal's cache is an unguarded map; leave it off so that
		// concurrent readers are safe.
		bc.Cacheable = false
		c.holidays[name] = bc
	}
	return c
}

// IsBusinessDay reports whether day's date, in day's own location, is a
// working day in the named calendar (case-insensitive). A holiday counts
// on its observed day: US Independence Day on a Saturday makes Friday 3
// July the day off.
func (c *Calendar) IsBusinessDay(calendar string, day time.Time) bool {
	if bc, ok := c.holidays[strings.ToUpper(calendar)]; ok {
		return bc.IsWorkday(day)
	}
	wd := day.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// Holiday returns the name of the holiday observed on day's date in the
// named calendar, for explaining why a day was skipped.
func (c *Calendar) Holiday(calendar string, day time.Time) (string, bool) {
	bc, ok := c.holidays[strings.ToUpper(calendar)]
	if !ok {
		return "", false
	}
	_, observed, h := bc.IsHoliday(day)
	if !observed || h == nil {
		return "", false
	}
	return h.Name, true
}

// Location returns the IANA zone called name, loading it once. "" and
// "Local" are refused: they would make deadlines depend on the host.
func (c *Calendar) Location(name string) (*time.Location, error) {
	if name == "" || name == "Local" {
		return nil, fmt.Errorf("load time zone %q: not an IANA zone name", name)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if loc, ok := c.zones[name]; ok {
		return loc, nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("load time zone %q: %w", name, err)
	}
	c.zones[name] = loc
	return loc, nil
}

// reentrant returns copies of hs whose date functions work on a private
// copy of the holiday. rickar/cal v2.1.13's Japanese equinox functions write
// the computed day into the shared *Holiday before reading it back, so two
// goroutines computing different years can swap equinox dates (the race
// detector flags it); copying per call makes the calendar safe to share.
func reentrant(hs []*cal.Holiday) []*cal.Holiday {
	out := make([]*cal.Holiday, 0, len(hs))
	for _, h := range hs {
		c := *h
		if f := h.Func; f != nil {
			c.Func = func(h *cal.Holiday, year int) time.Time {
				private := *h
				return f(&private, year)
			}
		}
		out = append(out, &c)
	}
	return out
}
