package api_test

import (
	"strings"
	"testing"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/internal/testenv"
)

// caBody is an English notice with California's title and headings, each
// marked; without is the element to leave out.
func caBody(without string) string {
	parts := []struct{ key, html string }{
		{"title", `<h1 data-element="title">Notice of Data Breach</h1>`},
		{"organisation", `<p data-element="organisation">{{.Org.Name}}</p>`},
		{"notice_date", `<p data-element="notice_date">{{date .Incident.DiscoveredAt}}</p>`},
		{"what_happened", `<section data-element="what_happened breach_date delay_reasons"><h2>What Happened</h2><p>{{.Incident.Summary}} Not delayed by law enforcement.</p></section>`},
		{"data_involved", `<section data-element="data_involved"><h2>What Information Was Involved</h2><p>{{categories .Incident.DataCategories}}</p></section>`},
		{"measures_taken", `<section data-element="measures_taken"><h2>What We Are Doing</h2><p>We closed the hole.</p></section>`},
		{"what_you_can_do", `<section data-element="what_you_can_do"><h2>What You Can Do</h2><p>Watch your accounts.</p></section>`},
		{"contact", `<section data-element="contact"><h2>For More Information</h2><p>{{.Org.ContactEmail}}</p></section>`},
	}
	var b strings.Builder
	for _, p := range parts {
		if p.key != without {
			b.WriteString(p.html + "\n")
		}
	}
	return b.String()
}

// checklistEnv is an incident with a California and a Texas customer and a
// notice with a plain English variant and one for California.
func checklistEnv(t *testing.T, d testenv.DB, caVariant string) (*env, string, map[string]string) {
	t.Helper()
	e := newDisclosureEnv(t, d)
	id := e.incident()
	csv := "external_id,name,email,country,region,locale\nc1,Carla Cruz,carla@example.com,US,US-CA,en-US\nt1,Tex Ritter,tex@example.com,US,US-TX,en-US\n"
	if r := e.upload("/api/v1/incidents/"+id+"/customers/import", "text/csv", csv, candor.RoleComms); r.Status != 200 {
		t.Fatalf("import: %d %s", r.Status, r.Raw)
	}
	r := e.do("POST", "/api/v1/incidents/"+id+"/disclosures", candor.RoleComms, map[string]any{
		"kind": "customer_notice", "title": "Notice", "default_locale": "en",
		"variants": map[string]any{
			"en":       map[string]any{"subject": "About {{.Incident.Title}}", "body": "<p>Plain English for everyone else.</p>"},
			"EN@us-ca": map[string]any{"subject": "Notice of Data Breach", "body": caVariant},
		}})
	want(t, r, 201, "create")
	if _, ok := r.Body["variants"].(map[string]any)["en@US-CA"]; !ok {
		t.Fatalf("variant key not canonical: %s", r.Raw)
	}
	customers := map[string]string{}
	for _, it := range e.do("GET", "/api/v1/incidents/"+id+"/customers", candor.RoleViewer, nil).Body["items"].([]any) {
		c := it.(map[string]any)
		customers[c["region"].(string)] = c["id"].(string)
	}
	return e, "/api/v1/disclosures/" + r.Body["id"].(string), customers
}

func TestChecklistOverHTTP(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e, path, customers := checklistEnv(t, d, caBody("contact"))

			// The California customer gets en@US-CA, the Texan plain en.
			for region, variant := range map[string]string{"US-CA": "en@US-CA", "US-TX": "en"} {
				r := e.do("POST", path+"/preview", candor.RoleViewer, map[string]any{"customer_id": customers[region]})
				if r.Status != 200 || r.Body["locale"] != variant {
					t.Fatalf("preview for %s: %d %s", region, r.Status, r.Raw)
				}
			}

			r := e.do("GET", path+"/checklist", candor.RoleViewer, nil)
			want(t, r, 200, "checklist")
			items := r.Body["items"].([]any)
			var contact map[string]any
			for _, it := range items {
				m := it.(map[string]any)
				if m["jurisdiction"] != "US-CA" || m["variant"] != "en@US-CA" {
					t.Errorf("item outside California's variant: %v", m)
				}
				if m["element"] == "contact" {
					contact = m
				}
				if m["element"] == "title" && (m["present"] != true || m["where"].(map[string]any)["tag"] != "h1" || m["source"] == "") {
					t.Errorf("title item %v", m)
				}
			}
			if contact == nil || contact["present"] != false || contact["required"] != true {
				t.Fatalf("contact item %v in %s", contact, r.Raw)
			}

			// Submit: refused naming the element; comms may not waive; a
			// waiver needs a reason; legal waives.
			r = e.do("POST", path+"/submit", candor.RoleComms, nil)
			want(t, r, 422, "submit without contact")
			errs := r.Body["errors"].([]any)
			if len(errs) != 1 || errs[0].(map[string]any)["field"] != "checklist.US-CA.contact" ||
				!strings.Contains(errs[0].(map[string]any)["message"].(string), "en@US-CA") {
				t.Fatalf("errors %s", r.Raw)
			}
			waiver := map[string]any{"jurisdiction": "US-CA", "element": "contact", "reason": "the letterhead carries the contact"}
			r = e.do("POST", path+"/submit", candor.RoleComms, map[string]any{"waivers": []any{waiver}})
			want(t, r, 403, "comms waives")
			if !strings.Contains(r.Body["detail"].(string), "legal") {
				t.Errorf("403 detail: %s", r.Raw)
			}
			r = e.do("POST", path+"/submit", candor.RoleLegal, map[string]any{"waivers": []any{map[string]any{"jurisdiction": "US-CA", "element": "contact"}}})
			want(t, r, 422, "waiver without a reason")
			r = e.do("POST", path+"/submit", candor.RoleLegal, map[string]any{"waivers": []any{waiver}, "accept_untranslated": []string{}})
			want(t, r, 200, "legal submits with a waiver")

			r = e.do("GET", path+"/revisions", candor.RoleViewer, nil)
			rev := r.Body["items"].([]any)[0].(map[string]any)
			so, _ := rev["submit_options"].(map[string]any)
			if so == nil || len(so["waivers"].([]any)) != 1 || so["waivers"].([]any)[0].(map[string]any)["by"] != "legal" {
				t.Fatalf("revision's submit options: %s", r.Raw)
			}
			r = e.do("GET", path+"/checklist", candor.RoleViewer, nil)
			for _, it := range r.Body["items"].([]any) {
				m := it.(map[string]any)
				if m["element"] == "contact" && (m["waived"] == nil || m["waived"].(map[string]any)["reason"] != waiver["reason"]) {
					t.Errorf("contact not shown waived: %v", m)
				}
			}
		})
	}
}

func TestChecklistVariantKeysOverHTTP(t *testing.T) {
	e := newDisclosureEnv(t, testenv.SQLite(t))
	id := e.incident()
	for _, tt := range []struct{ key, field string }{{"en@US-ZZ", "variants.en@US-ZZ"}, {"en@FR-IDF", "variants.en@FR-IDF"}, {"xx-!@US", "variants.xx-!@US"}} {
		r := e.do("POST", "/api/v1/incidents/"+id+"/disclosures", candor.RoleComms, map[string]any{
			"kind": "customer_notice", "title": "Notice", "default_locale": "en",
			"variants": map[string]any{"en": map[string]any{"subject": "s", "body": "<p>b</p>"}, tt.key: map[string]any{"subject": "s", "body": "<p>b</p>"}}})
		want(t, r, 422, tt.key)
		if errs := r.Body["errors"].([]any); errs[0].(map[string]any)["field"] != tt.field {
			t.Errorf("%s: %s", tt.key, r.Raw)
		}
	}
	// A full California notice passes; a regulator report to Texas is
	// checked against Texas's report list.
	e2, path, _ := checklistEnv(t, testenv.SQLite(t), caBody(""))
	want(t, e2.do("POST", path+"/submit", candor.RoleComms, nil), 200, "complete California notice")
	r := e.do("POST", "/api/v1/incidents/"+id+"/disclosures", candor.RoleComms, map[string]any{
		"kind": "regulator_report", "title": "Report", "default_locale": "en", "regulator": map[string]any{"jurisdiction": "US-TX", "email": "ag@example.org"},
		"variants": map[string]any{"en": map[string]any{"subject": "Report", "body": `<p data-element="what_happened measures_taken individual_notice">{{.Incident.Summary}}</p>`}}})
	want(t, r, 201, "report")
	rp := "/api/v1/disclosures/" + r.Body["id"].(string)
	r = e.do("POST", rp+"/submit", candor.RoleComms, nil)
	want(t, r, 422, "report without the count")
	if errs := r.Body["errors"].([]any); len(errs) != 1 || errs[0].(map[string]any)["field"] != "checklist.US-TX.affected_count" {
		t.Fatalf("%s", r.Raw)
	}
}
