package e2e

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/store"
)

// TestConsoleInBrowser starts the real binary, invites a legal person from
// the command line, and in Chromium sets their password through the link,
// signs in through the form, opens the Kawasaki incident's deadline board,
// switches it to Japanese and keeps screenshots in test-artifacts/.
func TestConsoleInBrowser(t *testing.T) {
	chrome := chromium(t)
	bin := buildCandor(t)
	artifacts := filepath.Join(repoRoot(t), "test-artifacts")
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	d := testenv.SQLite(t)
	base, cli := startCandor(t, bin, d)

	// The incident through the API, its customers straight into the database.
	cli("person", "create", "--email", "rita@example.com", "--name", "Rita Tanaka", "--role", "legal")
	comms := strings.TrimSpace(cli("token", "create", "--name", "e2e comms", "--role", "comms"))
	api := client{t: t, base: base}
	status, in := api.call("POST", "/api/v1/incidents", comms, map[string]any{
		"title":         "Unauthorized access to Kawasaki Group",
		"summary":       "On June 11, 2020, an internal system audit revealed a connection to a server in Japan from an overseas office (Thailand) that should not have occurred.",
		"discovered_at": "2020-06-11T00:00:00+09:00", "timezone": "Asia/Tokyo", "severity": "high", "malicious": true,
		"cause": "unauthorized_access", "data_categories": []string{"contact_details", "business_records"},
		"reporting_entity": map[string]any{"name": "Kawasaki Heavy Industries", "country": "JP"},
		"translations": map[string]any{"ja": map[string]any{"title": "当社グループへの不正アクセスについて",
			"summary": "2020年6月11日、社内監査により、海外拠点（タイ）から日本国内のサーバーへの本来発生しないはずの接続が判明いたしました。"}},
	})
	if status != 201 {
		t.Fatalf("incident: %d %v", status, in)
	}
	id := in["id"].(string)
	if s, b := api.call("POST", "/api/v1/incidents/"+id+"/events", comms, map[string]any{"occurred_on": "2020-06-11",
		"description": "Identified unauthorized access from an overseas office in Thailand", "public": true,
		"translations": map[string]any{"ja": map[string]any{"description": "タイの海外拠点からの不正アクセスを確認"}}}); s != 201 {
		t.Fatalf("event: %d %v", s, b)
	}
	db, err := store.Open(context.Background(), d.URL, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		country, region string
		n               int
	}{{"JP", "", 3}, {"TH", "", 2}, {"PH", "", 2}, {"US", "US-CA", 3}} {
		testenv.Customers(t, db, id, c.country, c.region, "email", c.n)
	}
	db.Close()

	// The invitation, as an admin would send it.
	out := cli("person", "invite", "--email", "rita@example.com")
	link := regexp.MustCompile(`(?m)^(http\S+/console/set-password\?token=\S+)$`).FindStringSubmatch(out)
	if link == nil {
		t.Fatalf("person invite printed %q", out)
	}

	p := openPage(t, chrome)
	p.call("Emulation.setUserAgentOverride", map[string]any{"userAgent": "candor-e2e", "acceptLanguage": "en-GB,en"})
	p.navigate(link[1], "/console/set-password")
	p.typeInto("#password", "correct horse battery")
	p.typeInto("#confirm", "correct horse battery")
	p.click(`form[action="/console/set-password"] button`, "/console/sign-in?done=1")

	// Signed out, the deadline board sends the browser to the sign-in form,
	// which sends it back after.
	// The whole sign-in with the keyboard alone: Tab to each field, type,
	// Enter submits.
	p.navigate(base+"/console/incidents/"+id+"/deadlines", "/console/sign-in?next=")
	p.screenshot(1024, filepath.Join(artifacts, "console-sign-in-en-1024.png"))
	p.accessible("the sign-in page")
	p.tabTo("#email", 15)
	p.typeKeys("rita@example.com")
	p.tabTo("#password", 3)
	p.typeKeys("correct horse battery")
	p.key("Enter", false)
	time.Sleep(100 * time.Millisecond)
	p.waitFor("/console/incidents/" + id + "/deadlines")
	if html := p.text(); !strings.Contains(html, "Deadline board") || !strings.Contains(html, "OVERDUE") {
		t.Fatalf("deadline board in English:\n%s", tail(html, 3000))
	}
	p.accessible("the deadline board")
	// The language link, reached and followed with the keyboard.
	p.tabTo(`a[hreflang="ja"]`, 10)
	p.key("Enter", false)
	time.Sleep(100 * time.Millisecond)
	p.waitFor("/console/incidents/" + id + "/deadlines")
	if lang, _ := p.eval(`document.documentElement.lang`).(string); lang != "ja" {
		t.Fatalf("Enter on the Japanese link left the page in %q", lang)
	}
	p.navigate(base+"/console/lang?l=en&next=/console/incidents", "/console/incidents")
	p.accessible("the incident list")
	p.navigate(base+"/console/incidents/"+id+"/deadlines", "/console/incidents/"+id+"/deadlines")

	// The language link: Japanese from now on.
	p.click(`a[hreflang="ja"]`, "/console/incidents/"+id+"/deadlines")
	html := p.text()
	for _, want := range []string{`<html lang="ja">`, "期限ボード", "期限超過", "2020年6月"} {
		if !strings.Contains(html, want) {
			t.Errorf("Japanese board lacks %q", want)
		}
	}
	p.screenshot(1280, filepath.Join(artifacts, "console-deadlines-ja-1280.png"))
	p.screenshot(390, filepath.Join(artifacts, "console-deadlines-ja-390.png"))
	p.navigate(base+"/console/incidents/"+id, "/console/incidents/"+id)
	if html := p.text(); !strings.Contains(html, "2020年6月11日") || !strings.Contains(html, "タイの海外拠点からの不正アクセスを確認") {
		t.Errorf("incident room in Japanese:\n%s", tail(html, 3000))
	}
	p.screenshot(1024, filepath.Join(artifacts, "console-incident-ja-1024.png"))
	p.accessible("the incident room in Japanese")
	_ = candor.RoleLegal
}
