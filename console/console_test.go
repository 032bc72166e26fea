package console_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/api"
	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/store"
)

const password = "correct horse battery"

// env is one database with a person who has a console password, a Tokyo
// incident of 11 June 2020 with its Japanese facts and timeline, and three
// customers in Japan, served by the real API server.
type env struct {
	db       *store.DB
	srv      *httptest.Server
	incident candor.Incident
	email    string
}

func setup(t *testing.T, db *store.DB, rates api.RateLimits, redisOn bool) *env {
	t.Helper()
	db.SetKeyring(testenv.Keyring(t))
	cfg := api.Config{Rates: rates}
	if redisOn {
		cfg.Redis = testenv.StartRedis(t).Client()
	}
	srv := httptest.NewServer(api.New(cfg, db))
	t.Cleanup(srv.Close)
	ctx := testenv.Actor(candor.RoleAdmin)
	if _, err := db.CreatePerson(ctx, candor.Person{Email: "Rita@example.com", Name: "Rita Legal", Role: candor.RoleLegal}); err != nil {
		t.Fatal(err)
	}
	yes := true
	inc, err := db.CreateIncident(testenv.Actor(candor.RoleComms), candor.Incident{
		Title: "Unauthorized access to overseas offices", Summary: "A connection from the Thai office to a server in Japan.",
		DiscoveredAt: time.Date(2020, 6, 11, 1, 30, 0, 0, time.UTC), Timezone: "Asia/Tokyo", Severity: "high",
		// National IDs, acquired and a high risk: the Philippine duties apply (issue 21).
		DataCategories: []string{"contact_details", "business_records", "national_id"}, Cause: "unauthorized_access", Malicious: &yes,
		Acquired: &yes, HighRisk: &yes,
		ReportingEntity: &candor.ReportingEntity{Name: "Kawasaki Heavy Industries", Country: "JP"},
		Translations: map[string]candor.IncidentText{"ja": {Title: "海外拠点への不正アクセス",
			Summary: "海外拠点（タイ）から日本国内のサーバーへの接続が判明。"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateEvent(testenv.Actor(candor.RoleComms), inc.ID, candor.Event{OccurredOn: "2020-06-11",
		Description: "Internal audit found the connection.", Public: true,
		Translations: map[string]candor.EventText{"ja": {Description: "社内監査により接続を確認"}}}); err != nil {
		t.Fatal(err)
	}
	testenv.Customers(t, db, inc.ID, "JP", "", "email", 3)
	testenv.Customers(t, db, inc.ID, "PH", "", "email", 2) // the Philippines' 72 hours, in force in 2020
	e := &env{db: db, srv: srv, incident: inc, email: "rita@example.com"}
	e.setPassword(t)
	return e
}

// browser is a client with a cookie jar that does not follow redirects.
type browser struct {
	t *testing.T
	c *http.Client
	e *env
}

func (e *env) browser(t *testing.T, acceptLang string) *browser {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if acceptLang != "" {
		c.Transport = langTransport(acceptLang)
	}
	return &browser{t: t, c: c, e: e}
}

type langTransport string

func (l langTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r.Header.Set("Accept-Language", string(l))
	return http.DefaultTransport.RoundTrip(r)
}

func (b *browser) do(req *http.Request) (*http.Response, string) {
	b.t.Helper()
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

func (b *browser) get(path string) (*http.Response, string) {
	b.t.Helper()
	req, _ := http.NewRequest("GET", b.e.srv.URL+path, nil)
	return b.do(req)
}

func (b *browser) post(path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	req, _ := http.NewRequest("POST", b.e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf reads the token from a page's form.
func (b *browser) csrf(path string) string {
	b.t.Helper()
	_, body := b.get(path)
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		b.t.Fatalf("no csrf field on %s:\n%s", path, body)
	}
	return m[1]
}

func (b *browser) signIn(email, pw string) *http.Response {
	b.t.Helper()
	res, _ := b.post("/console/sign-in", url.Values{"csrf": {b.csrf("/")}, "email": {email}, "password": {pw},
		"next": {"/console/incidents/" + b.e.incident.ID}})
	return res
}

// setPassword sets Rita's password through an invitation link, as the
// command prints it.
func (e *env) setPassword(t *testing.T) {
	t.Helper()
	_, secret, err := e.db.CreatePasswordLink(testenv.Actor(candor.RoleAdmin), e.email, 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	b := e.browser(t, "")
	link := "/console/set-password?token=" + url.QueryEscape(secret)
	if res, body := b.get(link); res.StatusCode != 200 || !strings.Contains(body, "Rita Legal") {
		t.Fatalf("set-password page: %d %s", res.StatusCode, body)
	}
	form := url.Values{"token": {secret}, "password": {password}, "confirm": {password}}
	if res, _ := b.post("/console/set-password", form); res.StatusCode != http.StatusForbidden {
		t.Fatalf("set password without csrf: %d, want 403", res.StatusCode)
	}
	form.Set("csrf", b.csrf(link))
	short := url.Values{"token": {secret}, "password": {"short"}, "confirm": {"short"}, "csrf": {form.Get("csrf")}}
	if res, _ := b.post("/console/set-password", short); res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("short password: %d, want 422", res.StatusCode)
	}
	if res, _ := b.post("/console/set-password", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("set password: %d", res.StatusCode)
	}
	if res, _ := b.get(link); res.StatusCode != http.StatusNotFound {
		t.Fatalf("link used twice: %d, want 404", res.StatusCode)
	}
}

func TestConsole(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e := setup(t, testenv.Open(t, d), api.RateLimits{}, false)
			t.Run("signed out", func(t *testing.T) { signedOut(t, e) })
			t.Run("sign in", func(t *testing.T) { signIn(t, e) })
			t.Run("pages in English", func(t *testing.T) { pagesEnglish(t, e) })
			t.Run("pages in Japanese", func(t *testing.T) { pagesJapanese(t, e) })
			t.Run("sessions end at once", func(t *testing.T) { sessionsEnd(t, e) })
		})
	}
}

func signedOut(t *testing.T, e *env) {
	b := e.browser(t, "")
	res, body := b.get("/")
	if res.StatusCode != 200 || !strings.Contains(body, `action="/console/sign-in"`) || !strings.Contains(body, `type="password"`) {
		t.Fatalf("/ signed out: %d %s", res.StatusCode, body)
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "script-src 'self';") || strings.Contains(csp, "unsafe") {
		t.Errorf("CSP %q", csp)
	}
	for _, p := range []string{"/console/incidents", "/console/incidents/" + e.incident.ID, "/console/incidents/" + e.incident.ID + "/deadlines"} {
		res, _ := b.get(p)
		if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/console/sign-in?next=") {
			t.Errorf("%s signed out: %d %q", p, res.StatusCode, loc)
		}
	}
	if res, _ := b.get("/console/console.css"); res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/css") {
		t.Errorf("stylesheet: %d", res.StatusCode)
	}
	// The API and the public pages are where they were.
	if res, _ := b.get("/api/v1/incidents"); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("/api/v1 without a token: %d", res.StatusCode)
	}
}

func signIn(t *testing.T, e *env) {
	for name, c := range map[string][2]string{"wrong password": {e.email, "wrong password!!"},
		"unknown e-mail": {"nobody@example.com", password}, "empty": {"", ""}} {
		b := e.browser(t, "")
		if res := b.signIn(c[0], c[1]); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s: %d, want 401", name, res.StatusCode)
		}
	}
	b := e.browser(t, "")
	// Without the CSRF token, or with another browser's, the form is refused.
	form := url.Values{"email": {e.email}, "password": {password}}
	if res, _ := b.post("/console/sign-in", form); res.StatusCode != http.StatusForbidden {
		t.Errorf("no csrf: %d, want 403", res.StatusCode)
	}
	form.Set("csrf", e.browser(t, "").csrf("/"))
	b.csrf("/") // this browser's own nonce, which the other's token does not match
	if res, _ := b.post("/console/sign-in", form); res.StatusCode != http.StatusForbidden {
		t.Errorf("another browser's csrf: %d, want 403", res.StatusCode)
	}
	res := b.signIn("RITA@example.com", password)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/console/incidents/"+e.incident.ID {
		t.Fatalf("good sign-in: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	var ck *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "candor_console" {
			ck = c
		}
	}
	if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Secure {
		t.Fatalf("session cookie %+v", ck)
	}
	if res, _ := b.get("/"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/console/incidents" {
		t.Errorf("/ signed in: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	// Signing out needs the token too.
	if res, _ := b.post("/console/sign-out", url.Values{}); res.StatusCode != http.StatusForbidden {
		t.Errorf("sign-out without csrf: %d", res.StatusCode)
	}
	if res, _ := b.post("/console/sign-out", url.Values{"csrf": {b.csrf("/console/incidents")}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("sign-out: %d", res.StatusCode)
	}
	if res, _ := b.get("/console/incidents"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("after sign-out: %d", res.StatusCode)
	}
}

func signedIn(t *testing.T, e *env, acceptLang string) *browser {
	t.Helper()
	b := e.browser(t, acceptLang)
	if res := b.signIn(e.email, password); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d", res.StatusCode)
	}
	return b
}

func page(t *testing.T, b *browser, path string, want ...string) string {
	t.Helper()
	res, body := b.get(path)
	if res.StatusCode != 200 {
		t.Fatalf("%s: %d\n%s", path, res.StatusCode, body)
	}
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q:\n%s", path, w, body)
		}
	}
	return body
}

func pagesEnglish(t *testing.T, e *env) {
	b := signedIn(t, e, "en-GB,en;q=0.8")
	id := e.incident.ID
	page(t, b, "/console/incidents", `<html lang="en">`, "Unauthorized access to overseas offices", "11 June 2020 10:30 JST", "Asia/Tokyo")
	page(t, b, "/console/incidents/"+id, "Incident room", "Unauthorized access to overseas offices", "海外拠点への不正アクセス",
		"海外拠点（タイ）から日本国内のサーバーへの接続が判明。", "11 June 2020", "Internal audit found the connection.",
		"<code>contact_details</code>", "<code>business_records</code>", "Asia/Tokyo", `<td class="num">5</td>`, "Rita Legal")
	body := page(t, b, "/console/incidents/"+id+"/deadlines", "Deadline board", "PH", "14 June 2020 10:30 JST", "OVERDUE &#43;6y", `class="late"`)
	if strings.Contains(body, "<script") {
		t.Error("the board has a script")
	}
	if res, _ := b.get("/console/incidents/00000000-0000-7000-8000-000000000000"); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown incident: %d", res.StatusCode)
	}
}

func pagesJapanese(t *testing.T, e *env) {
	id := e.incident.ID
	// Accept-Language decides until the person picks.
	b := signedIn(t, e, "ja-JP,ja;q=0.9")
	page(t, b, "/console/incidents/"+id, `<html lang="ja">`, "インシデントルーム", "2020年6月11日 10:30 JST", "社内監査により接続を確認", "合計")
	page(t, b, "/console/incidents/"+id+"/deadlines", "期限ボード", "2020年6月14日 10:30 JST", "期限超過 &#43;6y")
	// The link sets a cookie that wins over Accept-Language, and returns.
	res, _ := b.get("/console/lang?l=en&next=" + url.QueryEscape("/console/incidents/"+id))
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/console/incidents/"+id {
		t.Fatalf("lang link: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	page(t, b, "/console/incidents/"+id, `<html lang="en">`, "Incident room")
	b.get("/console/lang?l=ja&next=/console/incidents")
	page(t, b, "/console/incidents", "インシデント", "2020年6月11日")
	if res, _ := b.get("/console/lang?l=ja&next=https://evil.example/"); res.Header.Get("Location") != "/console/incidents" {
		t.Errorf("lang link to another site: %q", res.Header.Get("Location"))
	}
}

func sessionsEnd(t *testing.T, e *env) {
	b := signedIn(t, e, "")
	page(t, b, "/console/incidents")
	if err := e.db.EndSessions(testenv.Actor(candor.RoleAdmin), e.email); err != nil {
		t.Fatal(err)
	}
	if res, _ := b.get("/console/incidents"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("after EndSessions: %d, want 303 to sign-in", res.StatusCode)
	}
	b = signedIn(t, e, "")
	page(t, b, "/console/incidents")
	if err := e.db.Gorm().Exec("UPDATE people SET disabled_at = ? WHERE name = ?", time.Now().UTC(), "Rita Legal").Error; err != nil {
		t.Fatal(err)
	}
	if res, _ := b.get("/console/incidents"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("disabled person: %d, want 303 to sign-in", res.StatusCode)
	}
	if res := e.browser(t, "").signIn(e.email, password); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("disabled person signs in: %d", res.StatusCode)
	}
	e.db.Gorm().Exec("UPDATE people SET disabled_at = NULL WHERE name = ?", "Rita Legal")
}

// Failed sign-ins spend the address's /api failure bucket: once it is
// empty, even the right password is refused with 429.
func TestSignInRateLimited(t *testing.T) {
	e := setup(t, testenv.Open(t, testenv.SQLite(t)), api.RateLimits{AuthFail: 3}, true)
	for i := range 3 {
		if res := e.browser(t, "").signIn(e.email, "wrong password!!"); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i, res.StatusCode)
		}
	}
	b := e.browser(t, "")
	res, body := b.post("/console/sign-in", url.Values{"csrf": {b.csrf("/")}, "email": {e.email}, "password": {password}})
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" || !strings.Contains(body, "Too many failed sign-ins") {
		t.Fatalf("after 3 failures: %d %q", res.StatusCode, res.Header.Get("Retry-After"))
	}
	_ = context.Background
}
