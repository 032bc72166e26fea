package api

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/netip"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
)

// RateLimits are request limits per minute, kept in Redis (GCRA buckets,
// redis_rate) so that every API process shares them. A bucket holds a
// minute's worth: that many requests at once, then one every 60s/limit.
// Zero turns a limit off (benchmarks); so does a nil Config.Redis.
type RateLimits struct {
	API      int // units per token (after authentication); costly routes take costlyUnits
	AuthFail int // failed authentications on /api per client address
	Public   int // public statement pages per client address
	Login    int // POST /admin/login per client address
	Webhook  int // bounce webhook requests per client address
}

// costlyUnits is what one call of a route that renders, checks or streams
// a whole disclosure or roster takes from its token's bucket.
const costlyUnits = 10

// costly lists those routes by pattern: a preview renders every variant, a
// submit and a checklist run the jurisdiction checks, an export streams the
// roster, obligations run the deadline engine.
var costly = map[string]bool{
	"/api/v1/disclosures/:id/preview":            true,
	"/api/v1/disclosures/:id/submit":             true,
	"/api/v1/disclosures/:id/checklist":          true,
	"/api/v1/incidents/:id/customers/export.csv": true,
	"/api/v1/incidents/:id/customers/import":     true,
	"/api/v1/incidents/:id/obligations":          true,
	"/api/v1/incidents/:id/obligations.ics":      true,
	"/api/v1/letter-batches/:id/letters.pdf":     true,
	"/api/v1/letter-batches/:id/manifest.csv":    true,
}

// limiter takes units from Redis buckets. Redis being away must not take
// the API down with it: a failed call lets the request through and logs a
// warning (at most one every ten seconds).
type limiter struct {
	rdb    redis.UniversalClient
	rl     *redis_rate.Limiter
	log    *slog.Logger
	warned atomic.Int64 // unix nanos of the last warning
	// skipTill (unix nanos) is set after a failure: for a few seconds
	// requests do not wait on a Redis that is not answering.
	skipTill atomic.Int64
}

// redisPause is how long the limits are skipped after Redis failed, and
// redisWait how long one request waits for Redis.
const (
	redisPause = 5 * time.Second
	redisWait  = 500 * time.Millisecond
)

func newLimiter(rdb redis.UniversalClient, log *slog.Logger) *limiter {
	if rdb == nil {
		return nil
	}
	return &limiter{rdb: rdb, rl: redis_rate.NewLimiter(rdb), log: log}
}

// take asks for n units of bucket key (limit per minute). It returns how
// long to wait when refused, or 0 when allowed (and when Redis failed).
func (l *limiter) take(ctx context.Context, key string, limit, n int) time.Duration {
	if l == nil || limit <= 0 || time.Now().UnixNano() < l.skipTill.Load() {
		return 0
	}
	ctx, cancel := context.WithTimeout(ctx, redisWait)
	defer cancel()
	res, err := l.rl.AllowN(ctx, "candor:"+key, redis_rate.PerMinute(limit), min(n, limit))
	if err != nil {
		l.failOpen(err)
		return 0
	}
	if res.Allowed == 0 && n > 0 {
		return max(res.RetryAfter, time.Second)
	}
	return 0
}

// empty reports how long until bucket key has a unit again, without taking
// one: 0 when it has one now (or Redis failed).
func (l *limiter) empty(ctx context.Context, key string, limit int) time.Duration {
	if l == nil || limit <= 0 || time.Now().UnixNano() < l.skipTill.Load() {
		return 0
	}
	ctx, cancel := context.WithTimeout(ctx, redisWait)
	defer cancel()
	// Most addresses have no failures: a read answers for them, where the
	// script would write (and, with appendfsync always, sync) the bucket.
	if n, err := l.rdb.Exists(ctx, "rate:candor:"+key).Result(); err == nil && n == 0 {
		return 0
	}
	res, err := l.rl.AllowN(ctx, "candor:"+key, redis_rate.PerMinute(limit), 0)
	if err != nil {
		l.failOpen(err)
		return 0
	}
	if res.Remaining >= 1 {
		return 0
	}
	// A refused call changes nothing in the bucket: ask for one unit to
	// learn when it comes back.
	return l.take(ctx, key, limit, 1)
}

func (l *limiter) failOpen(err error) {
	now := time.Now().UnixNano()
	l.skipTill.Store(now + int64(redisPause))
	if last := l.warned.Load(); now-last > int64(10*time.Second) && l.warned.CompareAndSwap(last, now) {
		l.log.Warn("rate limits not enforced: redis unavailable", "error", err.Error())
	}
}

// tooMany answers 429 with Retry-After in whole seconds.
func tooMany(c *gin.Context, wait time.Duration, what string) {
	secs := int(math.Ceil(wait.Seconds()))
	c.Header("Retry-After", strconv.Itoa(secs))
	refuseBody(c)
	writeProblem(c, http.StatusTooManyRequests, "rate_limited",
		fmt.Sprintf("too many %s; retry after %d s", what, secs), nil)
}

// limitToken charges an authenticated request to its token.
func (s *Server) limitToken(c *gin.Context, tokenID string) bool {
	n := 1
	if costly[c.FullPath()] {
		n = costlyUnits
	}
	if wait := s.limits.take(c.Request.Context(), "api:"+tokenID, s.cfg.Rates.API, n); wait > 0 {
		tooMany(c, wait, "requests for this token")
		return false
	}
	return true
}

// limitAddr is middleware charging each request to the client's address in
// bucket kind.
func (s *Server) limitAddr(kind string, limit int) gin.HandlerFunc {
	return func(c *gin.Context) {
		if wait := s.limits.take(c.Request.Context(), kind+":"+s.clientKey(c), limit, 1); wait > 0 {
			tooMany(c, wait, "requests from this address")
			return
		}
		c.Next()
	}
}

// clientKey is the client's address as the limits count it: the peer, or
// what a trusted proxy says it is (Config.TrustedProxies); an IPv6 client
// by its /64, since one host usually holds a whole /64.
func (s *Server) clientKey(c *gin.Context) string {
	a, err := netip.ParseAddr(c.ClientIP())
	if err != nil {
		return c.ClientIP()
	}
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}
