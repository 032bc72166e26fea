package e2e

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor/internal/testenv"
)

// TestConsoleReachInBrowser runs the real binary: in Chromium, a legal
// person records a substitute notice on the reach page. An unknown
// jurisdiction and a missing description come back beside their fields
// with the typed values kept; the corrected notice is listed; once a
// substitute_notice decision on Japan's duty to individuals is approved,
// Japan's customers without an address count as covered. The page passes
// axe, in English and Japanese (screenshots in test-artifacts/).
func TestConsoleReachInBrowser(t *testing.T) {
	chrome := chromium(t)
	bin := buildCandor(t)
	artifacts := filepath.Join(repoRoot(t), "test-artifacts")
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	base, cli := startCandor(t, bin, testenv.SQLite(t))
	cli("person", "create", "--email", "rita@example.com", "--name", "Rita Tanaka", "--role", "legal")
	comms := cli("token", "create", "--name", "e2e comms", "--role", "comms")
	legal := cli("token", "create", "--name", "e2e legal", "--role", "legal")
	api := client{t: t, base: base}
	status, in := api.call("POST", "/api/v1/incidents", comms, map[string]any{
		"title": "Unauthorized access to Kawasaki Group", "summary": "A connection from the Thai office to a server in Japan.",
		"discovered_at": "2026-12-01T00:00:00+09:00", "timezone": "Asia/Tokyo", "severity": "high", "data_categories": []string{"name", "email"},
		"cause": "unauthorized_access", "malicious": true, "reporting_entity": map[string]any{"name": "Kawasaki Heavy Industries, Ltd.", "country": "JP"},
		"translations": map[string]any{"ja": map[string]any{"title": "当社グループへの不正アクセスについて",
			"summary": "タイの拠点から日本国内のサーバーへの接続が判明しました。", "reporting_entity": "川崎重工業株式会社"}},
	})
	if status != 201 {
		t.Fatalf("incident: %d %v", status, in)
	}
	id := in["id"].(string)
	// Two Japanese and one Thai customer with neither e-mail nor address.
	req, _ := http.NewRequest("POST", base+"/api/v1/incidents/"+id+"/customers/import",
		strings.NewReader("external_id,name,email,country,locale\nk1,山田太郎,,JP,ja\nk2,佐藤花子,,JP,ja\nk3,สมชาย,,TH,th\n"))
	req.Header.Set("Authorization", "Bearer "+comms)
	req.Header.Set("Content-Type", "text/csv")
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != 200 {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("import: %v %s", err, b)
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

	reach := base + "/console/incidents/" + id + "/reach"
	p.navigate(reach, "/reach")
	p.eval(`document.querySelector("#sub-kind").value = "media"`)
	p.typeInto("#sub-where", "JP, XX")
	p.typeInto("#sub-outlet", "Nikkei")
	p.click(`form[action$="/substitute-notices"] button`, "/substitute-notices")
	field := func(id string) string {
		s, _ := p.eval(`(e => e && e.nextElementSibling && e.nextElementSibling.matches(".alert.field") ? e.nextElementSibling.textContent : "")(document.querySelector("#` + id + `"))`).(string)
		return s
	}
	if m := field("sub-where"); !strings.Contains(m, `"XX" is not a jurisdiction`) {
		t.Errorf("beside the jurisdictions: %q", m)
	}
	if v := p.eval(`document.querySelector("#sub-where").getAttribute("aria-invalid") + "|" + document.querySelector("#sub-outlet").getAttribute("aria-invalid")`); v != "true|null" {
		t.Errorf("aria-invalid on the jurisdictions only: %v", v)
	}
	if m := field("sub-description"); !strings.Contains(m, "is required") {
		t.Errorf("beside the description: %q", m)
	}
	if v := p.eval(`document.querySelector("#sub-where").value + "|" + document.querySelector("#sub-outlet").value + "|" + document.querySelector("#sub-kind").value`); v != "JP, XX|Nikkei|media" {
		t.Errorf("typed values not kept: %v", v)
	}
	p.accessible("the reach page with the form's errors")
	p.screenshot(1024, filepath.Join(artifacts, "console-reach-substitute-errors-en-1024.png"))

	p.eval(`document.querySelector("#sub-where").value = ""`)
	p.typeInto("#sub-where", "JP")
	p.typeInto("#sub-description", "Notice on page 3 of the morning edition, with the inquiry desk's number.")
	p.click(`form[action$="/substitute-notices"] button`, "/reach")
	if text := p.text(); !strings.Contains(text, "Press or broadcast · Nikkei") || !strings.Contains(text, "Rita Tanaka") {
		t.Errorf("the notice is not listed:\n%s", text)
	}

	// The decision, proposed by comms and approved by legal (the API's).
	obligation := ""
	_, obs := api.call("GET", "/api/v1/incidents/"+id+"/obligations", comms, nil)
	for _, it := range obs["items"].([]any) {
		if o := it.(map[string]any); o["audience"] == "individuals" && o["jurisdiction"] == "JP" {
			obligation = o["rule_id"].(string)
		}
	}
	if obligation == "" {
		t.Fatalf("no duty to individuals in Japan: %v", obs)
	}
	status, dec := api.call("POST", "/api/v1/incidents/"+id+"/obligations/"+obligation+"/decisions", comms, map[string]any{
		"decision": "substitute_notice", "rationale": "No contact details for two principals: a public announcement with an inquiry desk.",
		"delay_reasons": "The addresses were searched for first."})
	if status != 201 {
		t.Fatalf("propose: %d %v", status, dec)
	}
	if status, a := api.call("POST", "/api/v1/decisions/"+dec["id"].(string)+"/approve", legal, nil); status != 200 {
		t.Fatalf("approve: %d %v", status, a)
	}
	p.navigate(reach, "/reach")
	row, _ := p.eval(`[...document.querySelectorAll("tbody tr")].map(r => [...r.cells].map(c => c.textContent.replace(/\s+/g, " ").trim()).join("|")).join("\n")`).(string)
	// Customers, e-mail, letter, substitute, not yet, not at all.
	if !strings.Contains(row, "Japan (JP) everyone reached or covered|2|0|0|2|0|0|") || !strings.Contains(row, "Thailand (TH)|1|0|0|0|0|1|no e-mail and no address: 1") {
		t.Errorf("reach rows:\n%s", row)
	}
	p.screenshot(1024, filepath.Join(artifacts, "console-reach-substitute-en-1024.png"))

	p.call("Emulation.setUserAgentOverride", map[string]any{"userAgent": "candor-e2e", "acceptLanguage": "ja,en"})
	p.navigate(base+"/console/lang?l=ja&next=/console/incidents/"+id+"/reach", "/reach")
	time.Sleep(100 * time.Millisecond)
	text := p.text()
	for _, w := range []string{"代替措置（公表）", "報道・放送 · Nikkei", "代替措置を記録", "日本 (JP)", "全員に到達または代替措置済み"} {
		if !strings.Contains(text, w) {
			t.Errorf("the Japanese page lacks %q", w)
		}
	}
	p.accessible("the reach page in Japanese")
	p.screenshot(1024, filepath.Join(artifacts, "console-reach-substitute-ja-1024.png"))
}
