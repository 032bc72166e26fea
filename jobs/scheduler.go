package jobs

import (
	"fmt"
	"log/slog"

	"github.com/hibiken/asynq"
)

// Periodic is a task enqueued on a cron schedule.
type Periodic struct {
	Cron string
	Task *asynq.Task
	Opts []asynq.Option
}

// Scheduler enqueues periodic tasks. Running it in more than one process is
// safe when each periodic task carries asynq.Unique(period) in its Opts: a
// second scheduler's copy of the same period is then refused by Redis, and
// the handlers are idempotent besides.
type Scheduler struct{ s *asynq.Scheduler }

// NewScheduler registers the periodic tasks.
func NewScheduler(opt asynq.RedisConnOpt, log *slog.Logger, tasks ...Periodic) (*Scheduler, error) {
	if log == nil {
		log = slog.Default()
	}
	s := asynq.NewScheduler(opt, &asynq.SchedulerOpts{Logger: slogLogger{log}, LogLevel: asynq.WarnLevel})
	for _, p := range tasks {
		if _, err := s.Register(p.Cron, p.Task, p.Opts...); err != nil {
			return nil, fmt.Errorf("register periodic %s: %w", p.Task.Type(), err)
		}
	}
	return &Scheduler{s}, nil
}

// Start runs the scheduler in the background.
func (s *Scheduler) Start() error { return s.s.Start() }

// Shutdown stops it.
func (s *Scheduler) Shutdown() { s.s.Shutdown() }
