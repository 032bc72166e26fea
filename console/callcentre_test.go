package console_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/api"
	"github.com/candor-dev/candor/compose"
	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/pdf"
)

// ccEnv is a Tokyo incident and Rita Legal, served by an API that prints
// with printer (nil: no PDF printing).
func ccEnv(t *testing.T, d testenv.DB, printer *pdf.Printer) *env {
	t.Helper()
	db := testenv.Open(t, d)
	db.SetKeyring(testenv.Keyring(t))
	cfg := api.Config{Org: compose.Org("Kawasaki Heavy Industries", "privacy@example.com", "", "")}
	if printer != nil {
		cfg.Printer = printer
	}
	srv := httptest.NewServer(api.New(cfg, db))
	t.Cleanup(srv.Close)
	if _, err := db.CreatePerson(testenv.Actor(candor.RoleAdmin), candor.Person{Email: "rita@example.com", Name: "Rita Legal", Role: candor.RoleLegal}); err != nil {
		t.Fatal(err)
	}
	inc, err := db.CreateIncident(testenv.Actor(candor.RoleComms), candor.Incident{
		Title: "Unauthorized access to overseas offices", DiscoveredAt: time.Date(2020, 6, 11, 1, 30, 0, 0, time.UTC),
		Timezone: "Asia/Tokyo", Severity: "high", DataCategories: []string{"contact_details"},
		Translations: map[string]candor.IncidentText{"ja": {Title: "海外拠点への不正アクセス"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{db: db, srv: srv, incident: inc, email: "rita@example.com"}
	e.setPassword(t)
	return e
}

// ccSend e-mails 300 Japanese customers of the incident, as the API's
// TestCallVolume does: 200 at 23:30 UTC on 28 December 2020 (the 29th in
// Tokyo) and 100 an hour later.
func ccSend(t *testing.T, e *env) {
	t.Helper()
	customers := testenv.Customers(t, e.db, e.incident.ID, "JP", "", "email", 300)
	sendID, disc := testenv.Send(t, e.db, e.incident.ID, "customer_notice", "")
	at := time.Date(2020, 12, 28, 23, 30, 0, 0, time.UTC)
	testenv.Deliveries(t, e.db, testenv.NoticeTo(sendID, disc, e.incident.ID, at, customers[:200]...)...)
	testenv.Deliveries(t, e.db, testenv.NoticeTo(sendID, disc, e.incident.ID, at.Add(time.Hour), customers[200:]...)...)
}

// ccFAQ makes a FAQ from the default templates, approved when approve.
func ccFAQ(t *testing.T, e *env, title string, approve bool) candor.Disclosure {
	t.Helper()
	d, err := e.db.CreateDisclosure(testenv.Actor(candor.RoleComms), e.incident.ID, candor.KindFAQ, candor.DisclosureContent{Title: title}, true)
	if err != nil {
		t.Fatal(err)
	}
	if !approve {
		return d
	}
	if d, err = e.db.SubmitDisclosure(testenv.Actor(candor.RoleComms), d.ID, d.Revision); err != nil {
		t.Fatal(err)
	}
	if d, err = e.db.ApproveDisclosure(testenv.Actor(candor.RoleLegal), d.ID, d.Revision); err != nil {
		t.Fatal(err)
	}
	return d
}

// apiGet calls the API with a token of role.
func (e *env) apiGet(t *testing.T, role candor.Role, path string) (*http.Response, []byte) {
	t.Helper()
	_, secret, err := e.db.CreateToken(testenv.Actor(candor.RoleAdmin), "cc "+string(role)+" "+strconv.Itoa(int(time.Now().UnixNano()%1e9)), role)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", e.srv.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+secret)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

var ccRow = regexp.MustCompile(`<tr><th scope="row">([^<]+)</th><td class="num">(\d+)</td><td class="num">(\d+)</td><td class="num">([\d.]+)</td></tr>`)

// ccDays reads the page's table of expected calls: date|e-mails|letters|calls.
func ccDays(body string) []string {
	var out []string
	for _, m := range ccRow.FindAllStringSubmatch(body, -1) {
		out = append(out, strings.Join(m[1:], "|"))
	}
	return out
}

// TestCallCentrePage: the incident's approved FAQs with their languages
// and revision, the CSV (the API's bytes and headers) and the PDF pack to
// download (comms), and the calls to expect day by day in Tokyo for a
// send's 300 e-mails, the same numbers as the API's call volume, in
// English and Japanese, on both databases; bad values beside their fields
// with what was typed kept (422); viewers see the estimate but download
// nothing.
func TestCallCentrePage(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e := ccEnv(t, d, nil)
			id := e.incident.ID
			path := "/console/incidents/" + id + "/call-centre"
			legal := signedIn(t, e, "en-GB,en;q=0.8")
			comms, _ := e.as(t, "Chika Comms", candor.RoleComms, "ja")
			viewer, _ := e.as(t, "Vic Viewer", candor.RoleViewer, "en")

			page(t, legal, "/console/incidents/"+id, `<a href="`+path+`">Call centre</a>`)
			page(t, legal, path, "<h1>Call centre</h1>", "No FAQ of this incident is approved yet", "No notice has been sent, scheduled or mailed yet")

			ccSend(t, e)
			draft := ccFAQ(t, e, "Draft questions", false)
			f := ccFAQ(t, e, "Questions and answers", true)
			body := page(t, legal, path+"?rate=10&post_days=3", "Questions and answers",
				`<td>English (en), Filipino (fil), Indonesian (id), Japanese (ja), Thai (th)</td>`,
				`href="/console/disclosures/`+f.ID+`/call-centre.csv"`, `href="/console/disclosures/`+f.ID+`/call-centre.pdf?post_days=3&amp;rate=10"`,
				"Not approved yet (drafted or in review), so not listed: 1.",
				"10% of the people a notice reaches call, 40% of them on the day it arrives, then 25%, 15%, 10%, 5%, 3%, 2% on each day after",
				"a letter 3 days after its batch is mailed", "Date (Asia/Tokyo)", `value="10"`)
			if strings.Contains(body, draft.ID) {
				t.Error("the draft FAQ is listed")
			}
			// 300 e-mails on the 29th in Tokyo; 10% call, 40% on the day.
			want := []string{"29 December 2020|300|0|12", "30 December 2020|0|0|7.5", "31 December 2020|0|0|4.5", "1 January 2021|0|0|3",
				"2 January 2021|0|0|1.5", "3 January 2021|0|0|0.9", "4 January 2021|0|0|0.6"}
			if got := ccDays(body); strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("days:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			if !strings.Contains(body, `<tr class="total"><th scope="row">Total</th><td class="num">300</td><td class="num">0</td><td class="num">30</td></tr>`) {
				t.Error("the total row is not 300 e-mails, 30 calls")
			}
			// The API's numbers, day by day, for the same model.
			res, raw := e.apiGet(t, candor.RoleViewer, "/api/v1/incidents/"+id+"/call-volume?rate=0.1&post_days=3")
			var vol struct {
				Days []struct {
					Date           string
					Email, Letters int
					Calls          float64
				}
			}
			if res.StatusCode != 200 || json.Unmarshal(raw, &vol) != nil {
				t.Fatalf("API volume: %d %s", res.StatusCode, raw)
			}
			var apiDays []string
			for _, d := range vol.Days {
				day, _ := time.Parse("2006-01-02", d.Date)
				apiDays = append(apiDays, fmt.Sprintf("%d %s %d|%d|%d|%s", day.Day(), day.Month(), day.Year(), d.Email, d.Letters,
					strconv.FormatFloat(d.Calls, 'f', -1, 64)))
			}
			if strings.Join(apiDays, "\n") != strings.Join(ccDays(body), "\n") {
				t.Errorf("the page's days differ from the API's:\n%s", strings.Join(apiDays, "\n"))
			}

			// Japanese, with the defaults (3%) and full-width digits typed.
			ja := page(t, comms, path, "<h1>コールセンター</h1>", "英語 (en)、フィリピノ語 (fil)、インドネシア語 (id)、日本語 (ja)、タイ語 (th)",
				"通知が届いた方の3%が電話をかけ、そのうち40%が通知の届いた日に、その後は1日ごとに25%、15%、10%、5%、3%、2%",
				"日付 (Asia/Tokyo)", "PDF資料")
			if got := ccDays(ja); len(got) != 7 || got[0] != "2020年12月29日|300|0|3.6" || got[6] != "2021年1月4日|0|0|0.2" {
				t.Errorf("Japanese days: %q", got)
			}
			if got := ccDays(page(t, comms, path+"?rate=%EF%BC%91%EF%BC%90%EF%BC%85&post_days=%EF%BC%93", `value="１０％"`)); len(got) != 7 || got[0] != "2020年12月29日|300|0|12" {
				t.Errorf("full-width 10%%: %q", got)
			}

			// Bad values: beside their fields, typed kept, 422, no estimate, both languages.
			for _, c := range []struct{ query, field, en, ja, kept string }{
				{"rate=abc&post_days=3", "rate", "Give a percentage from 0 to 100", "0から100までの割合", `value="abc"`},
				{"rate=150&post_days=3", "rate", "Give a percentage from 0 to 100", "0から100までの割合", `value="150"`},
				{"rate=-1&post_days=3", "rate", "Give a percentage from 0 to 100", "0から100までの割合", `value="-1"`},
				{"rate=NaN&post_days=3", "rate", "Give a percentage from 0 to 100", "0から100までの割合", `value="NaN"`},
				{"rate=1e1&post_days=3", "rate", "Give a percentage from 0 to 100", "0から100までの割合", `value="1e1"`},
				{"rate=&post_days=3", "rate", "Give a percentage from 0 to 100", "0から100までの割合", `value=""`},
				{"rate=3&post_days=x", "post", "Give a whole number of days from 0 to 60", "0から60までの日数", `value="x"`},
				{"rate=3&post_days=61", "post", "Give a whole number of days from 0 to 60", "0から60までの日数", `value="61"`},
				{"rate=3&post_days=2.5", "post", "Give a whole number of days from 0 to 60", "0から60までの日数", `value="2.5"`},
			} {
				for _, b := range []struct {
					who  *browser
					want string
				}{{legal, c.en}, {comms, c.ja}} {
					res, body := b.who.get(path + "?" + c.query)
					if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="cc-`+c.field+`-error" role="alert">`+b.want) ||
						!strings.Contains(body, c.kept) || !strings.Contains(body, `aria-invalid="true"`) || len(ccDays(body)) != 0 {
						t.Errorf("%s: %d\n%s", c.query, res.StatusCode, body)
					}
				}
			}
			if res, body := legal.get(path + "?rate=200&post_days=99"); res.StatusCode != 422 || !strings.Contains(body, "cc-rate-error") || !strings.Contains(body, "cc-post-error") {
				t.Errorf("both bad: %d", res.StatusCode)
			}
			// A PDF link edited by hand shows the page with the problem.
			if res, body := comms.get("/console/disclosures/" + f.ID + "/call-centre.pdf?rate=500&post_days=3"); res.StatusCode != 422 ||
				!strings.Contains(body, `value="500"`) || !strings.Contains(body, "0から100までの割合") {
				t.Errorf("PDF with a bad rate: %d\n%s", res.StatusCode, body)
			}

			// The CSV: the API's bytes, type and name; Thai among the languages.
			csvPath := "/disclosures/" + f.ID + "/call-centre.csv"
			res, sheet := comms.get("/console" + csvPath)
			apiRes, apiSheet := e.apiGet(t, candor.RoleComms, "/api/v1"+csvPath)
			if res.StatusCode != 200 || apiRes.StatusCode != 200 || sheet != string(apiSheet) {
				t.Errorf("CSV: console %d, API %d, equal %v", res.StatusCode, apiRes.StatusCode, sheet == string(apiSheet))
			}
			for _, h := range []string{"Content-Type", "Content-Disposition"} {
				if res.Header.Get(h) != apiRes.Header.Get(h) || res.Header.Get(h) == "" {
					t.Errorf("%s: console %q, API %q", h, res.Header.Get(h), apiRes.Header.Get(h))
				}
			}
			for _, w := range []string{"What happened?", "何が起きたのですか。", "เกิดอะไรขึ้น"} {
				if !strings.Contains(sheet, w) {
					t.Errorf("the CSV lacks %q", w)
				}
			}
			// Without Chromium, the PDF is refused as the API refuses it.
			pdfPath := "/disclosures/" + f.ID + "/call-centre.pdf"
			if res, body := comms.get("/console" + pdfPath); res.StatusCode != 503 || !strings.Contains(body, "PDFを作成できません") {
				t.Errorf("PDF without Chromium: %d", res.StatusCode)
			}
			if res, _ := e.apiGet(t, candor.RoleComms, "/api/v1"+pdfPath); res.StatusCode != 503 {
				t.Errorf("API PDF without Chromium: %d", res.StatusCode)
			}

			// Roles: a viewer sees the estimate, downloads nothing.
			vb := page(t, viewer, path, "Questions and answers", "Downloads are for comms, legal and admin.", "29 December 2020")
			if strings.Contains(vb, "call-centre.csv") {
				t.Error("a viewer is offered the downloads")
			}
			for _, p := range []string{csvPath, pdfPath} {
				if res, _ := viewer.get("/console" + p); res.StatusCode != http.StatusForbidden {
					t.Errorf("viewer %s: %d", p, res.StatusCode)
				}
			}
			// Refused downloads: a draft FAQ, a notice, an unknown id (the API's statuses).
			notice := testenv.ApprovedDisclosure(t, e.db, id, candor.KindCustomerNotice, nil)
			for _, c := range []struct {
				id     string
				status int
				want   string
			}{{draft.ID, 409, "承認済みのFAQのみ"}, {notice.ID, 422, "FAQではありません"}, {"no-such-faq", 404, "見つかりません"}} {
				res, body := comms.get("/console/disclosures/" + c.id + "/call-centre.csv")
				apiRes, _ := e.apiGet(t, candor.RoleComms, "/api/v1/disclosures/"+c.id+"/call-centre.csv")
				if res.StatusCode != c.status || apiRes.StatusCode != c.status || !strings.Contains(body, c.want) {
					t.Errorf("CSV of %s: console %d, API %d, want %d", c.id, res.StatusCode, apiRes.StatusCode, c.status)
				}
			}
			if res, _ := legal.get("/console/incidents/no-such-incident/call-centre"); res.StatusCode != 404 {
				t.Errorf("unknown incident: %d", res.StatusCode)
			}
		})
	}
}

// TestCallCentrePagePDF: the pack downloaded from the page is the API's
// (type, name), printed by Chromium with the model typed on the page.
func TestCallCentrePagePDF(t *testing.T) {
	printer, err := pdf.New(context.Background(), pdf.Options{Tabs: 1})
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}
	t.Cleanup(func() { printer.Close() })
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e := ccEnv(t, d, printer)
			ccSend(t, e)
			f := ccFAQ(t, e, "Questions and answers", true)
			comms, _ := e.as(t, "Chika Comms", candor.RoleComms, "en")
			res, doc := comms.get("/console/disclosures/" + f.ID + "/call-centre.pdf?rate=10&post_days=5")
			apiRes, _ := e.apiGet(t, candor.RoleComms, "/api/v1/disclosures/"+f.ID+"/call-centre.pdf?rate=0.1&post_days=5")
			if res.StatusCode != 200 || apiRes.StatusCode != 200 || !strings.HasPrefix(doc, "%PDF-") {
				t.Fatalf("PDF: console %d, API %d", res.StatusCode, apiRes.StatusCode)
			}
			for _, h := range []string{"Content-Type", "Content-Disposition"} {
				if res.Header.Get(h) != apiRes.Header.Get(h) {
					t.Errorf("%s: console %q, API %q", h, res.Header.Get(h), apiRes.Header.Get(h))
				}
			}
			if dir := os.Getenv("CANDOR_PDF_ARTIFACTS"); dir != "" {
				os.WriteFile(filepath.Join(dir, "console-call-centre-"+d.Name+".pdf"), []byte(doc), 0o644)
			}
			text := strings.ReplaceAll(pdfToText(t, doc), " ", "")
			for _, w := range []string{"Expectedcalls(Asia/Tokyo)", "10%ofthepeoplereached", "lettersarrive5daysaftermailing", "2020-12-29",
				"何が起きたのですか。", "เกิดอะไรขึ้น"} {
				if !strings.Contains(text, w) {
					t.Errorf("the pack lacks %q:\n%s", w, text)
				}
			}
		})
	}
}
