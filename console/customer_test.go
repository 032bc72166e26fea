package console_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/api"
	"github.com/candor-dev/candor/internal/testenv"
)

// upload posts a file as the import form does: csrf first (unless
// csrfFirst is false), then the file.
func (b *browser) upload(id, name, contentType, body string, csrfFirst bool) (*http.Response, string) {
	b.t.Helper()
	page := "/console/incidents/" + id + "/customers/import"
	tok := b.csrf(page)
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if csrfFirst {
		w.WriteField("csrf", tok)
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename="`+name+`"`)
	h.Set("Content-Type", contentType)
	p, _ := w.CreatePart(h)
	p.Write([]byte(body))
	if !csrfFirst {
		w.WriteField("csrf", tok)
	}
	w.Close()
	req, _ := http.NewRequest("POST", b.e.srv.URL+page, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.do(req)
}

func countCustomers(t *testing.T, e *env, incidentID string) int64 {
	t.Helper()
	var n int64
	e.db.Gorm().Table("customers").Where("incident_id = ?", incidentID).Count(&n)
	return n
}

const importCSV = "external_id,name,email,country,locale,data_categories\n" +
	"c-1,Aiko Tanaka,aiko@example.jp,JP,ja,name;email\n" +
	"c-2,Somchai P.,somchai@example.co.th,TH,th,email\n" +
	"c-3,Broken,not-an-email,JP,ja,email\n" +
	"c-4,Maria Santos,maria@example.ph,PH,fil,email\n"

func TestCustomers(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e := setup(t, testenv.Open(t, d), api.RateLimits{}, false)
			comms, _ := e.as(t, "Chika Comms", candor.RoleComms, "en")
			viewer, _ := e.as(t, "Vic Viewer", candor.RoleViewer, "ja")
			t.Run("import", func(t *testing.T) { customerImport(t, e, comms, viewer) })
			t.Run("import limit", func(t *testing.T) { customerImportLimit(t, e) })
			t.Run("search", func(t *testing.T) { customerSearch(t, e, viewer) })
			t.Run("page and erasure", func(t *testing.T) { customerErase(t, e, comms, viewer) })
			t.Run("export", func(t *testing.T) { customerExport(t, e, comms, viewer) })
		})
	}
}

func customerImport(t *testing.T, e *env, comms, viewer *browser) {
	id := e.incident.ID
	page(t, comms, "/console/incidents/"+id+"/customers/import", `enctype="multipart/form-data"`, `<script src="/console/customers.js" defer></script>`,
		`<progress id="import-progress"`)
	before := countCustomers(t, e, id)
	res, body := comms.upload(id, "customers.csv", "application/vnd.ms-excel", importCSV, true)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("import: %d %s", res.StatusCode, body)
	}
	for _, w := range []string{`<td class="num" id="import-accepted">3</td>`, `<td class="num" id="import-rejected">1</td>`,
		`<tr><td class="num">4</td><td><code>email</code></td><td>is not a valid email address`} {
		if !strings.Contains(body, w) {
			t.Errorf("import result lacks %q\n%s", w, body)
		}
	}
	if n := countCustomers(t, e, id); n != before+3 {
		t.Errorf("%d customers after the import, want %d", n, before+3)
	}
	// The same again: updates nothing, stores nobody twice.
	if _, body = comms.upload(id, "customers.csv", "text/csv", importCSV, true); !strings.Contains(body, `id="import-accepted">0</td>`) {
		t.Errorf("re-import: %s", body)
	}
	// JSON, by its extension.
	res, body = comms.upload(id, "more.json", "application/octet-stream",
		`[{"external_id":"c-5","name":"Ken","email":"ken@example.jp","country":"JP"}]`, true)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `id="import-accepted">1</td>`) {
		t.Errorf("JSON import: %d", res.StatusCode)
	}
	// A file that stops being CSV: what landed is said, with the line.
	res, body = comms.upload(id, "bad.csv", "text/csv", "external_id,email\nc-9,a@example.com\nc-10,\xff\xfe@example.com\n", true)
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "The import stopped: line 3: the file is not UTF-8 text") {
		t.Errorf("broken CSV: %d %s", res.StatusCode, body)
	}
	n := countCustomers(t, e, id)
	// Refused before a byte of the file is read: the token after the
	// file, a viewer, a type the import does not read.
	if res, _ := comms.upload(id, "customers.csv", "text/csv", "external_id,email\nz-1,z@example.com\n", false); res.StatusCode != http.StatusForbidden {
		t.Errorf("csrf after the file: %d, want 403", res.StatusCode)
	}
	if res, _ := viewer.upload(id, "customers.csv", "text/csv", "external_id,email\nz-1,z@example.com\n", true); res.StatusCode != http.StatusForbidden {
		t.Errorf("viewer import: %d, want 403", res.StatusCode)
	}
	if res, body := comms.upload(id, "customers.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "PK...", true); res.StatusCode != http.StatusUnsupportedMediaType ||
		!strings.Contains(body, "is not supported; send text/csv or application/json") {
		t.Errorf("xlsx: %d", res.StatusCode)
	}
	if res, _ := comms.form("/console/incidents/"+id+"/customers/import", "/console/incidents/"+id+"/customers/import", url.Values{}); res.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("not multipart: %d", res.StatusCode)
	}
	if after := countCustomers(t, e, id); after != n {
		t.Errorf("refused uploads stored %d customers", after-n)
	}
}

// The import's body limit holds in the console too.
func customerImportLimit(t *testing.T, e *env) {
	srv := httptest.NewServer(api.New(api.Config{MaxImportBytes: 400}, e.db))
	t.Cleanup(srv.Close)
	small := *e
	small.srv = srv
	b := small.browser(t, "en")
	if res := b.signIn(e.email, password); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d", res.StatusCode)
	}
	big := "external_id,email\n" + strings.Repeat("x-1,x@example.com\n", 40)
	n := countCustomers(t, e, e.incident.ID)
	res, body := b.upload(e.incident.ID, "big.csv", "text/csv", big, true)
	if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, "larger than 400 bytes") {
		t.Errorf("big upload: %d", res.StatusCode)
	}
	if countCustomers(t, e, e.incident.ID) != n {
		t.Error("a refused upload stored customers")
	}
}

func customerSearch(t *testing.T, e *env, b *browser) {
	list := "/console/incidents/" + e.incident.ID + "/customers"
	body := page(t, b, list+"?q=aiko@example.jp", "Aiko Tanaka", "aiko@example.jp", "顧客")
	if strings.Contains(body, "Somchai") || strings.Contains(body, "/customers/import") || strings.Contains(body, "export.csv") {
		t.Error("search by e-mail shows others, or a viewer is offered import/export")
	}
	body = page(t, b, list+"?country=th", "Somchai P.")
	if strings.Contains(body, "Aiko") {
		t.Error("country filter")
	}
	page(t, b, list+"?q=c-4", "Maria Santos")
	page(t, b, list+"?status=pending&locale=fil", "Maria Santos")
	res, body := b.get(list + "?status=lost&country=Japan")
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "must be one of pending, queued, sent, failed, bounced, postal") ||
		!strings.Contains(body, `id="country-err"`) || !strings.Contains(body, `value="Japan"`) {
		t.Errorf("bad filter: %d %s", res.StatusCode, body)
	}
}

func customerErase(t *testing.T, e *env, comms, viewer *browser) {
	p, err := e.db.ListCustomers(testenv.Actor(candor.RoleViewer), candor.CustomerFilter{IncidentID: e.incident.ID, Q: "aiko@example.jp"})
	if err != nil || len(p.Items) != 1 {
		t.Fatalf("find Aiko: %v", err)
	}
	cu := p.Items[0]
	d := testenv.ApprovedDisclosure(t, e.db, e.incident.ID, candor.KindCustomerNotice, nil)
	sendID, _ := testenv.Send(t, e.db, e.incident.ID, string(candor.KindCustomerNotice), d.ID)
	testenv.Deliveries(t, e.db, testenv.NoticeTo(sendID, d.ID, e.incident.ID, time.Date(2020, 6, 20, 3, 0, 0, 0, time.UTC), cu.ID)...)
	cpage := "/console/customers/" + cu.ID
	page(t, viewer, cpage, "Aiko Tanaka", "aiko@example.jp", "2020年6月20日 12:00 JST", d.Title, "sent")
	if strings.Contains(page(t, viewer, cpage), "/erase") {
		t.Error("a viewer is offered the erasure")
	}
	if res, _ := comms.get(cpage + "/erase"); res.StatusCode != http.StatusForbidden {
		t.Errorf("comms erase form: %d, want 403", res.StatusCode)
	}
	if res, _ := comms.post(cpage+"/erase", url.Values{"csrf": {comms.csrf(cpage)}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("comms erase: %d, want 403", res.StatusCode)
	}
	legal := signedIn(t, e, "en")
	page(t, legal, cpage, `href="/console/customers/`+cu.ID+`/erase"`)
	page(t, legal, cpage+"/erase", "This cannot be undone", `action="/console/customers/`+cu.ID+`/erase"`)
	if res, _ := legal.post(cpage+"/erase", url.Values{}); res.StatusCode != http.StatusForbidden {
		t.Errorf("erase without csrf: %d", res.StatusCode)
	}
	if got, _ := e.db.GetCustomer(testenv.Actor(candor.RoleViewer), cu.ID); got.Erased() {
		t.Fatal("erased before the confirmation")
	}
	res, _ := legal.form(cpage+"/erase", cpage+"/erase", url.Values{})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("erase: %d", res.StatusCode)
	}
	got, _ := e.db.GetCustomer(testenv.Actor(candor.RoleViewer), cu.ID)
	if !got.Erased() || got.Name != "" || got.Email != "" {
		t.Fatalf("after erase: %+v", got)
	}
	body := page(t, legal, res.Header.Get("Location"), "The personal data was erased.", "erased", "c-1", "20 June 2020 12:00 JST")
	if strings.Contains(body, "Aiko") || strings.Contains(body, "aiko@") {
		t.Error("the erased customer's page shows their data")
	}
	if res, _ := legal.form(cpage, cpage+"/erase", url.Values{}); res.StatusCode != http.StatusConflict {
		t.Errorf("second erase: %d, want 409", res.StatusCode)
	}
	if a := lastAudit(t, e.db, e.incident.ID); a.Action != "customer.erase" || a.ActorName != "Rita Legal" {
		t.Errorf("audit %+v", a)
	}
}

func customerExport(t *testing.T, e *env, comms, viewer *browser) {
	path := "/console/incidents/" + e.incident.ID + "/customers/export.csv"
	if res, _ := viewer.get(path); res.StatusCode != http.StatusForbidden {
		t.Errorf("viewer export: %d, want 403", res.StatusCode)
	}
	res, body := comms.get(path)
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") ||
		!strings.HasPrefix(body, "\ufeffid,external_id,") || !strings.Contains(strings.SplitN(body, "\n", 2)[0], "possible_duplicate") ||
		!strings.Contains(body, "Somchai P.") {
		t.Fatalf("export: %d %q", res.StatusCode, body)
	}
	if lines := strings.Count(strings.TrimSpace(body), "\n"); int64(lines) != countCustomers(t, e, e.incident.ID) {
		t.Errorf("export has %d rows, the incident %d customers", lines, countCustomers(t, e, e.incident.ID))
	}
}
