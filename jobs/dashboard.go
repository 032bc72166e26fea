package jobs

import (
	"errors"
	"net/http"

	"github.com/hibiken/asynq"
	"github.com/hibiken/asynq/x/metrics"
	"github.com/hibiken/asynqmon"
	"github.com/prometheus/client_golang/prometheus"
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
func QueueCollector(opt asynq.RedisConnOpt) (prometheus.Collector, *asynq.Inspector) {
	insp := asynq.NewInspector(opt)
	return metrics.NewQueueMetricsCollector(insp), insp
}
