package jobs_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/holidays"
	"github.com/candor-dev/candor/internal/smtptest"
	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/jobs"
	"github.com/candor-dev/candor/jurisdictions"
	cmail "github.com/candor-dev/candor/mail"
	"github.com/candor-dev/candor/store"
	"github.com/hibiken/asynq"
)

// reminderEnv is the reminder task over a real database and a real SMTP
// server on loopback.
type reminderEnv struct {
	t   *testing.T
	db  *store.DB
	srv *smtptest.Server
	r   *jobs.Reminder
}

func newReminderEnv(t *testing.T, db *store.DB, set ...func(*jobs.ReminderConfig)) *reminderEnv {
	t.Helper()
	srv := smtptest.Start(t)
	cfg, err := cmail.ParseURL(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	sender, err := cmail.NewSMTPSender(cfg, "candor.test", cmail.DKIMConfig{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sender.Close() })
	rules, err := jurisdictions.Load()
	if err != nil {
		t.Fatal(err)
	}
	rc := jobs.ReminderConfig{Rules: rules, Calendar: holidays.New(),
		From: cmail.Address{Name: "Example Corp", Email: "notices@example.com"}, BaseURL: "https://candor.example.com/",
		Logger: quiet}
	for _, f := range set {
		f(&rc)
	}
	r := jobs.NewReminder(rc, db, sender)
	return &reminderEnv{t: t, db: db, srv: srv, r: r}
}

func (e *reminderEnv) run(now time.Time) jobs.RunStats {
	e.t.Helper()
	st, err := e.r.Run(context.Background(), now)
	if err != nil {
		e.t.Fatalf("run at %s: %v", now, err)
	}
	return st
}

// incident creates an incident with two customers in Germany, so that the
// GDPR's 72 hours apply: Art. 33 to the authority (hard) and Art. 34 to
// individuals (soft, if high risk).
func (e *reminderEnv) incident(discovered time.Time, owner string, legal ...string) string {
	e.t.Helper()
	if legal == nil {
		legal = []string{}
	}
	in, err := e.db.CreateIncident(testenv.Actor(candor.RoleComms), candor.Incident{Title: "Stolen laptop\nwith HR files",
		DiscoveredAt: discovered, Severity: "high", DataCategories: []string{"contact_details"},
		OwnerEmail: owner, LegalContacts: legal})
	if err != nil {
		e.t.Fatal(err)
	}
	testenv.Customers(e.t, e.db, in.ID, "DE", "", "email", 2)
	return in.ID
}

func TestRemindersOncePerObligationMarkAndPerson(t *testing.T) {
	for name, db := range testenv.Stores(t) {
		t.Run(name, func(t *testing.T) {
			e := newReminderEnv(t, db)
			d := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
			at := func(h float64) time.Time { return d.Add(time.Duration(h * float64(time.Hour))) }
			id := e.incident(d, "owner@example.com", "Legal@example.com", "dpo@example.com", "OWNER@example.com")
			e.incident(time.Date(2020, 6, 11, 0, 0, 0, 0, time.UTC), "owner@example.com") // long overdue: no reminders
			e.incident(d, "")                                                             // nobody to remind

			steps := []struct {
				name   string
				now    time.Time
				before func()
				sent   int
				failed int
				total  int // messages the server holds afterwards
			}{
				{"before half time", at(35.9), nil, 0, 0, 0},
				{"half time: two duties to three people, one digest each", at(40), nil, 3, 0, 3},
				{"the same again sends nothing", at(40), nil, 0, 0, 3},
				{"later, still before 80%", at(57), nil, 0, 0, 3},
				{"80%", at(60), nil, 3, 0, 6},
				{"80% again", at(61), nil, 0, 0, 6},
				{"due: the authority was told, so only Art. 34 remains; the DPO's mailbox fails", at(73), func() {
					reg, disc := testenv.Send(t, db, id, "regulator_report", "")
					testenv.Deliveries(t, db, testenv.Delivery{SendID: reg, DisclosureID: disc, IncidentID: id,
						RecipientKey: "regulator:EU", Status: "sent", SentAt: at(62)})
					e.srv.SetDecider(func(a smtptest.Attempt) error {
						if a.Stage == smtptest.StageRcpt && a.Rcpt == "dpo@example.com" {
							return smtptest.Reply(451, "4.2.1", "mailbox busy")
						}
						return nil
					})
				}, 2, 1, 8},
				{"the failed one is tried again next run", at(73.02), nil, 0, 1, 8},
				{"and goes once the mailbox answers", at(73.04), func() { e.srv.SetDecider(nil) }, 1, 0, 9},
				{"nothing after that", at(80), nil, 0, 0, 9},
			}
			for _, s := range steps {
				if s.before != nil {
					s.before()
				}
				st := e.run(s.now)
				if st.Sent != s.sent || st.Failed != s.failed || e.srv.Count() != s.total {
					t.Fatalf("%s: sent %d failed %d (server holds %d), want %d %d (%d)", s.name, st.Sent, st.Failed, e.srv.Count(), s.sent, s.failed, s.total)
				}
			}
			for addr, n := range map[string]int{"owner@example.com": 3, "legal@example.com": 3, "dpo@example.com": 3} {
				if got := e.srv.CountFor(addr); got != n {
					t.Errorf("%s got %d reminders, want %d", addr, got, n)
				}
			}
			for _, m := range e.srv.Messages() {
				if n := e.srv.CountMessageID(m.MessageID); n != 1 {
					t.Errorf("Message-ID %s accepted %d times", m.MessageID, n)
				}
			}
			rems, err := db.ListReminders(context.Background(), id)
			if err != nil || len(rems) != 15 {
				t.Fatalf("%d reminders logged, want 15 (%v)", len(rems), err)
			}
			for _, r := range rems {
				if r.SentAt == nil || strings.Contains(r.Recipient, "@") {
					t.Errorf("reminder row %+v", r)
				}
			}

			// What an 80% reminder says.
			var found bool
			for _, m := range e.srv.Messages() {
				p := parseMessage(t, m.Data)
				if !strings.Contains(p.subject, "80% of the time used") || m.To[0] != "owner@example.com" {
					continue
				}
				found = true
				for _, want := range []string{"2 deadline reminders; first: 80% of the time used", "Stolen laptop with HR files", "EU", "hard deadline", "2026-03-05 09:00 UTC"} {
					if !strings.Contains(p.subject, want) {
						t.Errorf("subject %q lacks %q", p.subject, want)
					}
				}
				text, html := p.parts["text/plain"], p.parts["text/html"]
				for _, want := range []string{"2 deadline reminders, in 1 incident", "-- 1 of 2 --", "-- 2 of 2 --", "80% of the time to this deadline has passed", "GDPR", "Art. 33", "Art. 34", "HARD deadline", "SOFT target",
					"Thu 5 Mar 2026 09:00 UTC", "72 hours from awareness", "Time left:    12 hours\n", "Incident:     Stolen laptop with HR files\n",
					"https://candor.example.com/console/incidents/" + id + "/deadlines", "not legal advice"} {
					if !strings.Contains(text, want) {
						t.Errorf("text lacks %q:\n%s", want, text)
					}
				}
				if !strings.Contains(html, "<strong>hard</strong>") || !strings.Contains(html, "Stolen laptop") {
					t.Errorf("html:\n%s", html)
				}
				if p.header.Get("X-Candor-Incident") != id || p.header.Get("Auto-Submitted") != "auto-generated" || p.header.Get("X-Candor-Reminders") != "2" {
					t.Errorf("headers %v", p.header)
				}
			}
			if !found {
				t.Error("no 80% reminder for GDPR Art. 33")
			}
		})
	}
}

// A refused address is not hammered every minute: its claim is kept until
// it goes stale.
func TestReminderRefusedAddressWaitsForTheClaimTimeout(t *testing.T) {
	e := newReminderEnv(t, testenv.Open(t, testenv.SQLite(t)))
	d := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	e.incident(d, "gone@example.com")
	e.srv.SetDecider(func(a smtptest.Attempt) error {
		if a.Stage == smtptest.StageRcpt {
			return smtptest.Reply(550, "5.1.1", "no such mailbox")
		}
		return nil
	})
	now := d.Add(40 * time.Hour)
	if st := e.run(now); st.Failed != 1 {
		t.Fatalf("first run: %+v", st)
	}
	if st := e.run(now.Add(time.Minute)); st.Failed != 0 || e.srv.Attempts("gone@example.com") != 1 {
		t.Fatalf("retried at once: %+v, %d attempts", st, e.srv.Attempts("gone@example.com"))
	}
	if st := e.run(now.Add(11 * time.Minute)); st.Failed != 1 {
		t.Fatalf("not retried after the claim timeout: %+v", st)
	}
}

// Two schedulers enqueue the same minute's tick: Redis keeps one, by the
// tick's task id (TestTwoSchedulersEnqueueEachTickOnce runs real ones).
func TestRemindTaskIsEnqueuedOncePerTick(t *testing.T) {
	rd := testenv.StartRedis(t)
	opt, err := jobs.ParseRedisURL(rd.URL(), jobs.RedisOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p := jobs.RemindPeriodic()
	if p.Task.Type() != jobs.TypeRemind {
		t.Fatalf("periodic %+v", p)
	}
	s, err := jobs.NewScheduler(opt, quiet, p)
	if err != nil {
		t.Fatalf("register %q: %v", p.Cron, err)
	}
	s.Shutdown()
	c := asynq.NewClient(opt)
	defer c.Close()
	tick := time.Date(2026, 3, 2, 9, 1, 0, 0, time.UTC)
	opts := append(append([]asynq.Option{}, p.Opts...), asynq.TaskID(jobs.TickID(p.Task.Type(), tick)))
	if _, err := c.Enqueue(p.Task, opts...); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Enqueue(p.Task, opts...); !errors.Is(err, asynq.ErrTaskIDConflict) {
		t.Fatalf("second enqueue of the same tick: %v", err)
	}
}

type parsedMessage struct {
	header  mail.Header
	subject string
	parts   map[string]string
}

// parseMessage takes a received message apart with the standard library.
func parseMessage(t *testing.T, raw []byte) parsedMessage {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("parse message: %v", err)
	}
	var dec mime.WordDecoder
	subject, err := dec.DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	p := parsedMessage{header: m.Header, subject: subject, parts: map[string]string{}}
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil || !strings.HasPrefix(mt, "multipart/") {
		t.Fatalf("content type %q: %v", mt, err)
	}
	mr := multipart.NewReader(m.Body, params["boundary"])
	for {
		part, err := mr.NextRawPart()
		if err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		var r io.Reader = part
		switch strings.ToLower(part.Header.Get("Content-Transfer-Encoding")) {
		case "quoted-printable":
			r = quotedprintable.NewReader(part)
		case "base64":
			r = base64.NewDecoder(base64.StdEncoding, part)
		}
		b, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		pt, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type"))
		p.parts[pt] = strings.ReplaceAll(string(b), "\r\n", "\n")
	}
	return p
}
