package api_test

import (
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/internal/testenv"
)

// The seed case's timeline widens the scope; each jurisdiction's duties run
// from its own date, and an import of a country no event named adds it at
// the import's time and says so.
func TestScopeThroughTheAPI(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e := newEnv(t, d)
			inc := map[string]any{}
			for k, v := range kawasakiIncident {
				inc[k] = v
			}
			inc["timezone"] = "Asia/Tokyo"
			id := e.createIncident(inc)
			events := "/api/v1/incidents/" + id + "/events"

			// Bad scope: 422 naming the field, nothing stored.
			before, scopeRows := e.rowCount("incident_events"), e.rowCount("incident_scope")
			for _, bad := range []struct {
				scope map[string]any
				field string
			}{
				{map[string]any{"jurisdictions": []string{"PH", "XX"}}, "scope.jurisdictions"},
				{map[string]any{"jurisdictions": []string{"US-ZZ"}}, "scope.jurisdictions"},
				{map[string]any{"data_categories": []string{"shoe_size"}}, "scope.data_categories"},
			} {
				r := e.do("POST", events, candor.RoleComms, map[string]any{"occurred_on": "2020-06-24", "public": false,
					"description": "bad", "scope": bad.scope})
				if r.Status != 422 || fieldOf(r) != bad.field {
					t.Errorf("%v: %d %s, want 422 naming %s", bad.scope, r.Status, r.Raw, bad.field)
				}
			}
			if e.rowCount("incident_events") != before || e.rowCount("incident_scope") != scopeRows {
				t.Error("a refused event left rows behind")
			}

			for _, ev := range []struct {
				on    string
				codes []string
			}{{"2020-06-11", []string{"TH"}}, {"2020-06-24", []string{"ID", "PH"}}} {
				r := e.do("POST", events, candor.RoleComms, map[string]any{"occurred_on": ev.on, "public": true,
					"description": "Unauthorized access confirmed", "scope": map[string]any{"jurisdictions": ev.codes}})
				if r.Status != 201 {
					t.Fatalf("event: %d %s", r.Status, r.Raw)
				}
				if sc, _ := r.Body["scope"].(map[string]any); sc == nil || len(sc["jurisdictions"].([]any)) != len(ev.codes) {
					t.Errorf("event scope %v", r.Body["scope"])
				}
			}
			// The US was never named by an event: the import brings it in now.
			csv := "external_id,name,email,country,region,locale\n" +
				"p1,Pia,pia@example.com,PH,,en\nt1,Tida,tida@example.com,TH,,th\nu1,Carla,carla@example.com,US,US-CA,en-US\nj1,Jun,jun@example.com,JP,,ja\n"
			r := e.upload("/api/v1/incidents/"+id+"/customers/import", "text/csv", csv, candor.RoleComms)
			if r.Status != 200 {
				t.Fatalf("import: %d %s", r.Status, r.Raw)
			}
			added, _ := r.Body["scope_added"].([]any)
			if len(added) != 1 || added[0].(map[string]any)["jurisdiction"] != "US" {
				t.Errorf("scope_added %v, want only US (PH was named by an event, JP is the entity's country)", r.Body["scope_added"])
			}
			// A second import adds nothing.
			if r := e.upload("/api/v1/incidents/"+id+"/customers/import", "text/csv", csv, candor.RoleComms); r.Body["scope_added"] != nil {
				t.Errorf("second import scope_added %v", r.Body["scope_added"])
			}

			res := e.do("GET", "/api/v1/incidents/"+id+"/obligations?as_of=today", candor.RoleViewer, nil)
			if res.Status != 200 {
				t.Fatalf("obligations: %d %s", res.Status, res.Raw)
			}
			if sc, _ := res.Body["scope"].([]any); len(sc) != 4 {
				t.Errorf("scope %v, want TH, ID, PH and US", res.Body["scope"])
			}
			wantStart := map[string]string{"PH": "2020-06-23T15:00:00Z", "TH": "2020-06-10T15:00:00Z", "JP": "2020-06-10T15:00:00Z"}
			seen := map[string]bool{}
			for _, it := range res.Body["items"].([]any) {
				o := it.(map[string]any)
				j, _ := o["jurisdiction"].(string)
				if o["id"] != o["rule_id"] || o["id"] == "" {
					t.Errorf("id %v, rule_id %v", o["id"], o["rule_id"])
				}
				if cs := o["clock_starts"]; cs != "awareness" && cs != "discovery" && cs != "determination" || o["clock_at"] == nil {
					continue
				}
				if want, ok := wantStart[j]; ok {
					seen[j] = true
					if o["clock_at"] != want {
						t.Errorf("%s runs from %v, want %s (%v)", o["rule_id"], o["clock_at"], want, o["clock_reason"])
					}
				}
				if len(j) >= 2 && j[:2] == "US" {
					seen["US"] = true
					at, _ := time.Parse(time.RFC3339, o["clock_at"].(string))
					if time.Since(at) > time.Hour {
						t.Errorf("%s runs from %v, want the import's time (%v)", o["rule_id"], o["clock_at"], o["clock_reason"])
					}
				}
			}
			if !seen["PH"] || !seen["TH"] || !seen["US"] {
				t.Errorf("duties seen %v", seen)
			}

			// A customer moved to a country the incident had not reached
			// brings it into the scope at the edit, once.
			list := e.do("GET", "/api/v1/incidents/"+id+"/customers?q=jun%40example.com", candor.RoleViewer, nil)
			items, _ := list.Body["items"].([]any)
			if len(items) != 1 {
				t.Fatalf("customers: %d %s", list.Status, list.Raw)
			}
			cid := items[0].(map[string]any)["id"].(string)
			for i := 0; i < 2; i++ {
				if r := e.do("PATCH", "/api/v1/customers/"+cid, candor.RoleComms, map[string]any{"country": "KR"}); r.Status != 200 {
					t.Fatalf("patch country: %d %s", r.Status, r.Raw)
				}
			}
			res = e.do("GET", "/api/v1/incidents/"+id+"/obligations?as_of=today", candor.RoleViewer, nil)
			kr := 0
			for _, it := range res.Body["scope"].([]any) {
				if sc := it.(map[string]any); sc["code"] == "KR" {
					kr++
					if sc["source"] != candor.ScopeFromImport {
						t.Errorf("KR entered the scope from %v", sc["source"])
					}
				}
			}
			if kr != 1 {
				t.Errorf("scope %v, want KR once after the edit", res.Body["scope"])
			}
		})
	}
}

// fieldOf is the first field a problem names.
func fieldOf(r response) string {
	errs, _ := r.Body["errors"].([]any)
	if len(errs) == 0 {
		return ""
	}
	f, _ := errs[0].(map[string]any)["field"].(string)
	return f
}
