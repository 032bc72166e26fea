package api_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/internal/testenv"
)

// textEnv is an incident with a send, a disclosure and a delivery to find
// bad input against; it returns the env and the ids.
func textEnv(t *testing.T, d testenv.DB) (e *env, incident, disclosure, send string) {
	t.Helper()
	e = newEnv(t, d)
	incident = e.incident()
	testenv.ImportCSV(t, e.db, incident, "external_id,email\nc1,a@example.com\n")
	notice := testenv.ApprovedDisclosure(t, e.db, incident, candor.KindCustomerNotice, nil)
	r := e.do("POST", "/api/v1/disclosures/"+notice.ID+"/sends", candor.RoleLegal, `{}`)
	want(t, r, 201, "send")
	return e, incident, notice.ID, r.Body["id"].(string)
}

// counts is what a refused request must leave as it was.
func (e *env) counts() string {
	var b strings.Builder
	for _, table := range []string{"incidents", "incident_events", "disclosures", "disclosure_revisions", "tokens", "customers", "sends", "audit_log"} {
		fmt.Fprintf(&b, "%s=%d ", table, e.rowCount(table))
	}
	var bounced int64
	e.db.Gorm().Raw("SELECT count(*) FROM deliveries WHERE status = 'bounced'").Scan(&bounced)
	fmt.Fprintf(&b, "bounced=%d", bounced)
	return b.String()
}

// TestBadTextAtTheEdge sends NUL and invalid UTF-8 in each text field,
// path and query parameter the review found answering 500 on PostgreSQL
// (and stored on SQLite): each is a 4xx problem naming the field, the same
// on both databases, with nothing stored.
func TestBadTextAtTheEdge(t *testing.T) {
	bad := []struct {
		name, json, url string // the value inside a JSON string, and in a URL
		status          int    // for a body; a parameter is always 400
	}{
		{"NUL", `a\u0000b`, "a%00b", 422},
		{"invalid UTF-8", "a\xffb", "a%ffb", 400},
	}
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e, inc, dis, send := textEnv(t, d)
			ts := fmt.Sprint(time.Now().Unix())
			tests := []struct {
				name, method, path string
				role               candor.Role
				body               string // %s: the bad value; "" for a GET
				field              string
			}{
				{"incident title", "POST", "/api/v1/incidents", candor.RoleComms,
					`{"title":"%s","discovered_at":"2020-06-11T00:00:00Z","severity":"high"}`, "title"},
				{"incident summary", "POST", "/api/v1/incidents", candor.RoleComms,
					`{"title":"t","summary":"%s","discovered_at":"2020-06-11T00:00:00Z","severity":"high"}`, "summary"},
				{"incident patch", "PATCH", "/api/v1/incidents/" + inc, candor.RoleComms, `{"title":"%s"}`, "title"},
				{"nested reporting entity", "PATCH", "/api/v1/incidents/" + inc, candor.RoleComms,
					`{"reporting_entity":{"name":"%s","country":"JP"}}`, "reporting_entity.name"},
				{"event description", "POST", "/api/v1/incidents/" + inc + "/events", candor.RoleComms,
					`{"occurred_on":"2020-06-11","description":"%s"}`, "description"},
				{"disclosure title", "POST", "/api/v1/incidents/" + inc + "/disclosures", candor.RoleComms,
					`{"kind":"customer_notice","title":"%s","default_locale":"en","variants":{"en":{"subject":"s","body":"b"}}}`, "title"},
				{"variant subject", "POST", "/api/v1/incidents/" + inc + "/disclosures", candor.RoleComms,
					`{"kind":"customer_notice","title":"t","default_locale":"en","variants":{"en":{"subject":"%s","body":"b"}}}`, "variants.en.subject"},
				{"reject reason", "POST", "/api/v1/disclosures/" + dis + "/reject", candor.RoleLegal, `{"reason":"%s"}`, "reason"},
				{"token name", "POST", "/api/v1/tokens", candor.RoleAdmin, `{"name":"%s","role":"viewer"}`, "name"},
				{"customer name", "PATCH", "/api/v1/customers/" + e.customerID(inc), candor.RoleComms, `{"name":"%s"}`, "name"},
				{"bounce message_id", "POST", "/api/v1/webhooks/bounces", "", `[{"message_id":"%s","type":"hard"}]`, "[0].message_id"},
				{"customers q", "GET", "/api/v1/incidents/" + inc + "/customers?q=%s", candor.RoleViewer, "", "q"},
				{"audit incident", "GET", "/api/v1/audit?incident=%s", candor.RoleLegal, "", "incident"},
				{"path id", "GET", "/api/v1/incidents/%s", candor.RoleViewer, "", "id"},
				{"deliveries status", "GET", "/api/v1/sends/" + send + "/deliveries?status=%s", candor.RoleViewer, "", "status"},
			}
			for _, tt := range tests {
				for _, b := range bad {
					t.Run(tt.name+"/"+b.name, func(t *testing.T) {
						before := e.counts()
						path, body, status := tt.path, "", 400
						if tt.body == "" {
							path = fmt.Sprintf(tt.path, b.url)
						} else {
							body, status = fmt.Sprintf(tt.body, b.json), b.status
						}
						var r response
						if tt.method == "POST" && tt.role == "" {
							r = e.signedBounce(ts, body)
						} else if body == "" {
							r = e.do(tt.method, path, tt.role, nil)
						} else {
							r = e.do(tt.method, path, tt.role, body)
						}
						if r.Status != status || problemField(r) != tt.field {
							t.Fatalf("%d naming %q, want %d naming %q: %s", r.Status, problemField(r), status, tt.field, r.Raw)
						}
						if after := e.counts(); after != before {
							t.Errorf("stored something: %s, was %s", after, before)
						}
					})
				}
			}
		})
	}
}

// signedBounce posts body to the bounce webhook, signed at ts.
func (e *env) signedBounce(ts, body string) response {
	e.t.Helper()
	req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/webhooks/bounces", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Candor-Timestamp", ts)
	req.Header.Set("X-Candor-Signature", signBounce(ts, body))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	r := response{Status: res.StatusCode, ContentType: res.Header.Get("Content-Type"), Raw: raw}
	jsonUnmarshal(raw, &r.Body)
	return r
}

func problemField(r response) string {
	errs, _ := r.Body["errors"].([]any)
	if len(errs) == 0 {
		return ""
	}
	f, _ := errs[0].(map[string]any)["field"].(string)
	return f
}

func (e *env) customerID(incident string) string {
	e.t.Helper()
	r := e.do("GET", "/api/v1/incidents/"+incident+"/customers", candor.RoleViewer, nil)
	want(e.t, r, 200, "customers")
	return r.Body["items"].([]any)[0].(map[string]any)["id"].(string)
}

// TestSingleLineTextOverHTTP: single-line fields fold line breaks and tabs
// and refuse other control characters and bidi overrides; multi-line ones
// keep their lines.
func TestSingleLineTextOverHTTP(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e := newEnv(t, d)
			r := e.do("POST", "/api/v1/incidents", candor.RoleComms,
				`{"title":"Access to\r\nthe\tdepot","summary":"Line one.\nLine two.","discovered_at":"2020-06-11T00:00:00Z","severity":"high"}`)
			want(t, r, 201, "create")
			if r.Body["title"] != "Access to the depot" || r.Body["summary"] != "Line one.\nLine two." {
				t.Errorf("title %q summary %q", r.Body["title"], r.Body["summary"])
			}
			inc := r.Body["id"].(string)
			r = e.upload("/api/v1/incidents/"+inc+"/customers/import", "text/csv", "email,name\nwei@example.com,\"Wei\nLi\"\n", candor.RoleComms)
			if r.Status != 200 || r.Body["accepted"] != 1.0 {
				t.Fatalf("import: %d %s", r.Status, r.Raw)
			}
			r = e.do("GET", "/api/v1/customers/"+e.customerID(inc), candor.RoleViewer, nil)
			if r.Body["name"] != "Wei Li" {
				t.Errorf("name %q, want Wei Li", r.Body["name"])
			}
			r = e.do("POST", "/api/v1/tokens", candor.RoleAdmin, `{"name":"ci\nrunner\tbot","role":"viewer"}`)
			if tok, _ := r.Body["token"].(map[string]any); r.Status != 201 || tok["name"] != "ci runner bot" {
				t.Errorf("token name: %d %s", r.Status, r.Raw)
			}
			for _, tt := range []struct{ name, body, field string }{
				{"bidi override in a title", `{"title":"invoice\u202Efdp.exe","discovered_at":"2020-06-11T00:00:00Z","severity":"high"}`, "title"},
				{"escape in a title", `{"title":"a\u001b[2Jb","discovered_at":"2020-06-11T00:00:00Z","severity":"high"}`, "title"},
				{"escape in a summary", `{"title":"t","summary":"a\u001bb","discovered_at":"2020-06-11T00:00:00Z","severity":"high"}`, "summary"},
			} {
				t.Run(tt.name, func(t *testing.T) {
					before := e.counts()
					r := e.do("POST", "/api/v1/incidents", candor.RoleComms, tt.body)
					if r.Status != 422 || problemField(r) != tt.field {
						t.Fatalf("%d %s", r.Status, r.Raw)
					}
					if e.counts() != before {
						t.Error("stored something")
					}
				})
			}
		})
	}
}

// TestDatesOutOfRangeOverHTTP: a time outside 1970–2200 in any field is a
// 422 naming it, never stored (9999-12-31 made /obligations an empty 200;
// a UTC year past 9999 panicked in the store).
func TestDatesOutOfRangeOverHTTP(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e, inc, dis, _ := textEnv(t, d)
			tests := []struct {
				name, method, path, body string
				role                     candor.Role
				field                    string
			}{
				{"discovered 9999-12-31", "POST", "/api/v1/incidents",
					`{"title":"t","discovered_at":"9999-12-31T00:00:00Z","severity":"high"}`, candor.RoleComms, "discovered_at"},
				{"discovered past 9999 in UTC", "POST", "/api/v1/incidents",
					`{"title":"t","discovered_at":"9999-12-31T23:59:59-23:59","severity":"high"}`, candor.RoleComms, "discovered_at"},
				{"discovered 1969", "POST", "/api/v1/incidents",
					`{"title":"t","discovered_at":"1969-12-31T23:59:59Z","severity":"high"}`, candor.RoleComms, "discovered_at"},
				{"patch contained_at", "PATCH", "/api/v1/incidents/" + inc, `{"contained_at":"9999-12-31T23:59:59-23:59"}`, candor.RoleComms, "contained_at"},
				{"event on 9999-12-31", "POST", "/api/v1/incidents/" + inc + "/events",
					`{"occurred_on":"9999-12-31","description":"d","public":true}`, candor.RoleComms, "occurred_on"},
				{"event at year 1", "POST", "/api/v1/incidents/" + inc + "/events",
					`{"occurred_at":"0001-01-01T00:00:00Z","description":"d","public":true}`, candor.RoleComms, "occurred_at"},
				{"send_at 9999", "POST", "/api/v1/disclosures/" + dis + "/sends", `{"send_at":"9999-12-31T23:59:59-23:59"}`, candor.RoleLegal, "send_at"},
				{"obligations as of 9999", "GET", "/api/v1/incidents/" + inc + "/obligations?as_of=9999-12-31", "", candor.RoleViewer, "as_of"},
				{"obligations at 1900", "GET", "/api/v1/incidents/" + inc + "/obligations?at=1900-01-01T00:00:00Z", "", candor.RoleViewer, "at"},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					before := e.counts()
					r := e.do(tt.method, tt.path, tt.role, tt.body)
					if r.Status != 422 || problemField(r) != tt.field {
						t.Fatalf("%d naming %q, want 422 naming %s: %s", r.Status, problemField(r), tt.field, r.Raw)
					}
					if e.counts() != before {
						t.Error("stored something")
					}
				})
			}
			r := e.do("GET", "/api/v1/incidents/"+inc, candor.RoleViewer, nil)
			if r.Body["contained_at"] != nil {
				t.Errorf("contained_at stored: %v", r.Body["contained_at"])
			}
		})
	}
}

// TestRevisionAndCursorBounds: numbers past a 32-bit column and cursors
// that decode to bytes no key has are 422s naming the parameter, not 500s
// from PostgreSQL.
func TestRevisionAndCursorBounds(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e, _, dis, send := textEnv(t, d)
			tests := []struct {
				name, method, path, body string
				field                    string
			}{
				{"diff to 99999999999", "GET", "/api/v1/disclosures/" + dis + "/revisions?diff=1..99999999999", "", "diff"},
				{"diff from 2^31", "GET", "/api/v1/disclosures/" + dis + "/revisions?diff=2147483648..1", "", "diff"},
				{"to 99999999999", "GET", "/api/v1/disclosures/" + dis + "/revisions?from=1&to=99999999999", "", "to"},
				{"preview revision 99999999999", "POST", "/api/v1/disclosures/" + dis + "/preview", `{"revision":99999999999}`, "revision"},
				{"preview revision -1", "POST", "/api/v1/disclosures/" + dis + "/preview", `{"revision":-1}`, "revision"},
				{"deliveries cursor abcd", "GET", "/api/v1/sends/" + send + "/deliveries?cursor=abcd", "", "cursor"},
				{"deliveries cursor with NUL", "GET", "/api/v1/sends/" + send + "/deliveries?cursor=AA", "", "cursor"},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					var body any
					if tt.body != "" {
						body = tt.body
					}
					r := e.do(tt.method, tt.path, candor.RoleLegal, body)
					if r.Status != 422 || problemField(r) != tt.field {
						t.Fatalf("%d naming %q, want 422 naming %s: %s", r.Status, problemField(r), tt.field, r.Raw)
					}
				})
			}
			// The largest revision number is a plain miss.
			if r := e.do("GET", "/api/v1/disclosures/"+dis+"/revisions?diff=1..2147483647", candor.RoleViewer, nil); r.Status != http.StatusNotFound {
				t.Errorf("diff to 2^31-1: %d %s", r.Status, r.Raw)
			}
		})
	}
}
