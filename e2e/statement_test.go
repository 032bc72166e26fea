// Package e2e drives the real candor binary end to end: a public statement
// is scheduled through the API and read in headless Chromium, before and
// after its publish_at.
package e2e

import (
	"bytes"
	"context"
	"crypto/hmac"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/jobs"
)

// testKey is a fixed data key (customer data is not used here).
const testKey = "0000000000000000000000000000000000000000000000000000000000000001"

// The statement, after Kawasaki Heavy Industries' of 28 December 2020, in
// English and Japanese.
var statementVariants = map[string]candor.Variant{
	"en": {
		Subject: "Concerning Unauthorized Access to Kawasaki Group",
		Body: `<p>{{.Org.Name}} announced that it was subject to unauthorized access from outside the company. As a result of a thorough investigation, we have discovered that some information from overseas offices may have been leaked to external parties.</p>
<h2>1. Summary</h2>
<p>{{.Incident.Summary}}</p>
<h2>2. Course of events</h2>
<ul>{{range .Incident.Events}}<li>{{date .Date}}: {{.Description}}</li>{{end}}</ul>
<h2>3. Contact</h2>
<p><a href="mailto:{{.Org.ContactEmail}}">{{.Org.ContactEmail}}</a>. This statement: <a href="{{.Statement.URL}}">{{.Statement.URL}}</a></p>`,
	},
	"ja": {
		Subject: "当社グループへの不正アクセスについて",
		Body: `<p>{{.Org.Name}}は、社外からの不正アクセスを受けたことを確認いたしました。調査の結果、海外拠点の一部の情報が外部に流出した可能性があることが判明いたしました。</p>
<h2>1. 概要</h2>
<p>{{date .Incident.DiscoveredAt}}、社内監査により、海外拠点（タイ）から日本国内のサーバーへの本来発生しないはずの接続が判明いたしました。</p>
<h2>2. 経緯</h2>
<ul>{{range .Incident.Events}}<li>{{date .Date}}　{{.Description}}</li>{{end}}</ul>
<h2>3. お問い合わせ先</h2>
<p><a href="mailto:{{.Org.ContactEmail}}">{{.Org.ContactEmail}}</a></p>`,
	},
}

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("repository root not found from %s", root)
	}
	return root
}

// chromium returns Debian's chromium. It is installed by `make test`; a
// machine without it fails this test, which never skips.
func chromium(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/chromium", "chromium", "chromium-browser"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	t.Fatalf("chromium is not installed (CI=%q): run the tests with `make test`, which installs it (apt-get install chromium)", os.Getenv("CI"))
	return ""
}

// browser runs headless Chromium once on url with extra flags, and returns
// what it printed (the DOM with --dump-dom).
func browser(t *testing.T, bin, url string, flags ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--no-proxy-server", "--hide-scrollbars",
		"--user-data-dir=" + t.TempDir()}, flags...)
	cmd := exec.CommandContext(ctx, bin, append(args, url)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", flags, err, tail(errb.String(), 2000))
	}
	return out.String()
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

func buildCandor(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "candor")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/candor")
	cmd.Dir = repoRoot(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build candor: %v\n%s", err, out)
	}
	return bin
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// hookReceiver checks every webhook's signature and keeps the events.
type hookReceiver struct {
	mu     sync.Mutex
	secret string
	events []string
	bad    int
}

func (h *hookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	defer h.mu.Unlock()
	want := jobs.SignWebhook([]byte(h.secret), r.Header.Get("X-Candor-Timestamp"), body)
	if !hmac.Equal([]byte(want), []byte(r.Header.Get("X-Candor-Signature"))) {
		h.bad++
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	var b jobs.WebhookBody
	json.Unmarshal(body, &b)
	h.events = append(h.events, b.Event+" "+b.Slug)
}

func (h *hookReceiver) seen() ([]string, int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.events...), h.bad
}

// client calls the API with a token.
type client struct {
	t    *testing.T
	base string
}

func (c client) call(method, path, token string, body any) (int, map[string]any) {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.base+path, rd)
	req.Header.Set("Authorization", "Bearer "+token)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	var m map[string]any
	json.NewDecoder(res.Body).Decode(&m)
	return res.StatusCode, m
}

func get(t *testing.T, url string) (int, http.Header, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(b)
}

func TestStatementInBrowser(t *testing.T) {
	chrome := chromium(t)
	bin := buildCandor(t)
	artifacts := filepath.Join(repoRoot(t), "test-artifacts")
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) { statementScenario(t, bin, chrome, artifacts, d) })
	}
}

func statementScenario(t *testing.T, bin, chrome, artifacts string, d testenv.DB) {
	redis := testenv.StartRedis(t)
	hook := &hookReceiver{secret: "e2e-secret"}
	hooks := httptest.NewServer(hook) // 127.0.0.1
	t.Cleanup(hooks.Close)
	addr := freeAddr(t)
	base := "http://" + addr

	cmd := exec.Command(bin, "run")
	cmd.Env = append(os.Environ(), "CANDOR_DATABASE_URL="+d.URL, "CANDOR_REDIS_URL="+redis.URL(), "CANDOR_LISTEN="+addr,
		"CANDOR_BASE_URL="+base, "CANDOR_DATA_KEY="+testKey, "CANDOR_ORG_NAME=Kawasaki Heavy Industries, Ltd.",
		"CANDOR_ORG_CONTACT_EMAIL=privacy@example.com", "CANDOR_ORG_TIMEZONE=Asia/Tokyo",
		"CANDOR_PUBLISH_WEBHOOKS="+hooks.URL+"/cms", "CANDOR_PUBLISH_WEBHOOK_SECRET="+hook.secret, "CANDOR_PUBLISH_WEBHOOKS_ALLOW_PRIVATE=true", "CANDOR_LOG_LEVEL=warn")
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
		}
		if t.Failed() {
			t.Logf("candor output:\n%s", tail(logs.String(), 4000))
		}
	})
	for deadline := time.Now().Add(60 * time.Second); ; {
		if s, _, _ := getQuiet(base + "/readyz"); s == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("candor run not ready:\n%s", logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}

	// Tokens from the command line, as an operator makes them.
	token := func(role candor.Role) string {
		tc := exec.Command(bin, "token", "create", "--name", "e2e "+string(role), "--role", string(role))
		tc.Env = cmd.Env
		out, err := tc.Output()
		if err != nil || !strings.HasPrefix(string(out), "cnd_") {
			t.Fatalf("token create: %q %v", out, err)
		}
		return strings.TrimSpace(string(out))
	}
	legal, comms := token(candor.RoleLegal), token(candor.RoleComms)
	api := client{t: t, base: base}
	status, in := api.call("POST", "/api/v1/incidents", comms, map[string]any{
		"title":         "Unauthorized access to Kawasaki Group",
		"summary":       "On June 11, 2020, an internal system audit revealed a connection to a server in Japan from an overseas office (Thailand) that should not have occurred.",
		"discovered_at": "2020-06-11T00:00:00+09:00", "timezone": "Asia/Tokyo", "severity": "high", "data_categories": []string{"name", "email"},
		"translations": map[string]any{"ja": map[string]any{"title": "当社グループへの不正アクセスについて",
			"summary": "2020年6月11日、社内監査により、海外拠点（タイ）から日本国内のサーバーへの本来発生しないはずの接続が判明いたしました。"}},
	})
	if status != 201 {
		t.Fatalf("incident: %d %v", status, in)
	}
	incidentID := in["id"].(string)
	for _, ev := range []map[string]any{
		{"occurred_on": "2020-06-11", "description": "Identified unauthorized access from an overseas office in Thailand", "public": true,
			"translations": map[string]any{"ja": map[string]any{"description": "タイの海外拠点からの不正アクセスを確認"}}},
		{"occurred_on": "2020-06-12", "description": "Internal: forensic vendor engaged", "public": false},
		{"occurred_on": "2020-07-08", "description": "Confirmed suspicious unauthorized access from the office in the United States", "public": true,
			"translations": map[string]any{"ja": map[string]any{"description": "米国の拠点からの不審な不正アクセスを確認"}}},
	} {
		if s, b := api.call("POST", "/api/v1/incidents/"+incidentID+"/events", comms, ev); s != 201 {
			t.Fatalf("event: %d %v", s, b)
		}
	}
	// The statement goes through review: comms drafts and submits, legal
	// approves (four eyes).
	status, disc := api.call("POST", "/api/v1/incidents/"+incidentID+"/disclosures", comms, map[string]any{
		"kind": "public_statement", "title": "Kawasaki statement", "default_locale": "en", "variants": statementVariants})
	if status != 201 {
		t.Fatalf("disclosure: %d %v", status, disc)
	}
	discID, rev := disc["id"].(string), disc["revision"]
	if s, b := api.call("POST", "/api/v1/disclosures/"+discID+"/submit", comms, map[string]any{"revision": rev}); s != 200 {
		t.Fatalf("submit: %d %v", s, b)
	}
	if s, b := api.call("POST", "/api/v1/disclosures/"+discID+"/approve", legal, map[string]any{"revision": rev}); s != 200 || b["state"] != "approved" {
		t.Fatalf("approve: %d %v", s, b)
	}

	publishAt := time.Now().Add(10 * time.Second).Truncate(time.Second)
	status, pub := api.call("POST", "/api/v1/disclosures/"+discID+"/publications", legal,
		map[string]any{"slug": "kawasaki-2020", "publish_at": publishAt})
	if status != 201 || pub["state"] != "scheduled" {
		t.Fatalf("schedule: %d %v", status, pub)
	}
	page := base + "/statements/kawasaki-2020"

	// Before publish_at: nothing, in the browser or anywhere else.
	dom := browser(t, chrome, page, "--dump-dom", "--accept-lang=en-US")
	if strings.Contains(dom, "Concerning Unauthorized Access") || !strings.Contains(dom, "There is no statement at this address") {
		t.Errorf("before publish_at the page shows:\n%s", dom)
	}
	if dom := browser(t, chrome, base+"/statements", "--dump-dom"); strings.Contains(dom, "kawasaki-2020") || strings.Contains(dom, "Concerning") {
		t.Errorf("before publish_at the index shows it:\n%s", dom)
	}
	if _, _, feed := get(t, base+"/statements/feed.atom"); strings.Contains(feed, "kawasaki-2020") {
		t.Errorf("before publish_at the feed shows it:\n%s", feed)
	}
	if s, _, _ := get(t, page+"/v/1"); s != 404 {
		t.Errorf("before publish_at version 1: %d", s)
	}
	if time.Now().After(publishAt) {
		t.Fatal("the embargo checks ran past publish_at; they prove nothing")
	}

	time.Sleep(time.Until(publishAt) + 100*time.Millisecond)

	// English, by Accept-Language.
	dom = browser(t, chrome, page, "--dump-dom", "--accept-lang=en-US,en")
	for _, want := range []string{`<html lang="en"`, "<h1>Concerning Unauthorized Access to Kawasaki Group</h1>",
		"Kawasaki Heavy Industries, Ltd. announced", "11 June 2020: Identified unauthorized access", "8 July 2020",
		"This statement: <a href=\"" + page + "\">"} {
		if !strings.Contains(dom, want) {
			t.Errorf("English page lacks %q", want)
		}
	}
	for _, bad := range []string{"<script", "forensic vendor"} {
		if strings.Contains(dom, bad) {
			t.Errorf("English page holds %q", bad)
		}
	}
	// The language switcher is a plain link; follow it.
	m := regexp.MustCompile(`<a href="([^"]+\?lang=ja)" hreflang="ja" lang="ja">日本語</a>`).FindStringSubmatch(dom)
	if m == nil {
		t.Fatalf("no switch to Japanese in:\n%s", dom)
	}
	ja := browser(t, chrome, strings.ReplaceAll(m[1], "&amp;", "&"), "--dump-dom", "--accept-lang=en-US")
	for _, want := range []string{`<html lang="ja"`, "<h1>当社グループへの不正アクセスについて</h1>", "2020年6月11日",
		"Kawasaki Heavy Industries, Ltd.は、社外からの不正アクセス", `<strong lang="ja" aria-current="page">日本語</strong>`,
		"タイの海外拠点からの不正アクセスを確認"} {
		if !strings.Contains(ja, want) {
			t.Errorf("Japanese page lacks %q", want)
		}
	}
	if strings.Contains(ja, "Identified unauthorized access") {
		t.Error("the Japanese page shows the English timeline")
	}
	if dom := browser(t, chrome, page, "--dump-dom", "--accept-lang=ja-JP,ja"); !strings.Contains(dom, `<html lang="ja"`) {
		t.Errorf("Accept-Language ja did not give Japanese")
	}
	if dom := browser(t, chrome, base+"/statements", "--dump-dom", "--accept-lang=ja"); !strings.Contains(dom, "当社グループへの不正アクセスについて") {
		t.Errorf("index lacks the statement:\n%s", dom)
	}
	_, h, feed := get(t, base+"/statements/feed.atom")
	if !strings.Contains(feed, "<id>"+page+"</id>") {
		t.Errorf("feed lacks the statement:\n%s", feed)
	}
	if _, h, _ = get(t, page); !strings.HasPrefix(h.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Errorf("CSP: %q", h.Get("Content-Security-Policy"))
	}

	// Screenshots: a phone in Japanese, a desktop in English.
	for _, shot := range []struct{ name, url, size string }{
		{"statement-" + d.Name + "-ja-phone.png", page + "?lang=ja", "390,1400"},
		{"statement-" + d.Name + "-en-desktop.png", page + "?lang=en", "1280,1200"},
	} {
		path := filepath.Join(artifacts, shot.name)
		os.Remove(path)
		browser(t, chrome, shot.url, "--screenshot="+path, "--window-size="+shot.size)
		if fi, err := os.Stat(path); err != nil || fi.Size() < 1000 {
			t.Errorf("screenshot %s: %v", path, err)
		} else {
			t.Logf("screenshot: %s", path)
		}
	}

	// The worker recorded it, and the webhook got one signed call.
	for deadline := time.Now().Add(30 * time.Second); ; {
		_, audit := api.call("GET", "/api/v1/audit?incident="+incidentID, legal, nil)
		recorded := false
		for _, it := range audit["items"].([]any) {
			if it.(map[string]any)["action"] == "publication.published" {
				recorded = true
			}
		}
		events, bad := hook.seen()
		if bad > 0 {
			t.Fatalf("%d webhooks with a bad signature", bad)
		}
		if recorded && len(events) == 1 && events[0] == "publication.published kawasaki-2020" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("worker: recorded=%v webhooks=%v", recorded, events)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func getQuiet(url string) (int, http.Header, string) {
	res, err := http.Get(url)
	if err != nil {
		return 0, nil, ""
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, fmt.Sprint(len(b))
}
