package console_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/api"
	"github.com/candor-dev/candor/internal/testenv"
)

// postFiling sends the filing form as the browser does (multipart).
func (b *browser) postFiling(path, csrf string, fields map[string]string, name string, receipt []byte) (*http.Response, string) {
	b.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	w.WriteField("csrf", csrf)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	if receipt != nil {
		fw, _ := w.CreateFormFile("receipt", name)
		fw.Write(receipt)
	}
	w.Close()
	req, _ := http.NewRequest("POST", b.e.srv.URL+path, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.do(req)
}

func TestConsoleFilings(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e := setup(t, testenv.Open(t, d), api.RateLimits{}, false)
			e.addPerson(t, "carl@example.com", "Carl Comms", candor.RoleComms)
			id := e.incident.ID
			legal := signedIn(t, e, "en")
			list := "/console/incidents/" + id + "/filings?as_of=today"
			page(t, legal, "/console/incidents/"+id, `href="/console/incidents/`+id+`/filings"`)
			body := page(t, legal, list, "Filings", "個人情報保護委員会への漏えい等報告（速報）", "報告者の氏名又は名称",
				`data-copy="v-`+id+`.jp-appi-ppc-preliminary-reporter_name"`, `href="/console/filings/`+id+`.jp-appi-ppc-preliminary/pdf"`,
				"Record the filing", `enctype="multipart/form-data"`, `href="/console/incidents/`+id+`/evidence.zip"`, `<script src="/console/filings.js" defer>`,
				"Personal data breach notification to the NPC")
			if !strings.Contains(body, `lang="ja"`) {
				t.Error("the Japanese pack is not marked lang=ja")
			}
			page(t, signedIn(t, e, "ja"), list, "報告・届出", "報告を記録する", "コピー")
			if b := page(t, e.signedInAs(t, "carl@example.com", "en"), list, "Only a legal person"); strings.Contains(b, "Record filing") {
				t.Error("comms sees the filing form")
			}
			// The evidence bundle, as the API builds it: legal only.
			if res, zip := legal.get("/console/incidents/" + id + "/evidence.zip"); res.StatusCode != 200 ||
				res.Header.Get("Content-Type") != "application/zip" || !strings.Contains(zip, "manifest.json") {
				t.Errorf("evidence bundle: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
			}
			if res, _ := e.signedInAs(t, "carl@example.com", "en").get("/console/incidents/" + id + "/evidence.zip"); res.StatusCode != 403 {
				t.Errorf("comms downloads the evidence: %d", res.StatusCode)
			}
			if res, js := legal.get("/console/filings.js"); res.StatusCode != 200 || !strings.Contains(js, "clipboard") {
				t.Errorf("filings.js: %d", res.StatusCode)
			}
			if res, _ := legal.get(list); !strings.Contains(res.Header.Get("Content-Security-Policy"), "script-src 'self'") {
				t.Error("CSP lacks script-src 'self'")
			}

			// Bad input: the message beside the field, what was typed kept, nothing stored.
			csrf := legal.csrf(list)
			action := "/console/incidents/" + id + "/obligations/jp-appi-ppc-preliminary/filings"
			good := map[string]string{"filed_at": "2020-06-14T10:00", "channel": "portal", "reference": "PPC-2020-0001", "as_of": "today"}
			pdf := []byte("%PDF-1.4\n%receipt\n")
			for name, c := range map[string]struct {
				action string
				fields map[string]string
				file   []byte
				status int
				want   string
			}{
				"no receipt":  {action, good, nil, 422, "Attach the authority"},
				"empty":       {action, good, []byte{}, 422, "is empty"},
				"wrong type":  {action, good, []byte("PK\x03\x04zip"), 422, "must be a PDF, PNG, JPEG"},
				"too big":     {action, good, append([]byte("%PDF-"), make([]byte, candor.MaxReceiptBytes)...), 413, "larger than 10 MiB"},
				"bad time":    {action, map[string]string{"filed_at": "soon", "channel": "portal", "reference": "PPC-X", "as_of": "today"}, pdf, 422, "Give a date and time"},
				"individuals": {"/console/incidents/" + id + "/obligations/jp-appi-individuals/filings", good, pdf, 422, "not by a filing"},
			} {
				res, b := legal.postFiling(c.action, csrf, c.fields, "r.pdf", c.file)
				if res.StatusCode != c.status || !strings.Contains(b, c.want) {
					t.Errorf("%s: %d, want %d with %q", name, res.StatusCode, c.status, c.want)
				}
				if c.status == 422 && name != "individuals" && !strings.Contains(b, `value="`+c.fields["reference"]+`"`) {
					t.Errorf("%s: the typed reference is not kept", name)
				}
			}
			var n int64
			e.db.Gorm().Raw("SELECT count(*) FROM filings").Scan(&n)
			if n != 0 {
				t.Fatalf("bad input stored %d filings", n)
			}
			if res, _ := legal.postFiling(action, "", good, "r.pdf", pdf); res.StatusCode != 403 {
				t.Errorf("no csrf: %d", res.StatusCode)
			}

			// Recorded: the duty is met, the filing listed with its hash.
			res, _ := legal.postFiling(action, csrf, good, "r.pdf", pdf)
			if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "as_of=today#jp-appi-ppc-preliminary") {
				t.Fatalf("record: %d %s", res.StatusCode, res.Header.Get("Location"))
			}
			body = page(t, legal, list, "Filings recorded", "PPC-2020-0001", "14 June 2020 10:00 JST")
			if !strings.Contains(body, "<strong>met</strong>") {
				t.Error("the pack is not shown met")
			}
		})
	}
}
