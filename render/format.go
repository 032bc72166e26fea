package render

import (
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"
)

// locale is what the template functions need to know about a variant's
// language tag. Languages without their own formats fall back to English:
// a readable date beats an error at send time.
type locale struct {
	lang     string // base language: "en", "ja", "th", "id", "fil", …
	usDates  bool   // month first: en-US
	gregory  bool   // th with -u-ca-gregory: Common Era instead of Buddhist Era
	listSep  string // between list items but the last two
	listLast string // between the last two list items
}

func newLocale(tag string) locale {
	t, err := language.Parse(tag)
	if err != nil {
		t = language.English
	}
	base, _ := t.Base()
	l := locale{lang: base.String(), listSep: ", ", listLast: " and "}
	if region, conf := t.Region(); conf == language.Exact && region.String() == "US" {
		l.usDates = true
	}
	l.gregory = t.TypeForKey("ca") == "gregory"
	// List patterns follow CLDR's "standard" lists, except English, where we
	// drop the serial comma as most formal British and Asian-English
	// notices do ("name, email address and postal address").
	switch l.lang {
	case "ja":
		l.listSep, l.listLast = "、", "、"
	case "th":
		l.listSep, l.listLast = " ", " และ"
	case "id":
		l.listSep, l.listLast = ", ", ", dan "
	case "fil":
		l.listSep, l.listLast = ", ", ", at "
	}
	return l
}

// monthName is a switch rather than a table so that there is no package
// state to mutate.
func monthName(lang string, m time.Month) string {
	switch lang {
	case "th":
		return [...]string{"มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"}[m-1]
	case "id":
		return [...]string{"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"}[m-1]
	case "fil":
		return [...]string{"Enero", "Pebrero", "Marso", "Abril", "Mayo", "Hunyo", "Hulyo", "Agosto", "Setyembre", "Oktubre", "Nobyembre", "Disyembre"}[m-1]
	}
	return m.String()
}

// date formats the calendar date of t, in t's own location, as a long date:
//
//	en     11 June 2020         en-US  June 11, 2020
//	ja     2020年6月11日          id     11 Juni 2020
//	fil    Hunyo 11, 2020
//	th     11 มิถุนายน พ.ศ. 2563   (Buddhist Era, as Thai official letters use;
//	th-u-ca-gregory              11 มิถุนายน ค.ศ. 2020 — the era is always named)
//
// The zero time formats as "" so that an unknown date leaves a gap, not
// "1 January 0001". Callers convert times to the organisation's zone first;
// date-only events are midnight UTC and format as their own date.
func (l locale) date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	y, m, d := t.Date()
	day, year, month := strconv.Itoa(d), strconv.Itoa(y), monthName(l.lang, m)
	switch l.lang {
	case "ja":
		return year + "年" + strconv.Itoa(int(m)) + "月" + day + "日"
	case "th":
		if l.gregory {
			return day + " " + month + " ค.ศ. " + year
		}
		return day + " " + month + " พ.ศ. " + strconv.Itoa(y+543)
	case "id":
		return day + " " + month + " " + year
	case "fil":
		return month + " " + day + ", " + year
	}
	if l.usDates {
		return month + " " + day + ", " + year
	}
	return day + " " + month + " " + year
}

// number formats n with thousands separators: "26,000", or "26.000" in
// Indonesian, which groups with dots.
func (l locale) number(n int) string {
	sep := ","
	if l.lang == "id" {
		sep = "."
	}
	s := strconv.Itoa(n)
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return sign + b.String()
}

// list joins items as a sentence would, in the locale's pattern:
// "a, b and c", "a、b、c", "a b และc", "a, b, dan c", "a, b, at c".
func (l locale) list(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	case 2:
		// CLDR's two-item patterns have no comma: "a dan b", "a at b", "aและb".
		last := strings.TrimPrefix(l.listLast, ",")
		if l.lang == "th" {
			last = "และ"
		}
		return items[0] + last + items[1]
	}
	n := len(items)
	return strings.Join(items[:n-1], l.listSep) + l.listLast + items[n-1]
}
