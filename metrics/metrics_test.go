package metrics_test

import (
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor/metrics"
)

func scrape(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 {
		t.Fatalf("scrape: %d", rec.Code)
	}
	b, _ := io.ReadAll(rec.Body)
	return string(b)
}

func TestEveryCollectorIsExposed(t *testing.T) {
	m := metrics.New()
	m.ObserveHTTP("GET", "/api/v1/incidents/:id", 200, 3*time.Millisecond)
	m.ObserveHTTP("BREW", "unmatched", 405, time.Millisecond)
	m.DeliveryState("sent")
	m.DeliveryState("sent")
	m.DeliveryState("alice@example.com")
	m.CountSendsInProgress(func(context.Context) (int, error) { return 3, nil })
	m.SMTPRoundTrip(40 * time.Millisecond)
	m.SMTPError("throttled")
	m.SMTPError("550 5.1.1 <bob@example.com> unknown")
	m.RateLimiterWait(5 * time.Millisecond)
	m.ImportRows("accepted", 1000)
	m.ImportRows("rejected", 2)
	m.AuditVerified(12, nil)
	m.PeriodicEnqueue("audit:verify", true)

	out := scrape(t, m)
	for _, want := range []string{
		`candor_http_requests_total{method="GET",route="/api/v1/incidents/:id",status="200"} 1`,
		`candor_http_requests_total{method="other",route="unmatched",status="405"} 1`,
		`candor_http_request_duration_seconds_bucket{method="GET",route="/api/v1/incidents/:id",le="0.005"} 1`,
		`candor_deliveries_total{state="sent"} 2`,
		`candor_deliveries_total{state="other"} 1`,
		`candor_sends_in_progress 3`,
		`candor_smtp_round_trip_seconds_count 1`,
		`candor_smtp_errors_total{class="throttled"} 1`,
		`candor_smtp_errors_total{class="other"} 1`,
		`candor_rate_limiter_wait_seconds_count 1`,
		`candor_import_rows_total{result="accepted"} 1000`,
		`candor_import_rows_total{result="rejected"} 2`,
		`candor_audit_chain_ok 1`,
		`candor_audit_chain_entries 12`,
		`candor_audit_verifications_total{result="ok"} 1`,
		`candor_periodic_enqueues_total{outcome="duplicate",task="audit:verify"} 1`,
		`go_goroutines `,
		`process_cpu_seconds_total `,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q", want)
		}
	}
	// Only label values can leak: a sample's number may contain "550".
	labels := strings.Join(regexp.MustCompile(`\{[^}]*\}`).FindAllString(out, -1), " ")
	for _, leak := range []string{"example.com", "550"} {
		if strings.Contains(labels, leak) {
			t.Errorf("a label holds %q", leak)
		}
	}
}

func TestBrokenAuditChainAndFailingSendCount(t *testing.T) {
	m := metrics.New()
	m.AuditVerified(5, nil)
	m.AuditVerified(2, errors.New("entry 3 changed"))
	m.CountSendsInProgress(func(context.Context) (int, error) { return 0, errors.New("db down") })
	out := scrape(t, m)
	for _, want := range []string{"candor_audit_chain_ok 0", `candor_audit_verifications_total{result="failed"} 1`, "candor_sends_in_progress 0"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q", want)
		}
	}
}

// A nil *Metrics is a valid, silent recorder.
func TestNilMetricsRecordsNothing(t *testing.T) {
	var m *metrics.Metrics
	m.ObserveHTTP("GET", "/", 200, 0)
	m.DeliveryState("sent")
	m.CountSendsInProgress(nil)
	m.SMTPRoundTrip(time.Second)
	m.SMTPError("temporary")
	m.RateLimiterWait(time.Second)
	m.ImportRows("accepted", 1)
	m.AuditVerified(1, nil)
	m.PeriodicEnqueue("x", false)
	if err := m.Register(nil); err != nil {
		t.Fatal(err)
	}
}
