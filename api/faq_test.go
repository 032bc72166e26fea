package api_test

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/api"
	"github.com/candor-dev/candor/compose"
	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/pdf"
)

// TestFAQ: a FAQ from the default templates is approved like any
// disclosure, exported for the call centre in each language, published
// under the statement, and refused where it does not belong.
func TestFAQ(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e := newPubEnv(t, d)
			incidentID, statement := e.statementFixture(candor.KindPublicStatement)

			r := e.do("POST", "/api/v1/incidents/"+incidentID+"/disclosures", candor.RoleComms,
				map[string]any{"kind": "faq", "title": "Questions and answers", "from_default": true})
			if r.Status != 201 {
				t.Fatalf("create faq: %d %s", r.Status, r.Raw)
			}
			faqID := r.Body["id"].(string)
			// Not approved yet: neither exported nor published.
			if r := e.do("GET", "/api/v1/disclosures/"+faqID+"/call-centre.csv", candor.RoleComms, nil); r.Status != 409 {
				t.Errorf("export of a draft: %d %s", r.Status, r.Raw)
			}
			if r := e.publish(statement.ID, map[string]any{"slug": "kawasaki-2020", "faq": faqID}); r.Status != 409 {
				t.Errorf("publish with a draft FAQ: %d %s", r.Status, r.Raw)
			}
			if r := e.do("POST", "/api/v1/disclosures/"+faqID+"/submit", candor.RoleComms, map[string]any{}); r.Status != 200 {
				t.Fatalf("submit: %d %s", r.Status, r.Raw)
			}
			if r := e.do("POST", "/api/v1/disclosures/"+faqID+"/approve", candor.RoleLegal, map[string]any{"revision": 1}); r.Status != 200 {
				t.Fatalf("approve: %d %s", r.Status, r.Raw)
			}

			// The call centre's sheet: every language, the facts in each.
			if r := e.do("GET", "/api/v1/disclosures/"+faqID+"/call-centre.csv", candor.RoleViewer, nil); r.Status != 403 {
				t.Errorf("viewer export: %d", r.Status)
			}
			r = e.do("GET", "/api/v1/disclosures/"+faqID+"/call-centre.csv", candor.RoleComms, nil)
			if r.Status != 200 || !strings.HasPrefix(r.ContentType, "text/csv") {
				t.Fatalf("export: %d %s", r.Status, r.Raw)
			}
			rows, err := csv.NewReader(strings.NewReader(string(r.Raw))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			perLang := map[string][]string{}
			for _, row := range rows[1:] {
				perLang[row[0]] = append(perLang[row[0]], row[2]+" / "+row[3])
			}
			for lang, want := range map[string][]string{
				"en":  {"What happened?", "Connections from overseas offices to servers in Japan.", "11 June 2020"},
				"ja":  {"何が起きたのですか。", "海外拠点から日本国内のサーバーへの接続。", "2020年6月11日"},
				"th":  {"เกิดอะไรขึ้น", "การเชื่อมต่อจากสำนักงานต่างประเทศไปยังเซิร์ฟเวอร์ในญี่ปุ่น", "2563"},
				"id":  {"Apa yang terjadi?"},
				"fil": {"Ano ang nangyari?"},
			} {
				all := strings.Join(perLang[lang], "\n")
				if len(perLang[lang]) != 7 {
					t.Errorf("%s: %d questions, want 7", lang, len(perLang[lang]))
				}
				for _, w := range want {
					if !strings.Contains(all, w) {
						t.Errorf("%s sheet lacks %q:\n%s", lang, w, all)
					}
				}
				if strings.Contains(all, "{{") || lang != "en" && strings.Contains(all, "Connections from overseas") {
					t.Errorf("%s sheet has a template or English facts:\n%s", lang, all)
				}
			}

			// Bad input: not a FAQ, unknown, another incident's.
			for _, tc := range []struct {
				faq    string
				status int
			}{{statement.ID, 422}, {"no-such-id", 422}, {strings.Repeat("x", 80), 422}} {
				if r := e.publish(statement.ID, map[string]any{"slug": "kawasaki-2020", "faq": tc.faq}); r.Status != tc.status || !strings.Contains(string(r.Raw), `"faq"`) {
					t.Errorf("publish with faq %.20q: %d %s", tc.faq, r.Status, r.Raw)
				}
			}
			if n := e.rowCount("publications"); n != 0 {
				t.Fatalf("%d publications stored by refused requests", n)
			}
			r = e.do("POST", "/api/v1/incidents/"+incidentID+"/disclosures", candor.RoleComms, map[string]any{"kind": "faq", "title": "FAQ",
				"default_locale": "en", "variants": map[string]any{"en": map[string]any{"subject": "FAQ", "body": "<p>No questions here.</p>"}}})
			if r.Status != 422 || !strings.Contains(string(r.Raw), "variants.en.body") {
				t.Errorf("a FAQ without <dt>/<dd>: %d %s", r.Status, r.Raw)
			}

			// Published under the statement, in the reader's language.
			if r := e.publish(statement.ID, map[string]any{"slug": "kawasaki-2020", "faq": faqID}); r.Status != 201 {
				t.Fatalf("publish: %d %s", r.Status, r.Raw)
			}
			_, _, ja := e.page("/statements/kawasaki-2020?lang=ja")
			for _, w := range []string{`<section class="faq" lang="ja">`, "<dt>何が起きたのですか。</dt>", "2020年6月11日に判明いたしました"} {
				if !strings.Contains(ja, w) {
					t.Errorf("Japanese page lacks %q", w)
				}
			}
			_, _, en := e.page("/statements/kawasaki-2020")
			if !strings.Contains(en, `<section class="faq" lang="en">`) || !strings.Contains(en, "<dt>Is the message I received really from Kawasaki Heavy Industries?</dt>") {
				t.Errorf("English page lacks the FAQ:\n%s", en)
			}
			_, _, js := e.page("/statements/kawasaki-2020?lang=ja", "Accept", "application/json")
			var doc struct {
				FAQ struct {
					Lang  string
					Items []candor.FAQItem
				}
			}
			if json.Unmarshal([]byte(js), &doc); doc.FAQ.Lang != "ja" || len(doc.FAQ.Items) != 8 || doc.FAQ.Items[0].Question != "何が起きたのですか。" ||
				// Published, the FAQ says where the statement is.
				!strings.Contains(doc.FAQ.Items[7].Answer, "/statements/kawasaki-2020") {
				t.Errorf("JSON lacks the FAQ: %s", js)
			}
		})
	}
}

// TestCallVolume: the calls to expect day by day in the incident's zone,
// from the notices sent and to send, with the model's assumptions.
func TestCallVolume(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e := newPubEnv(t, d)
			r := e.do("POST", "/api/v1/incidents", candor.RoleComms, seedIncident)
			if r.Status != 201 {
				t.Fatalf("incident: %d %s", r.Status, r.Raw)
			}
			incidentID := r.Body["id"].(string)
			r = e.do("GET", "/api/v1/incidents/"+incidentID+"/call-volume", candor.RoleViewer, nil)
			if r.Status != 200 || len(r.Body["days"].([]any)) != 0 || r.Body["time_zone"] != "Asia/Tokyo" {
				t.Fatalf("no notices yet: %d %s", r.Status, r.Raw)
			}
			customers := testenv.Customers(t, e.db, incidentID, "JP", "", "email", 300)
			sendID, disc := testenv.Send(t, e.db, incidentID, "customer_notice", "")
			// 200 sent at 23:30 UTC on 28 December (the 29th in Tokyo), 100 an hour later.
			at := time.Date(2020, 12, 28, 23, 30, 0, 0, time.UTC)
			testenv.Deliveries(t, e.db, testenv.NoticeTo(sendID, disc, incidentID, at, customers[:200]...)...)
			testenv.Deliveries(t, e.db, testenv.NoticeTo(sendID, disc, incidentID, at.Add(time.Hour), customers[200:]...)...)

			r = e.do("GET", "/api/v1/incidents/"+incidentID+"/call-volume?rate=0.1", candor.RoleViewer, nil)
			if r.Status != 200 {
				t.Fatalf("volume: %d %s", r.Status, r.Raw)
			}
			days := r.Body["days"].([]any)
			first := days[0].(map[string]any)
			// 300 notices × 10% = 30 calls, 40% of them on the first day.
			if first["date"] != "2020-12-29" || first["email"] != float64(300) || first["calls"] != float64(12) || r.Body["total_calls"] != float64(30) {
				t.Errorf("volume: %s", r.Raw)
			}
			for _, q := range []string{"rate=2", "rate=x", "post_days=-1", "post_days=99"} {
				r := e.do("GET", "/api/v1/incidents/"+incidentID+"/call-volume?"+q, candor.RoleViewer, nil)
				field, _, _ := strings.Cut(q, "=")
				if r.Status != 422 || !strings.Contains(string(r.Raw), `"`+field+`"`) {
					t.Errorf("%s: %d %s", q, r.Status, r.Raw)
				}
			}
		})
	}
}

// TestCallCentrePDF: the pack prints with the expected calls and every
// language's questions, Japanese and Thai found in the PDF's text.
func TestCallCentrePDF(t *testing.T) {
	if _, err := pdf.Find(""); err != nil && os.Getenv("CI") != "true" {
		t.Skip(err)
	}
	printer := pdf.NewLazy(pdf.Options{})
	t.Cleanup(func() { printer.Close() })
	e := newEnvWith(t, testenv.Databases(t)[0], func(c *api.Config) {
		c.Printer = printer
		c.Org = compose.Org("Kawasaki Heavy Industries", "privacy@example.com", "", "")
	})
	incidentID := e.createIncident(seedIncident)
	customers := testenv.Customers(t, e.db, incidentID, "JP", "", "email", 50)
	sendID, disc := testenv.Send(t, e.db, incidentID, "customer_notice", "")
	testenv.Deliveries(t, e.db, testenv.NoticeTo(sendID, disc, incidentID, time.Date(2020, 12, 28, 1, 0, 0, 0, time.UTC), customers...)...)
	r := e.do("POST", "/api/v1/incidents/"+incidentID+"/disclosures", candor.RoleComms,
		map[string]any{"kind": "faq", "title": "Call centre pack", "from_default": true})
	if r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Raw)
	}
	id := r.Body["id"].(string)
	e.do("POST", "/api/v1/disclosures/"+id+"/submit", candor.RoleComms, map[string]any{})
	if r := e.do("POST", "/api/v1/disclosures/"+id+"/approve", candor.RoleLegal, map[string]any{"revision": 1}); r.Status != 200 {
		t.Fatalf("approve: %d %s", r.Status, r.Raw)
	}
	r = e.do("GET", "/api/v1/disclosures/"+id+"/call-centre.pdf?rate=0.1", candor.RoleComms, nil)
	if r.Status != 200 || r.ContentType != "application/pdf" {
		t.Fatalf("pdf: %d %s", r.Status, r.Raw)
	}
	text := strings.ReplaceAll(pdfText(t, r.Raw), "\n", "")
	for _, w := range []string{"Expected calls (Asia/Tokyo)", "2020-12-28", "What happened?", "何が起きたのですか。",
		"海外拠点から日本国内のサーバーへの接続。", "เกิดอะไรขึ้น", "การเชื่อมต่อจากสำนักงานต่างประเทศ", "Apa yang terjadi?"} {
		if !strings.Contains(text, w) {
			t.Errorf("the pack's PDF lacks %q", w)
		}
	}
	if dir := os.Getenv("CANDOR_PDF_ARTIFACTS"); dir != "" {
		os.WriteFile(filepath.Join(dir, "call-centre.pdf"), r.Raw, 0o644)
	}
	if r := e.do("GET", "/api/v1/disclosures/"+id+"/call-centre.pdf?rate=7", candor.RoleComms, nil); r.Status != 422 {
		t.Errorf("bad rate: %d", r.Status)
	}
}
