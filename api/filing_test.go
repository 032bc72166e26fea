package api_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/api"
	"github.com/candor-dev/candor/compose"
	"github.com/candor-dev/candor/filing"
	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/pdf"
)

// filingEnv is the seed case as of 2020: the incident in English with its
// Japanese and Thai facts, customers in Japan, Thailand, the Philippines
// and California, and two timeline entries.
func filingEnv(t *testing.T, d testenv.DB, printer api.Printer) (*env, string) {
	t.Helper()
	return filingEnvWith(t, d, printer, seedIncident)
}

func filingEnvWith(t *testing.T, d testenv.DB, printer api.Printer, incident map[string]any) (*env, string) {
	t.Helper()
	e := newEnvWith(t, d, func(c *api.Config) {
		c.Printer = printer
		c.Org = compose.Organisation{Name: "Kawasaki Heavy Industries", ContactEmail: "privacy@khi.example", ContactPhone: "+81 3 0000 0000"}
	})
	id := e.createIncident(incident)
	for _, p := range []struct {
		country, region string
		n               int
	}{{"JP", "", 3}, {"TH", "", 2}, {"PH", "", 2}, {"US", "US-CA", 3}, {"DE", "", 1}} {
		testenv.Customers(t, e.db, id, p.country, p.region, "email", p.n)
	}
	for _, ev := range []map[string]any{
		{"occurred_on": "2020-06-11", "public": true, "description": "Unauthorized access from Thailand identified",
			"translations": map[string]any{"ja": map[string]any{"description": "タイからの不正アクセスを確認"}}},
		{"occurred_on": "2020-06-24", "public": false, "description": "Access from Indonesia and the Philippines identified"},
	} {
		if r := e.do("POST", "/api/v1/incidents/"+id+"/events", candor.RoleComms, ev); r.Status != 201 {
			t.Fatalf("event: %d %s", r.Status, r.Raw)
		}
	}
	return e, id
}

type packsBody struct {
	Items []filing.Pack   `json:"items"`
	Filed []candor.Filing `json:"filed"`
}

func (e *env) packs(id, query string) map[string]filing.Pack {
	e.t.Helper()
	r := e.do("GET", "/api/v1/incidents/"+id+"/filings"+query, candor.RoleViewer, nil)
	if r.Status != 200 {
		e.t.Fatalf("packs: %d %s", r.Status, r.Raw)
	}
	var b packsBody
	if err := json.Unmarshal(r.Raw, &b); err != nil {
		e.t.Fatal(err)
	}
	out := map[string]filing.Pack{}
	for _, p := range b.Items {
		out[p.ObligationID+"/"+p.Country] = p
	}
	return out
}

func fieldMap(p filing.Pack) map[string]filing.Field {
	m := map[string]filing.Field{}
	for _, f := range p.Fields {
		m[f.Key] = f
	}
	return m
}

// The PPC's preliminary report, in Japanese, its items in the rule's
// order, filled from the incident's Japanese facts and its counts.
func TestJapanPreliminaryPack(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e, id := filingEnv(t, d, nil)
			packs := e.packs(id, "?as_of=today")
			p, ok := packs["jp-appi-ppc-preliminary/"]
			if !ok {
				t.Fatalf("no preliminary pack: %v", packs)
			}
			if p.Language != "ja" || p.Authority != "個人情報保護委員会" || p.Stage != "preliminary" || p.ID != id+".jp-appi-ppc-preliminary" {
				t.Errorf("pack: %+v", p)
			}
			var keys []string
			for _, f := range p.Fields {
				keys = append(keys, f.Key)
			}
			if got := strings.Join(keys, ","); got != "reporter_name,report_stage,discovered_at,summary,data_items,number_affected,cause,secondary_harm,individual_response,publication,prevention,other" {
				t.Errorf("order: %s", got)
			}
			f := fieldMap(p)
			for _, c := range []struct{ key, value, source string }{
				{"reporter_name", "川崎重工業株式会社", "incident.translations.ja.reporting_entity"},
				{"report_stage", "速報", "form stage"},
				{"discovered_at", "2020年6月11日 09:00（JST）", "incident.discovered_at"},
				{"summary", "当社グループへの不正アクセス\n\n海外拠点から日本国内のサーバーへの接続。", "incident.translations.ja.summary"},
				{"data_items", "氏名、メールアドレス", "incident.data_categories"},
				{"number_affected", "11名", "customers"},
				{"cause", "不正アクセス、不正の目的によるもの", "incident.cause"},
				{"individual_response", "本人への通知は未実施。", "deliveries"},
				{"publication", "未公表。", "publications"},
			} {
				if f[c.key].Value != c.value || !strings.HasPrefix(f[c.key].Source, c.source) || f[c.key].Missing {
					t.Errorf("%s = %q from %q, want %q from %q", c.key, f[c.key].Value, f[c.key].Source, c.value, c.source)
				}
			}
			// Known only to people: missing, and says so.
			for _, k := range []string{"secondary_harm", "prevention"} {
				if !f[k].Missing || f[k].Value != "" || !strings.HasPrefix(f[k].Source, "missing") {
					t.Errorf("%s: %+v", k, f[k])
				}
			}
			// The timeline, in Japanese where translated, English where not (and said).
			if o := f["other"]; !strings.Contains(o.Value, "タイからの不正アクセスを確認") || !strings.Contains(o.Source, "no ja translation") {
				t.Errorf("other: %+v", o)
			}
			if p.Missing != 2 {
				t.Errorf("missing = %d", p.Missing)
			}
			// GDPR: one pack per EEA authority concerned; Thailand's in Thai.
			if g, ok := packs["eu-gdpr-33-authority/DE"]; !ok || fieldMap(g)["number_affected"].Value != "1" {
				t.Errorf("GDPR pack for DE: %+v", g)
			}
			if th := packs["th-pdpa-office/"]; th.Language != "th" || !strings.Contains(fieldMap(th)["summary"].Value+fieldMap(th)["breach_description"].Value, "การเชื่อมต่อ") {
				t.Errorf("Thai pack: %+v", th)
			}
			// The pack alone, by id.
			r := e.do("GET", "/api/v1/filings/"+p.ID, candor.RoleViewer, nil)
			if r.Status != 200 || r.Body["version"] != p.Version {
				t.Errorf("pack by id: %d %s", r.Status, r.Raw)
			}
			if r := e.do("GET", "/api/v1/filings/"+id+".no-such-rule", candor.RoleViewer, nil); r.Status != 404 {
				t.Errorf("unknown pack: %d", r.Status)
			}
			if r := e.do("GET", "/api/v1/filings/"+p.ID+".pdf", candor.RoleViewer, nil); r.Status != 503 {
				t.Errorf("PDF without a printer: %d %s", r.Status, r.Raw)
			}
		})
	}
}

// multipartFiling builds a filing form; a nil receipt leaves the part out.
func multipartFiling(fields map[string]string, name string, receipt []byte) (string, io.Reader) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	if receipt != nil {
		fw, _ := w.CreateFormFile("receipt", name)
		fw.Write(receipt)
	}
	w.Close()
	return w.FormDataContentType(), &b
}

func (e *env) postFiling(id, ob string, role candor.Role, fields map[string]string, name string, receipt []byte) response {
	e.t.Helper()
	ct, body := multipartFiling(fields, name, receipt)
	req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/incidents/"+id+"/obligations/"+ob+"/filings", body)
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Authorization", "Bearer "+e.tokens[role])
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	r := response{Status: res.StatusCode, ContentType: res.Header.Get("Content-Type"), Raw: raw}
	json.Unmarshal(raw, &r.Body)
	return r
}

var receiptPDF = []byte("%PDF-1.4\n% PPC receipt 受付番号 A-123\n%%EOF\n")

func TestRecordFiling(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e, id := filingEnv(t, d, nil)
			good := map[string]string{"filed_at": "2020-06-14T10:00:00+09:00", "channel": "portal", "reference": "PPC-2020-0001"}

			// Bad input first: each a clear 4xx naming the field, nothing stored.
			audits := e.auditCount()
			for _, c := range []struct {
				name    string
				ob      string
				role    candor.Role
				fields  map[string]string
				file    string
				receipt []byte
				status  int
				field   string
			}{
				{"individuals' duty", "jp-appi-individuals", candor.RoleLegal, good, "r.pdf", receiptPDF, 422, "obligation_id"},
				{"unknown duty", "xx-none", candor.RoleLegal, good, "r.pdf", receiptPDF, 404, ""},
				{"empty receipt", "jp-appi-ppc-preliminary", candor.RoleLegal, good, "r.pdf", []byte{}, 422, "receipt"},
				{"no receipt", "jp-appi-ppc-preliminary", candor.RoleLegal, good, "", nil, 422, "receipt"},
				{"wrong type", "jp-appi-ppc-preliminary", candor.RoleLegal, good, "r.pdf", []byte("PK\x03\x04\x00\x00zip"), 422, "receipt"},
				{"html", "jp-appi-ppc-preliminary", candor.RoleLegal, good, "r.html", []byte("<!doctype html><html><script>x</script>"), 422, "receipt"},
				{"too big", "jp-appi-ppc-preliminary", candor.RoleLegal, good, "r.pdf", append([]byte("%PDF-"), make([]byte, candor.MaxReceiptBytes)...), 413, ""},
				{"bad channel", "jp-appi-ppc-preliminary", candor.RoleLegal, map[string]string{"filed_at": good["filed_at"], "channel": "pigeon"}, "r.pdf", receiptPDF, 422, "channel"},
				{"bad date", "jp-appi-ppc-preliminary", candor.RoleLegal, map[string]string{"filed_at": "14 June", "channel": "portal"}, "r.pdf", receiptPDF, 422, "filed_at"},
				{"future", "jp-appi-ppc-preliminary", candor.RoleLegal, map[string]string{"filed_at": "2199-01-01T00:00:00Z", "channel": "portal"}, "r.pdf", receiptPDF, 422, "filed_at"},
				{"comms may not", "jp-appi-ppc-preliminary", candor.RoleComms, good, "r.pdf", receiptPDF, 403, ""},
			} {
				r := e.postFiling(id, c.ob, c.role, c.fields, c.file, c.receipt)
				if r.Status != c.status || r.ContentType != api.ProblemContentType {
					t.Errorf("%s: %d %s", c.name, r.Status, r.Raw)
					continue
				}
				if c.field != "" && !strings.Contains(string(r.Raw), `"field":"`+c.field+`"`) {
					t.Errorf("%s: does not name %s: %s", c.name, c.field, r.Raw)
				}
			}
			if n := e.rowCount("filings") + e.rowCount("filing_receipts"); n != 0 || e.auditCount() != audits {
				t.Fatalf("bad input stored something: %d rows", n)
			}

			// The preliminary report filed on the PPC's portal meets the duty.
			pack := e.packs(id, "?as_of=today")["jp-appi-ppc-preliminary/"]
			r := e.postFiling(id, "jp-appi-ppc-preliminary", candor.RoleLegal, good, "受付.pdf", receiptPDF)
			if r.Status != 201 {
				t.Fatalf("record: %d %s", r.Status, r.Raw)
			}
			fl := r.Body["filing"].(map[string]any)
			ob := r.Body["obligation"].(map[string]any)
			if ob["status"] != "met" || ob["met_by"].(map[string]any)["filing"] != fl["id"] || ob["met_at"] != "2020-06-14T01:00:00Z" {
				t.Errorf("obligation after filing: %v", ob)
			}
			rc := fl["receipt"].(map[string]any)
			if fl["pack_version"] != pack.Version || fl["pack_id"] != pack.ID || rc["content_type"] != "application/pdf" ||
				rc["size"] != float64(len(receiptPDF)) || len(rc["sha256"].(string)) != 64 || fl["follows_id"] != nil {
				t.Errorf("filing: %v", fl)
			}
			obs, _ := e.obligations(id, "?as_of=today")
			if st := obs["jp-appi-ppc-preliminary"]; st.Status != "met" {
				t.Errorf("listed obligation: %+v", st)
			}
			// The receipt comes back byte for byte, legal only.
			fid := fl["id"].(string)
			if r := e.do("GET", "/api/v1/filings/"+fid+"/receipt", candor.RoleLegal, nil); r.Status != 200 || !bytes.Equal(r.Raw, receiptPDF) {
				t.Errorf("receipt: %d %q", r.Status, r.Raw)
			}
			if r := e.do("GET", "/api/v1/filings/"+fid+"/receipt", candor.RoleViewer, nil); r.Status != 403 {
				t.Errorf("viewer reads receipt: %d", r.Status)
			}
			if r := e.do("GET", "/api/v1/filings/"+fid, candor.RoleViewer, nil); r.Status != 200 || r.Body["reference"] != "PPC-2020-0001" {
				t.Errorf("filing by id: %d %s", r.Status, r.Raw)
			}
			// A follow-up (an e-mailed acknowledgement) references the first.
			eml := []byte("From: noreply@ppc.example\r\nTo: privacy@khi.example\r\nSubject: 受付\r\nDate: Mon, 15 Jun 2020 10:00:00 +0900\r\n\r\n受付しました\r\n")
			r = e.postFiling(id, "jp-appi-ppc-preliminary", candor.RoleLegal,
				map[string]string{"filed_at": "2020-06-15T10:00:00+09:00", "channel": "email"}, "ack.eml", eml)
			if r.Status != 201 || r.Body["filing"].(map[string]any)["follows_id"] != fid ||
				r.Body["filing"].(map[string]any)["receipt"].(map[string]any)["content_type"] != "message/rfc822" {
				t.Errorf("follow-up: %d %s", r.Status, r.Raw)
			}
			// The pack now knows it was filed.
			if p := e.packs(id, "?as_of=today")["jp-appi-ppc-preliminary/"]; len(p.Filed) != 2 || p.Status != "met" {
				t.Errorf("pack after filing: %+v", p.Filed)
			}
		})
	}
}

// pdfText extracts a PDF's text with poppler's pdftotext.
func pdfText(t *testing.T, doc []byte) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "doc.pdf")
	os.WriteFile(f, doc, 0o600)
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", f, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext (poppler-utils): %v", err)
	}
	return string(out)
}

// The packs print in their language: Japanese and Thai text is found in
// the PDF's extracted text.
func TestPackPDF(t *testing.T) {
	if _, err := pdf.Find(""); err != nil && os.Getenv("CI") != "true" {
		t.Skip(err)
	}
	printer := pdf.NewLazy(pdf.Options{})
	t.Cleanup(func() { printer.Close() })
	e, id := filingEnv(t, testenv.Databases(t)[0], printer)
	for _, c := range []struct {
		ob   string
		want []string
	}{
		{"jp-appi-ppc-preliminary", []string{"個人情報保護委員会への漏えい等報告（速報）", "川崎重工業株式会社", "報告者の氏名又は名称", "未記入"}},
		{"th-pdpa-office", []string{"สำนักงานคณะกรรมการคุ้มครองข้อมูลส่วนบุคคล", "การเชื่อมต่อจากสำนักงานต่างประเทศ"}},
	} {
		r := e.do("GET", "/api/v1/filings/"+id+"."+c.ob+".pdf", candor.RoleViewer, nil)
		if r.Status != 200 || r.ContentType != "application/pdf" {
			t.Fatalf("%s: %d %s", c.ob, r.Status, r.Raw)
		}
		text := pdfText(t, r.Raw)
		for _, w := range c.want {
			if !strings.Contains(strings.ReplaceAll(text, "\n", ""), w) {
				t.Errorf("%s: PDF text lacks %q:\n%s", c.ob, w, text)
			}
		}
		if dir := os.Getenv("CANDOR_PDF_ARTIFACTS"); dir != "" {
			os.WriteFile(filepath.Join(dir, c.ob+".pdf"), r.Raw, 0o644)
		}
	}
}

// A late duty's pack carries the reasons for the delay from its approved
// decision; before one is recorded the field is missing and says how.
func TestPackDelayReasons(t *testing.T) {
	e, id := filingEnv(t, testenv.Databases(t)[0], nil)
	field := func() filing.Field {
		return fieldMap(e.packs(id, "")["eu-gdpr-33-authority/DE"])["delay_reasons"]
	}
	if f := field(); !f.Missing || !strings.Contains(f.Source, "record a decision") {
		t.Fatalf("before a decision: %+v", f)
	}
	r := e.do("POST", "/api/v1/incidents/"+id+"/obligations/eu-gdpr-33-authority/decisions", candor.RoleComms, map[string]any{
		"decision": "notify", "rationale": "German customers affected.", "delay_reasons": "The Thai office's logs were only recovered on 20 June."})
	if r.Status != 201 {
		t.Fatalf("propose: %d %s", r.Status, r.Raw)
	}
	if r := e.do("POST", "/api/v1/decisions/"+r.Body["id"].(string)+"/approve", candor.RoleLegal, map[string]any{}); r.Status != 200 {
		t.Fatalf("approve: %d %s", r.Status, r.Raw)
	}
	if f := field(); f.Missing || f.Value != "The Thai office's logs were only recovered on 20 June." || !strings.HasPrefix(f.Source, "decision ") {
		t.Errorf("after the decision: %+v", f)
	}
}
