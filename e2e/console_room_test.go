package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestConsoleRoomInBrowser: in Chromium, a comms person creates the seed
// case's incident from the console in Asia/Tokyo with its Japanese
// translation, adds a timeline event, uploads a CSV with one bad line and
// watches the progress bar reach 100% and the error shown by its line,
// and searches the customers; a legal person erases one after the
// confirmation step. Screenshots in English and Japanese go to
// test-artifacts/; every page passes axe.
func TestConsoleRoomInBrowser(t *testing.T) {
	chrome := chromium(t)
	bin := buildCandor(t)
	artifacts := filepath.Join(repoRoot(t), "test-artifacts")
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	base, cli := draftServer(t, bin)
	cli("person", "create", "--email", "chika@example.com", "--name", "Chika Sato", "--role", "comms")
	cli("person", "create", "--email", "rita@example.com", "--name", "Rita Tanaka", "--role", "legal")
	p := openPage(t, chrome)
	p.call("Emulation.setUserAgentOverride", map[string]any{"userAgent": "candor-e2e", "acceptLanguage": "en-GB,en"})
	for _, email := range []string{"chika@example.com", "rita@example.com"} {
		link := inviteLink.FindStringSubmatch(cli("person", "invite", "--email", email))
		if link == nil {
			t.Fatalf("no invitation link for %s", email)
		}
		p.navigate(link[1], "/console/set-password")
		p.typeInto("#password", "correct horse battery")
		p.typeInto("#confirm", "correct horse battery")
		p.click(`form[action="/console/set-password"] button`, "/console/sign-in?done=1")
	}

	// Comms creates the incident: discovered 11 June 2020 00:00 in Tokyo.
	p.signInAs(base, "chika@example.com", base+"/console/incidents")
	p.click(`a[href="/console/incidents/new"]`, "/console/incidents/new")
	p.accessible("the new incident form")
	p.setField("#title", "Unauthorized access to Kawasaki Group")
	p.setField("#summary", "On June 11, 2020, an internal audit found a connection from an overseas office (Thailand) to a server in Japan.")
	p.setField("#timezone", "Asia/Tokyo")
	p.eval(`document.querySelector("#discovered_at").value = "2020-06-11T00:00"`)
	p.eval(`document.querySelector("#severity").value = "high"; document.querySelector("#cause").value = "unauthorized_access";
		document.querySelector("#malicious").value = "true"`)
	for _, c := range []string{"name", "email"} {
		p.eval(fmt.Sprintf(`document.querySelector('input[name=data_categories][value=%q]').checked = true`, c))
	}
	p.setField(`[id="reporting_entity.name"]`, "Kawasaki Heavy Industries, Ltd.")
	p.setField(`[id="reporting_entity.country"]`, "JP")
	p.setField("#new_lang", "ja")
	p.setField(`[id="new.title"]`, "当社グループへの不正アクセスについて")
	p.setField(`[id="new.summary"]`, "2020年6月11日、社内監査により、海外拠点（タイ）から日本国内のサーバーへの接続が判明いたしました。")
	p.setField(`[id="new.reporting_entity"]`, "川崎重工業株式会社")
	p.screenshot(1024, filepath.Join(artifacts, "console-incident-new-en-1024.png"))
	p.eval(`document.querySelector('form[action="/console/incidents"] button[type=submit]').click()`)
	p.waitText(`document.querySelector("h1") ? document.querySelector("h1").textContent : ""`, "Unauthorized access to Kawasaki Group")
	id := strings.TrimPrefix(p.eval(`location.pathname`).(string), "/console/incidents/")
	room := base + "/console/incidents/" + id
	html := p.text()
	for _, w := range []string{"11 June 2020 00:00 JST", "Asia/Tokyo", "当社グループへの不正アクセスについて", "川崎重工業株式会社",
		"Chika Sato", `<span class="tag">comms</span>`} {
		if !strings.Contains(html, w) {
			t.Errorf("the new room lacks %q", w)
		}
	}

	// A timeline event with its Japanese text.
	p.eval(`document.querySelector("#timeline details").open = true`)
	p.eval(`document.querySelector("#occurred_on").value = "2020-06-11"`)
	p.setField("#description", "Identified unauthorized access from an overseas office in Thailand")
	p.eval(`document.querySelector('input[name=public][value=true]').checked = true`)
	p.setField(`[id="translations.ja.description"]`, "タイの海外拠点からの不正アクセスを確認")
	p.eval(`document.querySelector('form[action$="/events"] button[type=submit]').click()`)
	p.waitText(`document.querySelector("#timeline ol") ? document.querySelector("#timeline ol").textContent : ""`, "Identified unauthorized access")
	p.screenshot(1024, filepath.Join(artifacts, "console-room-en-1024.png"))
	p.accessible("the incident room with its forms")

	// The customers, uploaded with the script: the bar reaches 100% and the
	// bad line is shown by its number.
	p.navigate(room+"/customers/import", "/customers/import")
	p.accessible("the import form")
	csv := "external_id,name,email,country,locale,data_categories\\n" +
		"c-1,Aiko Tanaka,aiko@example.jp,JP,ja,name;email\\n" +
		"c-2,Bad Address,not-an-address,JP,ja,email\\n" +
		"c-3,Somchai Prasert,somchai@example.co.th,TH,th,email\\n" +
		"c-4,Maria Santos,maria@example.ph,PH,fil,email\\n"
	p.eval(`(() => { const dt = new DataTransfer();
		dt.items.add(new File(["` + csv + `"], "customers.csv", {type: "text/csv"}));
		document.querySelector("#file").files = dt.files; })()`)
	p.eval(`document.querySelector('#import-form button[type=submit]').click()`)
	p.waitText(`document.querySelector("#import-form").dataset.state || ""`, "done")
	if v, _ := p.eval(`document.querySelector("#import-progress").value`).(float64); v != 100 {
		t.Errorf("progress bar at %v, want 100", v)
	}
	if path, _ := p.eval(`location.pathname`).(string); !strings.HasSuffix(path, "/customers/import") {
		t.Errorf("the script's upload left the page for %s", path)
	}
	errs, _ := p.eval(`document.querySelector("#import-errors").textContent`).(string)
	if !strings.Contains(errs, "3") || !strings.Contains(errs, "email") || p.number("#import-accepted") != 3 || p.number("#import-rejected") != 1 {
		t.Errorf("import result: accepted %d, rejected %d, errors %q", p.number("#import-accepted"), p.number("#import-rejected"), errs)
	}
	p.screenshot(1024, filepath.Join(artifacts, "console-import-en-1024.png"))
	p.accessible("the import result")

	// Search.
	p.navigate(room+"/customers", "/customers")
	p.setField("#q", "somchai@example.co.th")
	p.click(`form[role=search] button`, "q=somchai")
	if html := p.text(); !strings.Contains(html, "Somchai Prasert") || strings.Contains(html, "Aiko") {
		t.Errorf("search for Somchai:\n%s", tail(html, 2000))
	}
	p.navigate(room+"/customers?country=JP", "/customers")
	p.accessible("the customer list")
	p.screenshot(1024, filepath.Join(artifacts, "console-customers-en-1024.png"))
	p.click(`table.customers a`, "/console/customers/")
	customer, _ := p.eval(`location.pathname`).(string)
	if p.has(`a[href$="/erase"]`) {
		t.Error("comms is offered the erasure")
	}
	p.signOut()

	// Legal erases Aiko, in Japanese, after the confirmation step.
	p.signInAs(base, "rita@example.com", base+customer)
	p.navigate(base+"/console/lang?l=ja&next="+customer, customer)
	if html := p.text(); !strings.Contains(html, "Aiko Tanaka") || !strings.Contains(html, "個人データを消去") {
		t.Fatalf("customer page for legal:\n%s", tail(html, 2000))
	}
	p.click(`a[href$="/erase"]`, "/erase")
	p.accessible("the erasure confirmation")
	p.screenshot(1024, filepath.Join(artifacts, "console-erase-ja-1024.png"))
	p.click(`form[action$="/erase"] button`, "erased=1")
	if html := p.text(); strings.Contains(html, "Aiko Tanaka") || !strings.Contains(html, "個人データを消去しました") {
		t.Errorf("after the erasure:\n%s", tail(html, 2000))
	}
	p.navigate(room, "/console/incidents/"+id)
	html = p.text()
	for _, w := range []string{"2020年6月11日 00:00 JST", "タイの海外拠点からの不正アクセスを確認", "担当者", "Rita Tanaka", "Chika Sato"} {
		if !strings.Contains(html, w) {
			t.Errorf("the room in Japanese lacks %q", w)
		}
	}
	p.screenshot(1024, filepath.Join(artifacts, "console-room-ja-1024.png"))
	p.screenshot(390, filepath.Join(artifacts, "console-room-ja-390.png"))
	p.navigate(room+"/history", "/history")
	p.accessible("the history")
	if html := p.text(); !strings.Contains(html, "customer.erase") || !strings.Contains(html, "incident.create") {
		t.Errorf("history lacks the erasure or the creation")
	}
	p.screenshot(1024, filepath.Join(artifacts, "console-history-ja-1024.png"))
	p.navigate(room+"/customers/import", "/customers/import")
	p.eval(`(() => { const dt = new DataTransfer();
		dt.items.add(new File(["` + csv + `"], "customers.csv", {type: "text/csv"}));
		document.querySelector("#file").files = dt.files; })()`)
	p.eval(`document.querySelector('#import-form button[type=submit]').click()`)
	p.waitText(`document.querySelector("#import-form").dataset.state || ""`, "done")
	p.screenshot(1024, filepath.Join(artifacts, "console-import-ja-1024.png"))
}
