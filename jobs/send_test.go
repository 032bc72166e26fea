package jobs_test

import (
	"fmt"
	"log/slog"
	"mime"
	"net/mail"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/compose"
	"github.com/candor-dev/candor/internal/smtptest"
	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/jobs"
	cmail "github.com/candor-dev/candor/mail"
	"github.com/candor-dev/candor/store"
	"github.com/hibiken/asynq"
)

// pipe is the whole send pipeline on real parts: a database, a private
// redis-server, an SMTP server over TCP, and a worker processing tasks.
type pipe struct {
	t      *testing.T
	db     *store.DB
	in     candor.Incident
	smtp   *smtptest.Server
	redis  *testenv.Redis
	sender *jobs.Sender
	emails []string // the email customers' addresses
}

type pipeOpts struct {
	customers int
	rate      float64
	smtp      []smtptest.Option
	// incident and events replace the default incident and its one event;
	// csv, the generated customers.
	incident *candor.Incident
	events   []candor.Event
	csv      string
	// redis, when set, is the Redis to use (a cluster, a Sentinel-watched
	// master) instead of a private redis-server; p.redis is then nil.
	redis asynq.RedisConnOpt
	// memory is the sender's memory budget; 0: the default.
	memory int64
}

func newPipe(t *testing.T, d testenv.DB, o pipeOpts) *pipe {
	t.Helper()
	db := testenv.Open(t, d)
	db.SetKeyring(testenv.Keyring(t))
	ctx := testenv.Actor(candor.RoleLegal)
	want := candor.Incident{Title: "Unauthorized access", Severity: "high",
		DiscoveredAt: time.Date(2020, 6, 11, 0, 0, 0, 0, time.UTC), DataCategories: []string{"name", "email"}}
	events := []candor.Event{{OccurredOn: "2020-06-11", Description: "Unauthorized access identified", Public: true}}
	if o.incident != nil {
		want, events = *o.incident, o.events
	}
	in, err := db.CreateIncident(ctx, want)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range events {
		if _, err := db.CreateEvent(ctx, in.ID, e); err != nil {
			t.Fatal(err)
		}
	}
	p := &pipe{t: t, db: db, in: in}
	var csv strings.Builder
	csv.WriteString("external_id,name,email,country,locale\n")
	locales := []struct{ country, locale string }{{"JP", "ja"}, {"US", "en"}, {"TH", "th"}}
	for i := range o.customers {
		l := locales[i%len(locales)]
		email := fmt.Sprintf("customer%d@example.com", i)
		if i%25 == 24 {
			email = "" // a postal customer: never mailed
		} else {
			p.emails = append(p.emails, email)
		}
		fmt.Fprintf(&csv, "c%d,Customer %d,%s,%s,%s\n", i, i, email, l.country, l.locale)
	}
	if o.csv != "" {
		csv.Reset()
		csv.WriteString(o.csv)
	}
	testenv.ImportCSV(t, db, in.ID, csv.String())

	p.smtp = smtptest.Start(t, o.smtp...)
	ropt := o.redis
	if ropt == nil {
		p.redis = testenv.StartRedis(t)
		ropt = asynq.RedisClientOpt{Addr: p.redis.Addr()}
	}
	cfg, err := cmail.ParseURL(p.smtp.URL() + "&pool=4&timeout=5s")
	if err != nil {
		t.Fatal(err)
	}
	m, err := cmail.NewSMTPSender(cfg, "notify.example.com", cmail.DKIMConfig{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	client := asynq.NewClient(ropt)
	t.Cleanup(func() { client.Close() })
	rdb := jobs.NewRedisClient(ropt)
	t.Cleanup(func() { rdb.Close() })
	rate := o.rate
	if rate == 0 {
		rate = 100000
	}
	p.sender = jobs.NewSender(jobs.SenderConfig{
		From:      cmail.Address{Name: "Example Corp", Email: "notices@example.com"},
		ReplyTo:   cmail.Address{Name: "Example Corp", Email: "privacy@example.com"},
		Org:       compose.Org("Example Corp", "privacy@example.com", "", ""),
		MsgDomain: "notify.example.com", ChunkSize: 50, Parallel: 4, Logger: testLogger(), Memory: o.memory,
	}, db, client, m, jobs.NewLimiter(rdb, rate))
	w := jobs.NewWorker(ropt, jobs.WorkerConfig{Concurrency: 6, ShutdownTimeout: 5 * time.Second, Logger: testLogger(),
		RetryDelay: func(int, error, *asynq.Task) time.Duration { return 300 * time.Millisecond }}, p.sender.Handlers()...)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Shutdown)
	return p
}

// send creates and schedules a send of a freshly approved customer notice.
func (p *pipe) send(d candor.Disclosure) candor.Send {
	p.t.Helper()
	ctx := testenv.Actor(candor.RoleLegal)
	s, err := p.db.CreateSend(ctx, store.NewSend{DisclosureID: d.ID, IncidentID: p.in.ID, Kind: string(d.Kind),
		Revision: d.ApprovedRevision, SendAt: time.Now()})
	if err != nil {
		p.t.Fatal(err)
	}
	if err := p.sender.Schedule(ctx, s, 0); err != nil {
		p.t.Fatal(err)
	}
	return s
}

func (p *pipe) notice() candor.Disclosure {
	return testenv.ApprovedDisclosure(p.t, p.db, p.in.ID, candor.KindCustomerNotice, nil)
}

// wait polls the send until cond holds or the timeout passes.
func (p *pipe) wait(id string, timeout time.Duration, what string, cond func(candor.Send) bool) candor.Send {
	p.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		s, err := p.db.GetSend(testenv.Actor(candor.RoleViewer), id)
		if err != nil {
			p.t.Fatal(err)
		}
		if cond(s) {
			return s
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("send did not reach %s within %s: %+v", what, timeout, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func completed(s candor.Send) bool { return s.State == candor.SendCompleted }

func TestSendDeliversEachCustomerOnce(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			p := newPipe(t, d, pipeOpts{customers: 300})
			notice := p.notice()
			s := p.wait(p.send(notice).ID, 60*time.Second, "completed", completed)
			if s.Total != len(p.emails) || s.Sent != len(p.emails) || s.Pending+s.Sending+s.Failed != 0 {
				t.Fatalf("counts: %+v, want %d sent", s.SendCounts, len(p.emails))
			}
			for _, e := range p.emails {
				if n := p.smtp.CountFor(e); n != 1 {
					t.Fatalf("%s received %d messages", e, n)
				}
			}
			deliveries, err := p.db.ListDeliveries(testenv.Actor(candor.RoleViewer), s.ID, "", "", 1000)
			if err != nil {
				t.Fatal(err)
			}
			byEmail := map[string]candor.Delivery{}
			for _, dl := range deliveries.Items {
				byEmail[dl.Email] = dl
				if dl.Status != candor.DeliverySent || dl.Attempts != 1 || !strings.HasPrefix(dl.Response, "250") || dl.SentAt == nil {
					t.Fatalf("delivery %+v", dl)
				}
			}
			var dec mime.WordDecoder
			for _, m := range p.smtp.Messages() {
				msg, err := mail.ReadMessage(strings.NewReader(string(m.Data)))
				if err != nil {
					t.Fatal(err)
				}
				dl := byEmail[m.To[0]]
				if msg.Header.Get("Message-Id") != dl.MessageID {
					t.Fatalf("Message-ID %q, delivery has %q", msg.Header.Get("Message-Id"), dl.MessageID)
				}
				if got := msg.Header.Get("Content-Language"); got != dl.Locale {
					t.Fatalf("%s: Content-Language %q, customer locale %q", m.To[0], got, dl.Locale)
				}
				if !strings.Contains(msg.Header.Get("Reply-To"), "privacy@example.com") {
					t.Fatalf("Reply-To %q", msg.Header.Get("Reply-To"))
				}
				subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
				if err != nil || subject == "" {
					t.Fatalf("subject %q: %v", msg.Header.Get("Subject"), err)
				}
				if dl.Locale == "ja" && !strings.ContainsFunc(subject, func(r rune) bool { return r >= 0x3000 }) {
					t.Fatalf("Japanese customer got subject %q", subject)
				}
				if !strings.Contains(msg.Header.Get("Content-Type"), "multipart/alternative") {
					t.Fatalf("Content-Type %q", msg.Header.Get("Content-Type"))
				}
			}
			// Sending the same disclosure again reaches nobody twice.
			again := p.wait(p.send(notice).ID, 30*time.Second, "completed", completed)
			if again.Total != 0 || p.smtp.Count() != len(p.emails) {
				t.Fatalf("second send: %+v, server saw %d", again.SendCounts, p.smtp.Count())
			}
			page, _ := p.db.ListCustomers(testenv.Actor(candor.RoleViewer), candor.CustomerFilter{IncidentID: p.in.ID, Status: "sent", Limit: 1000})
			if len(page.Items) != len(p.emails) {
				t.Fatalf("%d customers sent, want %d", len(page.Items), len(p.emails))
			}
			if _, err := p.db.VerifyAudit(testenv.Actor(candor.RoleViewer)); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// 451 to 20% of recipients (twice each), 550 to 2%: everyone else is
// delivered, the 550s fail with the reason after one attempt, the 451s
// succeed on their third.
func TestSendTemporaryAndPermanentFailures(t *testing.T) {
	flaky := smtptest.Flaky{Temp: 0.2, Perm: 0.02, TempTries: 2}
	p := newPipe(t, testenv.SQLite(t), pipeOpts{customers: 500, smtp: []smtptest.Option{smtptest.WithDecider(flaky.Decide)}})
	s := p.wait(p.send(p.notice()).ID, 90*time.Second, "completed", completed)
	perm, temp := 0, 0
	for _, e := range p.emails {
		switch {
		case flaky.IsPerm(e):
			perm++
		case flaky.IsTemp(e):
			temp++
		}
	}
	if perm == 0 || temp == 0 {
		t.Fatalf("the fixture gives %d permanent and %d temporary failures", perm, temp)
	}
	if s.Failed != perm || s.Sent != len(p.emails)-perm {
		t.Fatalf("counts %+v, want %d failed and %d sent", s.SendCounts, perm, len(p.emails)-perm)
	}
	page, _ := p.db.ListDeliveries(testenv.Actor(candor.RoleViewer), s.ID, "", "", 1000)
	for _, dl := range page.Items {
		switch {
		case flaky.IsPerm(dl.Email):
			if dl.Status != candor.DeliveryFailed || dl.Attempts != 1 || !strings.Contains(dl.LastError, "550") {
				t.Fatalf("permanent failure %+v", dl)
			}
		case flaky.IsTemp(dl.Email):
			if dl.Status != candor.DeliverySent || dl.Attempts != 3 {
				t.Fatalf("temporary failure %+v", dl)
			}
		}
		if n := p.smtp.CountFor(dl.Email); dl.Status == candor.DeliverySent && n != 1 {
			t.Fatalf("%s delivered %d times", dl.Email, n)
		}
	}
}

func TestSendPauseResumeCancel(t *testing.T) {
	p := newPipe(t, testenv.SQLite(t), pipeOpts{customers: 600, rate: 150})
	ctx := testenv.Actor(candor.RoleLegal)
	s := p.send(p.notice())
	p.wait(s.ID, 30*time.Second, "some progress", func(s candor.Send) bool { return s.Sent >= 60 })
	paused, err := p.db.ChangeSendState(ctx, s.ID, "pause")
	if err != nil {
		t.Fatal(err)
	}
	// In-flight chunks finish (however long a loaded machine takes);
	// then nothing moves.
	before := p.wait(s.ID, 30*time.Second, "nothing in flight", func(s candor.Send) bool { return s.Sending == 0 })
	time.Sleep(1500 * time.Millisecond)
	after, _ := p.db.GetSend(ctx, s.ID)
	if after.Sent != before.Sent || after.Pending == 0 || after.State != candor.SendPaused {
		t.Fatalf("paused send moved: %+v then %+v", before.SendCounts, after.SendCounts)
	}
	t.Logf("paused at %d sent (%d when paused)", after.Sent, paused.Sent)
	resumed, err := p.db.ChangeSendState(ctx, s.ID, "resume")
	if err != nil || resumed.State != candor.SendRunning {
		t.Fatalf("resume: %+v %v", resumed, err)
	}
	if err := p.sender.Resume(ctx, resumed); err != nil {
		t.Fatal(err)
	}
	done := p.wait(s.ID, 60*time.Second, "completed", completed)
	if done.Sent != len(p.emails) || p.smtp.Duplicates() != 0 {
		t.Fatalf("after resume: %+v, %d duplicates", done.SendCounts, p.smtp.Duplicates())
	}

	// Cancel: what was sent stays sent, the rest is cancelled.
	p2 := p.send(p.notice())
	p.wait(p2.ID, 30*time.Second, "some progress", func(s candor.Send) bool { return s.Sent >= 30 })
	if _, err := p.db.ChangeSendState(ctx, p2.ID, "cancel"); err != nil {
		t.Fatal(err)
	}
	// The messages in flight finish (however long a loaded machine
	// takes); nothing else goes out.
	c := p.wait(p2.ID, 30*time.Second, "nothing in flight", func(s candor.Send) bool { return s.Sending == 0 })
	if c.State != candor.SendCancelled || c.Pending != 0 || c.Sending != 0 || c.Sent+c.Cancelled != c.Total || c.Cancelled == 0 {
		t.Fatalf("cancelled send: %+v", c)
	}
}

// A customer erased while their delivery waits is not mailed: the delivery
// fails with the reason, once, and everyone else is sent to.
func TestSendSkipsErasedCustomer(t *testing.T) {
	p := newPipe(t, testenv.SQLite(t), pipeOpts{customers: 300, rate: 150})
	ctx := testenv.Actor(candor.RoleLegal)
	s := p.send(p.notice())
	p.wait(s.ID, 30*time.Second, "some progress", func(s candor.Send) bool { return s.Sent >= 30 })
	if _, err := p.db.ChangeSendState(ctx, s.ID, "pause"); err != nil {
		t.Fatal(err)
	}
	p.wait(s.ID, 10*time.Second, "nothing in flight", func(s candor.Send) bool { return s.Sending == 0 })
	pending, err := p.db.ListDeliveries(ctx, s.ID, "pending", "", 1)
	if err != nil || len(pending.Items) != 1 || pending.Items[0].Email == "" {
		t.Fatalf("a pending delivery: %+v %v", pending, err)
	}
	erased := pending.Items[0]
	if _, err := p.db.EraseCustomer(ctx, *erased.CustomerID); err != nil {
		t.Fatal(err)
	}
	resumed, err := p.db.ChangeSendState(ctx, s.ID, "resume")
	if err != nil {
		t.Fatal(err)
	}
	if err := p.sender.Resume(ctx, resumed); err != nil {
		t.Fatal(err)
	}
	done := p.wait(s.ID, 60*time.Second, "completed", completed)
	if done.Failed != 1 || done.Sent != len(p.emails)-1 || p.smtp.CountFor(erased.Email) != 0 {
		t.Fatalf("counts %+v, want 1 failed and %d sent; the erased address got %d", done.SendCounts,
			len(p.emails)-1, p.smtp.CountFor(erased.Email))
	}
	failed, err := p.db.ListDeliveries(ctx, s.ID, "failed", "", 10)
	if err != nil || len(failed.Items) != 1 {
		t.Fatalf("failed deliveries: %+v %v", failed, err)
	}
	if f := failed.Items[0]; f.ID != erased.ID || f.Attempts != 1 || !strings.Contains(f.LastError, "erased") {
		t.Fatalf("the erased customer's delivery: %+v", f)
	}
}

// The SMTP server is down for 30 seconds: the send stalls, then finishes.
func TestSendSurvivesSMTPOutage(t *testing.T) {
	p := newPipe(t, testenv.SQLite(t), pipeOpts{customers: 200})
	back := p.smtp.Down(30 * time.Second)
	s := p.send(p.notice())
	time.Sleep(5 * time.Second)
	stalled, _ := p.db.GetSend(testenv.Actor(candor.RoleViewer), s.ID)
	if stalled.Sent != 0 || stalled.State != candor.SendRunning {
		t.Fatalf("with the server down: %+v", stalled)
	}
	if err := <-back; err != nil {
		t.Fatal(err)
	}
	done := p.wait(s.ID, 60*time.Second, "completed", completed)
	if done.Sent != len(p.emails) || done.Failed != 0 {
		t.Fatalf("after the outage: %+v", done.SendCounts)
	}
}

// Redis restarts mid-send (append-only file on): the send completes and
// every customer is delivered.
func TestSendSurvivesRedisRestart(t *testing.T) {
	p := newPipe(t, testenv.SQLite(t), pipeOpts{customers: 600, rate: 200})
	s := p.send(p.notice())
	p.wait(s.ID, 30*time.Second, "some progress", func(s candor.Send) bool { return s.Sent >= 50 })
	p.redis.Stop()
	time.Sleep(2 * time.Second)
	p.redis.Start()
	done := p.wait(s.ID, 120*time.Second, "completed", completed)
	if done.Sent != len(p.emails) {
		t.Fatalf("after the Redis restart: %+v", done.SendCounts)
	}
	for _, e := range p.emails {
		if p.smtp.CountFor(e) < 1 {
			t.Fatalf("%s never received its notice", e)
		}
	}
	t.Logf("recipients that got a second copy: %d", p.smtp.Duplicates())
}

// testLogger shows the worker's warnings when CANDOR_TEST_LOG is set.
func testLogger() *slog.Logger {
	if os.Getenv("CANDOR_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return quiet
}
