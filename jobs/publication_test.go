package jobs_test

import (
	"context"
	"crypto/hmac"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/compose"
	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/jobs"
	"github.com/candor-dev/candor/pages"
	"github.com/candor-dev/candor/store"
	"github.com/hibiken/asynq"
)

var quietLog = slog.New(slog.NewTextHandler(io.Discard, nil))

// hook is a webhook receiver on loopback that checks signatures and fails
// the first `fail` calls.
type hook struct {
	mu     sync.Mutex
	secret string
	fail   int
	calls  int
	good   []jobs.WebhookBody
	events []string
	bad    []string
}

func (h *hook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.calls++
	body, _ := io.ReadAll(r.Body)
	ts := r.Header.Get("X-Candor-Timestamp")
	sec, _ := strconv.ParseInt(ts, 10, 64)
	want := jobs.SignWebhook([]byte(h.secret), ts, body)
	if !hmac.Equal([]byte(r.Header.Get("X-Candor-Signature")), []byte(want)) || time.Since(time.Unix(sec, 0)).Abs() > time.Minute ||
		r.Header.Get("Content-Type") != "application/json" {
		h.bad = append(h.bad, r.Header.Get("X-Candor-Signature"))
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if h.calls <= h.fail {
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	var b jobs.WebhookBody
	json.Unmarshal(body, &b)
	h.good = append(h.good, b)
	h.events = append(h.events, r.Header.Get("X-Candor-Event"))
}

func (h *hook) snapshot() (calls int, good []jobs.WebhookBody, bad []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.calls, append([]jobs.WebhookBody(nil), h.good...), append([]string(nil), h.bad...)
}

func statement(t *testing.T, db *store.DB, slug string, at time.Time) candor.Publication {
	t.Helper()
	comms, legal := testenv.Actor(candor.RoleComms), testenv.Actor(candor.RoleLegal)
	in, err := db.CreateIncident(comms, candor.Incident{Title: "Unauthorized access", Summary: "Overseas offices.",
		DiscoveredAt: time.Date(2020, 6, 11, 0, 0, 0, 0, time.UTC), Severity: "high", DataCategories: []string{"email"}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := db.CreateDisclosure(comms, in.ID, candor.KindPublicStatement, candor.DisclosureContent{}, true)
	if err != nil {
		t.Fatal(err)
	}
	db.SubmitDisclosure(comms, d.ID, d.Revision)
	d, rev, err := func() (candor.Disclosure, candor.Revision, error) {
		if _, err := db.ApproveDisclosure(legal, d.ID, d.Revision); err != nil {
			return d, candor.Revision{}, err
		}
		return db.ApprovedRevision(context.Background(), d.ID)
	}()
	if err != nil {
		t.Fatal(err)
	}
	c, err := pages.RenderContent(context.Background(), rev, &compose.Facts{Incident: in, Org: compose.Org("Kawasaki", "p@example.com", "", ""), Statement: compose.Statement{URL: "http://x/statements/" + slug, Published: true}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := db.CreatePublication(legal, store.NewPublication{DisclosureID: d.ID, IncidentID: in.ID, Slug: slug,
		Revision: rev.Number, PublishAt: at, Content: c})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func publishedActions(t *testing.T, db *store.DB, incidentID string) int {
	t.Helper()
	p, _ := db.ListAudit(context.Background(), candor.AuditFilter{IncidentID: incidentID})
	n := 0
	for _, e := range p.Items {
		if e.Action == "publication.published" {
			n++
			if e.ActorName != "scheduler" {
				t.Errorf("published by %q", e.ActorName)
			}
		}
	}
	return n
}

// A scheduled publication is recorded at its publish_at by the real worker
// (Asynq ProcessAt on a real Redis), within seconds and never before; each
// webhook gets one signed POST per event, retried after a failure.
func TestScheduledPublishingAndWebhooks(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			t.Parallel()
			db := testenv.Open(t, d)
			r := testenv.StartRedis(t)
			opt, err := jobs.ParseRedisURL(r.URL(), jobs.RedisOptions{})
			if err != nil {
				t.Fatal(err)
			}
			h := &hook{secret: "s3cret", fail: 1}
			srv := httptest.NewServer(h) // 127.0.0.1
			t.Cleanup(srv.Close)
			site, err := pages.New(pages.Config{BaseURL: "http://x", Org: compose.Org("Kawasaki", "p@example.com", "", "").View("", "")})
			if err != nil {
				t.Fatal(err)
			}
			client := asynq.NewClient(opt)
			t.Cleanup(func() { client.Close() })
			pub, err := jobs.NewPublisher(jobs.PublisherConfig{Webhooks: []string{srv.URL + "/hook?token=abc"}, WebhookSecret: h.secret,
				Site: site, BaseURL: "http://x", Logger: quietLog, AllowPrivate: true}, db, client) // the receiver is on loopback
			if err != nil {
				t.Fatal(err)
			}
			w := jobs.NewWorker(opt, jobs.WorkerConfig{Concurrency: 4, ShutdownTimeout: 5 * time.Second, Logger: quietLog}, pub.Handlers()...)
			if err := w.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(w.Shutdown)

			at := time.Now().Add(3 * time.Second).UTC()
			p := statement(t, db, "kawasaki-2020", at)
			for range 2 { // scheduling twice is harmless
				if err := pub.SchedulePublication(context.Background(), p); err != nil {
					t.Fatal(err)
				}
			}
			var got candor.Publication
			for {
				if got, err = db.GetPublication(context.Background(), p.ID); err != nil {
					t.Fatal(err)
				}
				if got.State == candor.PublicationPublished {
					break
				}
				if time.Now().After(at.Add(15 * time.Second)) {
					t.Fatalf("not published 15s after publish_at: %s", got.State)
				}
				time.Sleep(100 * time.Millisecond)
			}
			late := time.Since(at)
			if late < 0 || late > 3*time.Second {
				t.Errorf("recorded %v after publish_at", late)
			}
			t.Logf("recorded %v after publish_at", late.Round(time.Millisecond))
			deadline := time.Now().Add(30 * time.Second)
			for {
				calls, good, bad := h.snapshot()
				if len(bad) > 0 {
					t.Fatalf("bad signatures: %v", bad)
				}
				if len(good) == 1 {
					if calls != 2 {
						t.Errorf("%d calls, want a failure and its retry", calls)
					}
					b := good[0]
					if b.Event != "publication.published" || b.Slug != "kawasaki-2020" || b.Version != 1 || b.URL != "http://x/statements/kawasaki-2020" ||
						len(b.Languages) != 5 || b.Languages["ja"].Lang != "ja" || b.Languages["en"].HTML == "" {
						t.Errorf("webhook body: %+v", b)
					}
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("webhook not delivered: %d calls", calls)
				}
				time.Sleep(100 * time.Millisecond)
			}
			if n := publishedActions(t, db, p.IncidentID); n != 1 {
				t.Errorf("%d publication.published entries", n)
			}
		})
	}
}

// The handlers are idempotent, and the reconciler records what a lost task
// did not.
func TestPublishHandlersIdempotent(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			db := testenv.Open(t, d)
			r := testenv.StartRedis(t)
			opt, _ := jobs.ParseRedisURL(r.URL(), jobs.RedisOptions{})
			client := asynq.NewClient(opt)
			t.Cleanup(func() { client.Close() })
			site, _ := pages.New(pages.Config{BaseURL: "http://x"})
			pub, err := jobs.NewPublisher(jobs.PublisherConfig{Webhooks: []string{"http://127.0.0.1:1/a", "http://127.0.0.1:1/b"},
				WebhookSecret: "k", Site: site, Logger: quietLog}, db, client)
			if err != nil {
				t.Fatal(err)
			}
			handlers := map[string]func(context.Context, *asynq.Task) error{}
			for _, h := range pub.Handlers() {
				handlers[h.Type] = h.Func
			}
			p := statement(t, db, "lost-task", time.Now().Add(-time.Second))
			payload, _ := json.Marshal(map[string]string{"publication_id": p.ID})
			for range 2 {
				if err := handlers[jobs.TypePublicationPublish](context.Background(), asynq.NewTask(jobs.TypePublicationPublish, payload)); err != nil {
					t.Fatal(err)
				}
			}
			if err := handlers[jobs.TypePublicationReconcile](context.Background(), asynq.NewTask(jobs.TypePublicationReconcile, nil)); err != nil {
				t.Fatal(err)
			}
			if n := publishedActions(t, db, p.IncidentID); n != 1 {
				t.Errorf("%d publication.published entries, want 1", n)
			}
			insp := asynq.NewInspector(opt)
			defer insp.Close()
			tasks, err := insp.ListPendingTasks("default")
			if err != nil {
				t.Fatal(err)
			}
			if len(tasks) != 2 {
				t.Errorf("%d webhook tasks, want one per URL", len(tasks))
			}
			for _, tk := range tasks {
				if string(tk.Payload) == "" || json.Valid(tk.Payload) == false || containsURL(tk.Payload) {
					t.Errorf("webhook payload %s", tk.Payload)
				}
			}

			// A lost task: nothing enqueued, the reconciler records it.
			q := statement(t, db, "reconciled", time.Now().Add(-time.Minute))
			if err := handlers[jobs.TypePublicationReconcile](context.Background(), asynq.NewTask(jobs.TypePublicationReconcile, nil)); err != nil {
				t.Fatal(err)
			}
			if got, _ := db.GetPublication(context.Background(), q.ID); got.State != candor.PublicationPublished {
				t.Errorf("reconciler left it %s", got.State)
			}
			// Cancelled before its task ran: the task does nothing.
			c := statement(t, db, "cancelled", time.Now().Add(time.Hour))
			if _, err := db.WithdrawPublication(testenv.Actor(candor.RoleLegal), c.ID, time.Now()); err != nil {
				t.Fatal(err)
			}
			payload, _ = json.Marshal(map[string]string{"publication_id": c.ID})
			if err := handlers[jobs.TypePublicationPublish](context.Background(), asynq.NewTask(jobs.TypePublicationPublish, payload)); err != nil {
				t.Fatal(err)
			}
			if got, _ := db.GetPublication(context.Background(), c.ID); got.State != candor.PublicationCancelled {
				t.Errorf("cancelled publication became %s", got.State)
			}
		})
	}
}

func containsURL(b []byte) bool {
	var m map[string]any
	json.Unmarshal(b, &m)
	for _, v := range m {
		if s, ok := v.(string); ok && len(s) > 7 && s[:7] == "http://" {
			return true
		}
	}
	return false
}

func TestPublisherNeedsSecret(t *testing.T) {
	if _, err := jobs.NewPublisher(jobs.PublisherConfig{Webhooks: []string{"https://cms.example.com/hook"}}, nil, nil); err == nil {
		t.Fatal("webhooks without a secret accepted")
	}
}
