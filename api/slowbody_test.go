package api_test

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/api"
	"github.com/candor-dev/candor/internal/testenv"
)

func TestHTTPServerTimeouts(t *testing.T) {
	s := api.NewHTTPServer(":0", http.NotFoundHandler())
	if s.ReadHeaderTimeout != 5*time.Second || s.ReadTimeout != 30*time.Second || s.IdleTimeout != 120*time.Second ||
		s.MaxHeaderBytes != 64<<10 {
		t.Fatalf("timeouts: header %s read %s idle %s max header %d", s.ReadHeaderTimeout, s.ReadTimeout, s.IdleTimeout, s.MaxHeaderBytes)
	}
}

// levels records the level of every log record.
type levels struct {
	mu   sync.Mutex
	recs []slog.Record
}

func (l *levels) Enabled(context.Context, slog.Level) bool { return true }
func (l *levels) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.recs = append(l.recs, r)
	return nil
}
func (l *levels) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *levels) WithGroup(string) slog.Handler      { return l }
func (l *levels) errors() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, r := range l.recs {
		if r.Level >= slog.LevelError {
			out = append(out, r.Message)
		}
	}
	return out
}

// slowServer serves the API through NewHTTPServer with its read timeout cut
// to readTimeout, and records what is logged.
func slowServer(t *testing.T, readTimeout time.Duration) (addr string, e *env, logs *levels) {
	t.Helper()
	logs = &levels{}
	old := slog.Default()
	slog.SetDefault(slog.New(logs))
	t.Cleanup(func() { slog.SetDefault(old) })
	db := testenv.Open(t, testenv.SQLite(t))
	db.SetKeyring(testenv.Keyring(t))
	s := api.New(api.Config{Logger: slog.New(logs), BounceSecret: bounceSecret, BodyStallTimeout: readTimeout}, db)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := api.NewHTTPServer("", s)
	srv.ReadTimeout = readTimeout
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	e = &env{t: t, db: db, api: s, tokens: map[candor.Role]string{}}
	_, e.tokens[candor.RoleComms], _ = db.CreateToken(testenv.Actor(candor.RoleAdmin), "comms", candor.RoleComms)
	return ln.Addr().String(), e, logs
}

// rawRequest writes head (CRLF added) and then body, and returns the
// response's status line, or "" if none came within wait.
func rawRequest(t *testing.T, conn net.Conn, head []string, body string, wait time.Duration) string {
	t.Helper()
	fmt.Fprint(conn, strings.Join(head, "\r\n")+"\r\n\r\n"+body)
	conn.SetReadDeadline(time.Now().Add(wait))
	line, _ := bufio.NewReader(conn).ReadString('\n')
	return strings.TrimSpace(line)
}

// TestBounceHeadersBeforeBody: an unsigned bounce notification is refused
// on its headers, without waiting for (and holding) its megabyte of body.
func TestBounceHeadersBeforeBody(t *testing.T) {
	addr, _, _ := slowServer(t, 30*time.Second)
	for _, hdr := range []string{"X-Candor-Timestamp: 1", "X-Candor-Timestamp: " + fmt.Sprint(time.Now().Unix())} {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		status := rawRequest(t, conn, []string{"POST /api/v1/webhooks/bounces HTTP/1.1", "Host: x", "Content-Type: application/json",
			"Content-Length: 1048576", hdr, "X-Candor-Signature: sha256=00"}, `[{"message_id":"`, 2*time.Second)
		if !strings.Contains(status, " 401 ") {
			t.Fatalf("%s: %q, want a 401 before the body", hdr, status)
		}
	}
}

// TestSlowBodyCutOff: a body that trickles past the read timeout ends the
// request with a 400, logged below error; a client that hangs up mid-body
// gets the same (what it can still read of it).
func TestSlowBodyCutOff(t *testing.T) {
	addr, e, logs := slowServer(t, time.Second)
	now := fmt.Sprint(time.Now().Unix())
	sig := signBounce(now, `{"message_id":"x@y","type":"hard"}`)
	tests := []struct {
		name   string
		head   []string
		hangUp bool
	}{
		{"slow api body", []string{"POST /api/v1/incidents HTTP/1.1", "Content-Type: application/json",
			"Authorization: Bearer " + e.tokens[candor.RoleComms]}, false},
		{"slow bounce", []string{"POST /api/v1/webhooks/bounces HTTP/1.1", "Content-Type: application/json",
			"X-Candor-Timestamp: " + now, "X-Candor-Signature: " + sig}, false},
		{"bounce cut short", []string{"POST /api/v1/webhooks/bounces HTTP/1.1", "Content-Type: application/json",
			"X-Candor-Timestamp: " + now, "X-Candor-Signature: " + sig}, true},
		{"import cut short", []string{"POST /api/v1/incidents/01a2000a-0000-7000-8000-000000000000/customers/import HTTP/1.1",
			"Content-Type: text/csv", "Authorization: Bearer " + e.tokens[candor.RoleComms]}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			head := append(tt.head, "Host: x", "Content-Length: 100000")
			fmt.Fprint(conn, strings.Join(head, "\r\n")+"\r\n\r\n"+`{"message_id":"x`)
			if tt.hangUp {
				conn.(*net.TCPConn).CloseWrite()
			}
			start := time.Now()
			conn.SetReadDeadline(time.Now().Add(5 * time.Second))
			line, _ := bufio.NewReader(conn).ReadString('\n')
			if !strings.Contains(line, " 400 ") || time.Since(start) > 3*time.Second {
				t.Fatalf("status %q after %s", strings.TrimSpace(line), time.Since(start))
			}
		})
	}
	if errs := logs.errors(); len(errs) > 0 {
		t.Fatalf("logged at error: %q", errs)
	}
}

// TestImportOutlastsReadTimeout: the import's deadline moves while bytes
// arrive, so a steady upload longer than the read timeout completes.
func TestImportOutlastsReadTimeout(t *testing.T) {
	addr, e, _ := slowServer(t, time.Second)
	in, err := e.db.CreateIncident(testenv.Actor(candor.RoleComms), candor.Incident{Title: "x", Severity: "high",
		DiscoveredAt: time.Date(2020, 6, 11, 0, 0, 0, 0, time.UTC), DataCategories: []string{"email"}})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rows := []string{"external_id,email\n"}
	for i := range 8 {
		rows = append(rows, fmt.Sprintf("c%d,c%d@example.com\n", i, i))
	}
	fmt.Fprintf(conn, "POST /api/v1/incidents/%s/customers/import HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\nAuthorization: Bearer %s\r\nContent-Length: %d\r\n\r\n",
		in.ID, e.tokens[candor.RoleComms], len(strings.Join(rows, "")))
	for _, r := range rows { // 9 × 300 ms: well past the 1 s read timeout
		fmt.Fprint(conn, r)
		time.Sleep(300 * time.Millisecond)
	}
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	line, _ := bufio.NewReader(conn).ReadString('\n')
	if !strings.Contains(line, " 200 ") {
		t.Fatalf("import: %q", line)
	}
}

func TestLoginBodyLimitAndOrigin(t *testing.T) {
	db := testenv.Open(t, testenv.SQLite(t))
	e := cfgEnv(t, db, api.Config{Ops: api.Ops{SessionKey: sessionKey}}, nil)
	proxied := cfgEnv(t, db, api.Config{Ops: api.Ops{SessionKey: sessionKey}, TrustedProxies: []string{"127.0.0.0/8", "::1"}}, e.tokens)
	form := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	with := func(kv ...string) map[string]string {
		h := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
		for i := 0; i < len(kv); i += 2 {
			h[kv[i]] = kv[i+1]
		}
		return h
	}
	good := url.Values{"token": {e.tokens[candor.RoleAdmin]}}.Encode()
	tests := []struct {
		name string
		e    *env
		hdr  map[string]string
		body string
		want int
	}{
		{"9 KiB form", e, form, "token=" + strings.Repeat("a", 9<<10), 413},
		{"same origin", e, with("Origin", e.srv.URL), good, 303},
		{"no origin", e, form, good, 303},
		{"origin null", e, with("Origin", "null"), good, 403},
		{"cross-site fetch", e, with("Sec-Fetch-Site", "cross-site"), good, 403},
		{"forwarded host from anyone", e, with("Origin", "https://evil.example", "X-Forwarded-Host", "evil.example"), good, 403},
		{"forwarded host from a trusted proxy", proxied, with("Origin", "https://candor.example", "X-Forwarded-Host", "candor.example"), good, 303},
		{"other origin behind the proxy", proxied, with("Origin", "https://evil.example", "X-Forwarded-Host", "candor.example"), good, 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if res, body := tt.e.req("POST", "/admin/login", tt.hdr, tt.body); res.StatusCode != tt.want {
				t.Fatalf("%d %s", res.StatusCode, body)
			}
		})
	}
}
