package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/api"
	"github.com/candor-dev/candor/internal/testenv"
)

// FuzzIncidentPatchAudit sends a merge patch to a fresh incident and holds
// the audit entry to what changed: after a 200, a field is in the entry if
// and only if it differs between the incident before and after; after
// anything else, nothing changed and nothing was logged. The seeds
// (testdata/fuzz/FuzzIncidentPatchAudit) run with every `go test`;
// `go test ./api -run '^$' -fuzz FuzzIncidentPatchAudit -fuzztime 60s -fuzzminimizetime 2s`
// searches further (on SQLite, for speed; the deterministic tests cover
// PostgreSQL): about 4,000 patches a minute on the 2-core machine, none
// failing. Each input costs four requests, so the default minute of
// minimising every new interesting input looks like a stall; 2 s is plenty.
func FuzzIncidentPatchAudit(f *testing.F) {
	db := testenv.Open(f, testenv.SQLite(f))
	db.SetKeyring(testenv.Keyring(f))
	h := api.New(api.Config{MaxBodyBytes: 64 << 10, Logger: quiet}, db)
	_, token, err := db.CreateToken(testenv.Actor(candor.RoleAdmin), "fuzz legal", candor.RoleLegal)
	if err != nil {
		f.Fatal(err)
	}
	do := func(t *testing.T, method, path string, body []byte) (int, map[string]any) {
		req := httptest.NewRequest(method, path, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		var m map[string]any
		json.Unmarshal(w.Body.Bytes(), &m)
		return w.Code, m
	}
	base, _ := json.Marshal(incidentWith(map[string]any{"summary": "a", "cause": "malware", "malicious": true,
		"occurred_from": "2026-03-01T00:00:00Z", "data_categories": []string{"contact_details", "health"},
		"reporting_entity": map[string]any{"name": "X", "country": "JP"}, "owner_email": "owner@example.com",
		"legal_contacts": []string{"legal@example.com", "dpo@example.com"}, "translations": map[string]any{"ja": map[string]any{"title": "t"}}}))
	f.Add([]byte(`{"data_categories":["financial"]}`))
	f.Fuzz(func(t *testing.T, patch []byte) {
		status, before := do(t, "POST", "/api/v1/incidents", base)
		if status != http.StatusCreated {
			t.Fatalf("create: %d %v", status, before)
		}
		id := before["id"].(string)
		status, got := do(t, "PATCH", "/api/v1/incidents/"+id, patch)
		_, after := do(t, "GET", "/api/v1/incidents/"+id, nil)
		_, audit := do(t, "GET", "/api/v1/audit?incident="+id, nil)
		entries, _ := audit["items"].([]any)
		if len(entries) == 0 {
			t.Fatalf("no audit entries: %v", audit)
		}
		if status != http.StatusOK {
			if len(entries) != 1 || !reflect.DeepEqual(before, after) {
				t.Fatalf("a %d patch (%v) changed the incident or logged it:\nbefore %v\nafter  %v\naudit %v", status, got, before, after, entries)
			}
			return
		}
		if len(entries) != 2 || entries[0].(map[string]any)["action"] != "incident.update" {
			t.Fatalf("patch logged %d entries: %v", len(entries)-1, entries)
		}
		logged, _ := entries[0].(map[string]any)["summary"].(map[string]any)
		for k := range union(before, after) {
			if k == "id" || k == "created_at" || k == "updated_at" {
				continue
			}
			changed := !reflect.DeepEqual(before[k], after[k])
			if _, in := logged[k]; changed != in {
				t.Errorf("%s: changed %v (%v → %v), in the audit entry %v", k, changed, before[k], after[k], in)
			}
		}
		if s := strings.ToLower(strings.Join(strings.Fields(fmtJSON(logged)), "")); strings.Contains(s, "@example.com") {
			t.Errorf("audit entry holds an address: %s", s)
		}
	})
}

func union(a, b map[string]any) map[string]bool {
	out := map[string]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

func fmtJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
