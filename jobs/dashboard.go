package jobs

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/hibiken/asynq"
	"github.com/hibiken/asynq/x/metrics"
	"github.com/hibiken/asynqmon"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
)

// Dashboard is the Asynq web dashboard (asynqmon) rooted at a path, in a
// full and a read-only instance: the API decides per request which one a
// caller gets. Close releases their Redis connections.
type Dashboard struct {
	Full, ReadOnly *asynqmon.HTTPHandler
}

// NewDashboard builds both instances at root (e.g. "/admin/queues").
func NewDashboard(opt asynq.RedisConnOpt, root string) *Dashboard {
	return &Dashboard{
		Full:     asynqmon.New(asynqmon.Options{RootPath: root, RedisConnOpt: opt}),
		ReadOnly: asynqmon.New(asynqmon.Options{RootPath: root, RedisConnOpt: opt, ReadOnly: true}),
	}
}

// Handlers returns the two as plain http.Handlers.
func (d *Dashboard) Handlers() (full, readOnly http.Handler) { return d.Full, d.ReadOnly }

// Close closes both instances' Redis clients.
func (d *Dashboard) Close() error { return errors.Join(d.Full.Close(), d.ReadOnly.Close()) }

// QueueCollector reports every queue's size, latency (age of the oldest
// pending task), task counts by state, processed and failed totals and
// paused flag, read from Redis at scrape time (asynq_* metrics). Close the
// returned inspector when done.
//
// The collector reports the queues Redis lists, and Asynq lists a queue
// only once a task was enqueued in it: QueueCollector registers Candor's
// queues first, so a process that is ready shows them at zero from its
// first scrape, and an alert on a queue's size has a series to watch.
func QueueCollector(ctx context.Context, opt asynq.RedisConnOpt) (prometheus.Collector, *asynq.Inspector, error) {
	if err := registerQueues(ctx, opt); err != nil {
		return nil, nil, err
	}
	insp := asynq.NewInspector(opt)
	return metrics.NewQueueMetricsCollector(insp), insp, nil
}

// allQueuesKey is the Redis set in which Asynq lists its queues (asynq's
// internal base.AllQueues, which its client adds to on every enqueue);
// TestQueuesAtZeroBeforeAnyTask fails if Asynq ever names it otherwise.
const allQueuesKey = "asynq:queues"

func registerQueues(ctx context.Context, opt asynq.RedisConnOpt) error {
	rc, ok := opt.MakeRedisClient().(redis.UniversalClient)
	if !ok {
		return fmt.Errorf("register queues: unexpected Redis client")
	}
	defer rc.Close()
	names := make([]any, 0, len(queues))
	for q := range queues {
		names = append(names, q)
	}
	if err := rc.SAdd(ctx, allQueuesKey, names...).Err(); err != nil {
		return fmt.Errorf("register queues: %w", err)
	}
	return nil
}
