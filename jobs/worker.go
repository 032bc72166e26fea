package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/candor-dev/candor"
	"github.com/hibiken/asynq"
)

// WorkerActor is who the audit log names for what tasks change on their
// own (a send's start and completion): handlers run with it in their
// context, as API handlers run with the token's actor.
var WorkerActor = candor.SystemActor

// Queues and their weights: deliveries and publications must not wait behind
// housekeeping.
var queues = map[string]int{"critical": 6, "default": 3, "low": 1}

// WorkerConfig tunes the worker.
type WorkerConfig struct {
	Concurrency     int
	ShutdownTimeout time.Duration
	Logger          *slog.Logger
	// RetryDelay is the backoff between a task's attempts; nil means
	// RetryDelay (5 s doubling, capped at 10 minutes). Tests shorten it.
	RetryDelay asynq.RetryDelayFunc
	// TaskCheckInterval is how long an idle worker waits before it looks
	// for tasks again; 0 means 25 ms. (Asynq's own default, 1 s, sleeps
	// 0.5-1.5 s after finding the queues empty: a send waited that long for
	// its dispatcher, and again for its first chunks; at 100 ms a 20,000
	// send still spent a tenth of a second of its three starting.) An idle
	// worker asks Redis forty times a second, a few microseconds each.
	TaskCheckInterval time.Duration
}

// Handler is one task type's handler.
type Handler struct {
	Type string
	Func func(ctx context.Context, t *asynq.Task) error
}

// Worker processes tasks from Redis.
type Worker struct {
	srv *asynq.Server
	mux *asynq.ServeMux
}

// NewWorker builds a worker that runs the given handlers.
func NewWorker(opt asynq.RedisConnOpt, cfg WorkerConfig, handlers ...Handler) *Worker {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.RetryDelay == nil {
		cfg.RetryDelay = RetryDelay
	}
	if cfg.TaskCheckInterval <= 0 {
		cfg.TaskCheckInterval = 25 * time.Millisecond
	}
	srv := asynq.NewServer(opt, asynq.Config{
		Concurrency:       cfg.Concurrency,
		Queues:            queues,
		ShutdownTimeout:   cfg.ShutdownTimeout,
		Logger:            slogLogger{cfg.Logger},
		LogLevel:          asynq.WarnLevel,
		RetryDelayFunc:    cfg.RetryDelay,
		TaskCheckInterval: cfg.TaskCheckInterval,
		ErrorHandler: asynq.ErrorHandlerFunc(func(ctx context.Context, t *asynq.Task, err error) {
			if errors.Is(err, errRetryLater) {
				return // expected: temporary SMTP failures, retried with backoff
			}
			// The payload holds ids only, so it is safe to log.
			cfg.Logger.Warn("task failed", "type", t.Type(), "payload", string(t.Payload()), "error", err.Error())
		}),
		// Scheduled tasks (a publication's publish_at, a send's send_at)
		// become runnable within a second rather than Asynq's default five.
		DelayedTaskCheckInterval: time.Second,
	})
	mux := asynq.NewServeMux()
	for _, h := range handlers {
		mux.HandleFunc(h.Type, func(ctx context.Context, t *asynq.Task) error {
			return h.Func(candor.NewContextWithActor(ctx, WorkerActor), t)
		})
	}
	return &Worker{srv: srv, mux: mux}
}

// Start begins processing in the background.
func (w *Worker) Start() error {
	if err := w.srv.Start(w.mux); err != nil {
		return fmt.Errorf("start worker: %w", err)
	}
	return nil
}

// Shutdown stops taking tasks and waits for running ones (up to the
// configured timeout); unfinished tasks go back to the queue.
func (w *Worker) Shutdown() { w.srv.Shutdown() }

// slogLogger adapts slog to Asynq's logger.
type slogLogger struct{ l *slog.Logger }

func (s slogLogger) Debug(args ...any) { s.l.Debug(fmt.Sprint(args...)) }
func (s slogLogger) Info(args ...any)  { s.l.Info(fmt.Sprint(args...)) }
func (s slogLogger) Warn(args ...any)  { s.l.Warn(fmt.Sprint(args...)) }
func (s slogLogger) Error(args ...any) { s.l.Error(fmt.Sprint(args...)) }
func (s slogLogger) Fatal(args ...any) { s.l.Error(fmt.Sprint(args...)) }
