package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/candor-dev/candor/internal/smtptest"
	"github.com/candor-dev/candor/internal/testenv"
)

// TestSeedCaseInConsole is the Kawasaki case from an empty database to a
// completed send and a published statement, entirely through the console:
// comms signs in, creates the incident (found 11 June 2020 in Tokyo) with
// its Japanese facts, adds the first event, uploads the customers, drafts
// the customer notice and the statement from the defaults, previews the
// notice in Japanese, submits both; legal approves both, sends the
// notice and watches it complete, publishes the statement; the deadline
// board shows the late duties. Every page on the way passes axe.
func TestSeedCaseInConsole(t *testing.T) {
	chrome := chromium(t)
	bin := buildCandor(t)
	artifacts := filepath.Join(repoRoot(t), "test-artifacts")
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	mail := smtptest.Start(t)
	base, cli := startCandor(t, bin, testenv.SQLite(t), "CANDOR_SMTP_URL="+mail.URL(), "CANDOR_MAIL_FROM=notices@example.com")

	// Two people, made by an admin on the command line; they set their
	// passwords through the links.
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

	// Comms: the incident, as it was known on 11 June 2020 in Tokyo.
	p.signInAs(base, "chika@example.com", base+"/console/incidents")
	p.click(`a[href="/console/incidents/new"]`, "/console/incidents/new")
	p.setField("#title", "Unauthorized access to Kawasaki Group")
	p.setField("#summary", "On June 11, 2020, an internal audit found a connection from an overseas office (Thailand) to a server in Japan that should not have occurred.")
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
	p.setField(`[id="new.summary"]`, "2020年6月11日、社内監査により、海外拠点（タイ）から日本国内のサーバーへの本来発生しないはずの接続が判明いたしました。")
	p.setField(`[id="new.reporting_entity"]`, "川崎重工業株式会社")
	p.eval(`document.querySelector('form[action="/console/incidents"] button[type=submit]').click()`)
	p.waitText(`document.querySelector("h1") ? document.querySelector("h1").textContent : ""`, "Unauthorized access to Kawasaki Group")
	id := strings.TrimPrefix(p.eval(`location.pathname`).(string), "/console/incidents/")
	room := base + "/console/incidents/" + id
	p.eval(`document.querySelector("#timeline details").open = true`)
	p.eval(`document.querySelector("#occurred_on").value = "2020-06-11"`)
	p.setField("#description", "Identified unauthorized access from an overseas office in Thailand")
	p.eval(`document.querySelector('input[name=public][value=true]').checked = true`)
	p.setField(`[id="translations.ja.description"]`, "タイの海外拠点からの不正アクセスを確認")
	p.eval(`document.querySelector('form[action$="/events"] button[type=submit]').click()`)
	p.waitText(`document.querySelector("#timeline ol") ? document.querySelector("#timeline ol").textContent : ""`, "Identified unauthorized access")
	p.accessible("the seed case's room")

	// The customers, uploaded.
	p.navigate(room+"/customers/import", "/customers/import")
	csv := "external_id,name,email,country,locale,data_categories\\n" +
		"c-1,山田 花子,hanako@example.jp,JP,ja,name;email\\n" +
		"c-2,佐藤 健,ken.sato@example.jp,JP,ja,name;email\\n" +
		"c-3,Somchai Prasert,somchai@example.co.th,TH,th,name;email\\n" +
		"c-4,Juan Dela Cruz,juan@example.ph,PH,en,name;email\\n"
	p.eval(`(() => { const dt = new DataTransfer();
		dt.items.add(new File(["` + csv + `"], "customers.csv", {type: "text/csv"}));
		document.querySelector("#file").files = dt.files; })()`)
	p.eval(`document.querySelector('#import-form button[type=submit]').click()`)
	p.waitText(`document.querySelector("#import-form").dataset.state || ""`, "done")
	if n := p.number("#import-accepted"); n != 4 {
		t.Fatalf("imported %d customers, want 4", n)
	}

	// The customer notice from the defaults, previewed in Japanese for a
	// customer in Japan: the JST date, no English paragraph.
	list := room + "/disclosures"
	p.navigate(list, "/disclosures")
	p.typeInto("#title", "Notice to customers")
	p.eval(`document.querySelector("#from_default").checked = true`)
	p.click(`form.draft-new button[type=submit]`, "/console/disclosures/")
	notice := strings.SplitN(p.eval(`location.pathname`).(string), "?", 2)[0]
	p.navigate(base+notice+"?variant=ja", "variant=ja")
	p.waitPanel(`subject !== ""`)
	doc := p.previewHTML()
	for _, want := range []string{"2020年6月11日", "山田 花子", "タイの海外拠点からの不正アクセスを確認", "川崎重工業株式会社"} {
		if !strings.Contains(doc, want) {
			t.Errorf("the Japanese preview lacks %q", want)
		}
	}
	if english := p.englishParagraphs(); len(english) > 0 {
		t.Errorf("English in the Japanese preview: %q", english)
	}
	p.screenshot(1400, filepath.Join(artifacts, "console-seed-notice-ja-1400.png"))
	p.navigate(base+notice+"?variant=en", "variant=en")
	p.waitPanel(`subject !== ""`)
	if doc := p.previewHTML(); !strings.Contains(doc, "11 June 2020") {
		t.Errorf("the English preview lacks the discovery date:\n%s", tail(doc, 2000))
	}
	p.accessible("the notice's editor")
	submit := func(editor string) {
		t.Helper()
		p.navigate(base+editor, editor)
		for _, l := range []string{"th", "id", "fil"} {
			p.eval(fmt.Sprintf(`(e => e && (e.checked = true))(document.querySelector("#accept-%s"))`, l))
		}
		p.click("#draft-submit", "done=submitted")
	}
	submit(notice)

	// The public statement from the defaults.
	p.navigate(list, "/disclosures")
	p.eval(`document.querySelector("#kind").value = "public_statement"`)
	p.typeInto("#title", "Concerning unauthorized access to Kawasaki Group")
	p.eval(`document.querySelector("#from_default").checked = true`)
	p.click(`form.draft-new button[type=submit]`, "/console/disclosures/")
	statement := strings.SplitN(p.eval(`location.pathname`).(string), "?", 2)[0]
	submit(statement)
	if p.has("#draft-approve") {
		t.Fatal("comms is offered the approval")
	}
	p.signOut()

	// Legal: approves both (four eyes: Rita edited neither), sends the
	// notice and watches it complete without reloading, publishes the
	// statement now.
	p.signInAs(base, "rita@example.com", base+notice)
	p.click("#draft-approve", "done=approved")
	p.navigate(base+statement, statement)
	p.click("#draft-approve", "done=approved")
	p.navigate(room+"/sends", "/sends")
	noticeID := strings.TrimPrefix(notice, "/console/disclosures/")
	p.click(`form[action="/console/disclosures/`+noticeID+`/sends"] button`, "/console/sends/")
	p.eval(`window.candorMarker = 7`)
	p.waitText(`document.querySelector('[data-field="state_label"]').textContent`, "completed")
	if m, _ := p.eval(`window.candorMarker`).(float64); m != 7 {
		t.Error("the progress view reloaded to reach completed")
	}
	if n := p.number(`[data-field="sent"]`); n != 4 {
		t.Errorf("completed with %d sent, want 4", n)
	}
	if got := len(mail.Recipients()); got != 4 {
		t.Errorf("the SMTP server received mail for %d recipients, want 4", got)
	}
	p.accessible("the completed send")
	p.screenshot(1024, filepath.Join(artifacts, "console-seed-send-completed-en-1024.png"))

	stmt := "/console/incidents/" + id + "/statement"
	statementID := strings.TrimPrefix(statement, "/console/disclosures/")
	p.navigate(base+stmt, stmt)
	p.typeInto("#slug-"+statementID, "kawasaki-2020")
	p.click(`form[action="/console/disclosures/`+statementID+`/publications"] button[name=now]`, stmt)
	if s, _, body := get(t, base+"/statements/kawasaki-2020?lang=ja"); s != 200 || !strings.Contains(body, "2020年6月11日") {
		t.Fatalf("the published statement: %d\n%s", s, tail(body, 2000))
	}
	p.accessible("the statement page")

	// The deadline board: six months after discovery, the duties are late.
	p.navigate(room+"/deadlines", "/deadlines")
	html := p.text()
	if !strings.Contains(html, "OVERDUE") && !strings.Contains(html, "MET LATE") {
		t.Errorf("the deadline board shows no late duty:\n%s", tail(html, 3000))
	}
	p.accessible("the deadline board")
	p.screenshot(1280, filepath.Join(artifacts, "console-seed-deadlines-en-1280.png"))
	p.navigate(base+"/console/lang?l=ja&next=/console/incidents/"+id+"/deadlines", "/deadlines")
	if html := p.text(); !strings.Contains(html, "期限超過") && !strings.Contains(html, "MET LATE") {
		t.Errorf("the Japanese deadline board shows no late duty")
	}
	p.screenshot(1280, filepath.Join(artifacts, "console-seed-deadlines-ja-1280.png"))
}
