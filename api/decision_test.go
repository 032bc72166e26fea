package api_test

import (
	"strings"
	"testing"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/internal/testenv"
)

// Decisions over HTTP: proposed, refused to their proposer (with another
// of their tokens too), approved by another legal person, superseded by a
// newer one; a not_required decision makes the duty decided; bad input is
// a 4xx naming the field with nothing stored.
func TestDecisionsOverHTTP(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e := newEnv(t, d)
			id := e.createIncident(kawasakiIncident)
			testenv.Customers(t, e.db, id, "PH", "", "email", 2)
			testenv.Customers(t, e.db, id, "JP", "", "email", 2)
			// ph-dpa-npc-notice was due on 14 June 2020: late.
			base := "/api/v1/incidents/" + id + "/obligations/ph-dpa-npc-notice/decisions"

			rows, audits := e.rowCount("obligation_decisions"), e.auditCount()
			for _, bad := range []struct {
				name   string
				path   string
				body   any
				status int
				field  string
			}{
				{"unknown decision", base, map[string]any{"decision": "ignore", "rationale": "r", "delay_reasons": "d"}, 422, "decision"},
				{"no rationale", base, map[string]any{"decision": "notify", "rationale": " ", "delay_reasons": "d"}, 422, "rationale"},
				{"a late duty without delay reasons", base, map[string]any{"decision": "notify", "rationale": "we notify"}, 422, "delay_reasons"},
				{"unknown obligation", "/api/v1/incidents/" + id + "/obligations/xx-nothing/decisions",
					map[string]any{"decision": "notify", "rationale": "r"}, 404, ""},
				{"unknown incident", "/api/v1/incidents/01a2000a-0000-7000-8000-000000000000/obligations/ph-dpa-npc-notice/decisions",
					map[string]any{"decision": "notify", "rationale": "r"}, 404, ""},
				{"not JSON", base, "{", 400, ""},
			} {
				t.Run(bad.name, func(t *testing.T) {
					r := e.do("POST", bad.path, candor.RoleComms, bad.body)
					if r.Status != bad.status || bad.field != "" && fieldOf(r) != bad.field {
						t.Errorf("%d %s, want %d naming %q", r.Status, r.Raw, bad.status, bad.field)
					}
					if r.Status == 404 && !strings.Contains(r.ContentType, "problem+json") {
						t.Errorf("content type %s", r.ContentType)
					}
				})
			}
			if e.rowCount("obligation_decisions") != rows || e.auditCount() != audits {
				t.Fatal("refused proposals left rows or audit entries")
			}
			if r := e.do("POST", base, candor.RoleViewer, map[string]any{"decision": "notify", "rationale": "r", "delay_reasons": "d"}); r.Status != 403 {
				t.Errorf("viewer proposes: %d", r.Status)
			}

			// Legal proposes; the same person may not approve, with any token.
			r := e.do("POST", base, candor.RoleLegal, map[string]any{"decision": "notify", "rationale": "Sensitive data of Filipino staff",
				"delay_reasons": "The Philippine office was found only on 24 June; the scope took weeks to establish."})
			want(t, r, 201, "propose")
			first := r.Body["id"].(string)
			if r.Body["state"] != "proposed" || r.Body["obligation_id"] != "ph-dpa-npc-notice" {
				t.Fatalf("proposal %s", r.Raw)
			}
			legal := e.do("GET", "/api/v1/tokens", candor.RoleAdmin, nil)
			var legalPerson string
			for _, it := range legal.Body["items"].([]any) {
				if tok := it.(map[string]any); tok["name"] == "test legal" {
					legalPerson = tok["person_id"].(string)
				}
			}
			e.mint("legal-again", map[string]any{"person": legalPerson, "name": "legal again", "role": "legal"})
			for _, who := range []candor.Role{candor.RoleLegal, "legal-again"} {
				r = e.do("POST", "/api/v1/decisions/"+first+"/approve", who, nil)
				if r.Status != 403 || !strings.Contains(r.Body["detail"].(string), "you proposed this decision") {
					t.Errorf("proposer (%s) approves: %d %s", who, r.Status, r.Raw)
				}
			}
			if r = e.do("POST", "/api/v1/decisions/"+first+"/approve", candor.RoleComms, nil); r.Status != 403 {
				t.Errorf("comms approves: %d", r.Status)
			}
			want(t, e.do("POST", "/api/v1/decisions/"+first+"/approve", candor.RoleAdmin, nil), 200, "another person approves")
			if r = e.do("POST", "/api/v1/decisions/"+first+"/approve", candor.RoleAdmin, nil); r.Status != 409 {
				t.Errorf("approved twice: %d %s", r.Status, r.Raw)
			}
			if r = e.do("POST", "/api/v1/decisions/01a2000a-0000-7000-8000-000000000000/approve", candor.RoleAdmin, nil); r.Status != 404 {
				t.Errorf("unknown decision: %d", r.Status)
			}
			obs, _ := e.obligations(id, "")
			if o := obs["ph-dpa-npc-notice"]; o.Status != "overdue" {
				t.Errorf("notify decided, status %s, want still overdue", o.Status)
			}

			// A newer proposal supersedes a waiting one; once approved, the
			// earlier approved decision is superseded and the duty decided.
			second := e.do("POST", base, candor.RoleComms, map[string]any{"decision": "postpone", "rationale": "wait", "delay_reasons": "d"})
			want(t, second, 201, "second")
			third := e.do("POST", base, candor.RoleComms, map[string]any{"decision": "not_required", "rationale": "No sensitive data after all"})
			want(t, third, 201, "not_required needs no delay reasons")
			if r = e.do("POST", "/api/v1/decisions/"+second.Body["id"].(string)+"/approve", candor.RoleLegal, nil); r.Status != 409 {
				t.Errorf("superseded approved: %d %s", r.Status, r.Raw)
			}
			want(t, e.do("POST", "/api/v1/decisions/"+third.Body["id"].(string)+"/approve", candor.RoleLegal, nil), 200, "legal approves comms' proposal")
			list := e.do("GET", base, candor.RoleViewer, nil)
			want(t, list, 200, "list")
			var states []string
			for _, it := range list.Body["items"].([]any) {
				states = append(states, it.(map[string]any)["state"].(string))
			}
			if strings.Join(states, ",") != "approved,superseded,superseded" {
				t.Errorf("history %v, want newest first: approved, superseded, superseded", states)
			}
			res := e.do("GET", "/api/v1/incidents/"+id+"/obligations", candor.RoleViewer, nil)
			for _, it := range res.Body["items"].([]any) {
				o := it.(map[string]any)
				if o["id"] != "ph-dpa-npc-notice" {
					continue
				}
				dec, _ := o["decision"].(map[string]any)
				if o["status"] != "decided" || dec == nil || dec["decision"] != "not_required" || dec["approved_by"] != "test legal" {
					t.Errorf("obligation after not_required: status %v decision %v", o["status"], o["decision"])
				}
			}
			if n := e.auditCount() - audits; n != 6 {
				t.Errorf("%d audit entries, want 6 (3 proposals, 2 approvals, 1 token)", n)
			}
		})
	}
}
