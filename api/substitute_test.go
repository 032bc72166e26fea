package api_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/internal/testenv"
)

// TestSubstituteNotices: bad notices are refused naming the field with
// nothing stored; a media notice for Japan covers its unreached customers
// in proof of reach only once a substitute_notice decision on Japan's duty
// to individuals is approved, and never California's; a statement notice
// stands on a publication that was public that day, its url the page's.
func TestSubstituteNotices(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e := newPubEnv(t, d)
			id, st := e.statementFixture(candor.KindPublicStatement)
			testenv.Customers(t, e.db, id, "JP", "JP-13", "postal", 3)
			testenv.Customers(t, e.db, id, "US", "US-CA", "postal", 2)
			base := "/api/v1/incidents/" + id + "/substitute-notices"
			tokyo, _ := time.LoadLocation("Asia/Tokyo")
			today := time.Now().In(tokyo).Format("2006-01-02")
			yesterday := time.Now().In(tokyo).AddDate(0, 0, -1).Format("2006-01-02")
			good := func(change map[string]any) map[string]any {
				n := map[string]any{"kind": "media", "jurisdictions": []string{"jp"}, "published_on": today,
					"outlet": "Nikkei", "description": "Notice on page 3 of the morning edition, with the inquiry desk's number."}
				for k, v := range change {
					if v == nil {
						delete(n, k)
					} else {
						n[k] = v
					}
				}
				return n
			}

			rows, audits := e.rowCount("substitute_notices"), e.auditCount()
			for _, bad := range []struct {
				name   string
				body   any
				status int
				field  string
			}{
				{"unknown jurisdiction", good(map[string]any{"jurisdictions": []string{"JP", "XX"}}), 422, "jurisdictions"},
				{"unknown region", good(map[string]any{"jurisdictions": []string{"US-ZZ"}}), 422, "jurisdictions"},
				{"no jurisdiction", good(map[string]any{"jurisdictions": []string{}}), 422, "jurisdictions"},
				{"unknown kind", good(map[string]any{"kind": "billboard"}), 422, "kind"},
				{"no day", good(map[string]any{"published_on": nil}), 422, "published_on"},
				{"not a day", good(map[string]any{"published_on": "2026-13-01"}), 422, "published_on"},
				{"a future day", good(map[string]any{"published_on": "2199-01-01"}), 422, "published_on"},
				{"until before", good(map[string]any{"until": "2001-01-01"}), 422, "until"},
				{"no description", good(map[string]any{"description": "  "}), 422, "description"},
				{"media without outlet", good(map[string]any{"outlet": nil}), 422, "outlet"},
				{"website without url", good(map[string]any{"kind": "website"}), 422, "url"},
				{"script url", good(map[string]any{"url": "javascript:alert(1)"}), 422, "url"},
				{"statement before any publication", good(map[string]any{"kind": "statement"}), 422, "publication_id"},
				{"publication for media", good(map[string]any{"publication_id": "x"}), 422, "publication_id"},
				{"unknown field", good(map[string]any{"channel": "tv"}), 422, "channel"},
				{"not JSON", "{", 400, ""},
			} {
				t.Run(bad.name, func(t *testing.T) {
					r := e.do("POST", base, candor.RoleLegal, bad.body)
					if r.Status != bad.status || bad.field != "" && fieldOf(r) != bad.field || !strings.Contains(r.ContentType, "problem+json") {
						t.Errorf("%d %s, want %d naming %q", r.Status, r.Raw, bad.status, bad.field)
					}
				})
			}
			if r := e.do("POST", base, candor.RoleComms, good(nil)); r.Status != 403 {
				t.Errorf("comms records: %d", r.Status)
			}
			if r := e.do("POST", "/api/v1/incidents/01a2000a-0000-7000-8000-000000000000/substitute-notices", candor.RoleLegal, good(nil)); r.Status != 404 {
				t.Errorf("unknown incident: %d", r.Status)
			}
			if e.rowCount("substitute_notices") != rows || e.auditCount() != audits {
				t.Fatal("refused notices left rows or audit entries")
			}

			r := e.do("POST", base, candor.RoleLegal, good(nil))
			want(t, r, 201, "media notice")
			dayStart, _ := time.ParseInLocation("2006-01-02", today, tokyo)
			if r.Body["kind"] != "media" || r.Body["jurisdictions"].([]any)[0] != "JP" || r.Body["published_at"] != dayStart.UTC().Format(time.RFC3339) ||
				r.Body["recorded_by"] != "test legal" {
				t.Errorf("recorded %s", r.Raw)
			}
			reach := func() map[string]map[string]any {
				t.Helper()
				r := e.do("GET", "/api/v1/incidents/"+id+"/reach", candor.RoleViewer, nil)
				want(t, r, 200, "reach")
				got := map[string]map[string]any{}
				for _, j := range r.Body["jurisdictions"].([]any) {
					got[j.(map[string]any)["jurisdiction"].(string)] = j.(map[string]any)
				}
				return got
			}
			if got := reach(); got["JP"]["substitute"] != 0.0 || got["JP"]["unreachable"] != 3.0 {
				t.Errorf("without a decision the notice covers nobody: %v", got["JP"])
			}
			// The decision: proposed by comms, approved by legal.
			dec := e.do("POST", "/api/v1/incidents/"+id+"/obligations/jp-appi-individuals/decisions", candor.RoleComms,
				map[string]any{"decision": "substitute_notice", "rationale": "No address for 3 principals; a public announcement with an inquiry desk (APPI Art. 26(2) proviso)", "delay_reasons": "Addresses were sought first."})
			want(t, dec, 201, "propose")
			want(t, e.do("POST", "/api/v1/decisions/"+dec.Body["id"].(string)+"/approve", candor.RoleLegal, nil), 200, "approve")
			got := reach()
			if got["JP"]["substitute"] != 3.0 || got["JP"]["unreachable"] != 0.0 {
				t.Errorf("JP with notice and decision: %v", got["JP"])
			}
			if got["US-CA"]["substitute"] != 0.0 || got["US-CA"]["unreachable"] != 2.0 {
				t.Errorf("US-CA is not covered by Japan's notice: %v", got["US-CA"])
			}

			// A statement notice: the statement was not public yesterday.
			pub := e.publish(st.ID, map[string]any{"slug": "kawasaki-2020"})
			want(t, pub, 201, "publish")
			if r := e.do("POST", base, candor.RoleLegal, good(map[string]any{"kind": "statement", "outlet": nil, "published_on": yesterday,
				"jurisdictions": []string{"US-CA"}})); r.Status != 422 || fieldOf(r) != "publication_id" {
				t.Errorf("statement not public that day: %d %s", r.Status, r.Raw)
			}
			r = e.do("POST", base, candor.RoleLegal, good(map[string]any{"kind": "statement", "outlet": nil, "jurisdictions": []string{"US-CA"},
				"until": "2199-12-31"}))
			want(t, r, 201, "statement notice")
			if r.Body["publication_id"] != pub.Body["id"] || r.Body["url"] != "/statements/kawasaki-2020" {
				t.Errorf("statement notice %s", r.Raw)
			}
			r = e.do("POST", base, candor.RoleLegal, good(map[string]any{"kind": "lookup_page", "outlet": nil, "jurisdictions": []string{"TH"}}))
			want(t, r, 201, "lookup page notice")
			if r.Body["publication_id"] != pub.Body["id"] || r.Body["url"] != "/notices/check" {
				t.Errorf("lookup page notice %s", r.Raw)
			}
			list := e.do("GET", base, candor.RoleViewer, nil)
			want(t, list, 200, "list")
			if items := list.Body["items"].([]any); len(items) != 3 || items[0].(map[string]any)["kind"] != "media" {
				t.Errorf("list %s", list.Raw)
			}
			// The evidence bundle holds the notices and proof of reach.
			bundle := e.do("GET", "/api/v1/incidents/"+id+"/evidence.zip", candor.RoleLegal, nil)
			want(t, bundle, 200, "evidence")
			var notices []candor.SubstituteNotice
			var proof struct{ Jurisdictions []candor.JurisdictionReach }
			json.Unmarshal(unzip(t, bundle.Raw, "substitute_notices.json"), &notices)
			json.Unmarshal(unzip(t, bundle.Raw, "reach.json"), &proof)
			if len(notices) != 3 || notices[1].Kind != "statement" && notices[2].Kind != "statement" {
				t.Errorf("bundle's notices: %+v", notices)
			}
			for _, j := range proof.Jurisdictions {
				// US-CA has a statement notice now, but no approved decision.
				if w := map[string][2]int{"JP": {3, 0}, "US-CA": {0, 2}}[j.Jurisdiction]; j.Substitute != w[0] || j.Unreachable != w[1] {
					t.Errorf("bundle's reach %+v", j)
				}
			}
			if html := string(unzip(t, bundle.Raw, "report.html")); !strings.Contains(html, "Nikkei · Notice on page 3") || !strings.Contains(html, "substitute notice 3") {
				t.Errorf("the report lacks the notices or Japan's reach")
			}
			var action string
			e.db.Gorm().Raw("SELECT action FROM audit_log ORDER BY seq DESC LIMIT 1").Scan(&action)
			if action != "substitute_notice.create" {
				t.Errorf("last audit entry %q", action)
			}
		})
	}
}
