// Package metrics is Candor's Prometheus instrumentation: one registry per
// process, the collectors every part of Candor feeds, and the handler that
// serves them at /metrics.
//
// Code that records something calls a method on *Metrics. A nil *Metrics is
// valid and records nothing, so packages and tests that are not wired to a
// registry need no special case. Callers declare the small interface they
// use (for example `type SMTPObserver interface{ SMTPRoundTrip(time.Duration);
// SMTPError(class string) }`) rather than import this package.
//
// Labels never carry personal data or anything a client controls: routes are
// patterns (/api/v1/incidents/:id), never raw paths; states, classes and
// results are short lowercase words from Candor's own code, and anything else
// is recorded as "other".
package metrics

import (
	"context"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds the registry and Candor's own collectors.
type Metrics struct {
	reg *prometheus.Registry

	httpRequests *prometheus.CounterVec
	httpDuration *prometheus.HistogramVec

	deliveries      *prometheus.CounterVec
	sendsInProgress atomic.Pointer[func(context.Context) (int, error)]
	smtpRoundTrip   prometheus.Histogram
	smtpErrors      *prometheus.CounterVec
	rateLimitWait   prometheus.Histogram
	importRows      *prometheus.CounterVec

	auditRuns     *prometheus.CounterVec
	auditOK       prometheus.Gauge
	auditEntries  prometheus.Gauge
	auditLastRun  prometheus.Gauge
	periodicTasks *prometheus.CounterVec
}

// Buckets, in seconds. The HTTP buckets resolve the 20 ms target the public
// statement page is held to.
var (
	httpBuckets = []float64{.001, .0025, .005, .01, .02, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}
	smtpBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60}
	waitBuckets = []float64{.0005, .001, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}
)

// New returns a registry holding the Go runtime and process collectors and
// every Candor collector (each at zero until fed).
func New() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.httpRequests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "candor_http_requests_total",
		Help: "HTTP requests by method, route pattern and status code.",
	}, []string{"method", "route", "status"})
	m.httpDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "candor_http_request_duration_seconds",
		Help:    "HTTP request latency by method and route pattern.",
		Buckets: httpBuckets,
	}, []string{"method", "route"})
	m.deliveries = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "candor_deliveries_total",
		Help: "Delivery state transitions by the state entered (queued, sending, sent, failed, bounced, ...), counted by the process that made them.",
	}, []string{"state"})
	m.smtpRoundTrip = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "candor_smtp_round_trip_seconds",
		Help:    "Time to hand one message to the SMTP relay (MAIL FROM to the reply after DATA), successful or not.",
		Buckets: smtpBuckets,
	})
	m.smtpErrors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "candor_smtp_errors_total",
		Help: "Failed SMTP sends by class: temporary, permanent or throttled.",
	}, []string{"class"})
	m.rateLimitWait = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "candor_rate_limiter_wait_seconds",
		Help:    "Time a send waited for the shared mail rate limiter before it could go out.",
		Buckets: waitBuckets,
	})
	m.importRows = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "candor_import_rows_total",
		Help: "Customer import rows by result: accepted, updated or rejected. rate() gives rows per second.",
	}, []string{"result"})
	m.auditRuns = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "candor_audit_verifications_total",
		Help: "Audit chain verifications run by this process, by result: ok, or failed (a broken link, or the database did not answer; the log says which).",
	}, []string{"result"})
	m.auditOK = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "candor_audit_chain_ok",
		Help: "1 if the last audit chain verification in this process held, 0 if it failed (alert on 0).",
	})
	m.auditEntries = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "candor_audit_chain_entries",
		Help: "Entries checked by the last audit chain verification that held.",
	})
	m.auditLastRun = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "candor_audit_verify_last_run_timestamp_seconds",
		Help: "Unix time of the last audit chain verification in this process.",
	})
	m.periodicTasks = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "candor_periodic_enqueues_total",
		Help: "Periodic tasks this process's scheduler offered, by task type and outcome: enqueued, or duplicate (another scheduler had already enqueued that period).",
	}, []string{"task", "outcome"})
	sends := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "candor_sends_in_progress",
		Help: "Sends in the running state, counted in the database at scrape time (the same in every process; use max()).",
	}, m.countSends)

	// Known label values start at zero, so every series exists from the
	// first scrape and rate() and alerts need no "absent" special case.
	for _, st := range []string{"queued", "sending", "sent", "failed", "bounced"} {
		m.deliveries.WithLabelValues(st)
	}
	for _, c := range []string{"temporary", "permanent", "throttled"} {
		m.smtpErrors.WithLabelValues(c)
	}
	for _, r := range []string{"accepted", "updated", "rejected"} {
		m.importRows.WithLabelValues(r)
	}
	for _, r := range []string{"ok", "failed"} {
		m.auditRuns.WithLabelValues(r)
	}

	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.httpRequests, m.httpDuration,
		m.deliveries, sends, m.smtpRoundTrip, m.smtpErrors, m.rateLimitWait, m.importRows,
		m.auditRuns, m.auditOK, m.auditEntries, m.auditLastRun, m.periodicTasks,
	)
	return m
}

// Register adds another collector (the Asynq queue collector, the database
// pool's statistics).
func (m *Metrics) Register(c prometheus.Collector) error {
	if m == nil {
		return nil
	}
	return m.reg.Register(c)
}

// Registry is the underlying registry, for tests and for gathering.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the registry in the Prometheus exposition format. A
// collector that fails (Redis down) leaves the others' metrics in the
// answer.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		ErrorHandling:     promhttp.ContinueOnError,
		Registry:          m.reg,
		Timeout:           10 * time.Second,
		EnableOpenMetrics: false,
	})
}

// ObserveHTTP records one HTTP request. route must be the router's pattern
// ("/api/v1/incidents/:id") or "unmatched", never the request's path.
func (m *Metrics) ObserveHTTP(method, route string, status int, d time.Duration) {
	if m == nil {
		return
	}
	method = httpMethod(method)
	m.httpRequests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
	m.httpDuration.WithLabelValues(method, route).Observe(d.Seconds())
}

// httpMethod bounds the method label: clients can send any token.
func httpMethod(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions:
		return m
	}
	return "other"
}
