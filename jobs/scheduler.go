package jobs

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/hibiken/asynq"
	"github.com/robfig/cron/v3"
)

// Periodic is a task enqueued on a cron schedule.
type Periodic struct {
	// Cron is a standard five-field spec ("*/15 * * * *") or a descriptor
	// ("@hourly", "@every 10m"), in UTC unless it starts with CRON_TZ=.
	// "@every" periods are aligned to the clock (multiples of the period
	// since the epoch), so every scheduler computes the same ticks.
	Cron string
	Task *asynq.Task
	Opts []asynq.Option // queue, timeout, retries; never TaskID or Retention (the scheduler sets them)
}

// PeriodicRecorder counts each enqueue attempt; *metrics.Metrics provides it.
type PeriodicRecorder interface {
	PeriodicEnqueue(taskType string, duplicate bool)
}

// Scheduler enqueues periodic tasks. Every `candor worker` runs one, so a
// deployment with N workers has N schedulers; each tick is still enqueued
// once. The task of a tick gets the id "<type>@<tick in RFC 3339>", and
// Asynq refuses a second task with an id that is pending, running, or
// completed and retained: the scheduler that comes second gets
// ErrTaskIDConflict and moves on. Completed ticks are retained for twice the
// period (at least a minute), longer than any plausible clock skew between
// machines.
//
// (asynq.Unique would not do: its lock is released as soon as the task
// succeeds, so a slower scheduler enqueues the same tick again.)
type Scheduler struct {
	client  *asynq.Client
	log     *slog.Logger
	rec     PeriodicRecorder
	entries []periodicEntry
	stop    chan struct{}
	wg      sync.WaitGroup
}

type periodicEntry struct {
	p     Periodic
	sched cron.Schedule
	every time.Duration // > 0 for "@every": aligned ticks
}

// next returns the first tick strictly after t.
func (e periodicEntry) next(t time.Time) time.Time {
	if e.every > 0 {
		return t.Truncate(e.every).Add(e.every)
	}
	return e.sched.Next(t)
}

// retention keeps a completed tick's id long enough to refuse latecomers.
func (e periodicEntry) retention(tick time.Time) time.Duration {
	return max(2*e.next(tick).Sub(tick), time.Minute)
}

// TickID is the task id of one periodic tick.
func TickID(taskType string, tick time.Time) string {
	return taskType + "@" + tick.UTC().Format(time.RFC3339)
}

// NewScheduler registers the periodic tasks; rec may be nil.
func NewScheduler(opt asynq.RedisConnOpt, log *slog.Logger, tasks ...Periodic) (*Scheduler, error) {
	return NewSchedulerWithRecorder(opt, log, nil, tasks...)
}

// NewSchedulerWithRecorder is NewScheduler that also counts each enqueue
// attempt in rec.
func NewSchedulerWithRecorder(opt asynq.RedisConnOpt, log *slog.Logger, rec PeriodicRecorder, tasks ...Periodic) (*Scheduler, error) {
	if log == nil {
		log = slog.Default()
	}
	parser := cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)
	s := &Scheduler{log: log, rec: rec, stop: make(chan struct{})}
	for _, p := range tasks {
		spec := p.Cron
		if !strings.HasPrefix(spec, "CRON_TZ=") && !strings.HasPrefix(spec, "TZ=") {
			spec = "CRON_TZ=UTC " + spec
		}
		sched, err := parser.Parse(spec)
		if err != nil {
			return nil, fmt.Errorf("register periodic %s: schedule %q: %w", p.Task.Type(), p.Cron, err)
		}
		e := periodicEntry{p: p, sched: sched}
		if d, ok := sched.(cron.ConstantDelaySchedule); ok {
			e.every = d.Delay
		}
		s.entries = append(s.entries, e)
	}
	s.client = asynq.NewClient(opt)
	return s, nil
}

// Start runs the scheduler in the background.
func (s *Scheduler) Start() error {
	for _, e := range s.entries {
		s.wg.Add(1)
		go s.loop(e)
	}
	return nil
}

func (s *Scheduler) loop(e periodicEntry) {
	defer s.wg.Done()
	for {
		tick := e.next(time.Now())
		t := time.NewTimer(time.Until(tick))
		select {
		case <-s.stop:
			t.Stop()
			return
		case <-t.C:
		}
		s.enqueue(e, tick)
	}
}

func (s *Scheduler) enqueue(e periodicEntry, tick time.Time) {
	typ, id := e.p.Task.Type(), TickID(e.p.Task.Type(), tick)
	opts := append(append([]asynq.Option{}, e.p.Opts...), asynq.TaskID(id), asynq.Retention(e.retention(tick)))
	_, err := s.client.Enqueue(asynq.NewTask(typ, e.p.Task.Payload()), opts...)
	switch {
	case err == nil:
		s.log.Debug("periodic task enqueued", "type", typ, "task_id", id)
		s.record(typ, false)
	case errors.Is(err, asynq.ErrTaskIDConflict) || errors.Is(err, asynq.ErrDuplicateTask):
		s.log.Debug("periodic task already enqueued by another scheduler", "type", typ, "task_id", id)
		s.record(typ, true)
	default:
		s.log.Warn("enqueue periodic task", "type", typ, "task_id", id, "error", err.Error())
	}
}

func (s *Scheduler) record(typ string, dup bool) {
	if s.rec != nil {
		s.rec.PeriodicEnqueue(typ, dup)
	}
}

// Shutdown stops it and closes its Redis client.
func (s *Scheduler) Shutdown() {
	close(s.stop)
	s.wg.Wait()
	s.client.Close()
}
