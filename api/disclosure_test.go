package api_test

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/api"
	"github.com/candor-dev/candor/compose"
	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/templates"
)

// newDisclosureEnv is newEnv with the organisation and base URL set, and a
// second legal token ("legal2") for four-eyes tests.
func newDisclosureEnv(t *testing.T, d testenv.DB) *env {
	t.Helper()
	db := testenv.Open(t, d)
	db.SetKeyring(testenv.Keyring(t))
	s := api.New(api.Config{MaxBodyBytes: 256 << 10, Logger: quiet, BaseURL: "https://candor.example",
		Org: compose.Org("Kawasaki Heavy Industries, Ltd.", "privacy@example.com", "+81 3 0000 0000", "https://example.com")}, db)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	e := &env{t: t, srv: srv, db: db, api: s, tokens: map[candor.Role]string{}}
	for _, r := range []candor.Role{candor.RoleViewer, candor.RoleComms, candor.RoleLegal, candor.RoleAdmin, "legal2"} {
		role := r
		if r == "legal2" {
			role = candor.RoleLegal
		}
		_, secret, err := db.CreateToken(testenv.Actor(candor.RoleAdmin), string(r), role)
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[r] = secret
	}
	return e
}

const legal2 candor.Role = "legal2" // a second legal token, not a role

func noticeBody(jaBody string) map[string]any {
	return map[string]any{
		"kind": "customer_notice", "title": "Notice to customers", "default_locale": "en",
		"variants": map[string]any{
			"en": map[string]any{"subject": "About {{.Incident.Title}}", "body": "<p>Dear {{with .Customer.Name}}{{.}}{{else}}customer{{end}},</p><p>We found out on {{date .Incident.DiscoveredAt}}.</p><p><a href=\"{{.Statement.URL}}\">{{.Org.Name}}</a></p>"},
			"ja": map[string]any{"subject": "{{.Incident.Title}}について", "body": jaBody},
		},
	}
}

// jaBody marks what the APPI requires a notice to say (the checklist).
const jaBody = "<p>{{with .Customer.Name}}{{.}} 様{{else}}お客様各位{{end}}</p>\n<p>{{date .Incident.DiscoveredAt}}に判明しました。</p>\n" +
	"<p data-element=\"what_happened data_involved cause consequences contact\">{{.Incident.Summary}}</p>"

// seedWithCustomers creates the seed incident with a public and a private
// event, and imports a Japanese and an English customer; it returns the
// incident id and the customers' ids by locale.
func (e *env) seedWithCustomers() (string, map[string]string) {
	e.t.Helper()
	id := e.incident()
	for _, ev := range []string{
		`{"occurred_on":"2020-06-15","description":"Possibility of data breach confirmed","public":true}`,
		`{"occurred_on":"2020-06-12","description":"Internal: forensics vendor engaged","public":false}`,
	} {
		if r := e.do("POST", "/api/v1/incidents/"+id+"/events", candor.RoleComms, ev); r.Status != 201 {
			e.t.Fatalf("event: %d %s", r.Status, r.Raw)
		}
	}
	csv := "external_id,name,email,country,locale\nj1,山田 花子,hanako@example.jp,JP,ja\nu1,Ann Lee,ann@example.com,US,en-US\n"
	if r := e.upload("/api/v1/incidents/"+id+"/customers/import", "text/csv", csv, candor.RoleComms); r.Status != 200 || r.Body["accepted"] != 2.0 {
		e.t.Fatalf("import: %d %s", r.Status, r.Raw)
	}
	r := e.do("GET", "/api/v1/incidents/"+id+"/customers", candor.RoleViewer, nil)
	ids := map[string]string{}
	for _, it := range r.Body["items"].([]any) {
		c := it.(map[string]any)
		ids[c["locale"].(string)] = c["id"].(string)
	}
	return id, ids
}

func want(t *testing.T, r response, status int, what string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%s: %d, want %d: %s", what, r.Status, status, r.Raw)
	}
}

func TestDisclosureReviewCycleOverHTTP(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e := newDisclosureEnv(t, d)
			incident, customers := e.seedWithCustomers()
			r := e.do("POST", "/api/v1/incidents/"+incident+"/disclosures", candor.RoleComms, noticeBody(jaBody))
			want(t, r, 201, "create")
			if r.Body["state"] != "draft" || r.Body["revision"] != 1.0 {
				t.Fatalf("created: %s", r.Raw)
			}
			path := "/api/v1/disclosures/" + r.Body["id"].(string)

			// Preview: a real Japanese customer gets the Japanese variant,
			// with the date as Japanese readers write it.
			r = e.do("POST", path+"/preview", candor.RoleViewer, map[string]any{"customer_id": customers["ja"]})
			want(t, r, 200, "preview ja")
			if r.Body["locale"] != "ja" || !strings.Contains(r.Body["text"].(string), "2020年6月11日") ||
				!strings.Contains(r.Body["html"].(string), "山田 花子 様") || r.Body["sample"] != false {
				t.Fatalf("Japanese preview: %s", r.Raw)
			}
			r = e.do("POST", path+"/preview", candor.RoleViewer, map[string]any{"customer_id": customers["en-US"]})
			if r.Status != 200 || r.Body["locale"] != "en" || !strings.Contains(r.Body["text"].(string), "11 June 2020") ||
				strings.Contains(r.Body["html"].(string), "https://candor.example/statements") {
				// No statement is published or scheduled: the notice must not point at one.
				t.Fatalf("English preview: %s", r.Raw)
			}
			r = e.do("POST", path+"/preview", candor.RoleViewer, nil)
			if r.Status != 200 || r.Body["locale"] != "en" || r.Body["sample"] != true || r.Body["subject"] != "About Unauthorized access to Kawasaki Group" {
				t.Fatalf("sample preview: %s", r.Raw)
			}
			want(t, e.do("POST", path+"/preview", candor.RoleViewer, map[string]any{"locale": "not a tag!"}), 422, "preview bad locale")

			want(t, e.do("POST", path+"/approve", candor.RoleLegal, map[string]any{"revision": 1}), 409, "approve a draft")
			r = e.do("POST", path+"/submit", candor.RoleComms, nil)
			if r.Status != 200 || r.Body["state"] != "in_review" {
				t.Fatalf("submit: %d %s", r.Status, r.Raw)
			}
			want(t, e.do("POST", path+"/submit", candor.RoleComms, nil), 409, "submit twice")
			want(t, e.do("POST", path+"/approve", candor.RoleViewer, map[string]any{"revision": 1}), 403, "viewer approves")
			want(t, e.do("POST", path+"/approve", candor.RoleComms, map[string]any{"revision": 1}), 403, "comms approves")
			want(t, e.do("POST", path+"/approve", candor.RoleLegal, map[string]any{"revision": 2}), 409, "stale revision")
			want(t, e.do("POST", path+"/approve", candor.RoleLegal, `{}`), 422, "no revision")
			r = e.do("POST", path+"/approve", candor.RoleLegal, map[string]any{"revision": 1})
			if r.Status != 200 || r.Body["state"] != "approved" || r.Body["approved_revision"] != 1.0 || r.Body["approved_at"] == nil {
				t.Fatalf("approve: %d %s", r.Status, r.Raw)
			}

			// An edit voids the approval.
			r = e.do("PUT", path, candor.RoleComms, noticeBody(jaBody+"\n<p>追記</p>"))
			if r.Status != 200 || r.Body["state"] != "draft" || r.Body["revision"] != 2.0 || r.Body["approved_revision"] != nil || r.Body["approved_at"] != nil {
				t.Fatalf("edit after approval: %d %s", r.Status, r.Raw)
			}
			want(t, e.do("POST", path+"/submit", candor.RoleComms, `{"revision":2}`), 200, "resubmit")
			want(t, e.do("POST", path+"/reject", candor.RoleLegal, `{"reason":" "}`), 422, "reject without a reason")
			want(t, e.do("POST", path+"/reject", candor.RoleComms, `{"reason":"x"}`), 403, "comms rejects")
			r = e.do("POST", path+"/reject", candor.RoleLegal, `{"reason":"Add the contact phone number."}`)
			if r.Status != 200 || r.Body["state"] != "draft" || r.Body["reject_reason"] != "Add the contact phone number." {
				t.Fatalf("reject: %d %s", r.Status, r.Raw)
			}

			r = e.do("GET", "/api/v1/audit?incident="+incident, candor.RoleLegal, nil)
			var got []string
			for _, it := range r.Body["items"].([]any) {
				if a := it.(map[string]any); a["resource"] == "disclosure" {
					got = append([]string{fmt.Sprint(a["action"], " by ", a["actor_name"])}, got...)
				}
			}
			wantAudit := "disclosure.create by comms,disclosure.submit by comms,disclosure.approve by legal," +
				"disclosure.edit by comms,disclosure.submit by comms,disclosure.reject by legal"
			if strings.Join(got, ",") != wantAudit {
				t.Fatalf("audit:\n got %s\nwant %s", strings.Join(got, ","), wantAudit)
			}
			r = e.do("GET", "/api/v1/incidents/"+incident+"/disclosures", candor.RoleViewer, nil)
			if items := r.Body["items"].([]any); r.Status != 200 || len(items) != 1 {
				t.Fatalf("list: %s", r.Raw)
			}
		})
	}
}

// The legal token that last edited cannot approve; another legal token can.
func TestFourEyesOverHTTP(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e := newDisclosureEnv(t, d)
			incident := e.incident()
			r := e.do("POST", "/api/v1/incidents/"+incident+"/disclosures", candor.RoleComms, noticeBody(jaBody))
			path := "/api/v1/disclosures/" + r.Body["id"].(string)
			want(t, e.do("PUT", path, candor.RoleLegal, noticeBody(jaBody+"<p>legal</p>")), 200, "legal edits")
			want(t, e.do("POST", path+"/submit", candor.RoleComms, nil), 200, "comms submits")
			r = e.do("POST", path+"/approve", candor.RoleLegal, map[string]any{"revision": 2})
			if r.Status != 403 || !strings.Contains(r.Body["detail"].(string), "four eyes") {
				t.Fatalf("own revision approved: %d %s", r.Status, r.Raw)
			}
			want(t, e.do("POST", path+"/approve", legal2, map[string]any{"revision": 2}), 200, "second legal token approves")
		})
	}
}

// Bad templates and locales are refused with the field, line and column,
// and the stored disclosure does not move.
func TestDisclosureBadInputOverHTTP(t *testing.T) {
	tests := []struct {
		name     string
		jaBody   string
		atSubmit bool   // refused at submit rather than at PUT
		field    string // the field named
		message  string // part of the message
	}{
		{"missing field", "<p>x</p>\n<p>{{.Customer.Nope}}</p>", true, "variants.ja.body", "line 2, col "},
		{"syntax error", "<p>\n{{if .Customer.Name}}</p>", false, "variants.ja.body", "line 2"},
		{"undefined template", `<p>{{template "x"}}</p>`, false, "variants.ja.body", "line 1, col "},
		{"unclosed tag", `<p><a href="{{.Statement.URL}}`, true, "variants.ja.body", "ends inside a tag"},
	}
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e := newDisclosureEnv(t, d)
			incident := e.incident()
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					r := e.do("POST", "/api/v1/incidents/"+incident+"/disclosures", candor.RoleComms, noticeBody(jaBody))
					want(t, r, 201, "create")
					path := "/api/v1/disclosures/" + r.Body["id"].(string)
					r = e.do("PUT", path, candor.RoleComms, noticeBody(tt.jaBody))
					if tt.atSubmit {
						want(t, r, 200, "PUT")
						r = e.do("POST", path+"/submit", candor.RoleComms, nil)
					}
					want(t, r, 422, "bad template")
					fe := r.Body["errors"].([]any)[0].(map[string]any)
					if fe["field"] != tt.field || !strings.Contains(fe["message"].(string), tt.message) || r.ContentType != api.ProblemContentType {
						t.Fatalf("problem: %s", r.Raw)
					}
					wantRev := 1.0
					if tt.atSubmit {
						wantRev = 2
					}
					if r := e.do("GET", path, candor.RoleViewer, nil); r.Body["revision"] != wantRev || r.Body["state"] != "draft" {
						t.Fatalf("stored disclosure moved: %s", r.Raw)
					}
				})
			}
			t.Run("locale not BCP 47", func(t *testing.T) {
				body := noticeBody(jaBody)
				body["variants"].(map[string]any)["ja_JP!!"] = map[string]any{"subject": "x", "body": "x"}
				r := e.do("POST", "/api/v1/incidents/"+incident+"/disclosures", candor.RoleComms, body)
				want(t, r, 422, "create")
				if !strings.Contains(string(r.Raw), "variants.ja_JP!!") {
					t.Fatalf("problem: %s", r.Raw)
				}
				r = e.do("POST", "/api/v1/incidents/"+incident+"/disclosures", candor.RoleComms, noticeBody(jaBody))
				path := "/api/v1/disclosures/" + r.Body["id"].(string)
				want(t, e.do("PUT", path, candor.RoleComms, body), 422, "PUT")
				body = noticeBody(jaBody)
				body["default_locale"] = "english"
				want(t, e.do("PUT", path, candor.RoleComms, body), 422, "PUT default_locale")
				want(t, e.do("PUT", path, candor.RoleComms, map[string]any{"kind": "public_statement"}), 422, "change kind")
				if r := e.do("GET", path, candor.RoleViewer, nil); r.Body["revision"] != 1.0 {
					t.Fatalf("stored disclosure moved: %s", r.Raw)
				}
			})
		})
	}
}

func TestRevisionsAndDiff(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e := newDisclosureEnv(t, d)
			incident := e.incident()
			r := e.do("POST", "/api/v1/incidents/"+incident+"/disclosures", candor.RoleComms, noticeBody(jaBody))
			path := "/api/v1/disclosures/" + r.Body["id"].(string)
			want(t, e.do("PUT", path, candor.RoleLegal, noticeBody(strings.Replace(jaBody, "判明しました", "確認しました", 1))), 200, "edit")
			want(t, e.do("PUT", path, candor.RoleComms, map[string]any{"revision": 1, "title": "x"}), 409, "edit from a stale revision")

			r = e.do("GET", path+"/revisions", candor.RoleViewer, nil)
			items := r.Body["items"].([]any)
			if r.Status != 200 || len(items) != 2 || items[1].(map[string]any)["author_name"] != "legal" || items[0].(map[string]any)["number"] != 1.0 {
				t.Fatalf("revisions: %s", r.Raw)
			}
			for _, q := range []string{"?diff=1..2", "?from=1&to=2"} {
				r = e.do("GET", path+"/revisions"+q, candor.RoleViewer, nil)
				fields := r.Body["fields"].([]any)
				unified, _ := r.Body["unified"].(string)
				if r.Status != 200 || len(fields) != 1 || fields[0].(map[string]any)["field"] != "variants.ja.body" ||
					!strings.Contains(unified, "-<p>{{date .Incident.DiscoveredAt}}に判明しました。</p>") ||
					!strings.Contains(unified, "+<p>{{date .Incident.DiscoveredAt}}に確認しました。</p>") {
					t.Fatalf("diff %s: %s", q, r.Raw)
				}
			}
			want(t, e.do("GET", path+"/revisions?diff=1..9", candor.RoleViewer, nil), 404, "diff to a missing revision")
			want(t, e.do("GET", path+"/revisions?diff=one..two", candor.RoleViewer, nil), 422, "bad diff")
			want(t, e.do("GET", path+"/revisions?from=1", candor.RoleViewer, nil), 422, "from without to")
			want(t, e.do("GET", "/api/v1/disclosures/01a2000a-0000-7000-8000-000000000000/revisions?diff=1..2", candor.RoleViewer, nil), 404, "unknown disclosure")
			r = e.do("POST", path+"/preview", candor.RoleViewer, map[string]any{"locale": "ja", "revision": 1})
			if r.Status != 200 || r.Body["revision"] != 1.0 || !strings.Contains(r.Body["text"].(string), "判明しました") {
				t.Fatalf("preview of revision 1: %s", r.Raw)
			}
		})
	}
}

// Every shipped default template, for every kind, is created, previews in
// every locale it ships and passes submit.
func TestDefaultTemplatesOverHTTP(t *testing.T) {
	e := newDisclosureEnv(t, testenv.SQLite(t))
	incident, _ := e.seedWithCustomers()
	for _, kind := range candor.DisclosureKinds() {
		t.Run(string(kind), func(t *testing.T) {
			body := map[string]any{"kind": kind, "from_default": true}
			if kind == candor.KindRegulatorReport {
				body["regulator"] = map[string]any{"jurisdiction": "JP", "email": "report@example.com"}
			}
			r := e.do("POST", "/api/v1/incidents/"+incident+"/disclosures", candor.RoleComms, body)
			want(t, r, 201, "create from defaults")
			path := "/api/v1/disclosures/" + r.Body["id"].(string)
			variants, _ := templates.Defaults(kind)
			if len(variants) < 2 {
				t.Fatalf("%d default locales", len(variants))
			}
			for loc := range variants {
				r := e.do("POST", path+"/preview", candor.RoleViewer, map[string]any{"locale": loc})
				if r.Status != 200 || r.Body["locale"] != loc || r.Body["subject"] == "" ||
					!strings.Contains(r.Body["text"].(string), entityName(loc)) {
					t.Fatalf("preview %s: %d %s", loc, r.Status, r.Raw)
				}
			}
			// The seed's event has no translations: its languages are
			// accepted untranslated, as the submitter's recorded choice.
			want(t, e.do("POST", path+"/submit", candor.RoleComms, map[string]any{"accept_untranslated": []string{"ja", "th", "id", "fil"}}), 200, "submit defaults")
		})
	}
}

// entityName is the reporting entity's name as the seed incident gives it
// in language loc: its own Japanese name, else the English one.
func entityName(loc string) string {
	if loc == "ja" {
		return "川崎重工業株式会社"
	}
	return "Kawasaki Heavy Industries"
}
