package jobs

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
)

// Limiter is the mail rate limit shared by every worker process: a GCRA
// bucket in Redis (redis_rate), so N workers together send at most Rate
// messages per second. A relay's throttle reply slows everyone down: it sets
// a flag in Redis for a while, during which the rate is quartered.
type Limiter struct {
	rl       *redis_rate.Limiter
	rdb      redis.UniversalClient
	rate     int
	slowTill atomic.Int64 // unix nanos; a local cache of the Redis flag
	checked  atomic.Int64
	// Waited, when set, is told how long each acquisition waited (metrics).
	Waited func(time.Duration)
}

const (
	limiterKey  = "candor:mail:rate"
	throttleKey = "candor:mail:throttled"
	throttleFor = 30 * time.Second
)

// NewLimiter returns a limiter of rate messages per second (at least 1).
func NewLimiter(rdb redis.UniversalClient, rate float64) *Limiter {
	r := int(rate)
	if r < 1 {
		r = 1
	}
	return &Limiter{rl: redis_rate.NewLimiter(rdb), rdb: rdb, rate: r}
}

// Acquire waits until up to n messages may be sent and returns how many
// (at least 1), or ctx's error.
func (l *Limiter) Acquire(ctx context.Context, n int) (int, error) {
	start := time.Now()
	defer func() {
		if l.Waited != nil {
			l.Waited(time.Since(start))
		}
	}()
	for {
		rate := l.rate
		key := limiterKey
		if l.slowed(ctx) {
			rate, key = max(1, rate/4), limiterKey+":slow"
		}
		res, err := l.rl.AllowAtMost(ctx, key, redis_rate.PerSecond(rate), n)
		var wait time.Duration
		switch {
		case err != nil:
			// Redis is restarting or unreachable: wait rather than send
			// past the limit.
			wait = time.Second
		case res.Allowed > 0:
			return res.Allowed, nil
		default:
			wait = max(res.RetryAfter, time.Millisecond)
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(wait):
		}
	}
}

// grant is how many messages one Acquire should ask for: a chunk's worth
// when the rate is high (one round trip to Redis per chunk rather than per
// batch), but never more than a twentieth of a second of the rate, nor
// fewer than batch, so that no worker takes a share that others wait for.
func (l *Limiter) grant(batch int) int {
	return max(batch, l.rate/20)
}

// Throttled records that the relay asked us to slow down.
func (l *Limiter) Throttled(ctx context.Context) {
	l.rdb.Set(ctx, throttleKey, "1", throttleFor)
	l.slowTill.Store(time.Now().Add(throttleFor).UnixNano())
}

// slowed reports whether any worker saw a throttle recently; Redis is asked
// at most once a second.
func (l *Limiter) slowed(ctx context.Context) bool {
	now := time.Now().UnixNano()
	if now < l.slowTill.Load() {
		return true
	}
	if now-l.checked.Load() < int64(time.Second) {
		return false
	}
	l.checked.Store(now)
	ttl, err := l.rdb.PTTL(ctx, throttleKey).Result()
	if err == nil && ttl > 0 {
		l.slowTill.Store(now + int64(ttl))
		return true
	}
	return false
}
