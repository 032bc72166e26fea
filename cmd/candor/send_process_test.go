package main

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/internal/smtptest"
	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/jobs"
	"github.com/candor-dev/candor/store"
	"github.com/candor-dev/candor/vault"
	"github.com/hibiken/asynq"
)

// sendWorld is a database with n email customers and an approved notice,
// a private Redis and a real SMTP server, for tests that run `candor
// worker` processes against them.
type sendWorld struct {
	db     *store.DB
	d      testenv.DB
	redis  *testenv.Redis
	smtp   *smtptest.Server
	in     candor.Incident
	notice candor.Disclosure
	emails []string
}

func newSendWorld(t *testing.T, n int) *sendWorld {
	t.Helper()
	w := &sendWorld{d: testenv.Postgres(t)}
	w.db = testenv.Open(t, w.d)
	kr, err := vault.ParseKeyring(strings.TrimPrefix(testKeyEnv, "CANDOR_DATA_KEY="), "")
	if err != nil {
		t.Fatal(err)
	}
	w.db.SetKeyring(kr)
	ctx := testenv.Actor(candor.RoleLegal)
	w.in, err = w.db.CreateIncident(ctx, candor.Incident{Title: "Unauthorized access", Severity: "high",
		DiscoveredAt: time.Date(2020, 6, 11, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	var csv strings.Builder
	csv.WriteString("external_id,email,country,locale\n")
	for i := range n {
		e := fmt.Sprintf("r%d@example.com", i)
		w.emails = append(w.emails, e)
		fmt.Fprintf(&csv, "c%d,%s,%s,%s\n", i, e, []string{"JP", "US", "TH"}[i%3], []string{"ja", "en", "th"}[i%3])
	}
	testenv.ImportCSV(t, w.db, w.in.ID, csv.String())
	w.notice = testenv.ApprovedDisclosure(t, w.db, w.in.ID, candor.KindCustomerNotice, nil)
	w.redis = testenv.StartRedis(t)
	w.smtp = smtptest.Start(t)
	return w
}

func (w *sendWorld) env(rate int) []string {
	return []string{"CANDOR_DATABASE_URL=" + w.d.URL, "CANDOR_REDIS_URL=" + w.redis.URL(),
		"CANDOR_SMTP_URL=" + w.smtp.URL() + "&pool=8", "CANDOR_MAIL_RATE=" + fmt.Sprint(rate),
		"CANDOR_WORKER_CONCURRENCY=8", "CANDOR_LOG_LEVEL=warn", "CANDOR_MAIL_FROM=notices@example.com"}
}

// start creates the send and schedules it, as the API would.
func (w *sendWorld) start(t *testing.T) candor.Send {
	t.Helper()
	ctx := testenv.Actor(candor.RoleLegal)
	s, err := w.db.CreateSend(ctx, store.NewSend{DisclosureID: w.notice.ID, IncidentID: w.in.ID,
		Kind: string(w.notice.Kind), Revision: w.notice.ApprovedRevision, SendAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	client := asynq.NewClient(asynq.RedisClientOpt{Addr: w.redis.Addr()})
	defer client.Close()
	if err := jobs.NewSender(jobs.SenderConfig{}, w.db, client, nil, nil).Schedule(ctx, s, 0); err != nil {
		t.Fatal(err)
	}
	return s
}

func (w *sendWorld) progress(t *testing.T, id string) candor.Send {
	t.Helper()
	s, err := w.db.GetSend(testenv.Actor(candor.RoleViewer), id)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (w *sendWorld) waitCompleted(t *testing.T, id string, timeout time.Duration) candor.Send {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		s := w.progress(t, id)
		if s.State == candor.SendCompleted {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("send not completed after %s: %+v", timeout, s.SendCounts)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// checkExactlyOnce asserts every customer has exactly one delivery of the
// notice, sent, and that the SMTP server saw every recipient; it returns
// how many recipients the server saw more than once.
func (w *sendWorld) checkExactlyOnce(t *testing.T) int {
	t.Helper()
	var rows []struct {
		CustomerID string
		N          int
		Sent       int
	}
	w.db.Gorm().Raw(`SELECT customer_id, count(*) AS n, sum(CASE WHEN status = 'sent' THEN 1 ELSE 0 END) AS sent
		FROM deliveries WHERE disclosure_id = ? GROUP BY customer_id`, w.notice.ID).Scan(&rows)
	if len(rows) != len(w.emails) {
		t.Fatalf("%d customers have deliveries, want %d", len(rows), len(w.emails))
	}
	for _, r := range rows {
		if r.N != 1 || r.Sent != 1 {
			t.Fatalf("customer %s has %d deliveries, %d sent", r.CustomerID, r.N, r.Sent)
		}
	}
	twice := 0
	for _, e := range w.emails {
		switch n := w.smtp.CountFor(e); {
		case n == 0:
			t.Fatalf("%s never reached the SMTP server", e)
		case n > 1:
			twice++
		}
	}
	return twice
}

// SIGKILL the worker several times during a send of 5,000: every customer
// ends with exactly one sent delivery, and the SMTP server saw each at
// least once. Repeats are bounded by what was in flight at each kill: a
// task hands each batch (at most 32 messages) to the recorder as soon as it
// is sent and waits for its commit before handing over the next, so at most
// two batches a task are unrecorded, and never more than its chunk (50
// here), with 8 tasks at once.
func TestWorkerKilledDuringSend(t *testing.T) {
	w := newSendWorld(t, 5000)
	// Chunks of 50 keep most of the send moving while a killed worker's
	// tasks wait for recovery.
	env := append(w.env(1500), "CANDOR_SEND_CHUNK=50")
	worker := startProc(t, "worker", env, "worker")
	s := w.start(t)
	const kills = 4
	for k := 1; k <= kills; k++ {
		target := k * 700
		deadline := time.Now().Add(3 * time.Minute)
		for w.progress(t, s.ID).Sent < target {
			if time.Now().After(deadline) {
				t.Fatalf("kill %d: no progress to %d sent; logs:\n%s", k, target, worker.logs)
			}
			time.Sleep(10 * time.Millisecond)
		}
		worker.cmd.Process.Kill()
		worker.cmd.Wait()
		t.Logf("kill %d at %d sent", k, w.progress(t, s.ID).Sent)
		worker = startProc(t, "worker", env, "worker")
	}
	// Tasks the killed workers held come back when Asynq's recoverer sees
	// their lease expired (about a minute); their rows in "sending" are
	// then sent again with the same Message-ID.
	done := w.waitCompleted(t, s.ID, 4*time.Minute)
	twice := w.checkExactlyOnce(t)
	const tasks, unrecorded = 8, min(50, 2*32) // per task: its chunk, at most two batches
	flagged := w.checkRepeatsFlagged(t, done)
	t.Logf("send of %d with %d kills: %d sent, SMTP server saw %d recipients twice (bound %d), %d deliveries flagged possible_duplicate (bound %d: every claimed row left sending)",
		len(w.emails), kills, done.Sent, twice, kills*tasks*unrecorded, flagged, kills*tasks*50)
	if twice > kills*tasks*unrecorded {
		t.Fatalf("%d recipients received two copies, more than the messages in flight at %d kills", twice, kills)
	}
	if twice == 0 {
		t.Log("no message reached the SMTP server twice: the kills found nothing sent and unrecorded")
	}
	worker.stop(t)
}

// checkRepeatsFlagged asserts that every delivery whose Message-ID the
// SMTP server accepted more than once is flagged possible_duplicate (the
// flagged ones include every real repeat), and that the send's progress
// counts the flagged deliveries; it returns how many are flagged.
func (w *sendWorld) checkRepeatsFlagged(t *testing.T, s candor.Send) int {
	t.Helper()
	var rows []struct {
		ID                string
		MessageID         string
		PossibleDuplicate bool
	}
	if err := w.db.Gorm().Raw(`SELECT id, message_id, possible_duplicate FROM deliveries WHERE send_id = ?`, s.ID).
		Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	flagged, repeated := 0, 0
	for _, r := range rows {
		if r.PossibleDuplicate {
			flagged++
		}
		if n := w.smtp.CountMessageID(r.MessageID); n > 1 {
			repeated++
			if !r.PossibleDuplicate {
				t.Errorf("delivery %s reached the SMTP server %d times but is not flagged possible_duplicate", r.ID, n)
			}
		}
	}
	if s.PossibleDuplicates != flagged {
		t.Errorf("the send counts %d possible duplicates, %d deliveries are flagged", s.PossibleDuplicates, flagged)
	}
	t.Logf("%d deliveries reached the SMTP server more than once, all of them among the %d flagged", repeated, flagged)
	return flagged
}

// Two worker processes on one Redis share one send: each customer is
// mailed exactly once, and both workers sent part of it.
func TestTwoWorkersShareOneSendWithoutDuplicates(t *testing.T) {
	w := newSendWorld(t, 3000)
	var workers []*proc
	var addrs []string
	for i := range 2 {
		addr := freePort(t)
		addrs = append(addrs, addr)
		// 600 messages/s in chunks of 50: the send lasts about five
		// seconds, longer than an idle worker's one-second poll.
		workers = append(workers, startProc(t, fmt.Sprintf("worker%d", i),
			append(w.env(600), "CANDOR_METRICS_LISTEN="+addr, "CANDOR_SEND_CHUNK=50"), "worker"))
	}
	for _, a := range addrs {
		waitHTTP(t, "http://"+a+"/healthz")
	}
	s := w.start(t)
	w.waitCompleted(t, s.ID, 2*time.Minute)
	if twice := w.checkExactlyOnce(t); twice != 0 {
		t.Fatalf("%d recipients mailed twice by two workers", twice)
	}
	for i, a := range addrs {
		n := metricValue(scrapeMetrics(t, a), `candor_deliveries_total{state="sent"}`)
		t.Logf("worker %d sent %.0f", i, n)
		if n == 0 {
			t.Errorf("worker %d sent nothing: the send was not shared", i)
		}
	}
	for _, p := range workers {
		p.stop(t)
	}
}

func freePort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func waitHTTP(t *testing.T, url string) { waitFor(t, url) }
