package console_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/api"
	"github.com/candor-dev/candor/internal/testenv"
)

// TestAuditPage: the incident's audit trail for legal and admin only,
// filtered by actor, action and date, paged, with the chain's state, which
// names the entry where a changed row breaks it.
func TestAuditPage(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e := setup(t, testenv.Open(t, d), api.RateLimits{}, false)
			pplPerson(t, e, "cole@example.com", "Cole Comms", candor.RoleComms)
			for i := range 55 { // more than a page
				s := "Step " + string(rune('A'+i%26)) + string(rune('a'+i/26))
				if _, err := e.db.UpdateIncident(testenv.Actor(candor.RoleComms), e.incident.ID, func(in *candor.Incident) error {
					in.Summary = s
					return nil
				}); err != nil {
					t.Fatal(err)
				}
			}
			p := "/console/incidents/" + e.incident.ID + "/audit"
			cb := pplSignedIn(t, e, "cole@example.com", "")
			if res, _ := cb.get(p); res.StatusCode != http.StatusForbidden {
				t.Errorf("comms on the audit page: %d", res.StatusCode)
			}
			if strings.Contains(page(t, cb, "/console/incidents/"+e.incident.ID), p) {
				t.Error("comms sees the audit link")
			}
			b := signedIn(t, e, "en")
			page(t, b, "/console/incidents/"+e.incident.ID, `href="`+p+`"`)
			body := page(t, b, p, "Audit chain intact up to entry", "incident.update", "test comms", "Dates in Asia/Tokyo.", `rel="next"`)
			if n := strings.Count(body, "<tr><td class=\"num\">"); n != 50 {
				t.Errorf("first page has %d entries, want 50", n)
			}
			body = page(t, b, p+"?action=incident.create", "incident.create")
			if strings.Contains(body, "<code>incident.update</code>") || strings.Contains(body, `rel="next"`) {
				t.Error("the action filter let other entries through")
			}
			page(t, b, p+"?actor=nobody", "No entries match.")
			page(t, b, p+"?from=2000-01-01&to=2100-12-31", "incident.update", `rel="next"`)
			page(t, b, p+"?to=2001-01-01", "No entries match.")
			res, body := b.get(p + "?from=yesterday")
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="from-err"`) || !strings.Contains(body, `value="yesterday"`) {
				t.Errorf("bad date: %d", res.StatusCode)
			}
			if res, _ := b.get(p + "?cursor=x"); res.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("bad cursor: %d", res.StatusCode)
			}
			page(t, signedIn(t, e, "ja"), p, "監査チェーンは記録", "改ざんされていません", "日時は Asia/Tokyo で表示しています。")
			// A changed row: the page says where the chain breaks.
			if err := e.db.Gorm().Exec("UPDATE audit_log SET actor_name = 'mallory' WHERE seq = 3").Error; err != nil {
				t.Fatal(err)
			}
			page(t, b, p, "Audit chain BROKEN at entry 3", "Entries before it (2) are intact")
			page(t, signedIn(t, e, "ja"), p, "監査チェーンが記録 3 で破損しています")
		})
	}
}

// TestAPIDocPage: the OpenAPI document as HTML for any signed-in person.
func TestAPIDocPage(t *testing.T) {
	e := setup(t, testenv.Open(t, testenv.SQLite(t)), api.RateLimits{}, false)
	if res, _ := e.browser(t, "").get("/console/api"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("signed out: %d", res.StatusCode)
	}
	pplPerson(t, e, "vic@example.com", "Vic Viewer", candor.RoleViewer)
	b := pplSignedIn(t, e, "vic@example.com", "en")
	body := page(t, b, "/console/api", "Candor API", `<span class="adm-method">POST</span> <code>/api/v1/incidents</code>`,
		"Least role", "<code>comms</code>", "Parameters", "<code>cursor</code>", "Request body", "Responses", "Schemas",
		`id="schema-Incident"`, "/calendar/{file}")
	if strings.Contains(body, "<script") {
		t.Error("a script on the API page")
	}
	page(t, pplSignedIn(t, e, "vic@example.com", "ja"), "/console/api", "パラメーター", "必要な権限")
}
