package e2e

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor/internal/testenv"
)

// lettersCustomers are postal customers in Japan, Thailand and the US
// (two papers), and one reached by e-mail who gets no letter.
const lettersCustomers = "external_id,name,email,country,region,locale,address_lines,city,postal_code\n" +
	"jp-mail,佐藤花子,hana@example.com,JP,JP-13,ja,,,\n" +
	"jp-post,山田太郎,,JP,JP-13,ja,丸の内1-1-1|丸の内ビル 5階,千代田区,1000001\n" +
	"th-post,สมชาย ใจดี,,TH,TH-10,th,999 ถนนพระราม 1,เขตปทุมวัน,10330\n" +
	"us-post,Ann Lee,,US,CA,en,1 Market St|Suite 200,San Francisco,94105\n"

// fetchStatus fetches a URL from the page (with its session cookie) and
// returns "status content-type bytes".
func (p *page) fetchStatus(url string) string {
	p.t.Helper()
	var r struct {
		Result struct {
			Value string `json:"value"`
		} `json:"result"`
	}
	raw := p.call("Runtime.evaluate", map[string]any{"expression": `fetch(` + strconv.Quote(url) + `).then(r => r.arrayBuffer().then(b =>
		r.status + " " + r.headers.get("content-type") + " " + b.byteLength))`, "awaitPromise": true, "returnByValue": true})
	if err := json.Unmarshal(raw, &r); err != nil {
		p.t.Fatalf("fetch %s: %v", url, err)
	}
	return r.Result.Value
}

// TestConsoleLettersInBrowser: in Chromium, legal goes from the incident
// room to the letters page, is refused a bad filter beside its field,
// makes the batch of three letters on two papers, downloads part 1 (the
// batch becomes downloaded), is refused a day in the future beside the
// field and records yesterday in Tokyo as the day posted; the page passes
// axe in each state and is kept as screenshots in English and Japanese.
func TestConsoleLettersInBrowser(t *testing.T) {
	chrome := chromium(t)
	bin := buildCandor(t)
	artifacts := filepath.Join(repoRoot(t), "test-artifacts")
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	base, cli := startCandor(t, bin, testenv.SQLite(t))
	cli("person", "create", "--email", "rita@example.com", "--name", "Rita Tanaka", "--role", "legal")
	comms, approver := cli("token", "create", "--name", "e2e comms", "--role", "comms"), cli("token", "create", "--name", "e2e legal", "--role", "legal")
	api := client{t: t, base: base}
	status, in := api.call("POST", "/api/v1/incidents", comms, map[string]any{
		"title": "Unauthorized access to Kawasaki Group", "summary": "A connection from the Thai office to a server in Japan.",
		"discovered_at": "2020-06-11T00:00:00+09:00", "timezone": "Asia/Tokyo", "severity": "high", "data_categories": []string{"name", "postal_address"},
		"translations": map[string]any{"ja": map[string]any{"title": "当社グループへの不正アクセスについて"}},
	})
	if status != 201 {
		t.Fatalf("incident: %d %v", status, in)
	}
	id := in["id"].(string)
	req, _ := http.NewRequest("POST", base+"/api/v1/incidents/"+id+"/customers/import", strings.NewReader(lettersCustomers))
	req.Header.Set("Authorization", "Bearer "+comms)
	req.Header.Set("Content-Type", "text/csv")
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != 200 {
		t.Fatalf("import: %v %v", res, err)
	}
	s, disc := api.call("POST", "/api/v1/incidents/"+id+"/disclosures", comms, map[string]any{"kind": "customer_notice", "from_default": true})
	if s != 201 {
		t.Fatalf("notice: %d %v", s, disc)
	}
	notice, rev := disc["id"].(string), disc["revision"]
	// California's delay statement is waived by legal: no law-enforcement delay here.
	waiver := map[string]any{"jurisdiction": "US-CA", "element": "delay_reasons", "reason": "no law-enforcement delay"}
	if s, b := api.call("POST", "/api/v1/disclosures/"+notice+"/submit", approver, map[string]any{"revision": rev,
		"accept_untranslated": []string{"fil", "id", "ja", "th"}, "waivers": []any{waiver}}); s != 200 {
		t.Fatalf("submit: %d %v", s, b)
	}
	second := cli("token", "create", "--name", "e2e legal 2", "--role", "legal")
	if s, b := api.call("POST", "/api/v1/disclosures/"+notice+"/approve", second, map[string]any{"revision": rev}); s != 200 {
		t.Fatalf("approve: %d %v", s, b)
	}

	out := cli("person", "invite", "--email", "rita@example.com")
	link := strings.Fields(out[strings.Index(out, "http"):])[0]
	p := openPage(t, chrome)
	p.call("Emulation.setUserAgentOverride", map[string]any{"userAgent": "candor-e2e", "acceptLanguage": "en-GB,en"})
	p.navigate(link, "/console/set-password")
	p.typeInto("#password", "correct horse battery")
	p.typeInto("#confirm", "correct horse battery")
	p.click(`form[action="/console/set-password"] button`, "/console/sign-in?done=1")
	p.typeInto("#email", "rita@example.com")
	p.typeInto("#password", "correct horse battery")
	p.click(`form[action="/console/sign-in"] button`, "/console/incidents")

	letters := "/console/incidents/" + id + "/letters"
	p.navigate(base+"/console/incidents/"+id, "/console/incidents/"+id)
	p.click(`a[href="`+letters+`"]`, letters)
	p.accessible("letters page, nothing made")

	// A bad filter comes back beside its field, the typed value kept.
	form := `form[action="/console/disclosures/` + notice + `/letters"]`
	p.typeInto("#l-countries-"+notice, "JP, XX")
	p.click(form+` button`, "/console/disclosures/"+notice+"/letters")
	html := p.text()
	if !strings.Contains(html, "is not an ISO 3166-1 alpha-2 code") || !strings.Contains(html, `value="JP, XX"`) || strings.Contains(html, `id="batch-`) {
		t.Fatalf("bad filter:\n%s", tail(html, 3000))
	}
	if desc, _ := p.eval(`document.getElementById("l-countries-` + notice + `").getAttribute("aria-describedby")`).(string); desc != "l-countries-"+notice+"-err" {
		t.Errorf("the message is not tied to the field: %q", desc)
	}
	p.accessible("letters page, a bad filter")
	p.screenshot(1024, filepath.Join(artifacts, "console-letters-bad-filter-en-1024.png"))

	p.eval(`document.getElementById("l-countries-` + notice + `").value = ""`)
	p.click(form+` button`, letters+"#batch-")
	html = p.text()
	for _, w := range []string{"generated", "Part 1 · A4 · 2 letters (PDF)", "Part 2 · Letter · 1 letter (PDF)", "manifest.csv"} {
		if !strings.Contains(html, w) {
			t.Errorf("the batch lacks %q", w)
		}
	}
	href, _ := p.eval(`document.querySelector('a[href*="letters.pdf?part=1"]').getAttribute("href")`).(string)
	if got := p.fetchStatus(href); !strings.HasPrefix(got, "200 application/pdf ") {
		t.Fatalf("part 1: %s", got)
	}
	if got := p.fetchStatus(strings.Replace(href, "letters.pdf?part=1", "manifest.csv", 1)); !strings.HasPrefix(got, "200 text/csv") {
		t.Fatalf("manifest: %s", got)
	}

	// The day posted: tomorrow in Tokyo is refused beside the field.
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	now := time.Now().In(tokyo)
	batch, _ := p.eval(`document.querySelector("article.batch").id.slice(6)`).(string)
	p.navigate(base+letters, letters)
	if st, _ := p.eval(`document.querySelector("article.batch .status").textContent`).(string); st != "downloaded" {
		t.Errorf("after the download the batch is %q", st)
	}
	if v, _ := p.eval(`document.getElementById("mailed_on-` + batch + `").value`).(string); v != now.Format(time.DateOnly) {
		t.Errorf("the day defaults to %q, not today in Tokyo", v)
	}
	p.eval(`document.getElementById("mailed_on-` + batch + `").value = "` + now.AddDate(0, 0, 2).Format(time.DateOnly) + `"`)
	p.click(`form[action$="/mailed"] button`, "/mailed")
	if html := p.text(); !strings.Contains(html, "That day has not come yet in the incident") {
		t.Fatalf("a future day:\n%s", tail(html, 3000))
	}
	p.accessible("letters page, a day in the future")
	day := now.AddDate(0, 0, -1)
	p.eval(`document.getElementById("mailed_on-` + batch + `").value = "` + day.Format(time.DateOnly) + `"`)
	p.click(`form[action$="/mailed"] button`, "mailed=1")
	if got, _ := p.eval(`document.querySelector('[data-field="mailed"]').textContent`).(string); got != day.Format("2 January 2006") {
		t.Errorf("mailed on %q", got)
	}
	if st, _ := p.eval(`document.querySelector("article.batch .status").textContent`).(string); st != "mailed" {
		t.Errorf("after the mailing the batch is %q", st)
	}
	p.accessible("letters page, mailed")
	p.screenshot(1024, filepath.Join(artifacts, "console-letters-en-1024.png"))
	p.screenshot(390, filepath.Join(artifacts, "console-letters-en-390.png"))

	p.navigate(base+"/console/lang?l=ja&next="+letters, letters)
	html = p.text()
	for _, w := range []string{"郵送通知", "投函済み", day.Format("2006年1月2日"), "パート1・A4・2通（PDF）"} {
		if !strings.Contains(html, w) {
			t.Errorf("Japanese page lacks %q", w)
		}
	}
	p.accessible("letters page in Japanese")
	p.screenshot(1024, filepath.Join(artifacts, "console-letters-ja-1024.png"))
}
