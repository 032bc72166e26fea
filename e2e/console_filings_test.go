package e2e

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor/internal/testenv"
)

// TestConsoleFilingsInBrowser runs the real binary: in Chromium, a legal
// person opens the seed case's filing packs, finds Japan's preliminary
// report in Japanese with its copy buttons shown by the vendored script,
// copies a value (the button says so) and looks at the page in English and
// Japanese (screenshots in test-artifacts/).
func TestConsoleFilingsInBrowser(t *testing.T) {
	chrome := chromium(t)
	bin := buildCandor(t)
	artifacts := filepath.Join(repoRoot(t), "test-artifacts")
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	base, cli := startCandor(t, bin, testenv.SQLite(t))
	cli("person", "create", "--email", "rita@example.com", "--name", "Rita Tanaka", "--role", "legal")
	comms := cli("token", "create", "--name", "e2e comms", "--role", "comms")
	api := client{t: t, base: base}
	status, in := api.call("POST", "/api/v1/incidents", comms, map[string]any{
		"title": "Unauthorized access to Kawasaki Group", "summary": "A connection from the Thai office to a server in Japan.",
		"discovered_at": "2020-06-11T00:00:00+09:00", "timezone": "Asia/Tokyo", "severity": "high", "data_categories": []string{"name", "email"},
		"cause": "unauthorized_access", "malicious": true, "reporting_entity": map[string]any{"name": "Kawasaki Heavy Industries, Ltd.", "country": "JP"},
		"translations": map[string]any{"ja": map[string]any{"title": "当社グループへの不正アクセスについて",
			"summary": "タイの拠点から日本国内のサーバーへの接続が判明しました。", "reporting_entity": "川崎重工業株式会社"}},
	})
	if status != 201 {
		t.Fatalf("incident: %d %v", status, in)
	}
	id := in["id"].(string)
	req, _ := http.NewRequest("POST", base+"/api/v1/incidents/"+id+"/customers/import",
		strings.NewReader("external_id,email,country,locale\nk1,a@example.jp,JP,ja\nk2,b@example.jp,JP,ja\nk3,c@example.th,TH,th\n"))
	req.Header.Set("Authorization", "Bearer "+comms)
	req.Header.Set("Content-Type", "text/csv")
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != 200 {
		t.Fatalf("import: %v %v", res, err)
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

	p.navigate(base+"/console/incidents/"+id+"/filings?as_of=today", "/filings")
	text := p.text()
	for _, w := range []string{"個人情報保護委員会への漏えい等報告（速報）", "川崎重工業株式会社", "氏名、メールアドレス", "Record the filing"} {
		if !strings.Contains(text, w) {
			t.Errorf("filings page lacks %q", w)
		}
	}
	// The script shows the copy buttons; a click copies (or selects) the value.
	if n := p.eval(`document.querySelectorAll("button[data-copy]:not([hidden])").length`); n == float64(0) || n == nil {
		t.Fatalf("no copy button shown: %v", n)
	}
	p.call("Browser.grantPermissions", map[string]any{"permissions": []string{"clipboardReadWrite", "clipboardSanitizedWrite"}, "origin": base})
	p.eval(`document.querySelector('button[data-copy$="jp-appi-ppc-preliminary-reporter_name"]').click()`)
	time.Sleep(300 * time.Millisecond)
	got := p.eval(`document.querySelector('button[data-copy$="jp-appi-ppc-preliminary-reporter_name"]').textContent + "|" + String(window.getSelection())`)
	if s, _ := got.(string); !strings.HasPrefix(s, "Copied") && !strings.Contains(s, "川崎重工業株式会社") {
		t.Errorf("copy did nothing: %v", got)
	}
	p.screenshot(1024, filepath.Join(artifacts, "console-filings-en-1024.png"))
	p.call("Emulation.setUserAgentOverride", map[string]any{"userAgent": "candor-e2e", "acceptLanguage": "ja,en"})
	p.navigate(base+"/console/lang?l=ja&next=/console/incidents/"+id+"/filings%3Fas_of%3Dtoday", "/filings")
	if !strings.Contains(p.text(), "報告を記録する") {
		t.Error("the Japanese page lacks its form heading")
	}
	p.screenshot(1024, filepath.Join(artifacts, "console-filings-ja-1024.png"))
}
