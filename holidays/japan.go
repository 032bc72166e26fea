package holidays

import (
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/jp"
)

// japan returns rickar/cal's Japanese holidays with two corrections:
//
//   - Mountain Day: the Act on Special Measures for the Tokyo 2020 Olympic
//     and Paralympic Games (平成27年法律第33号, as amended by 平成30年法律第55号
//     for 2020 and 令和2年法律第68号 for 2021) moved it to Monday 10 August 2020 and Sunday
//     8 August 2021 (with Monday 9 August the substitute holiday under the
//     National Holidays Act art. 3(2)); rickar/cal v2.1.13 keeps 11 August
//     in both years. The same act moved Marine Day to 23 July 2020 and
//     22 July 2021 and Sports Day to 24 July 2020 and 23 July 2021, which
//     rickar/cal already has.
//   - The Emperor's Birthday: 23 December until 2018 (Akihito), none in
//     2019 (Naruhito acceded on 1 May 2019 after it), 23 February from 2020.
//     rickar/cal keeps 23 December 2019.
func japan() []*cal.Holiday {
	out := make([]*cal.Holiday, 0, len(jp.Holidays))
	for _, h := range jp.Holidays {
		switch h {
		case jp.MountainDay:
			out = append(out, mountainDay)
		case jp.TheEmperorsBirthday:
			out = append(out, emperorsBirthday)
		default:
			out = append(out, h)
		}
	}
	return out
}

// withFunc copies h with another date function (Holiday.Clone ignores a
// Func override).
func withFunc(h *cal.Holiday, f func(*cal.Holiday, int) time.Time) *cal.Holiday {
	c := h.Clone(nil)
	c.Func = f
	return c
}

var mountainDay = withFunc(jp.MountainDay,
	func(h *cal.Holiday, year int) time.Time {
		d := *h
		switch year {
		case 2020:
			d.Day = 10
		case 2021:
			d.Day = 8
		}
		return cal.CalcDayOfMonth(&d, year)
	})

var emperorsBirthday = withFunc(jp.TheEmperorsBirthday,
	func(h *cal.Holiday, year int) time.Time {
		d := *h
		switch {
		case year == 2019:
			return time.Time{}
		case year < 2019:
			d.Month, d.Day = time.December, 23
		}
		return cal.CalcDayOfMonth(&d, year)
	})

// govClosure is the year-end and New Year closure of Japan's government
// offices, 29 December to 3 January (Act on Holidays of Administrative
// Organs, 昭和63年法律第91号 art. 1(1)(iii)); 1 January is already a
// national holiday. A filing deadline that falls on it moves to the next
// open day (art. 2).
func govClosure() []*cal.Holiday {
	var out []*cal.Holiday
	for _, d := range []struct {
		m   time.Month
		day int
	}{{time.December, 29}, {time.December, 30}, {time.December, 31}, {time.January, 2}, {time.January, 3}} {
		out = append(out, &cal.Holiday{Name: "Year-end and New Year closure (行政機関の休日)",
			Type: cal.ObservancePublic, Month: d.m, Day: d.day, Func: cal.CalcDayOfMonth})
	}
	return out
}
