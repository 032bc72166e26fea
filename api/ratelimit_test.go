package api_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/api"
	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/store"
	"github.com/redis/go-redis/v9"
)

// cfgEnv is newEnv with cfg (its Logger and BounceSecret filled in) over db,
// tokens made when db has none yet.
func cfgEnv(t *testing.T, db *store.DB, cfg api.Config, tokens map[candor.Role]string) *env {
	t.Helper()
	cfg.Logger, cfg.BounceSecret = quiet, bounceSecret
	db.SetKeyring(testenv.Keyring(t))
	s := api.New(cfg, db)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	e := &env{t: t, srv: srv, db: db, api: s, tokens: tokens}
	if e.tokens == nil {
		e.tokens = map[candor.Role]string{}
		for _, r := range []candor.Role{candor.RoleViewer, candor.RoleComms, candor.RoleLegal, candor.RoleAdmin} {
			_, secret, err := db.CreateToken(testenv.Actor(candor.RoleAdmin), "test "+string(r), r)
			if err != nil {
				t.Fatal(err)
			}
			e.tokens[r] = secret
		}
	}
	return e
}

func redisClient(t *testing.T) (*testenv.Redis, *redis.Client) {
	t.Helper()
	r := testenv.StartRedis(t)
	c := redis.NewClient(&redis.Options{Addr: r.Addr(), MaxRetries: -1})
	t.Cleanup(func() { c.Close() })
	return r, c
}

// hit sends one request with the given bearer token (if any) and headers
// and returns the status and Retry-After.
func (e *env) hit(method, path, token string, hdr map[string]string) (int, string) {
	e.t.Helper()
	if token != "" {
		if hdr == nil {
			hdr = map[string]string{}
		}
		hdr["Authorization"] = "Bearer " + token
	}
	res, _ := e.req(method, path, hdr, "")
	return res.StatusCode, res.Header.Get("Retry-After")
}

// refused checks that the request is a 429 with a sane Retry-After.
func refused(t *testing.T, status int, retry string) {
	t.Helper()
	if s, err := strconv.Atoi(retry); status != http.StatusTooManyRequests || err != nil || s < 1 || s > 60 {
		t.Fatalf("want 429 with Retry-After 1..60, got %d %q", status, retry)
	}
}

func TestRateLimitPerToken(t *testing.T) {
	_, rc := redisClient(t)
	e := cfgEnv(t, testenv.Open(t, testenv.SQLite(t)), api.Config{Redis: rc, Rates: api.RateLimits{API: 12}}, nil)
	viewer, comms := e.tokens[candor.RoleViewer], e.tokens[candor.RoleComms]
	// A costly route takes 10 of the 12; two cheap ones the rest.
	if s, _ := e.hit("GET", "/api/v1/incidents/01a2000a-0000-7000-8000-000000000000/obligations", viewer, nil); s == 429 {
		t.Fatalf("costly request refused at once")
	}
	for i := range 2 {
		if s, _ := e.hit("GET", "/api/v1/incidents", viewer, nil); s != 200 {
			t.Fatalf("request %d: %d", i, s)
		}
	}
	s, retry := e.hit("GET", "/api/v1/incidents", viewer, nil)
	refused(t, s, retry)
	// Another token has its own bucket, even from the same address.
	if s, _ := e.hit("GET", "/api/v1/incidents", comms, nil); s != 200 {
		t.Fatalf("other token: %d", s)
	}
	// A refused request is a problem document naming the limit.
	res, body := e.req("GET", "/api/v1/incidents", map[string]string{"Authorization": "Bearer " + viewer}, "")
	if res.Header.Get("Content-Type") != api.ProblemContentType || !strings.Contains(body, "rate_limited") {
		t.Fatalf("429 body: %s %s", res.Header.Get("Content-Type"), body)
	}
}

func TestRateLimitSharedAcrossServers(t *testing.T) {
	_, rc := redisClient(t)
	db := testenv.Open(t, testenv.SQLite(t))
	cfg := api.Config{Redis: rc, Rates: api.RateLimits{API: 4, Public: 4}}
	a := cfgEnv(t, db, cfg, nil)
	b := cfgEnv(t, db, cfg, a.tokens)
	tok := a.tokens[candor.RoleViewer]
	for i, e := range []*env{a, b, a, b} {
		if s, _ := e.hit("GET", "/api/v1/incidents", tok, nil); s != 200 {
			t.Fatalf("request %d: %d", i, s)
		}
		e.hit("GET", "/statements", "", nil)
	}
	for _, e := range []*env{a, b} {
		s, retry := e.hit("GET", "/api/v1/incidents", tok, nil)
		refused(t, s, retry)
		s, retry = e.hit("GET", "/statements", "", nil)
		refused(t, s, retry)
	}
}

func TestRateLimitPerAddress(t *testing.T) {
	_, rc := redisClient(t)
	db := testenv.Open(t, testenv.SQLite(t))
	rates := api.RateLimits{Public: 3, Login: 2, Webhook: 2, AuthFail: 3}
	// Without a trusted proxy X-Forwarded-For is ignored: a forged one
	// does not buy a fresh bucket.
	direct := cfgEnv(t, db, api.Config{Redis: rc, Rates: rates}, nil)
	for i := range 3 {
		if s, _ := direct.hit("GET", "/statements", "", map[string]string{"X-Forwarded-For": "192.0.2." + strconv.Itoa(i+1)}); s != 200 {
			t.Fatalf("public page %d: %d", i, s)
		}
	}
	s, retry := direct.hit("GET", "/statements", "", map[string]string{"X-Forwarded-For": "192.0.2.99"})
	refused(t, s, retry)

	// Behind a trusted proxy each forwarded address has its own buckets.
	rc.FlushAll(t.Context())
	proxied := cfgEnv(t, db, api.Config{Redis: rc, Rates: rates, TrustedProxies: []string{"127.0.0.1/32", "::1"}}, direct.tokens)
	from := func(ip string) map[string]string { return map[string]string{"X-Forwarded-For": ip} }
	tests := []struct {
		name, method, path string
		n                  int
	}{
		{"public", "GET", "/statements/feed.atom", 3},
		{"login", "POST", "/admin/login", 2},
		{"webhook", "POST", "/api/v1/webhooks/bounces", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for i := range tt.n {
				if s, _ := proxied.hit(tt.method, tt.path, "", from("198.51.100.1")); s == 429 {
					t.Fatalf("request %d refused", i)
				}
			}
			s, retry := proxied.hit(tt.method, tt.path, "", from("198.51.100.1"))
			refused(t, s, retry)
			if s, _ := proxied.hit(tt.method, tt.path, "", from("198.51.100.2")); s == 429 {
				t.Fatalf("another address refused")
			}
		})
	}
	t.Run("failed authentication", func(t *testing.T) {
		for i := range 3 {
			if s, _ := proxied.hit("GET", "/api/v1/incidents", "wrong-"+strconv.Itoa(i), from("203.0.113.7")); s != 401 {
				t.Fatalf("failure %d: %d", i, s)
			}
		}
		// Once spent, even a good token is refused from that address
		// (guessing learns nothing more), but not from another.
		s, retry := proxied.hit("GET", "/api/v1/incidents", proxied.tokens[candor.RoleViewer], from("203.0.113.7"))
		refused(t, s, retry)
		if s, _ := proxied.hit("GET", "/api/v1/incidents", proxied.tokens[candor.RoleViewer], from("203.0.113.8")); s != 200 {
			t.Fatalf("another address: %d", s)
		}
	})
	t.Run("IPv6 by /64", func(t *testing.T) {
		for i := range 3 {
			proxied.hit("GET", "/statements", "", from("2001:db8:1:2::"+strconv.Itoa(i+1)))
		}
		s, retry := proxied.hit("GET", "/statements", "", from("2001:db8:1:2:ffff::1"))
		refused(t, s, retry)
	})
}

// TestRateLimitRedisDown: with Redis gone the limits let requests through
// (and log a warning) rather than answer 500.
func TestRateLimitRedisDown(t *testing.T) {
	r, rc := redisClient(t)
	e := cfgEnv(t, testenv.Open(t, testenv.SQLite(t)), api.Config{Redis: rc,
		Rates: api.RateLimits{API: 1, Public: 1, Login: 1, AuthFail: 1, Webhook: 1}}, nil)
	r.Stop()
	for i := range 3 {
		if s, _ := e.hit("GET", "/api/v1/incidents", e.tokens[candor.RoleViewer], nil); s != 200 {
			t.Fatalf("api %d: %d", i, s)
		}
		if s, _ := e.hit("GET", "/statements", "", nil); s != 200 {
			t.Fatalf("public %d: %d", i, s)
		}
		if s, _ := e.hit("GET", "/api/v1/incidents", "wrong", nil); s != 401 {
			t.Fatalf("bad token %d: %d", i, s)
		}
		res, body := e.req("POST", "/admin/login", map[string]string{"Content-Type": "application/x-www-form-urlencoded"},
			url.Values{"token": {"wrong"}}.Encode())
		if res.StatusCode != 401 {
			t.Fatalf("login %d: %d %s", i, res.StatusCode, body)
		}
	}
}

// TestRateLimitOff: zero limits (the benchmarks' setting) never refuse.
func TestRateLimitOff(t *testing.T) {
	_, rc := redisClient(t)
	e := cfgEnv(t, testenv.Open(t, testenv.SQLite(t)), api.Config{Redis: rc}, nil)
	for i := range 50 {
		if s, _ := e.hit("GET", "/api/v1/incidents", e.tokens[candor.RoleViewer], nil); s != 200 {
			t.Fatalf("request %d: %d", i, s)
		}
	}
}
