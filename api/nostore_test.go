package api_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/internal/testenv"
)

// Every answer of the authenticated API carries Cache-Control: no-store —
// those with personal data (customers, a customer, deliveries, the export,
// the audit log, tokens) and their errors alike — so that no browser or
// proxy cache keeps a copy. The public pages keep their own caching.
func TestPersonalDataIsNotStored(t *testing.T) {
	e := newEnv(t, testenv.SQLite(t))
	ctx := testenv.Actor(candor.RoleLegal)
	in := e.do("POST", "/api/v1/incidents", candor.RoleComms, seedIncident)
	if in.Status != http.StatusCreated {
		t.Fatalf("create incident: %d %s", in.Status, in.Raw)
	}
	incident := in.Body["id"].(string)
	testenv.ImportCSV(t, e.db, incident, "external_id,name,email,country\nc1,Rita Moreno,rita@example.com,US\nc2,Bob,bob@example.com,US\n")
	page, err := e.db.ListCustomers(ctx, candor.CustomerFilter{IncidentID: incident, Limit: 10})
	if err != nil || len(page.Items) != 2 {
		t.Fatalf("customers: %+v %v", page, err)
	}
	customer, other := page.Items[0].ID, page.Items[1].ID
	send, _ := testenv.Send(t, e.db, incident, "customer_notice", "")
	toks, err := e.db.ListTokens(ctx)
	if err != nil || len(toks) == 0 {
		t.Fatalf("tokens: %v", err)
	}

	tests := []struct {
		name, method, path string
		role               candor.Role
		body               string
		status             int
	}{
		{"customers", "GET", "/api/v1/incidents/" + incident + "/customers", candor.RoleViewer, "", 200},
		{"customers search", "GET", "/api/v1/incidents/" + incident + "/customers?q=rita@example.com", candor.RoleViewer, "", 200},
		{"customer", "GET", "/api/v1/customers/" + customer, candor.RoleViewer, "", 200},
		{"customer edit", "PATCH", "/api/v1/customers/" + customer, candor.RoleComms, `{"name": "Rita M."}`, 200},
		{"customer erase", "DELETE", "/api/v1/customers/" + other, candor.RoleLegal, "", 200},
		{"export", "GET", "/api/v1/incidents/" + incident + "/customers/export.csv", candor.RoleComms, "", 200},
		{"deliveries", "GET", "/api/v1/sends/" + send + "/deliveries", candor.RoleViewer, "", 200},
		{"audit", "GET", "/api/v1/audit", candor.RoleLegal, "", 200},
		{"tokens", "GET", "/api/v1/tokens", candor.RoleAdmin, "", 200},
		{"incident", "GET", "/api/v1/incidents/" + incident, candor.RoleViewer, "", 200},
		{"no token", "GET", "/api/v1/customers/" + customer, "", "", 401},
		{"unknown customer", "GET", "/api/v1/customers/01a24dfd-0000-7000-8000-000000000000", candor.RoleViewer, "", 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body io.Reader
			if tt.body != "" {
				body = strings.NewReader(tt.body)
			}
			req, _ := http.NewRequest(tt.method, e.srv.URL+tt.path, body)
			if tt.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			if tt.role != "" {
				req.Header.Set("Authorization", "Bearer "+e.tokens[tt.role])
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", res.StatusCode, tt.status, raw)
			}
			if got := res.Header.Get("Cache-Control"); got != "no-store" {
				t.Fatalf("Cache-Control %q, want no-store", got)
			}
		})
	}
}
