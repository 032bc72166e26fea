package jobs_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/jobs"
	"github.com/hibiken/asynq"
)

type countingRecorder struct {
	mu                  sync.Mutex
	enqueued, duplicate int
}

func (r *countingRecorder) PeriodicEnqueue(_ string, dup bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if dup {
		r.duplicate++
	} else {
		r.enqueued++
	}
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// Two schedulers on one Redis (two `candor worker` processes) enqueue each
// tick once: the second gets a task id conflict.
func TestTwoSchedulersEnqueueEachTickOnce(t *testing.T) {
	r := testenv.StartRedis(t)
	opt := asynq.RedisClientOpt{Addr: r.Addr()}
	rec := &countingRecorder{}
	p := jobs.Periodic{Cron: "@every 1s", Task: asynq.NewTask("test:tick", nil), Opts: []asynq.Option{asynq.Queue("low")}}
	var scheds []*jobs.Scheduler
	for range 2 {
		s, err := jobs.NewSchedulerWithRecorder(opt, quiet, rec, p)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Start(); err != nil {
			t.Fatal(err)
		}
		scheds = append(scheds, s)
	}
	time.Sleep(3500 * time.Millisecond)
	for _, s := range scheds {
		s.Shutdown()
	}
	insp := asynq.NewInspector(opt)
	defer insp.Close()
	tasks, err := insp.ListPendingTasks("low", asynq.PageSize(100))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, ti := range tasks {
		tick, ok := strings.CutPrefix(ti.ID, "test:tick@")
		if _, err := time.Parse(time.RFC3339, tick); !ok || err != nil || seen[ti.ID] {
			t.Fatalf("unexpected task %q", ti.ID)
		}
		if ti.Retention < time.Minute {
			t.Errorf("task %s retained for %v only", ti.ID, ti.Retention)
		}
		seen[ti.ID] = true
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(tasks) < 3 || rec.enqueued != len(tasks) || rec.duplicate == 0 {
		t.Fatalf("%d tasks in Redis; schedulers counted %d enqueued, %d duplicates", len(tasks), rec.enqueued, rec.duplicate)
	}
}

func TestSchedulerRejectsBadSpec(t *testing.T) {
	_, err := jobs.NewScheduler(asynq.RedisClientOpt{Addr: "127.0.0.1:1"}, quiet,
		jobs.Periodic{Cron: "every tuesday", Task: asynq.NewTask("x", nil)})
	if err == nil || !strings.Contains(err.Error(), "every tuesday") {
		t.Fatalf("err = %v", err)
	}
}

func TestTickIDIsUTC(t *testing.T) {
	tick := time.Date(2026, 1, 2, 12, 30, 0, 0, time.FixedZone("JST", 9*3600))
	if got := jobs.TickID("audit:verify", tick); got != "audit:verify@2026-01-02T03:30:00Z" {
		t.Fatal(got)
	}
}

type fakeVerifier struct {
	n   int64
	err error
}

func (f fakeVerifier) VerifyAudit(context.Context) (int64, error) { return f.n, f.err }

type auditRec struct {
	n   int64
	err error
}

func (a *auditRec) AuditVerified(n int64, err error) { a.n, a.err = n, err }

func TestAuditVerifyHandler(t *testing.T) {
	rec := &auditRec{}
	h := jobs.AuditVerifyHandler(fakeVerifier{n: 7}, rec, quiet)
	if err := h.Func(context.Background(), asynq.NewTask(jobs.TypeAuditVerify, nil)); err != nil || rec.n != 7 {
		t.Fatalf("ok chain: %v %+v", err, rec)
	}
	broken := errors.New("audit entry 3: content does not match its hash")
	h = jobs.AuditVerifyHandler(fakeVerifier{n: 2, err: broken}, rec, quiet)
	err := h.Func(context.Background(), asynq.NewTask(jobs.TypeAuditVerify, nil))
	if !errors.Is(err, asynq.SkipRetry) || rec.err != broken {
		t.Fatalf("broken chain: %v %+v", err, rec)
	}
}
