// Package jobs runs Candor's background work on Asynq and Redis: task types
// and their payloads (ids only; handlers re-read state), the handlers, the
// enqueuer and the periodic scheduler.
package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

// RedisOptions are the connection settings shared by every Redis client.
type RedisOptions struct {
	PoolSize     int           // 0: go-redis default (10 per CPU)
	DialTimeout  time.Duration // 0: 5s
	ReadTimeout  time.Duration // 0: 3s
	WriteTimeout time.Duration // 0: ReadTimeout
}

// ParseRedisURL turns CANDOR_REDIS_URL into Asynq connection options.
//
//	redis://[:password@]host:port/db          one server (rediss:// for TLS)
//	redis-socket://[:password@]/path?db=N     a Unix socket
//	redis-sentinel://[:password@]h1:26379,h2:26379?master=mymaster
//	redis-cluster://[:password@]h1:7000,h2:7001
func ParseRedisURL(raw string, o RedisOptions) (asynq.RedisConnOpt, error) {
	if rest, ok := strings.CutPrefix(raw, "redis-cluster://"); ok {
		u, err := url.Parse("redis://" + rest)
		if err != nil {
			return nil, fmt.Errorf("parse redis URL: %w", err)
		}
		pw, _ := u.User.Password()
		return asynq.RedisClusterClientOpt{Addrs: strings.Split(u.Host, ","), Username: u.User.Username(), Password: pw,
			DialTimeout: o.DialTimeout, ReadTimeout: o.ReadTimeout, WriteTimeout: o.WriteTimeout}, nil
	}
	opt, err := asynq.ParseRedisURI(raw)
	if err != nil {
		return nil, fmt.Errorf("parse redis URL: %w", err)
	}
	switch v := opt.(type) {
	case asynq.RedisClientOpt:
		v.PoolSize, v.DialTimeout, v.ReadTimeout, v.WriteTimeout = o.PoolSize, o.DialTimeout, o.ReadTimeout, o.WriteTimeout
		return v, nil
	case asynq.RedisFailoverClientOpt:
		v.PoolSize, v.DialTimeout, v.ReadTimeout, v.WriteTimeout = o.PoolSize, o.DialTimeout, o.ReadTimeout, o.WriteTimeout
		return v, nil
	}
	return opt, nil
}

// NewRedisClient returns a go-redis client for opt (for the rate limiter,
// readiness checks and anything else that talks to Redis directly).
func NewRedisClient(opt asynq.RedisConnOpt) redis.UniversalClient {
	return opt.MakeRedisClient().(redis.UniversalClient)
}

// Ping checks that Redis answers.
func Ping(ctx context.Context, c redis.UniversalClient) error {
	if err := c.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("redis unreachable: %w", err)
	}
	return nil
}

// quietRedis routes go-redis's internal messages (dial retries and pool
// notices, printed to stderr by default) to slog at debug level, so a Redis
// outage shows as Candor's own one-line error, not a burst of driver output.
type quietRedis struct{}

func (quietRedis) Printf(ctx context.Context, format string, v ...any) {
	slog.DebugContext(ctx, "redis client", "message", fmt.Sprintf(format, v...))
}

// SilenceDriverLogs installs quietRedis; call it once at start-up.
func SilenceDriverLogs() { redis.SetLogger(quietRedis{}) }
