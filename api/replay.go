package api

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// replayWindow is how long a bounce notification's signature is
// remembered: its timestamp is accepted within bounceSkew either side of
// now, so a signature can be valid for twice that, plus a minute of clock
// difference between API processes.
const replayWindow = 2*bounceSkew + time.Minute

// replayGuard remembers signatures of bounce notifications already taken,
// in Redis (SET NX with the window as its TTL) so that every API process
// knows them, or in this process without Redis.
type replayGuard struct {
	rdb    redis.UniversalClient
	log    *slog.Logger
	warned atomic.Int64
	mu     sync.Mutex
	local  map[string]time.Time // without Redis: signature → forget after
}

func newReplayGuard(rdb redis.UniversalClient, log *slog.Logger) *replayGuard {
	return &replayGuard{rdb: rdb, log: log}
}

// first records sig and reports whether it was new. When Redis fails the
// notification is let through with a warning: the timestamp window still
// bounds a replay, and marking a bounce twice changes nothing.
func (g *replayGuard) first(ctx context.Context, sig string) bool {
	if g.rdb != nil {
		ctx, cancel := context.WithTimeout(ctx, redisWait)
		defer cancel()
		ok, err := g.rdb.SetNX(ctx, "candor:bounce:seen:"+sig, 1, replayWindow).Result()
		if err != nil {
			now := time.Now().UnixNano()
			if last := g.warned.Load(); now-last > int64(10*time.Second) && g.warned.CompareAndSwap(last, now) {
				g.log.Warn("bounce replay check skipped: redis unavailable", "error", err.Error())
			}
			return true
		}
		return ok
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	now := time.Now()
	if g.local == nil {
		g.local = map[string]time.Time{}
	}
	if exp, ok := g.local[sig]; ok && now.Before(exp) {
		return false
	}
	for k, exp := range g.local { // only signed notifications get here: few
		if now.After(exp) {
			delete(g.local, k)
		}
	}
	g.local[sig] = now.Add(replayWindow)
	return true
}

// forget lets sig be taken again: its notification was refused, and the
// provider's retry must not be mistaken for a replay.
func (g *replayGuard) forget(ctx context.Context, sig string) {
	if g.rdb != nil {
		g.rdb.Del(context.WithoutCancel(ctx), "candor:bounce:seen:"+sig)
		return
	}
	g.mu.Lock()
	delete(g.local, sig)
	g.mu.Unlock()
}
