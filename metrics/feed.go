package metrics

import (
	"context"
	"log/slog"
	"time"
)

// This file is the part other packages call. Every method is safe on a nil
// *Metrics and from many goroutines.

// DeliveryState counts one delivery entering state ("queued", "sending",
// "sent", "failed", "bounced", "cancelled", ...). Call it after the
// transition committed, once per delivery per transition: a handler that
// finds the delivery already sent (an Asynq redelivery) records nothing.
func (m *Metrics) DeliveryState(state string) {
	if m == nil {
		return
	}
	m.deliveries.WithLabelValues(word(state)).Inc()
}

// CountSendsInProgress sets how candor_sends_in_progress is measured: count
// is called at each scrape (with a 2-second deadline) and should return the
// number of sends in state running, from the database. Until it is set the
// gauge reads 0.
func (m *Metrics) CountSendsInProgress(count func(ctx context.Context) (int, error)) {
	if m == nil {
		return
	}
	m.sendsInProgress.Store(&count)
}

func (m *Metrics) countSends() float64 {
	f := m.sendsInProgress.Load()
	if f == nil {
		return 0
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	n, err := (*f)(ctx)
	if err != nil {
		slog.Warn("metrics: count sends in progress", "error", err.Error())
		return 0
	}
	return float64(n)
}

// SMTPRoundTrip records how long one message took to hand to the relay,
// whether it succeeded or not.
func (m *Metrics) SMTPRoundTrip(d time.Duration) {
	if m == nil {
		return
	}
	m.smtpRoundTrip.Observe(d.Seconds())
}

// SMTPError counts one failed send by class: "temporary", "permanent" or
// "throttled" (mail.Class's String()); anything else counts as "other".
func (m *Metrics) SMTPError(class string) {
	if m == nil {
		return
	}
	switch class {
	case "temporary", "permanent", "throttled":
	default:
		class = "other"
	}
	m.smtpErrors.WithLabelValues(class).Inc()
}

// RateLimiterWait records how long a send waited for the shared rate
// limiter (0 when it did not wait).
func (m *Metrics) RateLimiterWait(d time.Duration) {
	if m == nil {
		return
	}
	m.rateLimitWait.Observe(d.Seconds())
}

// ImportRows counts n rows of a customer import with one result:
// "accepted", "updated" or "rejected". Call it per batch as the import
// streams, not once at the end, so rate() shows rows per second while a
// large import runs.
func (m *Metrics) ImportRows(result string, n int) {
	if m == nil || n <= 0 {
		return
	}
	m.importRows.WithLabelValues(word(result)).Add(float64(n))
}

// AuditVerified records one audit chain verification: the entries it
// checked and whether it held (err == nil). An error is either a broken
// link or a database that did not answer; both need a person.
func (m *Metrics) AuditVerified(entries int64, err error) {
	if m == nil {
		return
	}
	m.auditLastRun.SetToCurrentTime()
	if err != nil {
		m.auditRuns.WithLabelValues("failed").Inc()
		m.auditOK.Set(0)
		return
	}
	m.auditRuns.WithLabelValues("ok").Inc()
	m.auditOK.Set(1)
	m.auditEntries.Set(float64(entries))
}

// PeriodicEnqueue counts one periodic task offered by this process's
// scheduler: duplicate is true when another scheduler had already enqueued
// the same period.
func (m *Metrics) PeriodicEnqueue(taskType string, duplicate bool) {
	if m == nil {
		return
	}
	outcome := "enqueued"
	if duplicate {
		outcome = "duplicate"
	}
	m.periodicTasks.WithLabelValues(taskType, outcome).Inc()
}

// word keeps a label value to a short lowercase word, so a caller's mistake
// (an address, an error text) cannot put personal data or unbounded values
// in a label.
func word(s string) string {
	if s == "" || len(s) > 24 {
		return "other"
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && r != '_' {
			return "other"
		}
	}
	return s
}
