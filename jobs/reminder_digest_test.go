package jobs_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/jobs"
)

// 302 reminders (151 incidents with two GDPR duties each, each incident its
// own owner) are 151 digests, and they go through the shared mail rate
// limit: at 20 a second, no more than the limiter's burst and one second's
// rate arrive in the first second, not all 302 at once.
func TestRemindersGoThroughTheMailLimiter(t *testing.T) {
	for name, db := range testenv.Stores(t) {
		t.Run(name, func(t *testing.T) {
			const rate, incidents = 20, 151
			rd := testenv.StartRedis(t)
			e := newReminderEnv(t, db, func(c *jobs.ReminderConfig) { c.Limiter = jobs.NewLimiter(rd.Client(), rate) })
			d := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
			for i := range incidents {
				e.incident(d, fmt.Sprintf("owner%d@example.com", i))
			}
			type result struct {
				st  jobs.RunStats
				err error
			}
			done := make(chan result, 1)
			start := time.Now()
			go func() {
				st, err := e.r.Run(context.Background(), d.Add(40*time.Hour))
				done <- result{st, err}
			}()
			res := <-done
			if res.err != nil {
				t.Fatal(res.err)
			}
			// Sending starts once every incident has been looked at; count
			// from the first message the server accepted.
			first, last := e.srv.Span()
			inFirstSecond := 0
			for _, m := range e.srv.Messages() {
				if m.At.Before(first.Add(time.Second)) {
					inFirstSecond++
				}
			}
			took := last.Sub(first)
			t.Logf("%d reminders in %d messages; %d in the first second of sending, all in %s (run %s)", res.st.Reminders, res.st.Sent,
				inFirstSecond, took.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
			if res.st.Reminders != 2*incidents || res.st.Sent != incidents || e.srv.Count() != incidents {
				t.Fatalf("stats %+v, server holds %d; want %d reminders in %d messages", res.st, e.srv.Count(), 2*incidents, incidents)
			}
			if inFirstSecond > 2*rate+10 {
				t.Errorf("%d messages in the first second at a rate of %d/s", inFirstSecond, rate)
			}
			if min := time.Duration(incidents-rate-1) * time.Second / rate; took < min {
				t.Errorf("%d messages took %s, under the %s the rate allows", incidents, took, min)
			}
			for i := range incidents {
				if n := e.srv.CountFor(fmt.Sprintf("owner%d@example.com", i)); n != 1 {
					t.Fatalf("owner%d got %d messages", i, n)
				}
			}
		})
	}
}

// A person on many incidents gets one digest per run listing all their due
// reminders, at most 200 (the most urgent); the rest come in the next run.
func TestReminderDigestOnePerContactPerRun(t *testing.T) {
	for name, db := range testenv.Stores(t) {
		t.Run(name, func(t *testing.T) {
			e := newReminderEnv(t, db)
			d := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
			const incidents = 101 // two duties each: 202 reminders per person
			for i := range incidents {
				// A later discovery: later due dates, so the first 200 are
				// the first 100 incidents.
				e.incident(d.Add(time.Duration(i)*time.Second), "owner@example.com", "legal@example.com")
			}
			now := d.Add(40 * time.Hour)
			st := e.run(now)
			if st.Sent != 2 || st.Reminders != 400 || e.srv.Count() != 2 {
				t.Fatalf("first run: %+v, server holds %d; want 2 digests of 200", st, e.srv.Count())
			}
			for _, m := range e.srv.Messages() {
				p := parseMessage(t, m.Data)
				text := p.parts["text/plain"]
				if !strings.Contains(text, "200 deadline reminders, in 100 incidents") || !strings.Contains(text, "-- 200 of 200 --") ||
					p.header.Get("X-Candor-Reminders") != "200" || !strings.HasPrefix(p.subject, "[Candor] 200 deadline reminders; first: 50% of the time used") {
					t.Errorf("digest to %v: subject %q\n%.600s", m.To, p.subject, text)
				}
			}
			st = e.run(now.Add(time.Minute))
			if st.Sent != 2 || st.Reminders != 4 || e.srv.Count() != 4 {
				t.Fatalf("second run: %+v, server holds %d; want the 2 left each", st, e.srv.Count())
			}
			if st := e.run(now.Add(2 * time.Minute)); st.Sent != 0 {
				t.Fatalf("third run sent %+v", st)
			}
			for _, addr := range []string{"owner@example.com", "legal@example.com"} {
				if n := e.srv.CountFor(addr); n != 2 {
					t.Errorf("%s got %d messages, want 2", addr, n)
				}
			}
			for _, m := range e.srv.Messages() {
				if n := e.srv.CountMessageID(m.MessageID); n != 1 {
					t.Errorf("Message-ID %s accepted %d times", m.MessageID, n)
				}
			}
		})
	}
}

// Contacts stored before CANDOR_CONTACT_DOMAINS was set, outside it, are
// not mailed; those inside are.
func TestRemindersOnlyWithinContactDomains(t *testing.T) {
	e := newReminderEnv(t, testenv.Open(t, testenv.SQLite(t)), func(c *jobs.ReminderConfig) {
		c.ContactDomains = candor.ContactDomains{"example.com"}
	})
	d := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	e.incident(d, "owner@legal.example.com", "x@attacker.test", "y@example.com.attacker.test")
	if st := e.run(d.Add(40 * time.Hour)); st.Sent != 1 || e.srv.CountFor("owner@legal.example.com") != 1 {
		t.Fatalf("%+v; recipients %v", st, e.srv.Recipients())
	}
	if n := e.srv.Attempts("x@attacker.test") + e.srv.Attempts("y@example.com.attacker.test"); n != 0 {
		t.Errorf("%d attempts outside the contact domains", n)
	}
}
