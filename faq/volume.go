package faq

import (
	"slices"
	"time"

	"github.com/candor-dev/candor"
)

// Arrival is how many notices reach people at a moment: e-mails when they
// were (or are to be) sent, letters when they are expected in the post.
type Arrival struct {
	At      time.Time
	Email   int
	Letters int
}

// Model is the planning assumption behind the expected calls: what share
// of the people a notice reaches call, and how their calls spread over the
// days after it arrives. It is an estimate for staffing a call centre,
// shown with its assumptions, not a measurement.
type Model struct {
	// Rate is the share of recipients who call (0.03: 3 in 100).
	Rate float64
	// Profile is the share of those calls on the day the notice arrives
	// and each day after; it sums to 1.
	Profile []float64
	// PostDays is how long a letter takes from the day it is mailed.
	PostDays int
}

// DefaultModel: 3% of recipients call, 40% of them on the day the notice
// arrives, then 25%, 15%, 10%, 5%, 3% and 2%; letters arrive three days
// after mailing. Breach call centres plan with rates of 1–5% (higher for
// sensitive data); adjust Rate to the incident.
var DefaultModel = Model{Rate: 0.03, Profile: []float64{0.40, 0.25, 0.15, 0.10, 0.05, 0.03, 0.02}, PostDays: 3}

// Validate says which of m's assumptions is out of bounds, as the API and
// the console both refuse it: an EINVALID error naming rate or post_days,
// or nil. A rate that is not a number (NaN) is out of bounds, so that a
// caller can pass what failed to parse as NaN and get the same message.
func (m Model) Validate() error {
	var v candor.Validation
	if !(m.Rate >= 0 && m.Rate <= 1) {
		v.Add("rate", "must be a share between 0 and 1, such as 0.03 for 3 in 100")
	}
	if m.PostDays < 0 || m.PostDays > 60 {
		v.Add("post_days", "must be a whole number of days from 0 to 60")
	}
	return v.Err()
}

// Day is one day of the estimate, in the incident's zone.
type Day struct {
	Date    string  `json:"date"` // YYYY-MM-DD
	Email   int     `json:"email"`
	Letters int     `json:"letters"`
	Calls   float64 `json:"calls"`
}

// Expected spreads the calls of each arrival over the days after it, in
// loc, and returns every day from the first arrival to the last day with
// calls. Calls are fractional: round when staffing.
func Expected(arrivals []Arrival, m Model, loc *time.Location) []Day {
	days := map[string]*Day{}
	day := func(t time.Time) *Day {
		k := t.In(loc).Format("2006-01-02")
		d, ok := days[k]
		if !ok {
			d = &Day{Date: k}
			days[k] = d
		}
		return d
	}
	for _, a := range arrivals {
		d := day(a.At)
		d.Email += a.Email
		d.Letters += a.Letters
		n := float64(a.Email+a.Letters) * m.Rate
		start := a.At.In(loc)
		for i, share := range m.Profile {
			day(start.AddDate(0, 0, i)).Calls += n * share
		}
	}
	if len(days) == 0 {
		return []Day{}
	}
	keys := make([]string, 0, len(days))
	for k := range days {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	// Fill the gaps, so that a staffing plan reads day by day.
	first, _ := time.ParseInLocation("2006-01-02", keys[0], loc)
	last, _ := time.ParseInLocation("2006-01-02", keys[len(keys)-1], loc)
	out := []Day{}
	for t := first; !t.After(last); t = t.AddDate(0, 0, 1) {
		k := t.Format("2006-01-02")
		if d, ok := days[k]; ok {
			d.Calls = float64(int(d.Calls*10+0.5)) / 10
			out = append(out, *d)
		} else {
			out = append(out, Day{Date: k})
		}
	}
	return out
}
