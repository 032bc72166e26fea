package console_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"os"
	"os/exec"
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

// lettersRoster has postal customers in Japan, Thailand and the US and
// one reached by e-mail, who never gets a letter.
const lettersRoster = "external_id,name,email,country,region,locale,address_lines,city,postal_code\n" +
	"jp-mail,佐藤花子,hana@example.com,JP,JP-13,ja,,,\n" +
	"jp-post,山田太郎,,JP,JP-13,ja,丸の内1-1-1|丸の内ビル 5階,千代田区,1000001\n" +
	"th-post,สมชาย ใจดี,,TH,TH-10,th,999 ถนนพระราม 1,เขตปทุมวัน,10330\n" +
	"us-post,Ann Lee,,US,CA,en,1 Market St|Suite 200,San Francisco,94105\n"

// lettersEnv is setup's env served by an API that prints PDFs with the
// real Chromium.
func lettersEnv(t *testing.T, d testenv.DB, printer *pdf.Printer) *env {
	t.Helper()
	db := testenv.Open(t, d)
	db.SetKeyring(testenv.Keyring(t))
	srv := httptest.NewUnstartedServer(nil)
	srv.Config.Handler = api.New(api.Config{Printer: printer, BaseURL: "http://" + srv.Listener.Addr().String(),
		Org: compose.Org("Kawasaki Heavy Industries", "privacy@example.com", "", "")}, db)
	srv.Start()
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
	testenv.ImportCSV(t, db, inc.ID, lettersRoster)
	e := &env{db: db, srv: srv, incident: inc, email: "rita@example.com"}
	e.setPassword(t)
	return e
}

// returnedFile posts a returned-mail file as the batch's form does.
func (b *browser) returnedFile(incidentID, batchID, body string) (*http.Response, string) {
	b.t.Helper()
	tok := b.csrf("/console/incidents/" + incidentID + "/letters")
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	w.WriteField("csrf", tok)
	if body != "" {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="file"; filename="returns.csv"`)
		h.Set("Content-Type", "text/csv")
		p, _ := w.CreatePart(h)
		p.Write([]byte(body))
	}
	w.Close()
	req, _ := http.NewRequest("POST", b.e.srv.URL+"/console/letter-batches/"+batchID+"/returned", &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.do(req)
}

func letterCount(t *testing.T, e *env, table string) int64 {
	t.Helper()
	var n int64
	if err := e.db.Gorm().Table(table).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// TestLettersPage: from an approved notice, legal makes letter batches
// with the send's filter (bad filters beside their field, nothing stored;
// a retry finds nobody left), comms downloads the PDF (the batch becomes
// downloaded) and the manifest, legal records the day posted (in Tokyo;
// bad and future days beside the field) and imports returned mail (bad
// lines listed, nothing stored), on both databases, in English and
// Japanese, with each form refused to the roles the API refuses.
func TestLettersPage(t *testing.T) {
	printer, err := pdf.New(context.Background(), pdf.Options{Tabs: 1})
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}
	t.Cleanup(func() { printer.Close() })
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e := lettersEnv(t, d, printer)
			id := e.incident.ID
			path := "/console/incidents/" + id + "/letters"
			legal := signedIn(t, e, "en-GB,en;q=0.8")
			comms, _ := e.as(t, "Chika Comms", candor.RoleComms, "en")
			viewer, _ := e.as(t, "Vic Viewer", candor.RoleViewer, "ja")
			page(t, legal, "/console/incidents/"+id, `href="/console/incidents/`+id+`/letters">Printed letters</a>`)
			page(t, legal, path, "Printed letters", "No customer notice of this incident is approved yet", "No letters made yet.")

			notice := testenv.ApprovedDisclosure(t, e.db, id, candor.KindCustomerNotice, nil)
			mk := "/console/disclosures/" + notice.ID + "/letters"
			body := page(t, legal, path, `action="`+mk+`"`, "Make the letters", "Countries (ISO 3166-1")
			if strings.Contains(body, "Only a legal person") {
				t.Error("legal is told only legal may act")
			}
			page(t, viewer, path, "郵送通知", "バッチの作成、投函日の記録、返送郵便の取り込みは法務担当者のみが行えます。")
			for who, b := range map[string]*browser{"viewer": viewer, "comms": comms} {
				if res, _ := b.form("/console/incidents/"+id, mk, url.Values{}); res.StatusCode != http.StatusForbidden {
					t.Errorf("%s made letters: %d", who, res.StatusCode)
				}
			}

			// A bad filter: named beside its field, the typed values kept, nothing stored.
			res, body := legal.form(path, mk, url.Values{"countries": {"JP, XX"}, "locales": {"ja"}})
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `&#34;XX&#34; is not an ISO 3166-1 alpha-2 code`) ||
				!strings.Contains(body, `value="JP, XX"`) || !strings.Contains(body, `aria-invalid="true" aria-describedby="l-countries-`+notice.ID+`-err"`) {
				t.Fatalf("bad filter: %d\n%s", res.StatusCode, body)
			}
			if n := letterCount(t, e, "letter_batches"); n != 0 {
				t.Fatalf("a refused form stored %d batches", n)
			}
			// Japan and Thailand first, lower case as typed; then the rest.
			if res, _ := legal.form(path, mk, url.Values{"countries": {"jp th"}}); res.StatusCode != http.StatusSeeOther ||
				!strings.HasPrefix(res.Header.Get("Location"), path+"#batch-") {
				t.Fatalf("make: %d %s", res.StatusCode, res.Header.Get("Location"))
			}
			if res, _ := legal.form(path, mk, url.Values{}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("make the rest: %d", res.StatusCode)
			}
			res, body = legal.form(path, mk, url.Values{})
			if res.StatusCode != http.StatusConflict || !strings.Contains(body, "already has a letter") || letterCount(t, e, "letters") != 3 {
				t.Fatalf("a retry: %d %d letters\n%s", res.StatusCode, letterCount(t, e, "letters"), body)
			}
			bs, err := e.db.ListLetterBatches(testenv.Actor(candor.RoleViewer), id)
			if err != nil || len(bs) != 2 || bs[1].Total != 2 || bs[0].Total != 1 || strings.Join(bs[1].Filter.Countries, ",") != "JP,TH" {
				t.Fatalf("batches: %+v %v", bs, err)
			}
			first, second := bs[1], bs[0]
			body = page(t, comms, path, "<code>"+first.ID+"</code>", "JP, TH", "generated",
				`href="/console/letter-batches/`+first.ID+`/letters.pdf?part=1"`, "Part 1 · A4 · 2 letters (PDF)",
				`href="/console/letter-batches/`+second.ID+`/letters.pdf?part=1"`, "Part 1 · Letter · 1 letter (PDF)",
				`href="/console/letter-batches/`+first.ID+`/manifest.csv"`)
			if strings.Contains(body, `action="/console/letter-batches/`) {
				t.Error("comms is offered legal's forms")
			}
			if strings.Contains(page(t, viewer, path), "letters.pdf") {
				t.Error("a viewer is offered the letters' personal data")
			}

			// Downloads: comms and up, as the API.
			if res, _ := viewer.get("/console/letter-batches/" + first.ID + "/letters.pdf?part=1"); res.StatusCode != http.StatusForbidden {
				t.Errorf("viewer PDF: %d", res.StatusCode)
			}
			if res, _ := comms.get("/console/letter-batches/" + first.ID + "/letters.pdf?part=9"); res.StatusCode != http.StatusNotFound {
				t.Errorf("part 9: %d", res.StatusCode)
			}
			res, doc := comms.get("/console/letter-batches/" + first.ID + "/letters.pdf?part=1")
			if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(doc, "%PDF") {
				t.Fatalf("PDF: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
			}
			text := pdfToText(t, doc)
			for _, w := range []string{"〒100-0001", "山田太郎 様", "กรุงเทพมหานคร 10330", "เขตปทุมวัน"} {
				if !strings.Contains(text, w) {
					t.Errorf("the PDF lacks %q", w)
				}
			}
			res, man := comms.get("/console/letter-batches/" + first.ID + "/manifest.csv")
			rows, err := csv.NewReader(strings.NewReader(man)).ReadAll()
			if res.StatusCode != 200 || err != nil || len(rows) != 3 || rows[0][0] != "reference" || !strings.Contains(man, "山田太郎") || strings.Contains(man, "Ann Lee") {
				t.Fatalf("manifest: %d %v %q", res.StatusCode, err, man)
			}
			page(t, legal, path, "downloaded")

			// The day posted, in Tokyo.
			mailed := "/console/letter-batches/" + first.ID + "/mailed"
			tokyo, _ := time.LoadLocation("Asia/Tokyo")
			today := time.Now().In(tokyo)
			if res, _ := comms.form(path, mailed, url.Values{"mailed_on": {today.Format(time.DateOnly)}}); res.StatusCode != http.StatusForbidden {
				t.Errorf("comms recorded the mailing: %d", res.StatusCode)
			}
			for _, c := range []struct{ typed, want string }{
				{"2026-13-01", "Give the day as a date, 2026-12-07."},
				{"yesterday", "Give the day as a date"},
				{today.AddDate(0, 0, 2).Format(time.DateOnly), "That day has not come yet in the incident&#39;s time zone"},
			} {
				res, body := legal.form(path, mailed, url.Values{"mailed_on": {c.typed}})
				if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, c.want) || !strings.Contains(body, `value="`+c.typed+`"`) ||
					!strings.Contains(body, `aria-describedby="mailed_on-`+first.ID+`-err"`) {
					t.Errorf("mailed_on %q: %d\n%s", c.typed, res.StatusCode, body)
				}
			}
			if b, _ := e.db.GetLetterBatch(context.Background(), first.ID); b.MailedOn != "" {
				t.Fatalf("a refused day was stored: %+v", b)
			}
			ja, _ := e.as(t, "Kenji Legal", candor.RoleLegal, "ja")
			if _, body := ja.form(path, mailed, url.Values{"mailed_on": {"2026/12/01"}}); !strings.Contains(body, "日付を 2026-12-07 の形式で入力してください。") {
				t.Errorf("Japanese date message:\n%s", body)
			}
			day := today.AddDate(0, 0, -1)
			if res, _ := legal.form(path, mailed, url.Values{"mailed_on": {day.Format(time.DateOnly)}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("mailed: %d", res.StatusCode)
			}
			enDay := day.Format("2 January 2006")
			page(t, legal, path+"?mailed=1", "The mailing day is recorded.", "mailed", enDay)
			page(t, ja, path, "投函済み", day.Format("2006年1月2日"))

			// Returned mail: bad lines listed, nothing stored; then recorded.
			var refs []string
			for _, r := range rows[1:] {
				refs = append(refs, r[0])
			}
			bad := "reference\n" + refs[0] + "\nK7QM0-XR2TD-9HWPA\n" + candor.NewReference() + "\n"
			res, body = legal.returnedFile(id, first.ID, bad)
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "The file was refused and nothing was recorded") ||
				!strings.Contains(body, `<td class="num">3</td>`) || !strings.Contains(body, `<td class="num">4</td>`) ||
				!strings.Contains(body, "is not a letter of this batch") {
				t.Fatalf("bad returns: %d\n%s", res.StatusCode, body)
			}
			if b, _ := e.db.GetLetterBatch(context.Background(), first.ID); b.Returned != 0 {
				t.Fatalf("a refused file stored returns: %+v", b)
			}
			if res, body := legal.returnedFile(id, first.ID, ""); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Choose the returned-mail file.") {
				t.Errorf("no file: %d", res.StatusCode)
			}
			if res, _ := comms.returnedFile(id, first.ID, "reference\n"+refs[0]+"\n"); res.StatusCode != http.StatusForbidden {
				t.Errorf("comms imported returns: %d", res.StatusCode)
			}
			res, _ = legal.returnedFile(id, first.ID, "reference\n"+strings.ToLower(refs[0])+"\n")
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("returns: %d", res.StatusCode)
			}
			page(t, legal, res.Header.Get("Location"), "Returned mail recorded: 1 letters newly returned.", "some returned", `<dd data-field="returned">1</dd>`)
			page(t, ja, path, "一部返送")
		})
	}
}

// pdfToText is the PDF's text by poppler's pdftotext, its spaces folded.
func pdfToText(t *testing.T, doc string) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "letters.pdf")
	if err := os.WriteFile(f, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", f, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext (poppler-utils): %v", err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}
