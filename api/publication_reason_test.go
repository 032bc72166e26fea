package api_test

import (
	"strings"
	"testing"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/internal/testenv"
)

// DELETE /publications/{id} takes an optional {reason}, which the audit
// entry records; a bad one is a 422 naming it, and withdraws nothing.
func TestWithdrawReason(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e := newPubEnv(t, d)
			_, st := e.statementFixture(candor.KindPublicStatement)
			r := e.do("POST", "/api/v1/disclosures/"+st.ID+"/publications", candor.RoleLegal, map[string]any{"slug": "reasons"})
			if r.Status != 201 {
				t.Fatalf("publish: %d %s", r.Status, r.Raw)
			}
			id := r.Body["id"].(string)
			path := "/api/v1/publications/" + id
			for name, body := range map[string]any{
				"control": map[string]any{"reason": "bad\u0007reason"},
				"long":    map[string]any{"reason": strings.Repeat("x", 4001)},
				"type":    map[string]any{"reason": 5},
				"unknown": map[string]any{"why": "x"},
			} {
				if r := e.do("DELETE", path, candor.RoleLegal, body); r.Status/100 != 4 || r.Status == 409 || !strings.Contains(string(r.Raw), "reason") && name != "unknown" {
					t.Errorf("%s: %d %s", name, r.Status, r.Raw)
				}
			}
			if r := e.do("DELETE", path, candor.RoleComms, map[string]any{"reason": "x"}); r.Status != 403 {
				t.Errorf("comms: %d", r.Status)
			}
			if r := e.do("DELETE", path, candor.RoleLegal, map[string]any{"reason": "Wrong incident"}); r.Status != 200 || r.Body["state"] != "retracted" {
				t.Fatalf("withdraw: %d %s", r.Status, r.Raw)
			}
			var summary string
			e.db.Gorm().Raw("SELECT summary FROM audit_log WHERE action = 'publication.retracted' AND resource_id = ?", id).Scan(&summary)
			if !strings.Contains(summary, `"reason":"Wrong incident"`) {
				t.Errorf("audit summary %s", summary)
			}
		})
	}
}
