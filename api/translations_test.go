package api_test

import (
	"maps"
	"strings"
	"testing"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/internal/testenv"
)

// Bad zones and languages are a 422 naming the field, and nothing is
// stored.
func TestIncidentZoneAndTranslationsRefused(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e := newDisclosureEnv(t, d)
			for _, tc := range []struct {
				name  string
				patch map[string]any
				field string
			}{
				{"unknown zone", map[string]any{"timezone": "Mars/Olympus"}, "timezone"},
				{"server zone", map[string]any{"timezone": "Local"}, "timezone"},
				{"not a language", map[string]any{"translations": map[string]any{"not a tag!": map[string]any{"summary": "x"}}}, "translations.not a tag!"},
				{"own language", map[string]any{"translations": map[string]any{"en": map[string]any{"summary": "x"}}}, "translations.en"},
				{"same language twice", map[string]any{"translations": map[string]any{"ja": map[string]any{"summary": "x"}, "ja-JP": map[string]any{"summary": "y"}}}, "translations.ja-JP"},
				{"bad language", map[string]any{"language": "xx-!!"}, "language"},
			} {
				body := maps.Clone(seedIncident)
				maps.Copy(body, tc.patch)
				r := e.do("POST", "/api/v1/incidents", candor.RoleComms, body)
				if r.Status != 422 || !strings.Contains(string(r.Raw), `"field":"`+tc.field+`"`) {
					t.Errorf("%s: %d %s", tc.name, r.Status, r.Raw)
				}
			}
			r := e.do("GET", "/api/v1/incidents", candor.RoleViewer, nil)
			if items := r.Body["items"].([]any); len(items) != 0 {
				t.Errorf("refused incidents were stored: %d", len(items))
			}
			// A good one: the zone kept, ja-JP stored as ja; a bad PATCH
			// leaves it as it was.
			body := maps.Clone(seedIncident)
			body["translations"] = map[string]any{"ja-JP": map[string]any{"summary": "概要"}}
			r = e.do("POST", "/api/v1/incidents", candor.RoleComms, body)
			want(t, r, 201, "create")
			id := r.Body["id"].(string)
			if r.Body["timezone"] != "Asia/Tokyo" || r.Body["translations"].(map[string]any)["ja"] == nil {
				t.Fatalf("stored: %s", r.Raw)
			}
			r = e.do("PATCH", "/api/v1/incidents/"+id, candor.RoleComms, map[string]any{"timezone": "Nowhere/Else"})
			want(t, r, 422, "bad zone patch")
			if r = e.do("GET", "/api/v1/incidents/"+id, candor.RoleViewer, nil); r.Body["timezone"] != "Asia/Tokyo" {
				t.Errorf("patch half-stored: %s", r.Raw)
			}
		})
	}
}

// A variant that shows an untranslated fact is refused at submit, one
// error per fact and language, until its language is accepted; the
// preview says which text fell back.
func TestSubmitRefusesUntranslatedFacts(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e := newDisclosureEnv(t, d)
			body := maps.Clone(seedIncident)
			delete(body, "translations")
			r := e.do("POST", "/api/v1/incidents", candor.RoleComms, body)
			want(t, r, 201, "incident without translations")
			incident := r.Body["id"].(string)
			want(t, e.do("POST", "/api/v1/incidents/"+incident+"/events", candor.RoleComms,
				map[string]any{"occurred_on": "2020-06-11", "public": true, "description": "Access identified",
					"translations": map[string]any{"ja": map[string]any{"description": "不正アクセスを確認"}}}), 201, "event")
			v := noticeBody(jaBody + "<ul>{{range .Incident.Events}}<li>{{.Description}}</li>{{end}}</ul>")
			r = e.do("POST", "/api/v1/incidents/"+incident+"/disclosures", candor.RoleComms, v)
			want(t, r, 201, "notice")
			path := "/api/v1/disclosures/" + r.Body["id"].(string)

			r = e.do("POST", path+"/preview", candor.RoleViewer, map[string]any{"locale": "ja"})
			if r.Status != 200 || !strings.Contains(string(r.Raw), `"fallbacks":[{"field":"title","language":"ja"},{"field":"summary","language":"ja"}]`) {
				t.Errorf("preview fallbacks: %s", r.Raw)
			}
			r = e.do("POST", path+"/submit", candor.RoleComms, nil)
			// The ja variant shows the subject's title and the summary; the
			// event has its Japanese text.
			if r.Status != 422 || !strings.Contains(string(r.Raw), `"field":"translations.ja.summary"`) ||
				!strings.Contains(string(r.Raw), `"field":"translations.ja.title"`) || strings.Contains(string(r.Raw), "description") {
				t.Fatalf("untranslated submit: %d %s", r.Status, r.Raw)
			}
			want(t, e.do("POST", path+"/submit", candor.RoleComms, map[string]any{"accept_untranslated": []string{"xx!"}}), 422, "bad language")
			want(t, e.do("POST", path+"/submit", candor.RoleViewer, map[string]any{"accept_untranslated": []string{"ja"}}), 403, "viewer")
			r = e.do("POST", path+"/submit", candor.RoleComms, map[string]any{"accept_untranslated": []string{"JA"}})
			want(t, r, 200, "accepted")
			r = e.do("GET", "/api/v1/audit?incident="+incident, candor.RoleLegal, nil)
			if !strings.Contains(string(r.Raw), "accept_untranslated") {
				t.Errorf("the choice is not in the audit log: %s", r.Raw)
			}
		})
	}
}
