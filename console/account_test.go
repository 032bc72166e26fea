package console_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	ics "github.com/arran4/golang-ical"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/api"
	"github.com/candor-dev/candor/internal/testenv"
)

var calendarRe = regexp.MustCompile(`id="calendar-url">([^<]+)<`)

// TestCalendarURL: a person's subscription URL serves the deadlines of
// every incident as strict iCalendar, without a session; a new URL or a
// revocation makes the old one a 404 at once, and so does disabling them.
func TestCalendarURL(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e := setup(t, testenv.Open(t, d), api.RateLimits{}, false)
			b := signedIn(t, e, "en")
			page(t, b, "/console/account", "Calendar subscription", "You have no calendar address.")
			make := func() string {
				res, body := b.form("/console/account", "/console/account/calendar", url.Values{})
				m := calendarRe.FindStringSubmatch(body)
				if res.StatusCode != 200 || m == nil {
					t.Fatalf("make a calendar URL: %d\n%s", res.StatusCode, body)
				}
				return m[1]
			}
			u := make()
			if !strings.HasPrefix(u, e.srv.URL+"/calendar/") || !strings.HasSuffix(u, ".ics") || len(u)-len(e.srv.URL+"/calendar/.ics") < 43 {
				t.Fatalf("calendar URL %q (want a 256-bit secret)", u)
			}
			if strings.Contains(page(t, b, "/console/account", "You have a calendar address."), u) {
				t.Error("the URL is shown twice")
			}
			body := calendarFeed(t, u, http.StatusOK)
			cal, err := ics.ParseCalendar(strings.NewReader(body))
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			var ph int
			for _, ev := range cal.Events() {
				if strings.Contains(ev.Id(), e.incident.ID) {
					ph++
				}
				start := ev.GetProperty(ics.ComponentPropertyDtStart)
				if start == nil || !strings.HasSuffix(start.Value, "Z") {
					t.Errorf("event %s: DTSTART %v is not UTC", ev.Id(), start)
				}
			}
			if ph == 0 || !strings.Contains(body, "BEGIN:VALARM") && !strings.Contains(body, "MET LATE") {
				t.Errorf("no events of the incident:\n%s", body)
			}
			for i, line := range strings.Split(strings.TrimSuffix(body, "\r\n"), "\r\n") {
				if len(line) > 75 || strings.Contains(line, "\n") {
					t.Errorf("line %d is %d octets or has a bare LF: %q", i, len(line), line)
				}
			}
			// A new URL: the old one is gone at once.
			u2 := make()
			calendarFeed(t, u, http.StatusNotFound)
			calendarFeed(t, u2, http.StatusOK)
			// A disabled person's URL stops working.
			rita := pplPersonID(t, e, e.email)
			e.db.Gorm().Exec("UPDATE people SET disabled_at = CURRENT_TIMESTAMP WHERE id = ?", rita)
			calendarFeed(t, u2, http.StatusNotFound)
			e.db.Gorm().Exec("UPDATE people SET disabled_at = NULL WHERE id = ?", rita)
			calendarFeed(t, u2, http.StatusOK)
			b = signedIn(t, e, "en")
			if res, _ := b.form("/console/account", "/console/account/calendar/revoke", url.Values{}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("revoke: %d", res.StatusCode)
			}
			calendarFeed(t, u2, http.StatusNotFound)
			page(t, b, "/console/account?done=calendar_revoked", "The calendar address is revoked")
			pplAudited(t, e, "person.calendar_revoke", rita)
			calendarFeed(t, e.srv.URL+"/calendar/nothing.ics", http.StatusNotFound)
		})
	}
}

func calendarFeed(t *testing.T, u string, want int) string {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var sb strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := res.Body.Read(buf)
		sb.Write(buf[:n])
		if err != nil {
			break
		}
	}
	if res.StatusCode != want {
		t.Fatalf("GET %s: %d, want %d", u, res.StatusCode, want)
	}
	if want == 200 && (!strings.HasPrefix(res.Header.Get("Content-Type"), "text/calendar") || !strings.Contains(res.Header.Get("Cache-Control"), "no-store")) {
		t.Errorf("headers %v", res.Header)
	}
	return sb.String()
}

// TestCalendarRateLimited: the feed is counted per address like the
// public statement pages.
func TestCalendarRateLimited(t *testing.T) {
	e := setup(t, testenv.Open(t, testenv.SQLite(t)), api.RateLimits{Public: 2}, true)
	secret, err := e.db.NewCalendarSecret(testenv.Actor(candor.RoleAdmin), pplPersonID(t, e, e.email))
	if err != nil {
		t.Fatal(err)
	}
	u := e.srv.URL + "/calendar/" + secret + ".ics"
	calendarFeed(t, u, 200)
	calendarFeed(t, u, 200)
	calendarFeed(t, u, http.StatusTooManyRequests)
}
