package api_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/api"
	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/jobs"
	"github.com/hibiken/asynq"
)

var sessionKey = []byte("test session key")

// newOpsEnv is newEnv with the operator routes wired to real handlers.
func newOpsEnv(t *testing.T, ops api.Ops) *env {
	t.Helper()
	db := testenv.Open(t, testenv.SQLite(t))
	s := api.New(api.Config{MaxBodyBytes: 64 << 10, Logger: quiet, Ops: ops}, db)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	e := &env{t: t, srv: srv, db: db, api: s, tokens: map[candor.Role]string{}}
	for _, r := range []candor.Role{candor.RoleViewer, candor.RoleComms, candor.RoleLegal, candor.RoleAdmin} {
		_, secret, err := db.CreateToken(testenv.Actor(candor.RoleAdmin), "test "+string(r), r)
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[r] = secret
	}
	return e
}

// dashboardEnv serves the real asynqmon over a private Redis holding one
// pending task, whose id it returns.
func dashboardEnv(t *testing.T) (*env, asynq.RedisConnOpt, string) {
	t.Helper()
	r := testenv.StartRedis(t)
	opt := asynq.RedisClientOpt{Addr: r.Addr()}
	d := jobs.NewDashboard(opt, "/admin/queues")
	t.Cleanup(func() { d.Close() })
	full, ro := d.Handlers()
	e := newOpsEnv(t, api.Ops{Queues: full, QueuesReadOnly: ro, SessionKey: sessionKey})
	c := asynq.NewClient(opt)
	defer c.Close()
	info, err := c.Enqueue(asynq.NewTask("test:noop", []byte(`{"id":"x"}`)), asynq.Queue("default"))
	if err != nil {
		t.Fatal(err)
	}
	return e, opt, info.ID
}

// req sends a request without following redirects.
func (e *env) req(method, path string, hdr map[string]string, body string) (*http.Response, string) {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// login signs in with role's token through the form and returns the cookie.
func (e *env) login(role candor.Role) *http.Cookie {
	e.t.Helper()
	res, body := e.req("POST", "/admin/login", map[string]string{"Content-Type": "application/x-www-form-urlencoded"},
		url.Values{"token": {e.tokens[role]}}.Encode())
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/queues/" {
		e.t.Fatalf("login %s: %d %s", role, res.StatusCode, body)
	}
	for _, c := range res.Cookies() {
		if c.Name == "candor_admin" {
			return c
		}
	}
	e.t.Fatalf("login %s set no cookie", role)
	return nil
}

func cookieHdr(c *http.Cookie) map[string]string {
	return map[string]string{"Cookie": c.Name + "=" + c.Value}
}

func taskExists(t *testing.T, opt asynq.RedisConnOpt, id string) bool {
	t.Helper()
	insp := asynq.NewInspector(opt)
	defer insp.Close()
	_, err := insp.GetTaskInfo("default", id)
	return err == nil
}

func TestDashboardNeedsASession(t *testing.T) {
	e, _, _ := dashboardEnv(t)
	for _, path := range []string{"/admin/queues/", "/admin/queues/api/queues"} {
		res, body := e.req("GET", path, nil, "")
		if res.StatusCode != 401 || res.Header.Get("Content-Type") != api.ProblemContentType {
			t.Errorf("GET %s without a session: %d %s", path, res.StatusCode, body)
		}
	}
	res, body := e.req("GET", "/admin/queues/", map[string]string{"Accept": "text/html"}, "")
	if res.StatusCode != 401 || !strings.Contains(body, `<form method="post" action="/admin/login">`) {
		t.Errorf("browser without a session: %d %s", res.StatusCode, body)
	}
	if res, _ := e.req("GET", "/admin/login", nil, ""); res.StatusCode != 200 || res.Header.Get("X-Frame-Options") != "DENY" {
		t.Errorf("login form: %d %v", res.StatusCode, res.Header)
	}
	res, _ = e.req("POST", "/admin/login", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, "token=cnd_nope")
	if res.StatusCode != 401 || len(res.Cookies()) != 0 {
		t.Errorf("bad token: %d %v", res.StatusCode, res.Cookies())
	}
	res, _ = e.req("POST", "/admin/login", map[string]string{"Content-Type": "application/x-www-form-urlencoded",
		"Origin": "https://evil.example"}, url.Values{"token": {e.tokens[candor.RoleAdmin]}}.Encode())
	if res.StatusCode != 403 || len(res.Cookies()) != 0 {
		t.Errorf("cross-origin login: %d", res.StatusCode)
	}
}

func TestDashboardCookieAttributes(t *testing.T) {
	e, _, _ := dashboardEnv(t)
	c := e.login(candor.RoleViewer)
	if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/admin" || c.MaxAge != 1800 || c.Secure {
		t.Errorf("cookie over http: %+v", c)
	}
	res, _ := e.req("POST", "/admin/login", map[string]string{"Authorization": "Bearer " + e.tokens[candor.RoleViewer],
		"X-Forwarded-Proto": "https"}, "")
	if len(res.Cookies()) != 1 || !res.Cookies()[0].Secure {
		t.Errorf("cookie behind an https proxy: %v", res.Cookies())
	}
	if strings.Contains(c.Value, e.tokens[candor.RoleViewer]) {
		t.Error("the cookie holds the token secret")
	}
}

func TestDashboardViewerIsReadOnly(t *testing.T) {
	e, opt, taskID := dashboardEnv(t)
	for _, role := range []candor.Role{candor.RoleViewer, candor.RoleComms, candor.RoleLegal} {
		t.Run(string(role), func(t *testing.T) {
			c := e.login(role)
			res, body := e.req("GET", "/admin/queues/api/queues", cookieHdr(c), "")
			if res.StatusCode != 200 || !strings.Contains(body, `"queue":"default"`) {
				t.Fatalf("list queues: %d %s", res.StatusCode, body)
			}
			res, body = e.req("GET", "/admin/queues/", cookieHdr(c), "")
			if res.StatusCode != 200 || !strings.Contains(body, `READ_ONLY="true"`) {
				t.Errorf("the UI is not in read-only mode: %d", res.StatusCode)
			}
			res, body = e.req("DELETE", "/admin/queues/api/queues/default/pending_tasks/"+taskID, cookieHdr(c), "")
			if res.StatusCode != 403 {
				t.Errorf("delete a task as %s: %d %s", role, res.StatusCode, body)
			}
			res, _ = e.req("POST", "/admin/queues/api/queues/default:pause", cookieHdr(c), "")
			if res.StatusCode != 403 {
				t.Errorf("pause a queue as %s: %d", role, res.StatusCode)
			}
			if !taskExists(t, opt, taskID) {
				t.Fatal("the task was deleted")
			}
			// No server details for anyone but admins.
			for _, p := range []string{"/admin/queues/api/redis_info", "/admin/queues/api/servers"} {
				if res, body := e.req("GET", p, cookieHdr(c), ""); res.StatusCode != 403 || strings.Contains(body, "redis_version") {
					t.Errorf("%s as %s: %d %s", p, role, res.StatusCode, body)
				}
			}
		})
	}
	// The read-only asynqmon refuses on its own too (defence in depth).
	d := jobs.NewDashboard(opt, "/admin/queues")
	defer d.Close()
	_, ro := d.Handlers()
	rec := httptest.NewRecorder()
	ro.ServeHTTP(rec, httptest.NewRequest("DELETE", "/admin/queues/api/queues/default/pending_tasks/"+taskID, nil))
	if rec.Code == 204 || !taskExists(t, opt, taskID) {
		t.Fatalf("read-only asynqmon deleted: %d", rec.Code)
	}
}

func TestDashboardAdminMayChange(t *testing.T) {
	e, opt, taskID := dashboardEnv(t)
	c := e.login(candor.RoleAdmin)
	res, body := e.req("GET", "/admin/queues/", cookieHdr(c), "")
	if res.StatusCode != 200 || !strings.Contains(body, `READ_ONLY="false"`) {
		t.Errorf("admin UI: %d", res.StatusCode)
	}
	if res, _ := e.req("GET", "/admin/queues", cookieHdr(c), ""); res.StatusCode != 301 || res.Header.Get("Location") != "/admin/queues/" {
		t.Errorf("/admin/queues without the slash: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	if res, body := e.req("GET", "/admin/queues/favicon.ico", cookieHdr(c), ""); res.StatusCode != 200 || len(body) == 0 {
		t.Errorf("dashboard asset: %d", res.StatusCode)
	}
	if res, body := e.req("GET", "/admin/queues/api/redis_info", cookieHdr(c), ""); res.StatusCode != 200 || !strings.Contains(body, "redis_version") {
		t.Errorf("admin redis info: %d", res.StatusCode)
	}
	res, body = e.req("DELETE", "/admin/queues/api/queues/default/pending_tasks/"+taskID, cookieHdr(c), "")
	if res.StatusCode != 204 {
		t.Fatalf("delete a task as admin: %d %s", res.StatusCode, body)
	}
	if taskExists(t, opt, taskID) {
		t.Fatal("the task is still there")
	}
	// A script may skip the cookie and send its token.
	res, _ = e.req("GET", "/admin/queues/api/queues", map[string]string{"Authorization": "Bearer " + e.tokens[candor.RoleViewer]}, "")
	if res.StatusCode != 200 {
		t.Errorf("bearer token: %d", res.StatusCode)
	}
	// A cross-site page cannot drive the admin's session.
	res, _ = e.req("POST", "/admin/queues/api/queues/default:pause",
		map[string]string{"Cookie": "candor_admin=" + c.Value, "Origin": "https://evil.example"}, "")
	if res.StatusCode != 403 {
		t.Errorf("cross-origin pause: %d", res.StatusCode)
	}
	// Signing out clears the cookie.
	res, _ = e.req("POST", "/admin/logout", cookieHdr(c), "")
	if res.StatusCode != 303 || len(res.Cookies()) != 1 || res.Cookies()[0].MaxAge >= 0 {
		t.Errorf("logout: %d %v", res.StatusCode, res.Cookies())
	}
}

// sign forges a cookie value the way the server signs one.
func sign(key []byte, tokenID string, exp time.Time) string {
	payload := "v1." + tokenID + "." + strconv.FormatInt(exp.Unix(), 10)
	m := hmac.New(sha256.New, key)
	m.Write([]byte(payload))
	return payload + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func TestDashboardRefusesForgedExpiredAndRevokedSessions(t *testing.T) {
	e, _, _ := dashboardEnv(t)
	viewer := e.login(candor.RoleViewer)
	toks, err := e.db.ListTokens(testenv.Actor(candor.RoleAdmin))
	if err != nil {
		t.Fatal(err)
	}
	ids := map[candor.Role]string{}
	for _, tk := range toks {
		ids[tk.Role] = tk.ID
	}
	parts := strings.Split(viewer.Value, ".")
	future := time.Now().Add(time.Hour)
	tests := []struct{ name, value string }{
		{"garbage", "nonsense"},
		{"signature of another key", sign([]byte("guessed key"), ids[candor.RoleAdmin], future)},
		{"viewer's signature on the admin's id", "v1." + ids[candor.RoleAdmin] + "." + parts[2] + "." + parts[3]},
		{"longer expiry, same signature", parts[0] + "." + parts[1] + "." + strconv.FormatInt(future.Add(time.Hour).Unix(), 10) + "." + parts[3]},
		{"expired", sign(sessionKey, ids[candor.RoleAdmin], time.Now().Add(-time.Second))},
		{"unknown token id", sign(sessionKey, "01a2000a-0000-7000-8000-000000000000", future)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, body := e.req("GET", "/admin/queues/api/queues", map[string]string{"Cookie": "candor_admin=" + tt.value}, "")
			if res.StatusCode != 401 {
				t.Fatalf("%d %s", res.StatusCode, body)
			}
		})
	}
	// The real key and an unexpired time do work: the refusals above are
	// for the reasons named.
	if res, _ := e.req("GET", "/admin/queues/api/queues", map[string]string{"Cookie": "candor_admin=" + sign(sessionKey, ids[candor.RoleAdmin], future)}, ""); res.StatusCode != 200 {
		t.Fatalf("well-signed cookie: %d", res.StatusCode)
	}
	if _, err := e.db.RevokeToken(testenv.Actor(candor.RoleAdmin), ids[candor.RoleViewer]); err != nil {
		t.Fatal(err)
	}
	if res, _ := e.req("GET", "/admin/queues/api/queues", cookieHdr(viewer), ""); res.StatusCode != 401 {
		t.Fatalf("session of a revoked token: %d", res.StatusCode)
	}
}

func TestDashboardOffWithoutHandlers(t *testing.T) {
	e := newOpsEnv(t, api.Ops{})
	c := e.login(candor.RoleAdmin)
	if res, _ := e.req("GET", "/admin/queues/", cookieHdr(c), ""); res.StatusCode != 404 {
		t.Fatalf("dashboard without handlers: %d", res.StatusCode)
	}
}
