package api_test

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/internal/testenv"
)

// mint creates a token over the API and keeps its secret in e.tokens under
// key, so that e.do(…, key, …) uses it.
func (e *env) mint(key candor.Role, body map[string]any) map[string]any {
	e.t.Helper()
	r := e.do("POST", "/api/v1/tokens", candor.RoleAdmin, body)
	want(e.t, r, 201, "mint "+string(key))
	e.tokens[key] = r.Body["secret"].(string)
	return r.Body["token"].(map[string]any)
}

// An admin who edits and submits a disclosure, then mints a legal token for
// themself, cannot approve with it: four eyes compares people. Another
// legal person can.
func TestFourEyesComparesPeopleOverHTTP(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e := newDisclosureEnv(t, d)
			r := e.do("POST", "/api/v1/people", candor.RoleAdmin, map[string]any{"email": "Alice@Example.com", "name": "Alice", "role": "admin"})
			want(t, r, 201, "create alice")
			alice := r.Body["id"].(string)
			if r.Body["email"] != "Alice@example.com" { // the domain lower-cased (NormalizeEmail)
				t.Fatalf("person: %s", r.Raw)
			}
			tok := e.mint("alice", map[string]any{"person": "alice@example.com", "role": "admin"})
			if tok["person_id"] != alice || tok["name"] != "Alice" {
				t.Fatalf("alice's token: %v", tok)
			}
			incident := e.incident()
			r = e.do("POST", "/api/v1/incidents/"+incident+"/disclosures", "alice", noticeBody(jaBody))
			want(t, r, 201, "alice creates")
			path := "/api/v1/disclosures/" + r.Body["id"].(string)
			want(t, e.do("PUT", path, "alice", noticeBody(jaBody+"<p>alice</p>")), 200, "alice edits")
			want(t, e.do("POST", path+"/submit", candor.RoleComms, nil), 200, "comms submits")

			e.mint("alice-legal", map[string]any{"person": alice, "name": "alice again", "role": "legal"})
			r = e.do("POST", path+"/approve", "alice-legal", map[string]any{"revision": 2})
			if r.Status != 403 || !strings.Contains(r.Body["detail"].(string), "four eyes compares people") {
				t.Fatalf("alice approved her own edit with a fresh token: %d %s", r.Status, r.Raw)
			}
			want(t, e.do("POST", "/api/v1/people", candor.RoleAdmin, map[string]any{"email": "bob@example.com", "name": "Bob", "role": "legal"}), 201, "create bob")
			e.mint("bob", map[string]any{"person": "bob@example.com", "role": "legal"})
			want(t, e.do("POST", path+"/approve", "bob", map[string]any{"revision": 2}), 200, "another legal person approves")
		})
	}
}

func TestPeopleOverHTTP(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e := newEnv(t, d)
			carol := map[string]any{"email": "carol@example.com", "name": "Carol", "role": "comms"}
			want(t, e.do("POST", "/api/v1/people", candor.RoleLegal, carol), 403, "legal creates a person")
			want(t, e.do("GET", "/api/v1/people", candor.RoleLegal, nil), 403, "legal lists people")
			r := e.do("POST", "/api/v1/people", candor.RoleAdmin, carol)
			want(t, r, 201, "create carol")
			if r.Body["email"] != "carol@example.com" || r.Body["role"] != "comms" {
				t.Fatalf("carol: %s", r.Raw)
			}
			audit, people := e.auditCount(), e.rowCount("people")
			tests := []struct {
				name   string
				path   string
				body   any
				status int
				field  string
			}{
				{"same e-mail, other case", "/api/v1/people", map[string]any{"email": "CAROL@example.com", "name": "C", "role": "viewer"}, 409, ""},
				{"no e-mail", "/api/v1/people", map[string]any{"name": "C", "role": "viewer"}, 422, "email"},
				{"bad e-mail", "/api/v1/people", map[string]any{"email": "carol@", "name": "C", "role": "viewer"}, 422, "email"},
				{"NUL in name", "/api/v1/people", map[string]any{"email": "d@example.com", "name": "D\u0000", "role": "viewer"}, 422, "name"},
				{"bad role", "/api/v1/people", map[string]any{"email": "d@example.com", "name": "D", "role": "root"}, 422, "role"},
				{"unknown field", "/api/v1/people", map[string]any{"email": "d@example.com", "name": "D", "role": "viewer", "x": 1}, 422, "x"},
				{"role above the person's", "/api/v1/tokens", map[string]any{"person": "carol@example.com", "role": "legal"}, 422, "role"},
				{"unknown person", "/api/v1/tokens", map[string]any{"person": "nobody@example.com", "role": "viewer"}, 422, "person"},
				{"person not an id or e-mail", "/api/v1/tokens", map[string]any{"person": "carol", "role": "viewer"}, 422, "person"},
			}
			for _, tt := range tests {
				r := e.do("POST", tt.path, candor.RoleAdmin, tt.body)
				if r.Status != tt.status || !strings.HasPrefix(r.ContentType, "application/problem+json") {
					t.Errorf("%s: %d %s", tt.name, r.Status, r.Raw)
					continue
				}
				if tt.field != "" && !strings.Contains(string(r.Raw), `"field":"`+tt.field+`"`) {
					t.Errorf("%s: field %s not named: %s", tt.name, tt.field, r.Raw)
				}
			}
			if e.auditCount() != audit || e.rowCount("people") != people {
				t.Fatal("a refused request stored something")
			}
			// Without person, a token is for the person of its name,
			// created the first time.
			a := e.mint("ops1", map[string]any{"name": "ops", "role": "comms"})
			b := e.mint("ops2", map[string]any{"name": "ops", "role": "viewer"})
			if a["person_id"] != b["person_id"] {
				t.Fatalf("two tokens named ops, two people: %v %v", a, b)
			}
			req, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/people", nil)
			req.Header.Set("Authorization", "Bearer "+e.tokens[candor.RoleAdmin])
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != 200 || res.Header.Get("Cache-Control") != "no-store" || !strings.Contains(string(raw), `"email":"carol@example.com"`) ||
				!strings.Contains(string(raw), `"name":"ops"`) {
				t.Fatalf("list: %d %v %s", res.StatusCode, res.Header, raw)
			}
		})
	}
}

// Concurrent revocations of one token: one 200, the others 409, one audit
// entry.
func TestConcurrentRevocationOverHTTP(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e := newEnv(t, d)
			for i := 0; i < 10; i++ {
				tok := e.mint("victim", map[string]any{"name": "victim", "role": "viewer"})
				before := e.auditCount()
				statuses := map[int]int{}
				var mu sync.Mutex
				var wg sync.WaitGroup
				for range 4 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						r := e.do("DELETE", "/api/v1/tokens/"+tok["id"].(string), candor.RoleAdmin, nil)
						mu.Lock()
						statuses[r.Status]++
						mu.Unlock()
					}()
				}
				wg.Wait()
				if statuses[200] != 1 || statuses[409] != 3 || e.auditCount() != before+1 {
					t.Fatalf("round %d: statuses %v, %d audit entries", i, statuses, e.auditCount()-before)
				}
			}
		})
	}
}
