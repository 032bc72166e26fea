package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
)

// TestConsolePeopleInBrowser: in Chromium an admin adds a comms person on
// the admin page and hands over the one-time link; the person sets a
// password through it, turns on TOTP on "My account" (the code computed
// from the key the page shows) and signs in with a code. The comms person
// gets 403 on the admin page; when the admin ends their sessions, and then
// disables them, their open page ends at once. The admin page in Japanese
// goes to test-artifacts/.
func TestConsolePeopleInBrowser(t *testing.T) {
	chrome := chromium(t)
	bin := buildCandor(t)
	artifacts := filepath.Join(repoRoot(t), "test-artifacts")
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	base, cli := draftServer(t, bin)
	cli("person", "create", "--email", "ada@example.com", "--name", "Ada Admin", "--role", "admin")
	link := inviteLink.FindStringSubmatch(cli("person", "invite", "--email", "ada@example.com"))
	if link == nil {
		t.Fatal("no invitation link")
	}
	admin := openPage(t, chrome)
	admin.call("Emulation.setUserAgentOverride", map[string]any{"userAgent": "candor-e2e", "acceptLanguage": "en-GB,en"})
	admin.navigate(link[1], "/console/set-password")
	admin.typeInto("#password", "correct horse battery")
	admin.typeInto("#confirm", "correct horse battery")
	admin.click(`form[action="/console/set-password"] button`, "/console/sign-in?done=1")
	admin.signInAs(base, "ada@example.com", base+"/console/admin/people")

	// The admin adds Cole (comms) and reads the one-time link off the page.
	admin.typeInto("#name", "Cole Comms")
	admin.typeInto("#email", "cole@example.com")
	admin.eval(`document.querySelector("#role").value = "comms"`)
	admin.click(`form[action="/console/admin/people"] button`, "/console/admin/people")
	coleLink, _ := admin.eval(`(document.querySelector("#link") || {}).textContent || ""`).(string)
	if !strings.Contains(coleLink, "/console/set-password?token=") {
		t.Fatalf("no link on the page:\n%s", tail(admin.text(), 3000))
	}

	cole := openPage(t, chrome)
	cole.call("Emulation.setUserAgentOverride", map[string]any{"userAgent": "candor-e2e", "acceptLanguage": "en-GB,en"})
	cole.navigate(coleLink, "/console/set-password")
	cole.typeInto("#password", "correct horse battery")
	cole.typeInto("#confirm", "correct horse battery")
	cole.click(`form[action="/console/set-password"] button`, "/console/sign-in?done=1")
	cole.signInAs(base, "cole@example.com", base+"/console/account")
	cole.click(`form[action="/console/account/totp"] button`, "/console/account")
	secret, _ := cole.eval(`document.querySelector("#totp-secret").textContent`).(string)
	if ok, _ := cole.eval(`document.querySelector("img.adm-qr").naturalWidth > 0`).(bool); !ok {
		t.Error("the QR code did not load")
	}
	code, err := totp.GenerateCode(secret, time.Now())
	if err != nil {
		t.Fatalf("key %q: %v", secret, err)
	}
	cole.typeInto("#code", code)
	cole.click(`form[action="/console/account/totp/confirm"] button`, "/console/account?done=totp")
	cole.screenshot(1024, filepath.Join(artifacts, "console-account-totp-en-1024.png"))
	cole.accessible("my account with TOTP on")
	cole.signOut()

	// Signing in now asks for a code (the next step's: a code works once).
	cole.navigate(base+"/console/sign-in", "/console/sign-in")
	cole.typeInto("#email", "cole@example.com")
	cole.typeInto("#password", "correct horse battery")
	cole.click(`form[action="/console/sign-in"] button`, "/console/sign-in/code")
	used := time.Now().Add(30 * time.Second)
	next, _ := totp.GenerateCode(secret, used)
	cole.accessible("the sign-in code step")
	cole.typeInto("#code", next)
	cole.click(`form[action="/console/sign-in/code"] button`, "/console/incidents")

	// Comms may not open the admin page.
	cole.navigate(base+"/console/admin/people", "/console/admin/people")
	if html := cole.text(); !strings.Contains(html, "Your role may not open this page.") || strings.Contains(html, "Add a person") {
		t.Errorf("comms on the admin page:\n%s", tail(html, 2000))
	}

	// The admin ends Cole's sessions: Cole's next page is the sign-in form.
	admin.navigate(base+"/console/admin/people", "/console/admin/people")
	id, _ := admin.eval(`[...document.querySelectorAll("tr[id^=p-]")].find(r => r.textContent.includes("Cole Comms")).id.slice(2)`).(string)
	admin.click(`form[action="/console/admin/people/`+id+`/end-sessions"] button`, "/console/admin/people?done=sessions")
	cole.navigate(base+"/console/incidents", "/console/sign-in?next=")
	// Signed in again, then disabled: the open page ends at once.
	cole.typeInto("#email", "cole@example.com")
	cole.typeInto("#password", "correct horse battery")
	cole.click(`form[action="/console/sign-in"] button`, "/console/sign-in/code")
	// A later step than the one used, within a step of now: wait for it.
	for time.Now().Unix()/30 < used.Unix()/30 {
		time.Sleep(time.Second)
	}
	third, _ := totp.GenerateCode(secret, time.Now().Add(30*time.Second))
	cole.typeInto("#code", third)
	cole.click(`form[action="/console/sign-in/code"] button`, "/console/incidents")
	admin.click(`form[action="/console/admin/people/`+id+`/disable"] button`, "/console/admin/people?done=disable")
	cole.navigate(base+"/console/incidents", "/console/sign-in?next=")
	// The admin cannot disable themself: the page says so.
	self, _ := admin.eval(`[...document.querySelectorAll("tr[id^=p-]")].find(r => r.textContent.includes("Ada Admin")).id.slice(2)`).(string)
	admin.click(`form[action="/console/admin/people/`+self+`/disable"] button`, "/console/admin/people/"+self+"/disable")
	if html := admin.text(); !strings.Contains(html, "You cannot disable yourself") {
		t.Errorf("self-disable:\n%s", tail(html, 2000))
	}

	// The admin page in Japanese.
	admin.navigate(base+"/console/lang?l=ja&next=/console/admin/people", "/console/admin/people")
	html := admin.text()
	for _, want := range []string{`<html lang="ja">`, "利用者とトークン", "無効", "利用者の追加", "Cole Comms"} {
		if !strings.Contains(html, want) {
			t.Errorf("Japanese admin page lacks %q", want)
		}
	}
	admin.eval(`document.querySelectorAll("details").forEach(d => d.open = true)`)
	admin.accessible("the admin page in Japanese")
	admin.navigate(base+"/console/api", "/console/api")
	admin.accessible("the API reference")
	admin.navigate(base+"/console/lang?l=ja&next=/console/admin/people", "/console/admin/people")
	admin.eval(`document.querySelectorAll("details").forEach(d => d.open = true)`)
	admin.screenshot(1280, filepath.Join(artifacts, "console-people-ja-1280.png"))
	admin.screenshot(390, filepath.Join(artifacts, "console-people-ja-390.png"))
}
