package testenv

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// The distributed Redis set-ups CANDOR_REDIS_URL accepts, started on this
// machine (loopback ports only) for a test: a Redis Cluster of three
// masters, and a master with a replica watched by two Sentinels. Every
// process is killed when the test ends.

// RedisCluster is a three-master Redis Cluster.
type RedisCluster struct {
	ports []int
}

// StartRedisCluster starts three redis-server processes in cluster mode
// and joins them with `redis-cli --cluster create` (no replicas), then
// waits until every node reports the cluster ok.
func StartRedisCluster(t testing.TB) *RedisCluster {
	t.Helper()
	need(t, "redis-server")
	need(t, "redis-cli")
	c := &RedisCluster{}
	var addrs []string
	for range 3 {
		// A node also listens on its port + 10000 (the cluster bus).
		port := freePortWithBus(t)
		dir := t.TempDir()
		startServer(t, filepath.Join(dir, "log"), "redis-server", "--port", strconv.Itoa(port), "--bind", "127.0.0.1",
			"--dir", dir, "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
			"--cluster-node-timeout", "2000", "--save", "", "--appendonly", "no", "--protected-mode", "no")
		waitPing(t, "127.0.0.1:"+strconv.Itoa(port))
		c.ports = append(c.ports, port)
		addrs = append(addrs, "127.0.0.1:"+strconv.Itoa(port))
	}
	args := append([]string{"--cluster", "create"}, addrs...)
	out, err := exec.Command("redis-cli", append(args, "--cluster-replicas", "0", "--cluster-yes")...).CombinedOutput()
	if err != nil {
		t.Fatalf("redis-cli --cluster create: %v\n%s", err, out)
	}
	deadline := time.Now().Add(20 * time.Second)
	for _, a := range addrs {
		for {
			info := command(t, a, "CLUSTER", "INFO")
			if strings.Contains(info, "cluster_state:ok") && strings.Contains(info, "cluster_slots_ok:16384") &&
				strings.Contains(info, "cluster_known_nodes:3") {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the cluster is not ok on %s:\n%s", a, info)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	return c
}

// Addrs are the masters' host:port.
func (c *RedisCluster) Addrs() []string {
	var out []string
	for _, p := range c.ports {
		out = append(out, "127.0.0.1:"+strconv.Itoa(p))
	}
	return out
}

// URL is the CANDOR_REDIS_URL for the cluster.
func (c *RedisCluster) URL() string { return "redis-cluster://" + strings.Join(c.Addrs(), ",") }

// RedisSentinel is a master and its replica watched by two Sentinels, as
// master name "candor".
type RedisSentinel struct {
	t         testing.TB
	data      []int // the two redis-servers' ports (master first, at start)
	sentinels []int
}

// SentinelMaster is the master name the Sentinels watch.
const SentinelMaster = "candor"

// StartRedisSentinel starts a master, a replica of it and two Sentinels
// (quorum 1, a master down after 1 s), and waits until both Sentinels
// know the replica and each other, so that a failover can start at once.
// The Sentinels are redis-sentinel, or redis-server --sentinel (the same
// program) where only that is installed.
func StartRedisSentinel(t testing.TB) *RedisSentinel {
	t.Helper()
	need(t, "redis-server")
	s := &RedisSentinel{t: t}
	for i := range 2 {
		port := freePortWithBus(t)
		dir := t.TempDir()
		args := []string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", dir,
			"--save", "", "--appendonly", "no", "--protected-mode", "no"}
		if i == 1 {
			args = append(args, "--replicaof", "127.0.0.1", strconv.Itoa(s.data[0]))
		}
		startServer(t, filepath.Join(dir, "log"), "redis-server", args...)
		waitPing(t, "127.0.0.1:"+strconv.Itoa(port))
		s.data = append(s.data, port)
	}
	replica := "127.0.0.1:" + strconv.Itoa(s.data[1])
	waitUntil(t, 10*time.Second, "the replica to sync", func() bool {
		return strings.Contains(command(t, replica, "INFO", "replication"), "master_link_status:up")
	})
	bin, pre := sentinelCommand(t)
	for range 2 {
		port := freePortWithBus(t)
		dir := t.TempDir()
		conf := filepath.Join(dir, "sentinel.conf")
		// Sentinel rewrites its configuration file: it must be its own.
		body := fmt.Sprintf(`port %d
bind 127.0.0.1
protected-mode no
dir %s
sentinel monitor %s 127.0.0.1 %d 1
sentinel down-after-milliseconds %[3]s 1000
sentinel failover-timeout %[3]s 10000
sentinel parallel-syncs %[3]s 1
`, port, dir, SentinelMaster, s.data[0])
		if err := os.WriteFile(conf, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		startServer(t, filepath.Join(dir, "log"), bin, append(pre, conf)...)
		waitPing(t, "127.0.0.1:"+strconv.Itoa(port))
		s.sentinels = append(s.sentinels, port)
	}
	for _, a := range s.SentinelAddrs() {
		waitUntil(t, 20*time.Second, "sentinel "+a+" to know the replica and the other sentinel", func() bool {
			c := redis.NewSentinelClient(&redis.Options{Addr: a})
			defer c.Close()
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			replicas, err := c.Replicas(ctx, SentinelMaster).Result()
			if err != nil || len(replicas) != 1 {
				return false
			}
			sentinels, err := c.Sentinels(ctx, SentinelMaster).Result()
			return err == nil && len(sentinels) == 1
		})
	}
	return s
}

// SentinelAddrs are the Sentinels' host:port.
func (s *RedisSentinel) SentinelAddrs() []string {
	var out []string
	for _, p := range s.sentinels {
		out = append(out, "127.0.0.1:"+strconv.Itoa(p))
	}
	return out
}

// URL is the CANDOR_REDIS_URL for the Sentinels.
func (s *RedisSentinel) URL() string {
	return "redis-sentinel://" + strings.Join(s.SentinelAddrs(), ",") + "?master=" + SentinelMaster
}

// Master is the current master's host:port, as the first Sentinel says.
func (s *RedisSentinel) Master() string {
	s.t.Helper()
	c := redis.NewSentinelClient(&redis.Options{Addr: s.SentinelAddrs()[0]})
	defer c.Close()
	addr, err := c.GetMasterAddrByName(context.Background(), SentinelMaster).Result()
	if err != nil {
		s.t.Fatalf("sentinel get-master-addr-by-name: %v", err)
	}
	return net.JoinHostPort(addr[0], addr[1])
}

// Failover makes the Sentinels promote the replica (SENTINEL FAILOVER)
// and waits until both name it master and it answers as one; the old
// master becomes its replica. It returns the new master's address.
func (s *RedisSentinel) Failover() string {
	s.t.Helper()
	old := s.Master()
	c := redis.NewSentinelClient(&redis.Options{Addr: s.SentinelAddrs()[0]})
	defer c.Close()
	if err := c.Failover(context.Background(), SentinelMaster).Err(); err != nil {
		s.t.Fatalf("sentinel failover: %v", err)
	}
	var now string
	waitUntil(s.t, 20*time.Second, "the failover", func() bool {
		for _, a := range s.SentinelAddrs() {
			sc := redis.NewSentinelClient(&redis.Options{Addr: a})
			addr, err := sc.GetMasterAddrByName(context.Background(), SentinelMaster).Result()
			sc.Close()
			if err != nil || net.JoinHostPort(addr[0], addr[1]) == old {
				return false
			}
			now = net.JoinHostPort(addr[0], addr[1])
		}
		return strings.Contains(command(s.t, now, "INFO", "replication"), "role:master")
	})
	return now
}

// sentinelCommand is the program and leading arguments that run a
// Sentinel with a configuration file.
func sentinelCommand(t testing.TB) (string, []string) {
	if _, err := exec.LookPath("redis-sentinel"); err == nil {
		return "redis-sentinel", nil
	}
	need(t, "redis-server")
	return "redis-server", []string{"--sentinel"}
}

// need fails the test when a program is missing (scripts/test.sh installs
// it), or skips it outside CI, where the developer may not have it.
func need(t testing.TB, program string) {
	t.Helper()
	if _, err := exec.LookPath(program); err == nil {
		return
	}
	msg := program + " is not on the PATH: run the tests with `make test`, which installs it"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// startServer starts a Redis program with its output in logFile; it is
// killed when the test ends.
func startServer(t testing.TB, logFile, program string, args ...string) {
	t.Helper()
	f, err := os.Create(logFile)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(program, args...)
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		f.Close()
		t.Fatalf("start %s: %v", program, err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		f.Close()
		if t.Failed() {
			if b, err := os.ReadFile(logFile); err == nil && len(b) > 0 {
				t.Logf("%s %s log:\n%s", program, strings.Join(args, " "), tail(b, 4000))
			}
		}
	})
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}

// freePortWithBus is a free loopback port whose port + 10000 (a cluster
// node's bus) is free too.
func freePortWithBus(t testing.TB) int {
	t.Helper()
	for range 100 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := ln.Addr().(*net.TCPAddr).Port
		if port+10000 > 65535 {
			ln.Close()
			continue
		}
		bus, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port+10000))
		ln.Close()
		if err != nil {
			continue
		}
		bus.Close()
		return port
	}
	t.Fatal("no free port pair for a Redis node")
	return 0
}

// waitPing waits until the server at addr answers PING.
func waitPing(t testing.TB, addr string) {
	t.Helper()
	waitUntil(t, 10*time.Second, addr+" to answer", func() bool {
		c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
		defer c.Close()
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		return c.Ping(ctx).Err() == nil
	})
}

// command runs one command on the server at addr and returns its reply
// as text ("" on error).
func command(t testing.TB, addr string, args ...any) string {
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	v, err := c.Do(ctx, args...).Text()
	if err != nil {
		return ""
	}
	return v
}

func waitUntil(t testing.TB, timeout time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
