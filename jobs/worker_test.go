package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/jobs"
	"github.com/hibiken/asynq"
)

// Handlers run with the worker's actor: what they change is audited (a
// send's start and completion), and the audit log refuses a change by no one.
func TestHandlersRunAsWorkerActor(t *testing.T) {
	r := testenv.StartRedis(t)
	opt, err := jobs.ParseRedisURL(r.URL(), jobs.RedisOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan candor.Actor, 1)
	w := jobs.NewWorker(opt, jobs.WorkerConfig{Concurrency: 1}, jobs.Handler{Type: "test:actor",
		Func: func(ctx context.Context, _ *asynq.Task) error {
			a, _ := candor.ActorFromContext(ctx)
			got <- a
			return nil
		}})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer w.Shutdown()
	c := asynq.NewClient(opt)
	defer c.Close()
	if _, err := c.Enqueue(asynq.NewTask("test:actor", nil), asynq.Queue("critical")); err != nil {
		t.Fatal(err)
	}
	select {
	case a := <-got:
		if a != jobs.WorkerActor {
			t.Fatalf("actor %+v, want %+v", a, jobs.WorkerActor)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the task did not run")
	}
}
