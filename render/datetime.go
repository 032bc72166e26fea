package render

import (
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// datetime formats t, in t's own location, as a date and a time of day
// with the zone named, since a bare clock time in a notice read in another
// country is ambiguous:
//
//	en  11 June 2020, 09:00 JST          ja  2020年6月11日 9時00分（JST）
//	th  11 มิถุนายน พ.ศ. 2563 เวลา 09:00 น. (UTC+07:00)
//	id  11 Juni 2020 pukul 09.00 WIB     fil Hunyo 11, 2020, 09:00 PST
//
// The zero time formats as "".
func (l locale) datetime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	d, zone := l.date(t), ZoneName(t)
	hh, mm := t.Hour(), t.Minute()
	two := func(n int) string {
		if n < 10 {
			return "0" + strconv.Itoa(n)
		}
		return strconv.Itoa(n)
	}
	switch l.lang {
	case "ja":
		return d + " " + strconv.Itoa(hh) + "時" + two(mm) + "分（" + zone + "）"
	case "th":
		return d + " เวลา " + two(hh) + ":" + two(mm) + " น. (" + zone + ")"
	case "id":
		return d + " pukul " + two(hh) + "." + two(mm) + " " + zone
	}
	return d + ", " + two(hh) + ":" + two(mm) + " " + zone
}

// ZoneName is the name of t's zone as a reader sees it: the abbreviation
// where the time zone database has a lettered one (JST, WIB, PST, CET),
// else its offset as UTC+07:00: Go prints "+07" for zones without letters,
// which a reader cannot place.
func ZoneName(t time.Time) string {
	abbr := t.Format("MST")
	if abbr == "" || strings.ContainsAny(abbr[:1], "+-0123456789") {
		if _, off := t.Zone(); off == 0 {
			return "UTC"
		}
		return "UTC" + t.Format("-07:00")
	}
	return abbr
}

// country names an ISO 3166-1 country in the locale's language ("JP" →
// "Japan", "日本", "ญี่ปุ่น"); a region code ("US-CA") or an unknown code
// is returned as written.
func (l locale) country(code string) string {
	r, err := language.ParseRegion(code)
	if err != nil || len(code) != 2 {
		return code
	}
	tag, err := language.Parse(l.lang)
	if err != nil {
		tag = language.English
	}
	if n := display.Regions(tag).Name(r); n != "" {
		return n
	}
	if n := display.Regions(language.English).Name(r); n != "" {
		return n
	}
	return code
}
