package e2e

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor/internal/testenv"
)

// draftServer runs the real binary on SQLite with the Kawasaki
// organisation; cli runs a candor command against the same database.
func draftServer(t *testing.T, bin string) (base string, cli func(args ...string) string) {
	t.Helper()
	return startCandor(t, bin, testenv.SQLite(t))
}

var inviteLink = regexp.MustCompile(`(?m)^(http\S+/console/set-password\?token=\S+)$`)

// TestConsoleDraftsInBrowser: in Chromium, a comms person drafts the
// Kawasaki customer notice in English and Japanese with the preview
// beside the editor, and submits it; the preview of the Japanese variant
// shows the discovery in JST and no English paragraph. A legal person
// approves; a legal person who edited the next revision is refused in
// plain words and another approves it. Screenshots of the editor in both
// languages go to test-artifacts/.
func TestConsoleDraftsInBrowser(t *testing.T) {
	chrome := chromium(t)
	bin := buildCandor(t)
	artifacts := filepath.Join(repoRoot(t), "test-artifacts")
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	base, cli := draftServer(t, bin)
	people := map[string]string{"chika@example.com": "comms", "rita@example.com": "legal", "ken@example.com": "legal"}
	names := map[string]string{"chika@example.com": "Chika Sato", "rita@example.com": "Rita Tanaka", "ken@example.com": "Ken Mori"}
	for email, role := range people {
		cli("person", "create", "--email", email, "--name", names[email], "--role", role)
	}
	comms := strings.TrimSpace(cli("token", "create", "--name", "e2e setup", "--role", "comms"))
	api := client{t: t, base: base}
	status, in := api.call("POST", "/api/v1/incidents", comms, map[string]any{
		"title":         "Unauthorized access to Kawasaki Group",
		"summary":       "On June 11, 2020, an internal system audit revealed a connection to a server in Japan from an overseas office (Thailand) that should not have occurred.",
		"discovered_at": "2020-06-11T00:00:00+09:00", "timezone": "Asia/Tokyo", "severity": "high", "malicious": true,
		"cause": "unauthorized_access", "data_categories": []string{"contact_details", "business_records"},
		"reporting_entity": map[string]any{"name": "Kawasaki Heavy Industries, Ltd.", "country": "JP"},
		"translations": map[string]any{"ja": map[string]any{"title": "当社グループへの不正アクセスについて",
			"summary":          "2020年6月11日、社内監査により、海外拠点（タイ）から日本国内のサーバーへの本来発生しないはずの接続が判明いたしました。",
			"reporting_entity": "川崎重工業株式会社"}},
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
	csv := "email,name,locale,country\nhanako@example.jp,山田 花子,ja,JP\nken.sato@example.jp,佐藤 健,ja,JP\njuan@example.ph,Juan Dela Cruz,en,PH\n"
	req, _ := http.NewRequest("POST", base+"/api/v1/incidents/"+id+"/customers/import", strings.NewReader(csv))
	req.Header.Set("Authorization", "Bearer "+comms)
	req.Header.Set("Content-Type", "text/csv")
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != 200 {
		t.Fatalf("import: %v %v", res, err)
	}

	p := openPage(t, chrome)
	p.call("Emulation.setUserAgentOverride", map[string]any{"userAgent": "candor-e2e", "acceptLanguage": "en-GB,en"})
	for email := range people {
		link := inviteLink.FindStringSubmatch(cli("person", "invite", "--email", email))
		if link == nil {
			t.Fatal("no invitation link")
		}
		p.navigate(link[1], "/console/set-password")
		p.typeInto("#password", "correct horse battery")
		p.typeInto("#confirm", "correct horse battery")
		p.click(`form[action="/console/set-password"] button`, "/console/sign-in?done=1")
	}
	list := base + "/console/incidents/" + id + "/disclosures"

	// Comms: the notice from the default templates.
	p.signInAs(base, "chika@example.com", list)
	p.accessible("the disclosure list")
	p.typeInto("#title", "Notice to customers")
	p.click(`form.draft-new button[type=submit]`, "/console/disclosures/")
	editor := strings.SplitN(p.eval(`location.pathname`).(string), "?", 2)[0]

	// English: type a new subject; the script re-renders the preview
	// after the pause, and Save makes revision 2.
	p.navigate(base+editor+"?variant=en", "variant=en")
	p.setField("#subject", "Notice of Data Breach: unauthorized access to Kawasaki Group")
	p.waitPanel(`subject === "Notice of Data Breach: unauthorized access to Kawasaki Group"`)
	doc := p.previewHTML()
	if !strings.Contains(doc, "Notice of Data Breach") || !strings.Contains(doc, "11 June 2020") {
		t.Fatalf("English preview:\n%s", tail(doc, 3000))
	}
	p.click("#draft-save", "saved=2")
	p.waitPanel(`subject !== ""`)
	p.accessible("the editor")
	p.screenshot(1400, filepath.Join(artifacts, "console-draft-editor-en-1400.png"))

	// Japanese, with the console in Japanese: the discovery time in the
	// body, previewed for a customer in Japan.
	p.navigate(base+"/console/lang?l=ja&next="+editor+"%3Fvariant%3Dja", "variant=ja")
	body, _ := p.eval(`document.querySelector("#body").value`).(string)
	p.eval(fmt.Sprintf(`document.querySelector("#body").value = %q`, strings.Replace(body, "<h2>1. 概要</h2>",
		"<p>発覚日時：{{datetime .Incident.DiscoveredAt}}</p>\n<h2>1. 概要</h2>", 1)))
	p.setField("#subject", "【重要】当社グループへの不正アクセスに関するお知らせ")
	p.waitPanel(`subject === "【重要】当社グループへの不正アクセスに関するお知らせ"`)
	doc = p.previewHTML()
	for _, want := range []string{"発覚日時：2020年6月11日 0時00分（JST）", "山田 花子 様", "タイの海外拠点からの不正アクセスを確認", "川崎重工業株式会社"} {
		if !strings.Contains(doc, want) {
			t.Errorf("Japanese preview lacks %q", want)
		}
	}
	if english := p.englishParagraphs(); len(english) > 0 {
		t.Errorf("English in the Japanese preview: %q", english)
	}
	if sb, _ := p.eval(`document.querySelector("#draft-preview").contentDocument.querySelector("#preview-html").getAttribute("sandbox")`).(string); sb != "" {
		t.Errorf("message frame sandbox=%q, want empty (nothing allowed)", sb)
	}
	p.click("#draft-save", "saved=3")
	p.waitPanel(`subject.startsWith("【重要】")`)
	p.accessible("the editor in Japanese")
	p.screenshot(1400, filepath.Join(artifacts, "console-draft-editor-ja-1400.png"))

	// Submit, sending Thai, Indonesian and Filipino with the English facts.
	for _, l := range []string{"th", "id", "fil"} {
		p.eval(fmt.Sprintf(`document.querySelector("#accept-%s").checked = true`, l))
	}
	p.click("#draft-submit", "done=submitted")
	if p.has("#draft-approve") {
		t.Fatal("comms sees an approve button")
	}
	p.signOut()

	// Ken (legal, no part in it) approves revision 3.
	p.signInAs(base, "ken@example.com", base+editor)
	p.click("#draft-approve", "done=approved")
	if !strings.Contains(p.text(), "Revision 3 is approved.") && !strings.Contains(p.text(), "第 3 版は承認済みです。") {
		t.Fatalf("after approval:\n%s", tail(p.text(), 3000))
	}
	p.signOut()

	// Rita (legal) edits the English subject and submits revision 4: she
	// may not approve it, is told why, and a forced POST is refused.
	p.signInAs(base, "rita@example.com", base+editor+"?variant=en")
	p.setField("#subject", "Notice of Data Breach – Kawasaki Heavy Industries, Ltd.")
	p.click("#draft-save", "saved=4")
	for _, l := range []string{"th", "id", "fil"} {
		p.eval(fmt.Sprintf(`document.querySelector("#accept-%s").checked = true`, l))
	}
	p.click("#draft-submit", "done=submitted")
	const refusal = "You edited revision 4; another legal person must approve it."
	if p.has("#draft-approve") || !strings.Contains(p.text(), refusal) {
		t.Fatalf("the editor may approve, or is not told why:\n%s", tail(p.text(), 3000))
	}
	p.eval(`(() => { const f = document.createElement("form"); f.method = "post"; f.action = location.pathname + "/approve";
		for (const [k, v] of [["csrf", document.querySelector("input[name=csrf]").value], ["revision", "4"]]) {
			const i = document.createElement("input"); i.type = "hidden"; i.name = k; i.value = v; f.appendChild(i) }
		document.body.appendChild(f); f.submit() })()`)
	time.Sleep(300 * time.Millisecond)
	p.waitFor(editor + "/approve")
	if !strings.Contains(p.text(), refusal) {
		t.Fatalf("forced approval by the editor:\n%s", tail(p.text(), 3000))
	}
	p.screenshot(1400, filepath.Join(artifacts, "console-draft-four-eyes-1400.png"))
	p.signOut()
	p.signInAs(base, "ken@example.com", base+editor)
	p.click("#draft-approve", "done=approved")
	if !strings.Contains(p.text(), "Revision 4 is approved.") {
		t.Fatalf("Ken approving revision 4:\n%s", tail(p.text(), 3000))
	}

	// The history shows the side-by-side diff of what Rita changed.
	p.navigate(base+editor+"/revisions?from=3&to=4", "/revisions")
	if html := p.text(); !strings.Contains(html, "variants.en.subject") || !strings.Contains(html, `class="insert"`) {
		t.Fatalf("diff:\n%s", tail(html, 3000))
	}
	p.accessible("the revision history")
}

// signInAs signs in through the form, to next.
func (p *page) signInAs(base, email, next string) {
	p.t.Helper()
	p.navigate(base+"/console/sign-in?next="+strings.TrimPrefix(next, base), "/console/sign-in")
	p.typeInto("#email", email)
	p.typeInto("#password", "correct horse battery")
	p.click(`form[action="/console/sign-in"] button`, strings.SplitN(strings.TrimPrefix(next, base), "?", 2)[0])
}

func (p *page) signOut() {
	p.t.Helper()
	p.click(`form[action="/console/sign-out"] button`, "/")
	p.call("Network.clearBrowserCookies", nil)
}

// setField replaces a field's text by typing, as a person would (the
// input events start the live preview).
func (p *page) setField(selector, text string) {
	p.t.Helper()
	p.eval(fmt.Sprintf(`document.querySelector(%q).value = ""`, selector))
	p.typeInto(selector, text)
}

func (p *page) has(selector string) bool {
	ok, _ := p.eval(fmt.Sprintf(`document.querySelector(%q) !== null`, selector)).(bool)
	return ok
}

// waitPanel waits until cond holds of the preview panel's subject.
func (p *page) waitPanel(cond string) {
	p.t.Helper()
	expr := `(() => { const d = document.querySelector("#draft-preview").contentDocument;
		const s = d && d.readyState === "complete" && d.querySelector("#preview-subject");
		if (!s) return false; const subject = s.textContent; return ` + cond + ` })()`
	for deadline := time.Now().Add(20 * time.Second); ; {
		if ok, _ := p.eval(expr).(bool); ok {
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("the preview never showed %s", cond)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// previewHTML is the message's HTML as the sandboxed frame holds it.
func (p *page) previewHTML() string {
	s, _ := p.eval(`document.querySelector("#draft-preview").contentDocument.querySelector("#preview-html").srcdoc`).(string)
	return s
}

// englishParagraphs lists the message's paragraphs, headings, list items
// and cells written in English words.
func (p *page) englishParagraphs() []string {
	v, _ := p.eval(`(() => {
		const html = document.querySelector("#draft-preview").contentDocument.querySelector("#preview-html").srcdoc;
		const doc = new DOMParser().parseFromString(html, "text/html");
		return [...doc.querySelectorAll("p, h1, h2, h3, li, td")].filter(e => !e.querySelector("p, h1, h2, h3, li, td"))
			.map(e => e.textContent.trim()).filter(t => /[A-Za-z]{3,}[ ,.]+[A-Za-z]{3,}/.test(t) && !/[\u3040-\u30ff\u4e00-\u9fff]/.test(t));
	})()`).([]any)
	var out []string
	for _, x := range v {
		out = append(out, fmt.Sprint(x))
	}
	return out
}
