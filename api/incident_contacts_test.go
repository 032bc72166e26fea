package api_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/api"
	"github.com/candor-dev/candor/internal/testenv"
)

// newEnvWith is newEnv with the API configured by set.
func newEnvWith(t *testing.T, d testenv.DB, set func(*api.Config)) *env {
	t.Helper()
	e := newEnv(t, d)
	cfg := api.Config{MaxBodyBytes: 1 << 20, Logger: quiet, BounceSecret: bounceSecret}
	set(&cfg)
	e.api = api.New(cfg, e.db, api.Check{Name: "database", Ping: e.db.Ping})
	e.srv.Config.Handler = e.api
	return e
}

func addresses(n int, domain string) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("legal%d@%s", i, domain)
	}
	return out
}

func incidentWith(fields map[string]any) map[string]any {
	m := map[string]any{"title": "Stolen laptop", "discovered_at": "2026-03-02T09:00:00Z", "severity": "high"}
	for k, v := range fields {
		m[k] = v
	}
	return m
}

// problemFields returns the fields a problem document names, and fails
// unless r is one with status want.
func problemFields(t *testing.T, r response, want int) []string {
	t.Helper()
	if r.Status != want || r.ContentType != api.ProblemContentType {
		t.Fatalf("status %d %s %s, want a %d problem", r.Status, r.ContentType, r.Raw, want)
	}
	var out []string
	errs, _ := r.Body["errors"].([]any)
	for _, e := range errs {
		out = append(out, e.(map[string]any)["field"].(string))
	}
	return out
}

// Who Candor mails about an incident: at most 20 legal contacts, inside the
// operator's domains, named by legal (or admin) only; comms edits the rest.
func TestIncidentContactRules(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e := newEnvWith(t, d, func(c *api.Config) {
				c.ContactDomains = candor.ContactDomains{"example.com", "example.co.jp"}
			})
			legal, comms := candor.RoleLegal, candor.RoleComms
			id := e.createIncidentAs(legal, incidentWith(map[string]any{"owner_email": "owner@example.com",
				"legal_contacts": []string{"legal@example.com", "dpo@eu.example.com", "houmu@example.co.jp"}}))
			incidents, audits := e.rowCount("incidents"), e.auditCount()
			path := "/api/v1/incidents/" + id

			refused := []struct {
				name   string
				method string
				path   string
				role   candor.Role
				body   map[string]any
				status int
				field  string // the field a 422 names
				detail string // in the problem's detail, or its first error's message
			}{
				{"21 contacts", "POST", "/api/v1/incidents", legal, incidentWith(map[string]any{"legal_contacts": addresses(21, "example.com")}), 422, "legal_contacts", "at most 20"},
				{"20,000 contacts", "POST", "/api/v1/incidents", legal, incidentWith(map[string]any{"legal_contacts": addresses(20000, "example.com")}), 422, "legal_contacts", "at most 20"},
				{"patch to 21 contacts", "PATCH", path, legal, map[string]any{"legal_contacts": addresses(21, "example.com")}, 422, "legal_contacts", "at most 20"},
				{"contact outside the domains", "POST", "/api/v1/incidents", legal, incidentWith(map[string]any{"legal_contacts": []string{"legal@example.com", "x@attacker.test"}}), 422, "legal_contacts", "x@attacker.test"},
				{"a look-alike domain", "POST", "/api/v1/incidents", legal, incidentWith(map[string]any{"legal_contacts": []string{"x@example.com.attacker.test"}}), 422, "legal_contacts", "example.com.attacker.test"},
				{"a suffix that is not a subdomain", "POST", "/api/v1/incidents", legal, incidentWith(map[string]any{"owner_email": "x@notexample.com"}), 422, "owner_email", "x@notexample.com"},
				{"patch owner outside the domains", "PATCH", path, legal, map[string]any{"owner_email": "boss@gmail.test"}, 422, "owner_email", "boss@gmail.test"},
				{"admin is held to the domains too", "PATCH", path, candor.RoleAdmin, map[string]any{"legal_contacts": []string{"x@attacker.test"}}, 422, "legal_contacts", "x@attacker.test"},
				{"comms creates with an owner", "POST", "/api/v1/incidents", comms, incidentWith(map[string]any{"owner_email": "owner@example.com"}), 403, "", "legal role"},
				{"comms creates with contacts", "POST", "/api/v1/incidents", comms, incidentWith(map[string]any{"legal_contacts": []string{"legal@example.com"}}), 403, "", "legal role"},
				{"comms adds a contact", "PATCH", path, comms, map[string]any{"legal_contacts": []string{"legal@example.com", "dpo@eu.example.com", "houmu@example.co.jp", "me@example.com"}}, 403, "", "legal role"},
				{"comms clears the contacts", "PATCH", path, comms, map[string]any{"legal_contacts": nil}, 403, "", "legal role"},
				{"comms changes the owner", "PATCH", path, comms, map[string]any{"owner_email": "me@example.com", "title": "x"}, 403, "", "legal role"},
				{"comms, with an invalid address, learns only the role rule", "PATCH", path, comms, map[string]any{"legal_contacts": []string{"not an address"}}, 403, "", "legal role"},
			}
			for _, tt := range refused {
				t.Run(tt.name, func(t *testing.T) {
					r := e.do(tt.method, tt.path, tt.role, tt.body)
					fields := problemFields(t, r, tt.status)
					if tt.field != "" && !slices.Contains(fields, tt.field) {
						t.Errorf("fields %v, want %s: %s", fields, tt.field, r.Raw)
					}
					if !strings.Contains(string(r.Raw), tt.detail) {
						t.Errorf("problem lacks %q: %s", tt.detail, r.Raw)
					}
					if len(fields) > 1 && tt.status == 422 && strings.Contains(tt.name, "20,000") {
						t.Errorf("20,000 contacts gave %d errors, want one", len(fields))
					}
				})
			}
			if e.rowCount("incidents") != incidents || e.auditCount() != audits {
				t.Fatalf("refused requests stored incidents or audit entries")
			}
			if got := e.do("GET", path, candor.RoleViewer, nil); got.Body["owner_email"] != "owner@example.com" || len(got.Body["legal_contacts"].([]any)) != 3 {
				t.Fatalf("refused patches changed the contacts: %s", got.Raw)
			}

			allowed := []struct {
				name   string
				method string
				path   string
				role   candor.Role
				body   map[string]any
			}{
				{"comms creates without contacts", "POST", "/api/v1/incidents", comms, incidentWith(nil)},
				{"comms creates with empty contacts", "POST", "/api/v1/incidents", comms, incidentWith(map[string]any{"legal_contacts": []string{}, "owner_email": ""})},
				{"comms edits other fields", "PATCH", path, comms, map[string]any{"title": "Stolen laptop with HR files", "severity": "critical"}},
				{"comms sends the contacts back unchanged", "PATCH", path, comms, map[string]any{"summary": "s", "owner_email": "owner@example.com",
					"legal_contacts": []string{"legal@example.com", "dpo@eu.example.com", "houmu@example.co.jp"}}},
				{"legal names 20 contacts", "PATCH", path, legal, map[string]any{"legal_contacts": addresses(20, "example.com")}},
				{"legal, a subdomain and an upper-case domain", "PATCH", path, legal, map[string]any{"owner_email": "Owner@Legal.EXAMPLE.com"}},
				{"admin may too", "PATCH", path, candor.RoleAdmin, map[string]any{"legal_contacts": []string{"legal@example.co.jp"}}},
			}
			for _, tt := range allowed {
				t.Run(tt.name, func(t *testing.T) {
					r := e.do(tt.method, tt.path, tt.role, tt.body)
					if r.Status != 200 && r.Status != 201 {
						t.Fatalf("status %d %s", r.Status, r.Raw)
					}
				})
			}
		})
	}
}

// Without CANDOR_CONTACT_DOMAINS any domain is allowed; the cap and the role
// rule hold all the same.
func TestIncidentContactsUnrestricted(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e := newEnv(t, d)
			id := e.createIncidentAs(candor.RoleLegal, incidentWith(map[string]any{"legal_contacts": []string{"a@anywhere.test"}}))
			if r := e.do("PATCH", "/api/v1/incidents/"+id, candor.RoleComms, map[string]any{"legal_contacts": []string{"b@anywhere.test"}}); r.Status != 403 {
				t.Errorf("comms changed contacts: %d %s", r.Status, r.Raw)
			}
			problemFields(t, e.do("POST", "/api/v1/incidents", candor.RoleLegal, incidentWith(map[string]any{"legal_contacts": addresses(21, "x.test")})), 422)
		})
	}
}

func (e *env) createIncidentAs(role candor.Role, body map[string]any) string {
	e.t.Helper()
	r := e.do("POST", "/api/v1/incidents", role, body)
	if r.Status != 201 {
		e.t.Fatalf("create incident: %d %s", r.Status, r.Raw)
	}
	return r.Body["id"].(string)
}

// lastAudit returns the newest audit entry of an incident.
func (e *env) lastAudit(id string) (action string, summary map[string]any) {
	e.t.Helper()
	r := e.do("GET", "/api/v1/audit?incident="+id+"&limit=1", candor.RoleLegal, nil)
	items, _ := r.Body["items"].([]any)
	if r.Status != 200 || len(items) == 0 {
		e.t.Fatalf("audit: %d %s", r.Status, r.Raw)
	}
	it := items[0].(map[string]any)
	summary, _ = it["summary"].(map[string]any)
	return it["action"].(string), summary
}

// A patch of the fields that decide legal duties is in the audit entry,
// each with its before and after.
func TestIncidentPatchAuditNamesEveryChange(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e := newEnv(t, d)
			id := e.createIncidentAs(candor.RoleLegal, incidentWith(map[string]any{"summary": "a",
				"data_categories": []string{"contact_details", "health"}, "reporting_entity": map[string]any{"name": "X", "country": "JP"},
				"legal_contacts": []string{"legal@example.com", "dpo@example.com"}, "occurred_from": "2026-03-01T00:00:00Z", "malicious": true}))
			r := e.do("PATCH", "/api/v1/incidents/"+id, candor.RoleLegal, map[string]any{"summary": "b",
				"data_categories": []string{"financial"}, "reporting_entity": map[string]any{"name": "Y", "country": "DE", "listed_us": true},
				"legal_contacts": []string{"other@example.com"}, "occurred_from": "2026-02-01T00:00:00Z", "malicious": false})
			if r.Status != 200 {
				t.Fatalf("patch: %d %s", r.Status, r.Raw)
			}
			action, sum := e.lastAudit(id)
			if action != "incident.update" {
				t.Fatalf("last audit entry is %s", action)
			}
			for _, f := range []string{"summary", "data_categories", "reporting_entity", "legal_contacts", "occurred_from", "malicious"} {
				ch, ok := sum[f].(map[string]any)
				if !ok || fmt.Sprint(ch["before"]) == fmt.Sprint(ch["after"]) {
					t.Errorf("audit entry lacks the change of %s: %v", f, sum)
				}
			}
			if strings.Contains(fmt.Sprint(sum), "@example.com") {
				t.Errorf("audit entry holds an address: %v", sum)
			}
		})
	}
}

// Two PATCHes of different fields of the same incident, at once: both
// survive (the row is locked for the read-modify-write).
func TestIncidentConcurrentPatchesKeepBoth(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e := newEnv(t, d)
			const pairs = 40
			ids := make([]string, pairs)
			for i := range ids {
				ids[i] = e.createIncidentAs(candor.RoleComms, incidentWith(nil))
			}
			var wg sync.WaitGroup
			statuses := make(chan int, 2*pairs)
			for i, id := range ids {
				for _, body := range []map[string]any{{"title": fmt.Sprintf("title %d", i)}, {"summary": fmt.Sprintf("summary %d", i)}} {
					wg.Add(1)
					go func() {
						defer wg.Done()
						statuses <- e.do("PATCH", "/api/v1/incidents/"+id, candor.RoleComms, body).Status
					}()
				}
			}
			wg.Wait()
			close(statuses)
			for s := range statuses {
				if s != 200 {
					t.Fatalf("a patch answered %d", s)
				}
			}
			lost := 0
			for i, id := range ids {
				got := e.do("GET", "/api/v1/incidents/"+id, candor.RoleViewer, nil)
				if got.Body["title"] != fmt.Sprintf("title %d", i) || got.Body["summary"] != fmt.Sprintf("summary %d", i) {
					lost++
				}
			}
			if lost > 0 {
				t.Errorf("%d of %d pairs lost a patch", lost, pairs)
			}
		})
	}
}

// decodeJSON is json.Unmarshal for tests that know the input is valid.
func decodeJSON(t *testing.T, raw []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}
