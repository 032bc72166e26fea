package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/candor-dev/candor/internal/testenv"
	"github.com/hibiken/asynq"
)

// syncBuffer is a log buffer the test may read while the process writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) Bytes() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Clone(s.b.Bytes())
}

func (s *syncBuffer) String() string { return string(s.Bytes()) }

// proc is one candor process the test started.
type proc struct {
	name string
	cmd  *exec.Cmd
	logs *syncBuffer
}

func startProc(t *testing.T, name string, env []string, args ...string) *proc {
	t.Helper()
	p := &proc{name: name, cmd: exec.Command(binary, args...), logs: &syncBuffer{}}
	p.cmd.Env = append(append(os.Environ(), testKeyEnv), env...)
	p.cmd.Stderr = p.logs
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			p.cmd.Process.Kill()
			p.cmd.Wait()
		}
	})
	return p
}

// stop sends SIGTERM and waits for a clean exit.
func (p *proc) stop(t *testing.T) {
	t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("%s exited with %v; logs:\n%s", p.name, err, p.logs)
		}
	case <-time.After(30 * time.Second):
		p.cmd.Process.Kill()
		<-done
		t.Errorf("%s did not stop within 30s of SIGTERM", p.name)
	}
}

// lines returns the JSON log lines with the given message.
func (p *proc) lines(t *testing.T, msg string) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(p.logs.Bytes()))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var m map[string]any
		if json.Unmarshal(sc.Bytes(), &m) == nil && m["msg"] == msg {
			out = append(out, m)
		}
	}
	return out
}

func scrapeMetrics(t *testing.T, addr string) string {
	t.Helper()
	res, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("%s/metrics: %d", addr, res.StatusCode)
	}
	return string(b)
}

// metricValue returns the value of the series that matches name{labels} exactly.
func metricValue(text, series string) float64 {
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`).FindStringSubmatch(text)
	if m == nil {
		return 0
	}
	v, _ := strconv.ParseFloat(m[1], 64)
	return v
}

// ready polls url until it answers 200, for up to 20 seconds.
func ready(url string) bool {
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if res, err := http.Get(url); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return true
			}
		}
	}
	return false
}

// period is the scheduled time a periodic task's id names.
func period(taskID any) string {
	id, _ := taskID.(string)
	return regexp.MustCompile(`@\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ`).FindString(id)
}

// One `candor serve` and two `candor worker` processes, as on three
// machines, share one PostgreSQL database and one Redis. They start at the
// same moment (so their migrations race), both workers run a scheduler, and
// still each audit:verify period is enqueued once and runs once.
func TestServeAndTwoWorkersRunEachPeriodOnce(t *testing.T) {
	d := testenv.Postgres(t)
	redis := testenv.StartRedis(t)
	env := []string{"CANDOR_DATABASE_URL=" + d.URL, "CANDOR_REDIS_URL=" + redis.URL(), "CANDOR_OUTBOX_DIR=" + t.TempDir(),
		"CANDOR_AUDIT_VERIFY_SCHEDULE=@every 1s", "CANDOR_LOG_LEVEL=debug", "CANDOR_WORKER_CONCURRENCY=4"}
	apiAddr, w1Addr, w2Addr := freeAddr(t), freeAddr(t), freeAddr(t)
	serve := startProc(t, "serve", append(env, "CANDOR_LISTEN="+apiAddr), "serve")
	w1 := startProc(t, "worker 1", append(env, "CANDOR_METRICS_LISTEN="+w1Addr), "worker")
	w2 := startProc(t, "worker 2", append(env, "CANDOR_METRICS_LISTEN="+w2Addr), "worker")
	for i, a := range []string{apiAddr, w1Addr, w2Addr} {
		if !ready("http://" + a + "/readyz") {
			p := []*proc{serve, w1, w2}[i]
			t.Fatalf("%s not ready within 20s; logs:\n%s", p.name, p.logs)
		}
	}
	// A mutation while they run, so the chain being verified grows.
	if _, stderr, err := runCLI(t, env, "token", "create", "--name", "ops", "--role", "viewer"); err != nil {
		t.Fatalf("token create: %s", stderr)
	}

	insp := asynq.NewInspector(asynq.RedisClientOpt{Addr: redis.Addr()})
	defer insp.Close()
	deadline := time.Now().Add(30 * time.Second)
	for {
		done, _ := insp.ListCompletedTasks("low", asynq.PageSize(1000))
		if len(done) >= 5 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d audit:verify runs completed in 30s", len(done))
		}
		time.Sleep(200 * time.Millisecond)
	}
	var enqueued, duplicates float64
	for _, a := range []string{w1Addr, w2Addr} {
		m := scrapeMetrics(t, a)
		enqueued += metricValue(m, `candor_periodic_enqueues_total{outcome="enqueued",task="audit:verify"}`)
		duplicates += metricValue(m, `candor_periodic_enqueues_total{outcome="duplicate",task="audit:verify"}`)
	}
	api := scrapeMetrics(t, apiAddr)
	for _, want := range []string{`asynq_queue_size{queue="low"}`, `candor_http_requests_total{method="GET",route="/readyz",status="200"}`} {
		if !strings.Contains(api, want) {
			t.Errorf("serve /metrics lacks %s", want)
		}
	}
	for _, p := range []*proc{w1, w2, serve} {
		p.stop(t)
	}

	// Each period ran exactly once, in one of the two workers.
	ran := map[string]string{}
	for _, p := range []*proc{w1, w2} {
		for _, l := range p.lines(t, "audit chain verified") {
			id := period(l["task_id"])
			if other, dup := ran[id]; dup {
				t.Errorf("period %s ran in %s and in %s", id, other, p.name)
			}
			ran[id] = p.name
		}
	}
	done, err := insp.ListCompletedTasks("low", asynq.PageSize(1000))
	if err != nil {
		t.Fatal(err)
	}
	// Only audit:verify's periods: when the test crosses a minute, the
	// once-a-minute reconcilers run in the same queue, with the same
	// period in their task ids.
	verified := 0
	for _, ti := range done {
		if !strings.HasPrefix(ti.ID, "audit:verify@") {
			continue
		}
		verified++
		if _, ok := ran[period(ti.ID)]; !ok {
			t.Errorf("completed task %s has no run in the logs", ti.ID)
		}
	}
	if verified != len(ran) {
		t.Errorf("%d completed audit:verify tasks, %d runs logged", verified, len(ran))
	}
	// Both schedulers were live: periods were offered by both and enqueued
	// by one only.
	if duplicates == 0 || enqueued == 0 {
		t.Errorf("worker metrics: %v enqueued, %v refused as duplicates", enqueued, duplicates)
	}
	enqueuedBy, refused := map[string]string{}, 0
	for _, p := range []*proc{w1, w2} {
		for _, l := range p.lines(t, "periodic task enqueued") {
			if l["type"] != "audit:verify" {
				continue
			}
			id := period(l["task_id"])
			if other, dup := enqueuedBy[id]; dup {
				t.Errorf("period %s enqueued by %s and by %s", id, other, p.name)
			}
			enqueuedBy[id] = p.name
		}
		for _, l := range p.lines(t, "periodic task already enqueued by another scheduler") {
			if l["type"] == "audit:verify" {
				refused++
			}
		}
	}
	for id := range ran {
		if _, ok := enqueuedBy[id]; !ok {
			t.Errorf("period %s ran but no scheduler logged enqueuing it", id)
		}
	}
	if refused == 0 {
		t.Error("no scheduler was ever refused: only one was running")
	}
	if n := len(serve.lines(t, "periodic task enqueued")); n != 0 {
		t.Errorf("candor serve scheduled %d tasks; only workers schedule", n)
	}
	if f := serve.lines(t, "audit chain verified"); len(f) != 0 {
		t.Errorf("candor serve ran tasks")
	}
	t.Logf("%d periods ran once each; %d enqueued, %d offers refused as duplicates", verified, len(enqueuedBy), refused)
}
