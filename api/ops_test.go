package api_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/api"
	"github.com/candor-dev/candor/metrics"
)

func TestMetricsCountRoutesNotPaths(t *testing.T) {
	m := metrics.New()
	e := newOpsEnv(t, api.Ops{Observer: m, Metrics: m.Handler()})
	r := e.do("POST", "/api/v1/incidents", candor.RoleComms, seedIncident)
	if r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Raw)
	}
	id := r.Body["id"].(string)
	e.do("GET", "/api/v1/incidents/"+id, candor.RoleViewer, nil)
	e.do("GET", "/no/such/alice@example.com", "", nil)
	res, body := e.req("GET", "/metrics", nil, "")
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("/metrics: %d %s", res.StatusCode, body)
	}
	for _, want := range []string{
		`candor_http_requests_total{method="POST",route="/api/v1/incidents",status="201"} 1`,
		`candor_http_requests_total{method="GET",route="/api/v1/incidents/:id",status="200"} 1`,
		`candor_http_requests_total{method="GET",route="unmatched",status="404"} 1`,
		`candor_http_request_duration_seconds_count{method="GET",route="/api/v1/incidents/:id"} 1`,
		`candor_deliveries_total`, `candor_smtp_errors_total`, `go_goroutines`,
	} {
		if !strings.Contains(body, want) && !strings.Contains(body, "# TYPE "+want) {
			t.Errorf("missing %q", want)
		}
	}
	for _, leak := range []string{id, "alice", seedIncident["title"].(string)} {
		if strings.Contains(body, leak) {
			t.Errorf("metrics hold %q", leak)
		}
	}
}

func TestMetricsToken(t *testing.T) {
	m := metrics.New()
	e := newOpsEnv(t, api.Ops{Metrics: m.Handler(), MetricsToken: "scrape-secret"})
	for _, tt := range []struct {
		name, auth string
		want       int
	}{
		{"none", "", 401},
		{"wrong", "Bearer nope", 401},
		{"an API token is not the metrics token", "Bearer " + e.tokens[candor.RoleAdmin], 401},
		{"right", "Bearer scrape-secret", 200},
	} {
		t.Run(tt.name, func(t *testing.T) {
			hdr := map[string]string{}
			if tt.auth != "" {
				hdr["Authorization"] = tt.auth
			}
			if res, body := e.req("GET", "/metrics", hdr, ""); res.StatusCode != tt.want {
				t.Fatalf("%d %s", res.StatusCode, body)
			}
		})
	}
}

// With metrics on a separate listener, the API listener has none, and the
// operations listener has nothing else.
func TestOpsListener(t *testing.T) {
	m := metrics.New()
	e := newOpsEnv(t, api.Ops{Observer: m})
	if res, _ := e.req("GET", "/metrics", nil, ""); res.StatusCode != 404 {
		t.Errorf("API listener /metrics: %d", res.StatusCode)
	}
	ops := httptest.NewServer(api.NewOps(api.Config{Logger: quiet, Ops: api.Ops{Observer: m, Metrics: m.Handler()}},
		api.Check{Name: "database", Ping: e.db.Ping}))
	defer ops.Close()
	o := &env{t: t, srv: ops}
	for path, want := range map[string]int{"/healthz": 200, "/readyz": 200, "/metrics": 200, "/api/v1/incidents": 404, "/admin/login": 404} {
		if res, _ := o.req("GET", path, nil, ""); res.StatusCode != want {
			t.Errorf("ops listener %s: %d, want %d", path, res.StatusCode, want)
		}
	}
	if _, body := o.req("GET", "/metrics", nil, ""); !strings.Contains(body, `route="/healthz",status="200"`) {
		t.Error("ops listener requests are not counted")
	}
}
