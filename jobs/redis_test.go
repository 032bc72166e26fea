package jobs_test

import (
	"context"
	"testing"

	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/jobs"
	"github.com/hibiken/asynq"
)

func TestParseRedisURL(t *testing.T) {
	tests := []struct {
		url  string
		want string // the Go type of the options
		ok   bool
	}{
		{"redis://127.0.0.1:6379/0", "asynq.RedisClientOpt", true},
		{"rediss://:pw@redis.example.com:6380/2", "asynq.RedisClientOpt", true},
		{"redis-socket:///run/redis.sock?db=1", "asynq.RedisClientOpt", true},
		{"redis-sentinel://s1:26379,s2:26379?master=mymaster", "asynq.RedisFailoverClientOpt", true},
		{"redis-cluster://n1:7000,n2:7001", "asynq.RedisClusterClientOpt", true},
		{"http://example.com", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			opt, err := jobs.ParseRedisURL(tt.url, jobs.RedisOptions{PoolSize: 7})
			if (err == nil) != tt.ok {
				t.Fatalf("err = %v", err)
			}
			if !tt.ok {
				return
			}
			switch o := opt.(type) {
			case asynq.RedisClientOpt:
				if tt.want != "asynq.RedisClientOpt" || o.PoolSize != 7 {
					t.Fatalf("got %+v", o)
				}
			case asynq.RedisFailoverClientOpt:
				if tt.want != "asynq.RedisFailoverClientOpt" || o.MasterName != "mymaster" || len(o.SentinelAddrs) != 2 {
					t.Fatalf("got %+v", o)
				}
			case asynq.RedisClusterClientOpt:
				if tt.want != "asynq.RedisClusterClientOpt" || len(o.Addrs) != 2 {
					t.Fatalf("got %+v", o)
				}
			default:
				t.Fatalf("unexpected %T", opt)
			}
		})
	}
}

func TestPingRealRedis(t *testing.T) {
	r := testenv.StartRedis(t)
	opt, err := jobs.ParseRedisURL(r.URL(), jobs.RedisOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c := jobs.NewRedisClient(opt)
	defer c.Close()
	if err := jobs.Ping(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	r.Stop()
	if err := jobs.Ping(context.Background(), c); err == nil {
		t.Fatal("ping succeeded with redis stopped")
	}
}
