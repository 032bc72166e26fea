package render

import (
	"testing"
	"time"
)

func TestDatetimeNamesTheZone(t *testing.T) {
	at := func(zone, s string) time.Time {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Fatal(err)
		}
		v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct {
		loc  string
		t    time.Time
		want string
	}{
		{"en", at("Asia/Tokyo", "2020-06-11 09:00"), "11 June 2020, 09:00 JST"},
		{"ja", at("Asia/Tokyo", "2020-06-11 09:05"), "2020年6月11日 9時05分（JST）"},
		{"th", at("Asia/Bangkok", "2020-06-11 07:30"), "11 มิถุนายน พ.ศ. 2563 เวลา 07:30 น. (UTC+07:00)"},
		{"id", at("Asia/Jakarta", "2020-06-11 07:30"), "11 Juni 2020 pukul 07.30 WIB"},
		{"en", at("UTC", "2020-06-11 00:00"), "11 June 2020, 00:00 UTC"},
		{"en", time.Time{}, ""},
	} {
		if got := newLocale(tc.loc).datetime(tc.t); got != tc.want {
			t.Errorf("%s %v: got %q, want %q", tc.loc, tc.t, got, tc.want)
		}
	}
}

func TestCountryInTheReadersLanguage(t *testing.T) {
	for _, tc := range []struct{ loc, code, want string }{
		{"en", "JP", "Japan"}, {"ja", "JP", "日本"}, {"th", "JP", "ญี่ปุ่น"}, {"ja", "US-CA", "US-CA"}, {"en", "zz9", "zz9"},
	} {
		if got := newLocale(tc.loc).country(tc.code); got != tc.want {
			t.Errorf("%s %s: got %q, want %q", tc.loc, tc.code, got, tc.want)
		}
	}
}
