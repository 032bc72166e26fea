package e2e

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor/internal/smtptest"
	"github.com/candor-dev/candor/internal/testenv"
)

// ccCustomers: four reached by e-mail (Japan, Thailand, the US) and three
// with a postal address only, who get a letter.
const ccCustomers = "external_id,name,email,country,region,locale,address_lines,city,postal_code\n" +
	"jp-mail-1,佐藤花子,hana@example.com,JP,JP-13,ja,,,\n" +
	"jp-mail-2,鈴木一郎,ichiro@example.com,JP,JP-13,ja,,,\n" +
	"th-mail,สมหญิง ใจดี,somying@example.com,TH,TH-10,th,,,\n" +
	"us-mail,Bo Park,bo@example.com,US,CA,en,,,\n" +
	"jp-post,山田太郎,,JP,JP-13,ja,丸の内1-1-1|丸の内ビル 5階,千代田区,1000001\n" +
	"th-post,สมชาย ใจดี,,TH,TH-10,th,999 ถนนพระราม 1,เขตปทุมวัน,10330\n" +
	"us-post,Ann Lee,,US,CA,en,1 Market St|Suite 200,San Francisco,94105\n"

// ccTable is the page's table of expected calls, one "date|e-mails|
// letters|calls" a row, the total last.
func (p *page) ccTable() []string {
	p.t.Helper()
	s, _ := p.eval(`[...document.querySelectorAll("#cc-days tr")].slice(1).map(r => [...r.cells].map(c => c.textContent.trim()).join("|")).join("\n")`).(string)
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// TestConsoleCallCentreInBrowser runs the real binary: a send e-mails four
// customers through the SMTP server and a batch of three letters is
// mailed yesterday in Tokyo; the FAQ is approved. In Chromium, legal goes
// from the incident room to the call-centre page, finds the FAQ with its
// five languages and the calls by day as the API counts them, types a bad
// rate (refused beside the field, kept), then 50 (%), and downloads the
// CSV and the PDF pack; axe passes in each state, in English and Japanese.
func TestConsoleCallCentreInBrowser(t *testing.T) {
	chrome := chromium(t)
	bin := buildCandor(t)
	artifacts := filepath.Join(repoRoot(t), "test-artifacts")
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	mail := smtptest.Start(t)
	base, cli := startCandor(t, bin, testenv.SQLite(t), "CANDOR_SMTP_URL="+mail.URL(), "CANDOR_MAIL_FROM=notices@example.com")
	cli("person", "create", "--email", "rita@example.com", "--name", "Rita Tanaka", "--role", "legal")
	comms, legal := cli("token", "create", "--name", "e2e comms", "--role", "comms"), cli("token", "create", "--name", "e2e legal", "--role", "legal")
	legal2 := cli("token", "create", "--name", "e2e legal 2", "--role", "legal")
	api := client{t: t, base: base}
	must := func(want int, method, path, token string, body any) map[string]any {
		t.Helper()
		s, b := api.call(method, path, token, body)
		if s != want {
			t.Fatalf("%s %s: %d %v", method, path, s, b)
		}
		return b
	}
	in := must(201, "POST", "/api/v1/incidents", comms, map[string]any{
		"title": "Unauthorized access to Kawasaki Group", "summary": "A connection from the Thai office to a server in Japan.",
		"discovered_at": "2020-06-11T00:00:00+09:00", "timezone": "Asia/Tokyo", "severity": "high", "data_categories": []string{"name", "email", "postal_address"},
		"translations": map[string]any{"ja": map[string]any{"title": "当社グループへの不正アクセスについて"}},
	})
	id := in["id"].(string)
	req, _ := http.NewRequest("POST", base+"/api/v1/incidents/"+id+"/customers/import", strings.NewReader(ccCustomers))
	req.Header.Set("Authorization", "Bearer "+comms)
	req.Header.Set("Content-Type", "text/csv")
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != 200 {
		t.Fatalf("import: %v %v", res, err)
	}

	// The notice: sent by e-mail now, and by letter, mailed yesterday in Tokyo.
	notice := must(201, "POST", "/api/v1/incidents/"+id+"/disclosures", comms, map[string]any{"kind": "customer_notice", "from_default": true})["id"].(string)
	waiver := map[string]any{"jurisdiction": "US-CA", "element": "delay_reasons", "reason": "no law-enforcement delay"}
	must(200, "POST", "/api/v1/disclosures/"+notice+"/submit", legal, map[string]any{"revision": 1,
		"accept_untranslated": []string{"fil", "id", "ja", "th"}, "waivers": []any{waiver}})
	must(200, "POST", "/api/v1/disclosures/"+notice+"/approve", legal2, map[string]any{"revision": 1})
	send := must(201, "POST", "/api/v1/disclosures/"+notice+"/sends", legal, map[string]any{})["id"].(string)
	for deadline := time.Now().Add(60 * time.Second); ; {
		if s := must(200, "GET", "/api/v1/sends/"+send, comms, nil); s["state"] == "completed" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the send did not complete")
		}
		time.Sleep(200 * time.Millisecond)
	}
	if got := len(mail.Recipients()); got != 4 {
		t.Fatalf("the SMTP server received mail for %d recipients, want 4", got)
	}
	batch := must(201, "POST", "/api/v1/disclosures/"+notice+"/letters", legal, map[string]any{})
	if batch["total"] != float64(3) {
		t.Fatalf("batch: %v", batch)
	}
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	mailed := time.Now().In(tokyo).AddDate(0, 0, -1)
	must(200, "POST", "/api/v1/letter-batches/"+batch["id"].(string)+"/mailed", legal, map[string]any{"mailed_on": mailed.Format(time.DateOnly)})

	// The FAQ from the defaults, four eyes.
	faqID := must(201, "POST", "/api/v1/incidents/"+id+"/disclosures", comms, map[string]any{"kind": "faq", "title": "Questions and answers", "from_default": true})["id"].(string)
	must(200, "POST", "/api/v1/disclosures/"+faqID+"/submit", comms, map[string]any{"revision": 1, "accept_untranslated": []string{"fil", "id", "ja", "th"}})
	must(200, "POST", "/api/v1/disclosures/"+faqID+"/approve", legal, map[string]any{"revision": 1})

	// apiRows is the API's call volume as the page's rows.
	apiRows := func(query string) []string {
		v := must(200, "GET", "/api/v1/incidents/"+id+"/call-volume?"+query, comms, nil)
		var rows []string
		email, letters := 0, 0
		for _, d := range v["days"].([]any) {
			d := d.(map[string]any)
			day, _ := time.Parse(time.DateOnly, d["date"].(string))
			rows = append(rows, fmt.Sprintf("%s|%v|%v|%s", day.Format("2 January 2006"), d["email"], d["letters"], strconv.FormatFloat(d["calls"].(float64), 'f', -1, 64)))
			email += int(d["email"].(float64))
			letters += int(d["letters"].(float64))
		}
		return append(rows, fmt.Sprintf("Total|%d|%d|%s", email, letters, strconv.FormatFloat(v["total_calls"].(float64), 'f', -1, 64)))
	}

	out := cli("person", "invite", "--email", "rita@example.com")
	link := strings.Fields(out[strings.Index(out, "http"):])[0]
	p := openPage(t, chrome)
	p.call("Emulation.setUserAgentOverride", map[string]any{"userAgent": "candor-e2e", "acceptLanguage": "en-GB,en"})
	p.navigate(link, "/console/set-password")
	p.typeInto("#password", "correct horse battery")
	p.typeInto("#confirm", "correct horse battery")
	p.click(`form[action="/console/set-password"] button`, "/console/sign-in?done=1")
	p.signInAs(base, "rita@example.com", base+"/console/incidents/"+id)

	cc := "/console/incidents/" + id + "/call-centre"
	p.click(`a[href="`+cc+`"]`, cc)
	html := p.text()
	for _, w := range []string{"Questions and answers", "English (en), Filipino (fil), Indonesian (id), Japanese (ja), Thai (th)",
		"3% of the people a notice reaches call", "Date (Asia/Tokyo)"} {
		if !strings.Contains(html, w) {
			t.Errorf("the page lacks %q", w)
		}
	}
	got, want := p.ccTable(), apiRows("rate=0.03&post_days=3")
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("the page's days:\n%s\nthe API's:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	today, arrives := time.Now().In(tokyo).Format("2 January 2006"), mailed.AddDate(0, 0, 3).Format("2 January 2006")
	if !strings.Contains(strings.Join(got, "\n"), today+"|4|0|") || !strings.Contains(strings.Join(got, "\n"), arrives+"|0|3|") {
		t.Errorf("not 4 e-mails today (%s) and 3 letters on %s:\n%s", today, arrives, strings.Join(got, "\n"))
	}
	p.accessible("the call-centre page")

	// A bad rate: beside the field, typed kept, no table.
	p.setField("#cc-rate", "3 in 100")
	p.click(`form[action^="`+cc+`"] button`, "rate=3")
	if msg, _ := p.eval(`document.querySelector("#cc-rate-error") ? document.querySelector("#cc-rate-error").textContent : ""`).(string); msg != "Give a percentage from 0 to 100, such as 3 for 3 in 100." {
		t.Errorf("beside the rate: %q", msg)
	}
	if v := p.eval(`document.querySelector("#cc-rate").value + "|" + document.querySelector("#cc-rate").getAttribute("aria-invalid") + "|" + document.querySelector("#cc-post").getAttribute("aria-invalid")`); v != "3 in 100|true|null" {
		t.Errorf("the rate field: %v", v)
	}
	if rows := p.ccTable(); rows != nil {
		t.Errorf("a table under a refused rate: %q", rows)
	}
	p.accessible("the call-centre page with a bad rate")
	p.screenshot(1024, filepath.Join(artifacts, "console-callcentre-bad-rate-en-1024.png"))

	// 50 %: the API's numbers at rate=0.5; the pack's link carries it.
	p.setField("#cc-rate", "50")
	p.click(`form[action^="`+cc+`"] button`, "rate=50")
	if got, want := p.ccTable(), apiRows("rate=0.5&post_days=3"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("at 50%%:\n%s\nthe API's:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	p.accessible("the call-centre page at 50%")
	p.screenshot(1024, filepath.Join(artifacts, "console-callcentre-en-1024.png"))
	p.screenshot(390, filepath.Join(artifacts, "console-callcentre-en-390.png"))
	csvHref, _ := p.eval(`document.querySelector('a[href$="/call-centre.csv"]').getAttribute("href")`).(string)
	pdfHref, _ := p.eval(`document.querySelector('a[href*="/call-centre.pdf"]').getAttribute("href")`).(string)
	if pdfHref != "/console/disclosures/"+faqID+"/call-centre.pdf?post_days=3&rate=50" {
		t.Errorf("the pack's link: %q", pdfHref)
	}
	if got := p.fetchStatus(csvHref); !strings.HasPrefix(got, "200 text/csv; charset=utf-8 ") {
		t.Errorf("CSV: %s", got)
	}
	if got := p.fetchStatus(pdfHref); !strings.HasPrefix(got, "200 application/pdf ") {
		t.Errorf("PDF: %s", got)
	}

	p.call("Emulation.setUserAgentOverride", map[string]any{"userAgent": "candor-e2e", "acceptLanguage": "ja,en"})
	p.navigate(base+"/console/lang?l=ja&next="+cc, cc)
	html = p.text()
	for _, w := range []string{"コールセンター", "英語 (en)、フィリピノ語 (fil)、インドネシア語 (id)、日本語 (ja)、タイ語 (th)", "通知が届いた方の3%が電話をかけ",
		time.Now().In(tokyo).Format("2006年1月2日"), mailed.AddDate(0, 0, 3).Format("2006年1月2日")} {
		if !strings.Contains(html, w) {
			t.Errorf("the Japanese page lacks %q", w)
		}
	}
	p.accessible("the call-centre page in Japanese")
	p.screenshot(1024, filepath.Join(artifacts, "console-callcentre-ja-1024.png"))
}
