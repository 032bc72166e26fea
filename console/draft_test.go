package console_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/api"
	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/roster"
)

// person makes a person with a console password and signs them in.
func (e *env) draftPerson(t *testing.T, email, name string, role candor.Role) *browser {
	t.Helper()
	admin := testenv.Actor(candor.RoleAdmin)
	if _, err := e.db.CreatePerson(admin, candor.Person{Email: email, Name: name, Role: role}); err != nil {
		t.Fatal(err)
	}
	_, secret, err := e.db.CreatePasswordLink(admin, email, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	b := e.browser(t, "en")
	link := "/console/set-password?token=" + url.QueryEscape(secret)
	form := url.Values{"token": {secret}, "password": {password}, "confirm": {password}, "csrf": {b.csrf(link)}}
	if res, _ := b.post("/console/set-password", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("set password: %d", res.StatusCode)
	}
	if res := b.signIn(email, password); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in %s: %d", email, res.StatusCode)
	}
	return b
}

// form posts values with the page's CSRF token and returns the status,
// the redirect and the body.
func (b *browser) draftForm(page, path string, v url.Values) (int, string, string) {
	b.t.Helper()
	v.Set("csrf", b.csrf(page))
	res, body := b.post(path, v)
	return res.StatusCode, res.Header.Get("Location"), body
}

var draftLink = regexp.MustCompile(`^/console/disclosures/([0-9A-Za-z-]+)`)

func TestDrafts(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e := setup(t, testenv.Open(t, d), api.RateLimits{}, false)
			csv := "email,name,locale,country\nhanako@example.jp,山田 花子,ja,JP\njo@example.com,Jo Smith,en,US\n"
			r, err := roster.NewCSVReader(strings.NewReader(csv), roster.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.db.ImportCustomers(testenv.Actor(candor.RoleComms), e.incident.ID, r, nil); err != nil {
				t.Fatal(err)
			}
			comms := e.draftPerson(t, "carl@example.com", "Carl Comms", candor.RoleComms)
			legal := signedIn(t, e, "en")
			list := "/console/incidents/" + e.incident.ID + "/disclosures"
			page(t, comms, list, "New disclosure", `value="customer_notice"`, `value="regulator_report"`, `value="public_statement"`)

			t.Run("bad new disclosure", func(t *testing.T) {
				for _, tc := range []struct {
					name string
					form url.Values
					want []string
				}{
					{"unknown kind", url.Values{"kind": {"memo"}, "from_default": {"1"}}, []string{`id="kind-error"`, "must be customer_notice"}},
					{"blank without defaults", url.Values{"kind": {"customer_notice"}, "title": {"Hello"}, "locale": {"en"}, "subject": {"Hi"}},
						[]string{`id="body-error"`, "is required", `value="Hello"`}},
					{"report without regulator e-mail", url.Values{"kind": {"regulator_report"}, "from_default": {"1"}, "jurisdiction": {"JP"}, "email": {"not an address"}},
						[]string{`id="email-error"`, "is not an email address", `value="not an address"`}},
				} {
					status, _, body := comms.draftForm(list, list, tc.form)
					if status != http.StatusUnprocessableEntity {
						t.Fatalf("%s: %d, want 422", tc.name, status)
					}
					for _, w := range tc.want {
						if !strings.Contains(body, w) {
							t.Errorf("%s: no %q in\n%s", tc.name, w, body)
						}
					}
				}
				if p, _ := e.db.ListDisclosures(testenv.Actor(candor.RoleComms), e.incident.ID, "", 10); len(p.Items) != 0 {
					t.Fatalf("something was stored: %+v", p.Items)
				}
			})

			status, loc, body := comms.draftForm(list, list, url.Values{"kind": {"customer_notice"}, "title": {"Notice to customers"},
				"from_default": {"1"}, "locale": {"en"}})
			m := draftLink.FindStringSubmatch(loc)
			if status != http.StatusSeeOther || m == nil {
				t.Fatalf("create: %d %q %s", status, loc, body)
			}
			id := m[1]
			draftEditor := "/console/disclosures/" + id
			body = page(t, comms, draftEditor+"?variant=ja", `aria-current="page" class="tag">ja<`, `name="subject"`, "The law&#39;s checklist",
				`sandbox`, `id="draft-preview-button"`, `/console/drafts.js`)
			if strings.Contains(body, `id="draft-approve"`) {
				t.Error("comms sees an approve button")
			}
			if res, _ := comms.get(draftEditor); !strings.Contains(res.Header.Get("Content-Security-Policy"), "frame-src 'self'") {
				t.Errorf("editor CSP %q", res.Header.Get("Content-Security-Policy"))
			}
			if res, js := comms.get("/console/drafts.js"); res.StatusCode != 200 || !strings.Contains(js, "requestSubmit") {
				t.Errorf("script: %d", res.StatusCode)
			}
			ja := url.Values{"variant": {"ja"}, "base": {"1"}, "title": {"Notice to customers"}, "default_locale": {"en"},
				"subject": {"【重要】不正アクセスに関するお知らせ"}, "body": {"<p>{{.Customer.Name}} 様</p>\n<p>発覚日：{{date .Incident.DiscoveredAt}}</p>\n<p>{{.Incident.Summary}}</p>"},
				"sample": {""}}

			t.Run("save refuses bad input and keeps it", func(t *testing.T) {
				bad := draftClone(ja)
				bad.Set("subject", "  ")
				bad.Set("body", "<p>kept</p>")
				status, _, body := comms.draftForm(draftEditor, draftEditor, bad)
				if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="subject-error"`) ||
					!strings.Contains(body, "is required") || !strings.Contains(body, html.EscapeString("<p>kept</p>")) {
					t.Fatalf("blank subject: %d\n%s", status, body)
				}
				bad = draftClone(ja)
				bad.Set("body", "<p>{{.Customer.Name</p>")
				status, _, body = comms.draftForm(draftEditor, draftEditor, bad)
				if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="body-error"`) ||
					!strings.Contains(body, html.EscapeString("<p>{{.Customer.Name</p>")) {
					t.Fatalf("template error: %d\n%s", status, body)
				}
				if got, _ := e.db.GetDisclosure(testenv.Actor(candor.RoleComms), id); got.Revision != 1 {
					t.Fatalf("revision %d stored", got.Revision)
				}
			})

			status, loc, body = comms.draftForm(draftEditor, draftEditor, ja)
			if status != http.StatusSeeOther || !strings.Contains(loc, "saved=2") {
				t.Fatalf("save: %d %q %s", status, loc, body)
			}

			t.Run("stale save is 409 with the text kept", func(t *testing.T) {
				stale := draftClone(ja)
				stale.Set("subject", "古い版からの編集")
				status, _, body := comms.draftForm(draftEditor, draftEditor, stale)
				if status != http.StatusConflict || !strings.Contains(body, "古い版からの編集") || !strings.Contains(body, "changed this disclosure") {
					t.Fatalf("stale: %d\n%s", status, body)
				}
			})

			t.Run("variants", func(t *testing.T) {
				status, loc, _ := comms.draftForm(draftEditor, draftEditor+"/variants", url.Values{"key": {"en@us-ca"}, "base": {"2"}, "variant": {"ja"}})
				if status != http.StatusSeeOther || !strings.Contains(loc, "variant=en%40US-CA") {
					t.Fatalf("add en@US-CA: %d %q", status, loc)
				}
				status, _, body := comms.draftForm(draftEditor, draftEditor+"/variants", url.Values{"key": {"xx@NOWHERE-LAND"}, "base": {"3"}})
				if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="key-error"`) || !strings.Contains(body, `value="xx@NOWHERE-LAND"`) {
					t.Fatalf("bad key: %d\n%s", status, body)
				}
				status, _, body = comms.draftForm(draftEditor, draftEditor+"/variants/remove", url.Values{"variant": {"en"}, "base": {"3"}})
				if status != http.StatusUnprocessableEntity || !strings.Contains(body, "cannot be removed") {
					t.Fatalf("remove the default: %d\n%s", status, body)
				}
				status, loc, _ = comms.draftForm(draftEditor, draftEditor+"/variants/remove", url.Values{"variant": {"en@US-CA"}, "base": {"3"}})
				if status != http.StatusSeeOther || !strings.Contains(loc, "saved=4") {
					t.Fatalf("remove en@US-CA: %d %q", status, loc)
				}
			})

			t.Run("preview as sent", func(t *testing.T) {
				page := draftEditor + "/preview?variant=ja"
				res, body := comms.get(page)
				csp := res.Header.Get("Content-Security-Policy")
				if res.StatusCode != 200 || !strings.Contains(csp, "frame-ancestors 'self'") || strings.Contains(csp, "script") {
					t.Fatalf("panel: %d %q\n%s", res.StatusCode, csp, body)
				}
				for _, w := range []string{"【重要】不正アクセスに関するお知らせ", `sandbox=""`, "srcdoc=", "山田 花子 様", "2020年6月11日",
					"海外拠点（タイ）から日本国内のサーバーへの接続が判明。", `id="preview-text"`} {
					if !strings.Contains(body, w) {
						t.Errorf("panel lacks %q:\n%s", w, body)
					}
				}
				if strings.Contains(body, "A connection from the Thai office") {
					t.Error("the English summary is in the Japanese preview")
				}
				// What was typed, not yet saved, with a Thai sample customer:
				// the summary has no Thai text and falls back to English.
				typed := draftClone(ja)
				typed.Set("variant", "th")
				typed.Set("subject", "แจ้งเตือน {{.Incident.Title}}")
				typed.Set("sample", "l:th")
				status, _, body := comms.draftForm(draftEditor, draftEditor+"/preview", typed)
				if status != 200 || !strings.Contains(body, "แจ้งเตือน") || !strings.Contains(body, "has no th text") ||
					!strings.Contains(body, "สมศรี ใจดี") {
					t.Fatalf("typed preview: %d\n%s", status, body)
				}
				typed.Set("body", "<p>{{.Nope}}</p>")
				if status, _, body := comms.draftForm(draftEditor, draftEditor+"/preview", typed); status != 422 || !strings.Contains(body, "preview-errors") {
					t.Fatalf("broken template preview: %d\n%s", status, body)
				}
				if got, _ := e.db.GetDisclosure(testenv.Actor(candor.RoleComms), id); got.Variants["th"].Subject == "แจ้งเตือน {{.Incident.Title}}" {
					t.Fatal("a preview saved")
				}
			})

			t.Run("submit", func(t *testing.T) {
				status, _, body := comms.draftForm(draftEditor, draftEditor+"/submit", url.Values{"revision": {"4"}})
				if status != http.StatusUnprocessableEntity || !strings.Contains(body, "submit-errors") || !strings.Contains(body, "accept_untranslated") {
					t.Fatalf("submit without accepting untranslated: %d\n%s", status, body)
				}
				accept := url.Values{"revision": {"4"}, "accept": {"th", "id", "fil"}}
				status, _, body = comms.draftForm(draftEditor, draftEditor+"/submit", draftClone(accept))
				if status != http.StatusUnprocessableEntity || !strings.Contains(body, "checklist.JP.what_happened") {
					t.Fatalf("submit lacking what APPI requires: %d\n%s", status, body)
				}
				if strings.Contains(body, `name="waive.`) {
					t.Error("comms sees waiver fields")
				}
				w := draftClone(accept)
				w.Set("waive.JP.contact", "the call centre is on the statement")
				if status, _, body := comms.draftForm(draftEditor, draftEditor+"/submit", w); status != http.StatusForbidden || !strings.Contains(body, "may not waive") {
					t.Fatalf("comms waiving: %d, want 403\n%s", status, body)
				}
				full := draftClone(ja)
				full.Set("base", "4")
				full.Set("body", draftJaBody)
				if status, loc, body := comms.draftForm(draftEditor, draftEditor, full); status != http.StatusSeeOther || !strings.Contains(loc, "saved=5") {
					t.Fatalf("save the full notice: %d %q\n%s", status, loc, body)
				}
				accept.Set("revision", "5")
				if status, loc, body := comms.draftForm(draftEditor, draftEditor+"/submit", accept); status != http.StatusSeeOther || !strings.Contains(loc, "done=submitted") {
					t.Fatalf("submit: %d %q\n%s", status, loc, body)
				}
			})

			t.Run("comms cannot approve", func(t *testing.T) {
				body := page(t, comms, draftEditor, "Waiting for a legal person")
				if strings.Contains(body, `id="draft-approve"`) {
					t.Error("approve button for comms")
				}
				if status, _, _ := comms.draftForm(draftEditor, draftEditor+"/approve", url.Values{"revision": {"5"}}); status != http.StatusForbidden {
					t.Fatalf("comms approve: %d, want 403", status)
				}
				if status, _, _ := comms.draftForm(draftEditor, draftEditor+"/reject", url.Values{"reason": {"no"}}); status != http.StatusForbidden {
					t.Fatalf("comms reject: %d, want 403", status)
				}
			})

			t.Run("legal rejects and approves", func(t *testing.T) {
				page(t, legal, draftEditor, `id="draft-approve"`, `id="draft-reject"`)
				status, _, body := legal.draftForm(draftEditor, draftEditor+"/reject", url.Values{"reason": {"  "}})
				if status != http.StatusUnprocessableEntity || !strings.Contains(body, `id="reason-error"`) {
					t.Fatalf("reject without a reason: %d\n%s", status, body)
				}
				if status, _, body := legal.draftForm(draftEditor, draftEditor+"/approve", url.Values{"revision": {"4"}}); status != http.StatusConflict || !strings.Contains(body, "stale") {
					t.Fatalf("approve a stale revision: %d\n%s", status, body)
				}
				if status, loc, _ := legal.draftForm(draftEditor, draftEditor+"/approve", url.Values{"revision": {"5"}}); status != http.StatusSeeOther || !strings.Contains(loc, "done=approved") {
					t.Fatalf("approve: %d %q", status, loc)
				}
				page(t, legal, draftEditor, "Revision 5 is approved.")
			})

			t.Run("four eyes", func(t *testing.T) {
				status, loc, _ := legal.draftForm(list, list, url.Values{"kind": {"public_statement"}, "from_default": {"1"}, "locale": {"en"}})
				m := draftLink.FindStringSubmatch(loc)
				if status != http.StatusSeeOther || m == nil {
					t.Fatalf("create statement: %d %q", status, loc)
				}
				st := "/console/disclosures/" + m[1]
				if status, _, body := legal.draftForm(st, st+"/submit", url.Values{"revision": {"1"}, "accept": {"th", "id", "fil", "ja"}}); status != http.StatusSeeOther {
					t.Fatalf("legal submits own statement: %d\n%s", status, body)
				}
				body := page(t, legal, st, "You edited revision 1; another legal person must approve it.")
				if strings.Contains(body, `id="draft-approve"`) {
					t.Error("an approve button for the editor")
				}
				status, _, body = legal.draftForm(st, st+"/approve", url.Values{"revision": {"1"}})
				if status != http.StatusForbidden || !strings.Contains(body, "You edited revision 1; another legal person must approve it.") {
					t.Fatalf("own approval: %d\n%s", status, body)
				}
				ja := e.draftPerson(t, "kei@example.com", "Kei Legal", candor.RoleLegal)
				ja.c.Transport = langTransport("ja")
				page(t, ja, st, "承認")
				if status, loc, _ := ja.draftForm(st, st+"/approve", url.Values{"revision": {"1"}}); status != http.StatusSeeOther || !strings.Contains(loc, "done=approved") {
					t.Fatalf("another legal person: %d %q", status, loc)
				}
			})

			t.Run("history and diff", func(t *testing.T) {
				h := draftEditor + "/revisions"
				page(t, comms, h, "Carl Comms", `name="from"`)
				page(t, comms, h+"?from=1&to=2", `variants.ja.subject`, `class="delete"`, `class="insert"`, "【重要】不正アクセスに関するお知らせ")
				res, body := comms.get(h + "?from=abc&to=99")
				if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="from-error"`) {
					t.Fatalf("bad range: %d\n%s", res.StatusCode, body)
				}
				res, body = comms.get(h + "?from=1&to=99")
				if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "There is no revision 99.") {
					t.Fatalf("missing revision: %d\n%s", res.StatusCode, body)
				}
			})

			t.Run("regulator report", func(t *testing.T) {
				status, loc, body := comms.draftForm(list, list, url.Values{"kind": {"regulator_report"}, "from_default": {"1"},
					"locale": {"en"}, "jurisdiction": {"JP"}, "email": {"ppc@example.go.jp"}})
				m := draftLink.FindStringSubmatch(loc)
				if status != http.StatusSeeOther || m == nil {
					t.Fatalf("create report: %d %q\n%s", status, loc, body)
				}
				rep := "/console/disclosures/" + m[1]
				page(t, comms, rep, `name="jurisdiction" value="JP"`, `value="ppc@example.go.jp"`, `aria-current="page" class="tag">ja<`)
				res, body := comms.get(rep + "/preview?variant=ja")
				if res.StatusCode != 200 || !strings.Contains(body, `id="preview-locale">ja`) || !strings.Contains(body, "個人情報保護委員会") {
					t.Fatalf("report preview: %d\n%s", res.StatusCode, body)
				}
			})

			t.Run("no CSRF token, or a viewer", func(t *testing.T) {
				for _, path := range []string{draftEditor, draftEditor + "/submit", draftEditor + "/approve", draftEditor + "/variants", list} {
					if res, _ := legal.post(path, url.Values{"revision": {"5"}, "key": {"ko"}}); res.StatusCode != http.StatusForbidden {
						t.Errorf("%s without a CSRF token: %d, want 403", path, res.StatusCode)
					}
				}
				viewer := e.draftPerson(t, "vera@example.com", "Vera Viewer", candor.RoleViewer)
				body := page(t, viewer, draftEditor, "Preview, exactly as sent")
				if strings.Contains(body, `id="draft-save"`) {
					t.Error("a viewer sees Save")
				}
				for _, path := range []string{draftEditor, draftEditor + "/variants", draftEditor + "/submit", list} {
					if status, _, _ := viewer.draftForm(draftEditor, path, url.Values{"key": {"ko"}, "kind": {"customer_notice"}}); status != http.StatusForbidden {
						t.Errorf("viewer POST %s: %d, want 403", path, status)
					}
				}
			})

			t.Run("Japanese pages", func(t *testing.T) {
				b := e.browser(t, "ja")
				if res := b.signIn("carl@example.com", password); res.StatusCode != http.StatusSeeOther {
					t.Fatal("sign in")
				}
				page(t, b, list, "開示文書", "顧客への通知", "承認済み")
				page(t, b, draftEditor+"/revisions?from=1&to=2", "版の履歴")
			})
		})
	}
}

// jaBody is a Japanese notice with what APPI asks a notice to say, marked
// for the checklist.
const draftJaBody = `<p>{{.Customer.Name}} 様</p>
<p data-element="what_happened">発覚日：{{date .Incident.DiscoveredAt}}。{{.Incident.Summary}}</p>
<p data-element="data_involved">対象となる情報：{{categories .Incident.DataCategories}}</p>
<p data-element="cause">原因：外部からの不正アクセス</p>
<p data-element="consequences">現時点で二次被害は確認されていません。</p>
<p data-element="contact">お問い合わせ：{{.Org.ContactEmail}}</p>`

func draftClone(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
