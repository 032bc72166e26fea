package main

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/store"
)

// bench send with a tiny N: the send completes with every recipient sent,
// the sink counts exactly N messages in both parts (the command fails
// otherwise), and the lines have the documented fields.
func TestBenchSend(t *testing.T) {
	redis := testenv.StartRedis(t)
	d := testenv.SQLite(t)
	env := []string{"CANDOR_DATABASE_URL=" + d.URL, "CANDOR_REDIS_URL=" + redis.URL(), "CANDOR_LOG_LEVEL=warn"}
	if _, _, err := runCLI(t, env, "bench", "send", "--recipients", "300", "--order", "sideways"); err == nil {
		t.Fatal("bench send --order sideways: no error")
	}
	// alternate: run 1 sends through the pipeline first, run 2 runs the
	// ceiling first.
	out, stderr, err := runCLI(t, env, "bench", "send", "--recipients", "300", "--conns", "2", "--runs", "2", "--chunk", "50", "--order", "alternate")
	if err != nil {
		t.Fatalf("bench send: %v\nstdout:\n%s\nstderr:\n%s", err, out, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	num := `[0-9]+(\.[0-9]+)?`
	want := []*regexp.Regexp{
		regexp.MustCompile(`^bench send: db=sqlite recipients=300 conns=2 chunk=50 concurrency=4 parallel=8 runs=2 cpus=[0-9]+ MALLOC_ARENA_MAX=\S* sink=inline$`),
	}
	dur := `[0-9.]+(ms|s)`
	for _, r := range []string{"1", "2"} {
		parts := []string{"pipeline", "ceiling"}
		if r == "2" {
			parts = []string{"ceiling", "pipeline"}
		}
		for _, p := range parts {
			span := "" // the pipeline's lead-in and tail around the sink's messages
			if p == "pipeline" {
				span = ` first_msg=` + dur + ` after_last=` + dur
			}
			want = append(want, regexp.MustCompile(`^bench send: run=`+r+` part=`+p+` db=sqlite msgs=300 time=[0-9.]+m?s msgs/s=`+num+
				` bytes/msg=[0-9]+ peak_rss_mb=`+num+` cpu_us/msg=`+num+` machine_cpu_us/msg=`+num+span+` load=`+num+`$`))
		}
		want = append(want, regexp.MustCompile(`^bench send: run=`+r+` ratio=`+num+`$`))
	}
	want = append(want, regexp.MustCompile(`^bench send: median db=sqlite recipients=300 conns=2 runs=2 pipeline_msgs/s=`+num+
		` ceiling_msgs/s=`+num+` ratio=`+num+` pipeline_peak_rss_mb=`+num+` ceiling_peak_rss_mb=`+num+` load=`+num+`$`))
	if len(lines) != len(want) {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), len(want), out)
	}
	for i, re := range want {
		if !re.MatchString(lines[i]) {
			t.Errorf("line %d: %q does not match %s", i+1, lines[i], re)
		}
	}
	// Like with like: the ceiling sends messages of the pipeline's size.
	size := regexp.MustCompile(`bytes/msg=([0-9]+)`)
	for _, pair := range [][2]int{{1, 2}, {5, 4}} { // {pipeline, ceiling} lines of each run
		pm, cm := size.FindStringSubmatch(lines[pair[0]]), size.FindStringSubmatch(lines[pair[1]])
		if pm == nil || cm == nil {
			continue // reported above
		}
		p, _ := strconv.Atoi(pm[1])
		c, _ := strconv.Atoi(cm[1])
		if p < 1000 || c < p*99/100 || c > p*101/100 {
			t.Errorf("pipeline messages of %d bytes, ceiling's of %d: want the same size", p, c)
		}
	}

	// What the database kept: two completed sends, 300 sent deliveries
	// each, one per customer with an email address.
	db, err := store.Open(context.Background(), d.URL, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var counts struct{ Sends, Completed, Sent, Customers int }
	db.Gorm().Raw(`SELECT (SELECT count(*) FROM sends) AS sends,
		(SELECT count(*) FROM sends WHERE state = 'completed' AND total = 300) AS completed,
		(SELECT count(*) FROM deliveries WHERE status = 'sent') AS sent,
		(SELECT count(*) FROM customers WHERE channel = 'email' AND status = 'sent') AS customers`).Scan(&counts)
	if counts.Sends != 2 || counts.Completed != 2 || counts.Sent != 600 || counts.Customers != 600 {
		t.Errorf("database: %+v, want 2 sends completed with 300 each, 600 deliveries and customers sent", counts)
	}
}

// With --sink process the sink is a child process: the send still has to
// reach it exactly once per recipient (the command checks the child's
// counts and fails otherwise), and a wrong --sink is refused.
func TestBenchSendSinkProcess(t *testing.T) {
	redis := testenv.StartRedis(t)
	d := testenv.SQLite(t)
	env := []string{"CANDOR_DATABASE_URL=" + d.URL, "CANDOR_REDIS_URL=" + redis.URL(), "CANDOR_LOG_LEVEL=warn"}
	if _, stderr, err := runCLI(t, env, "bench", "send", "--recipients", "50", "--sink", "elsewhere"); err == nil || !strings.Contains(stderr, "inline or process") {
		t.Fatalf("bench send --sink elsewhere: %v\n%s", err, stderr)
	}
	out, stderr, err := runCLI(t, env, "bench", "send", "--recipients", "200", "--conns", "2", "--runs", "1", "--chunk", "50", "--sink", "process")
	if err != nil {
		t.Fatalf("bench send --sink process: %v\nstdout:\n%s\nstderr:\n%s", err, out, stderr)
	}
	for _, want := range []string{" sink=process\n", "part=pipeline db=sqlite msgs=200 ", "part=ceiling db=sqlite msgs=200 ", "bench send: run=1 ratio="} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// The messages were counted by the child, not by a sink in this
	// process: bytes per message are the notice's size, as inline.
	if m := regexp.MustCompile(`part=pipeline .* bytes/msg=([0-9]+)`).FindStringSubmatch(out); m == nil || len(m[1]) < 4 {
		t.Errorf("pipeline bytes/msg missing or under 1,000:\n%s", out)
	}
}
