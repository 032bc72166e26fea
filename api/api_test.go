package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/api"
	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/store"
)

// env is a real router over a real database, with one token per role.
type env struct {
	t      *testing.T
	srv    *httptest.Server
	db     *store.DB
	api    *api.Server
	tokens map[candor.Role]string
}

func newEnv(t *testing.T, d testenv.DB) *env {
	t.Helper()
	db := testenv.Open(t, d)
	db.SetKeyring(testenv.Keyring(t))
	s := api.New(api.Config{MaxBodyBytes: 64 << 10, Logger: quiet, BounceSecret: bounceSecret}, db, api.Check{Name: "database", Ping: db.Ping})
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	e := &env{t: t, srv: srv, db: db, api: s, tokens: map[candor.Role]string{}}
	for _, r := range []candor.Role{candor.RoleViewer, candor.RoleComms, candor.RoleLegal, candor.RoleAdmin} {
		_, secret, err := db.CreateToken(testenv.Actor(candor.RoleAdmin), "test "+string(r), r)
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[r] = secret
	}
	return e
}

type response struct {
	Status      int
	ContentType string
	Body        map[string]any
	Raw         []byte
}

func (e *env) do(method, path string, role candor.Role, body any) response {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		rd = bytes.NewReader(j)
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, rd)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+e.tokens[role])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	r := response{Status: res.StatusCode, ContentType: res.Header.Get("Content-Type"), Raw: raw}
	json.Unmarshal(raw, &r.Body)
	return r
}

func (e *env) auditCount() int64 {
	var n int64
	e.db.Gorm().Raw("SELECT count(*) FROM audit_log").Scan(&n)
	return n
}

func (e *env) rowCount(table string) int64 {
	var n int64
	e.db.Gorm().Raw("SELECT count(*) FROM " + table).Scan(&n)
	return n
}

var seedIncident = map[string]any{
	"title":           "Unauthorized access to Kawasaki Group",
	"summary":         "Connections from overseas offices to servers in Japan.",
	"discovered_at":   "2020-06-11T00:00:00Z",
	"severity":        "high",
	"cause":           "unauthorized_access",
	"malicious":       true,
	"data_categories": []string{"name", "email"},
	"reporting_entity": map[string]any{
		"name": "Kawasaki Heavy Industries", "country": "jp", "listed_us": false,
	},
	"timezone": "Asia/Tokyo",
	// The facts in each language of the default templates, as the
	// statement gave them, so that their notices can be submitted.
	"translations": map[string]any{
		"ja":  map[string]any{"title": "当社グループへの不正アクセス", "summary": "海外拠点から日本国内のサーバーへの接続。", "reporting_entity": "川崎重工業株式会社"},
		"th":  map[string]any{"title": "การเข้าถึงโดยไม่ได้รับอนุญาต", "summary": "การเชื่อมต่อจากสำนักงานต่างประเทศไปยังเซิร์ฟเวอร์ในญี่ปุ่น"},
		"id":  map[string]any{"title": "Akses tidak sah", "summary": "Koneksi dari kantor luar negeri ke server di Jepang."},
		"fil": map[string]any{"title": "Hindi awtorisadong pag-access", "summary": "Mga koneksyon mula sa mga opisina sa ibang bansa patungo sa mga server sa Japan."},
	},
}

func TestIncidentEndToEnd(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e := newEnv(t, d)
			r := e.do("POST", "/api/v1/incidents", candor.RoleComms, seedIncident)
			if r.Status != 201 {
				t.Fatalf("create: %d %s", r.Status, r.Raw)
			}
			id := r.Body["id"].(string)
			if r.Body["reporting_entity"].(map[string]any)["country"] != "JP" {
				t.Errorf("country not canonical: %v", r.Body["reporting_entity"])
			}
			if r := e.do("GET", "/api/v1/incidents/"+id, candor.RoleViewer, nil); r.Status != 200 || r.Body["title"] != seedIncident["title"] {
				t.Fatalf("read: %d %s", r.Status, r.Raw)
			}
			r = e.do("PATCH", "/api/v1/incidents/"+id, candor.RoleComms,
				`{"severity":"critical","determined_at":"2020-06-15T00:00:00Z","malicious":null}`)
			if r.Status != 200 || r.Body["severity"] != "critical" || r.Body["determined_at"] != "2020-06-15T00:00:00Z" ||
				r.Body["malicious"] != nil || r.Body["title"] != seedIncident["title"] {
				t.Fatalf("patch: %d %s", r.Status, r.Raw)
			}
			for _, ev := range []map[string]any{
				{"occurred_on": "2020-06-15", "description": "Possibility of data breach confirmed", "public": true},
				{"occurred_on": "2020-06-11", "description": "Unauthorized access identified", "public": true},
			} {
				if r := e.do("POST", "/api/v1/incidents/"+id+"/events", candor.RoleComms, ev); r.Status != 201 {
					t.Fatalf("event: %d %s", r.Status, r.Raw)
				}
			}
			r = e.do("GET", "/api/v1/incidents/"+id+"/events", candor.RoleViewer, nil)
			items := r.Body["items"].([]any)
			if len(items) != 2 || items[0].(map[string]any)["occurred_on"] != "2020-06-11" {
				t.Fatalf("timeline not in time order: %s", r.Raw)
			}
			if r := e.do("GET", "/api/v1/incidents", candor.RoleViewer, nil); r.Status != 200 || len(r.Body["items"].([]any)) != 1 {
				t.Fatalf("list: %d %s", r.Status, r.Raw)
			}
			r = e.do("GET", "/api/v1/audit?incident="+id, candor.RoleLegal, nil)
			if r.Status != 200 || len(r.Body["items"].([]any)) != 4 {
				t.Fatalf("audit: %d %s", r.Status, r.Raw)
			}
			entry := r.Body["items"].([]any)[1].(map[string]any)
			if entry["action"] != "event.create" || entry["actor_name"] != "test comms" {
				t.Errorf("audit entry: %v", entry)
			}
			if n, err := e.db.VerifyAudit(context.Background()); err != nil {
				t.Fatalf("audit chain after %d: %v", n, err)
			}
		})
	}
}

func TestRolesAreEnforced(t *testing.T) {
	e := newEnv(t, testenv.SQLite(t))
	tests := []struct {
		name, method, path string
		role               candor.Role
		want               int
	}{
		{"no token", "GET", "/api/v1/incidents", "", 401},
		{"viewer cannot create", "POST", "/api/v1/incidents", candor.RoleViewer, 403},
		{"viewer cannot read audit", "GET", "/api/v1/audit", candor.RoleViewer, 403},
		{"comms cannot read audit", "GET", "/api/v1/audit", candor.RoleComms, 403},
		{"legal reads audit", "GET", "/api/v1/audit", candor.RoleLegal, 200},
		{"legal cannot list tokens", "GET", "/api/v1/tokens", candor.RoleLegal, 403},
		{"admin lists tokens", "GET", "/api/v1/tokens", candor.RoleAdmin, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body any
			if tt.method == "POST" {
				body = seedIncident
			}
			r := e.do(tt.method, tt.path, tt.role, body)
			if r.Status != tt.want {
				t.Fatalf("got %d %s, want %d", r.Status, r.Raw, tt.want)
			}
			if tt.want >= 400 && r.ContentType != api.ProblemContentType {
				t.Errorf("content type %q", r.ContentType)
			}
		})
	}
	if n := e.rowCount("incidents"); n != 0 {
		t.Errorf("refused requests stored %d incidents", n)
	}
}

func TestBadInputGetsProblems(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e := newEnv(t, d)
			r := e.do("POST", "/api/v1/incidents", candor.RoleComms, seedIncident)
			id := r.Body["id"].(string)
			audits, events := e.auditCount(), e.rowCount("incident_events")
			big := `{"title":"` + strings.Repeat("x", 70<<10) + `"}`
			tests := []struct {
				name, method, path, body string
				want                     int
				field                    string
			}{
				{"malformed JSON", "POST", "/api/v1/incidents", `{"title": "x",`, 400, ""},
				{"not an object", "POST", "/api/v1/incidents", `[1,2]`, 400, ""},
				{"empty body", "POST", "/api/v1/incidents", ``, 400, ""},
				{"two values", "POST", "/api/v1/incidents", `{} {}`, 400, ""},
				{"wrong type", "POST", "/api/v1/incidents", `{"title": 5}`, 422, "title"},
				{"unknown field", "POST", "/api/v1/incidents", `{"title":"x","id":"abc"}`, 422, "id"},
				{"date in wrong format", "POST", "/api/v1/incidents", `{"title":"x","severity":"low","discovered_at":"11/06/2020"}`, 422, "discovered_at"},
				{"date only where a time is needed", "POST", "/api/v1/incidents", `{"title":"x","severity":"low","discovered_at":"2020-06-11"}`, 422, "discovered_at"},
				{"missing required", "POST", "/api/v1/incidents", `{"title":"x"}`, 422, "discovered_at"},
				{"bad severity", "POST", "/api/v1/incidents", `{"title":"x","severity":"huge","discovered_at":"2020-06-11T00:00:00Z"}`, 422, "severity"},
				{"bad entity country", "POST", "/api/v1/incidents", `{"title":"x","severity":"low","discovered_at":"2020-06-11T00:00:00Z","reporting_entity":{"country":"Japan"}}`, 422, "reporting_entity.country"},
				{"oversized body", "POST", "/api/v1/incidents", big, 413, ""},
				{"unknown id", "GET", "/api/v1/incidents/0190c3b8-0000-7000-8000-000000000000", "", 404, ""},
				{"malformed id", "GET", "/api/v1/incidents/nope", "", 404, ""},
				{"patch unknown id", "PATCH", "/api/v1/incidents/0190c3b8-0000-7000-8000-000000000000", `{"severity":"low"}`, 404, ""},
				{"patch to invalid", "PATCH", "/api/v1/incidents/" + id, `{"title":""}`, 422, "title"},
				{"patch unknown field", "PATCH", "/api/v1/incidents/" + id, `{"created_at":"2020-01-01T00:00:00Z"}`, 422, "created_at"},
				{"event without date", "POST", "/api/v1/incidents/" + id + "/events", `{"description":"x","public":true}`, 422, "occurred_on"},
				{"event with bad date", "POST", "/api/v1/incidents/" + id + "/events", `{"occurred_on":"2020-13-40","description":"x","public":true}`, 422, "occurred_on"},
				{"event without public", "POST", "/api/v1/incidents/" + id + "/events", `{"occurred_on":"2020-06-11","description":"x"}`, 422, "public"},
				{"bad limit", "GET", "/api/v1/incidents?limit=5000", "", 422, "limit"},
				{"bad cursor", "GET", "/api/v1/incidents?cursor=zzzz", "", 422, "cursor"},
				{"unknown route", "GET", "/api/v1/nothing", "", 404, ""},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					var body any
					if tt.body != "" || tt.method != "GET" {
						body = tt.body
					}
					r := e.do(tt.method, tt.path, candor.RoleComms, body)
					if r.Status != tt.want {
						t.Fatalf("status %d %s, want %d", r.Status, r.Raw, tt.want)
					}
					if r.ContentType != api.ProblemContentType || r.Body["detail"] == "" || r.Body["status"] != float64(tt.want) {
						t.Fatalf("not a problem document: %s %s", r.ContentType, r.Raw)
					}
					if tt.field != "" {
						errs, _ := r.Body["errors"].([]any)
						if len(errs) == 0 || errs[0].(map[string]any)["field"] != tt.field {
							t.Fatalf("errors %v, want field %q", r.Body["errors"], tt.field)
						}
					}
				})
			}
			if e.auditCount() != audits || e.rowCount("incidents") != 1 || e.rowCount("incident_events") != events {
				t.Errorf("failed requests left rows or audit entries")
			}
			got := e.do("GET", "/api/v1/incidents/"+id, candor.RoleViewer, nil)
			if got.Body["title"] != seedIncident["title"] {
				t.Errorf("failed patch changed the incident: %s", got.Raw)
			}
		})
	}
}

func TestHealth(t *testing.T) {
	e := newEnv(t, testenv.SQLite(t))
	for _, p := range []string{"/healthz", "/readyz"} {
		if r := e.do("GET", p, "", nil); r.Status != 200 {
			t.Errorf("%s: %d %s", p, r.Status, r.Raw)
		}
	}
	bad := api.New(api.Config{Logger: quiet}, e.db, api.Check{Name: "redis", Ping: func(context.Context) error { return io.EOF }})
	rec := httptest.NewRecorder()
	bad.ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil))
	if rec.Code != 503 || !strings.Contains(rec.Body.String(), `"redis":"unreachable"`) {
		t.Errorf("readyz with redis down: %d %s", rec.Code, rec.Body)
	}
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func jsonUnmarshal(b []byte, v any) { json.Unmarshal(b, v) }
