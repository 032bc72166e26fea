package e2e

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor/internal/smtptest"
	"github.com/candor-dev/candor/internal/testenv"
)

// TestConsoleSendsInBrowser runs the real binary (API and worker) with the
// SMTP test server. In Chromium, a legal person starts the send of an
// approved notice to six customers, pauses and resumes it, and watches the
// progress view reach "completed" without reloading (the script polls);
// then schedules the statement a few seconds ahead, sees it embargoed with
// its countdown, and finds it live on the public page once the time
// passes. Screenshots in English and Japanese go to test-artifacts/.
func TestConsoleSendsInBrowser(t *testing.T) {
	chrome := chromium(t)
	bin := buildCandor(t)
	artifacts := filepath.Join(repoRoot(t), "test-artifacts")
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	mail := smtptest.Start(t)
	// One message a second: the send lasts long enough to pause it.
	base, cli := startCandor(t, bin, testenv.SQLite(t), "CANDOR_SMTP_URL="+mail.URL(), "CANDOR_MAIL_RATE=1", "CANDOR_MAIL_FROM=notices@example.com")

	// The incident, its customers, an approved notice and an approved
	// statement, through the API (comms drafts, another person approves).
	cli("person", "create", "--email", "rita@example.com", "--name", "Rita Tanaka", "--role", "legal")
	comms, approver := cli("token", "create", "--name", "e2e comms", "--role", "comms"), cli("token", "create", "--name", "e2e legal", "--role", "legal")
	api := client{t: t, base: base}
	status, in := api.call("POST", "/api/v1/incidents", comms, map[string]any{
		"title": "Unauthorized access to Kawasaki Group", "summary": "A connection from the Thai office to a server in Japan.",
		"discovered_at": "2020-06-11T00:00:00+09:00", "timezone": "Asia/Tokyo", "severity": "high", "data_categories": []string{"name", "email"},
		"translations": map[string]any{"ja": map[string]any{"title": "当社グループへの不正アクセスについて"}},
	})
	if status != 201 {
		t.Fatalf("incident: %d %v", status, in)
	}
	id := in["id"].(string)
	var csv strings.Builder
	csv.WriteString("external_id,email,country,locale\n")
	for i := range 6 {
		fmt.Fprintf(&csv, "k%d,person%d@example.jp,JP,%s\n", i, i, []string{"ja", "en"}[i%2])
	}
	req, _ := http.NewRequest("POST", base+"/api/v1/incidents/"+id+"/customers/import", strings.NewReader(csv.String()))
	req.Header.Set("Authorization", "Bearer "+comms)
	req.Header.Set("Content-Type", "text/csv")
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != 200 {
		t.Fatalf("import: %v %v", res, err)
	}
	approve := func(body map[string]any) string {
		s, disc := api.call("POST", "/api/v1/incidents/"+id+"/disclosures", comms, body)
		if s != 201 {
			t.Fatalf("disclosure: %d %v", s, disc)
		}
		did, rev := disc["id"].(string), disc["revision"]
		submit := map[string]any{"revision": rev, "accept_untranslated": []string{"fil", "id", "ja", "th"}}
		if s, b := api.call("POST", "/api/v1/disclosures/"+did+"/submit", comms, submit); s != 200 {
			t.Fatalf("submit: %d %v", s, b)
		}
		if s, b := api.call("POST", "/api/v1/disclosures/"+did+"/approve", approver, map[string]any{"revision": rev}); s != 200 {
			t.Fatalf("approve: %d %v", s, b)
		}
		return did
	}
	notice := approve(map[string]any{"kind": "customer_notice", "from_default": true})
	statement := approve(map[string]any{"kind": "public_statement", "title": "Kawasaki statement", "default_locale": "en", "variants": statementVariants})

	// Rita sets her password and signs in.
	out := cli("person", "invite", "--email", "rita@example.com")
	link := out[strings.Index(out, "http"):]
	link = strings.Fields(link)[0]
	p := openPage(t, chrome)
	p.call("Emulation.setUserAgentOverride", map[string]any{"userAgent": "candor-e2e", "acceptLanguage": "en-GB,en"})
	p.navigate(link, "/console/set-password")
	p.typeInto("#password", "correct horse battery")
	p.typeInto("#confirm", "correct horse battery")
	p.click(`form[action="/console/set-password"] button`, "/console/sign-in?done=1")
	p.typeInto("#email", "rita@example.com")
	p.typeInto("#password", "correct horse battery")
	p.click(`form[action="/console/sign-in"] button`, "/console/incidents")

	// The send: from the incident room to the sends page, started now.
	p.navigate(base+"/console/incidents/"+id, "/console/incidents/"+id)
	p.click(`a[href="/console/incidents/`+id+`/sends"]`, "/sends")
	p.screenshot(1024, filepath.Join(artifacts, "console-sends-en-1024.png"))
	p.click(`form[action="/console/disclosures/`+notice+`/sends"] button`, "/console/sends/")
	view, _ := p.eval(`location.pathname`).(string)
	// Paused before it is done (one message a second, six of them).
	p.click(`form[action$="/pause"] button`, view)
	p.waitText(`document.querySelector('[data-field="state_label"]').textContent`, "paused")
	sent := p.number(`[data-field="sent"]`)
	if sent >= 6 {
		t.Fatalf("the send finished before the pause (%d sent)", sent)
	}
	p.screenshot(1024, filepath.Join(artifacts, "console-send-paused-en-1024.png"))
	time.Sleep(2 * time.Second) // a paused send sends nothing more (the chunk in flight aside)
	p.click(`form[action$="/resume"] button`, view)
	p.waitText(`document.querySelector('[data-field="state_label"]').textContent`, "running")
	// From here the page is never reloaded: a marker set now is still
	// there when the script has shown the send completed.
	p.eval(`window.candorMarker = 42`)
	p.waitText(`document.querySelector('[data-field="state_label"]').textContent`, "completed")
	if m, _ := p.eval(`window.candorMarker`).(float64); m != 42 {
		t.Fatal("the progress view reloaded to reach completed")
	}
	if f, _ := p.eval(`document.querySelector('[data-field="finished"]').textContent`).(string); !strings.HasPrefix(f, "· finished ") {
		t.Errorf("finished shown as %q", f)
	}
	if n := p.number(`[data-field="sent"]`); n != 6 {
		t.Errorf("completed with %d sent, want 6", n)
	}
	if hidden, _ := p.eval(`document.querySelector('form[action$="/pause"]').hidden && document.querySelector('form[action$="/cancel"]').hidden`).(bool); !hidden {
		t.Error("pause and cancel still offered on a completed send")
	}
	if got := len(mail.Recipients()); got != 6 {
		t.Errorf("the SMTP server received mail for %d recipients, want 6", got)
	}
	p.screenshot(1024, filepath.Join(artifacts, "console-send-completed-en-1024.png"))
	p.screenshot(390, filepath.Join(artifacts, "console-send-completed-en-390.png"))
	// The per-customer lookup.
	p.typeInto("#q", "PERSON3@example.jp")
	p.click(`form.inline button`, "q=")
	if html := p.text(); !strings.Contains(html, "person3@example.jp") || !strings.Contains(html, "<strong>sent</strong>") {
		t.Errorf("lookup:\n%s", tail(html, 2000))
	}
	p.navigate(base+"/console/lang?l=ja&next="+view, view)
	if html := p.text(); !strings.Contains(html, "送信の進捗") || !strings.Contains(html, "完了") {
		t.Errorf("progress in Japanese:\n%s", tail(html, 2000))
	}
	p.screenshot(1024, filepath.Join(artifacts, "console-send-completed-ja-1024.png"))
	p.navigate(base+"/console/lang?l=en&next=/console/incidents", "/console/incidents")

	// The statement: scheduled 20 s ahead, in Tokyo time to the second.
	stmt := "/console/incidents/" + id + "/statement"
	p.navigate(base+stmt, stmt)
	at := time.Now().Add(20 * time.Second).Truncate(time.Second)
	p.typeInto("#slug-"+statement, "kawasaki-2020")
	p.eval(fmt.Sprintf(`document.getElementById("publish_at-%s").value = %q`, statement, at.In(tokyo(t)).Format("2006-01-02T15:04:05")))
	p.click(`form[action="/console/disclosures/`+statement+`/publications"] button:not([name])`, stmt)
	html := p.text()
	if !strings.Contains(html, "Embargoed") || !strings.Contains(html, at.In(tokyo(t)).Format("15:04 JST")) || strings.Contains(html, "Nothing is scheduled.") {
		t.Fatalf("statement page after scheduling:\n%s", tail(html, 3000))
	}
	p.waitText(`document.querySelector("[data-until]").textContent`, " s") // the countdown ticks
	p.screenshot(1024, filepath.Join(artifacts, "console-statement-embargoed-en-1024.png"))
	if s, _, _ := get(t, base+"/statements/kawasaki-2020"); s != 404 {
		t.Fatalf("embargoed statement public: %d", s)
	}
	p.navigate(base+"/console/lang?l=ja&next="+stmt, stmt)
	if html := p.text(); !strings.Contains(html, "公開前（エンバーゴ）") || !strings.Contains(html, "あと") {
		t.Errorf("statement page in Japanese:\n%s", tail(html, 3000))
	}
	p.screenshot(1024, filepath.Join(artifacts, "console-statement-embargoed-ja-1024.png"))
	time.Sleep(time.Until(at) + time.Second)
	p.navigate(base+stmt, stmt)
	if html := p.text(); !strings.Contains(html, "公開中") || !strings.Contains(html, base+"/statements/kawasaki-2020") {
		t.Errorf("statement page once live:\n%s", tail(html, 3000))
	}
	p.screenshot(1024, filepath.Join(artifacts, "console-statement-live-ja-1024.png"))
	p.click(`.card.live a`, "/statements/kawasaki-2020")
	if html := p.text(); !strings.Contains(html, "Kawasaki") {
		t.Errorf("public page:\n%s", tail(html, 2000))
	}
	p.screenshot(1024, filepath.Join(artifacts, "console-statement-public-1024.png"))
}

// waitText waits until the expression's text contains want.
func (p *page) waitText(expr, want string) {
	p.t.Helper()
	for deadline := time.Now().Add(60 * time.Second); ; {
		if s, _ := p.eval(expr).(string); strings.Contains(s, want) {
			return
		}
		if time.Now().After(deadline) {
			got, _ := p.eval(expr).(string)
			p.t.Fatalf("%s never showed %q (shows %q)", expr, want, got)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// number reads an element's text as an integer.
func (p *page) number(selector string) int {
	p.t.Helper()
	n, _ := p.eval(fmt.Sprintf(`parseInt(document.querySelector(%q).textContent, 10)`, selector)).(float64)
	return int(n)
}

func tokyo(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
