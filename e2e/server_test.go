package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/candor-dev/candor/internal/testenv"
)

// startCandor runs the real binary (`candor run`: API, console, worker) on
// database d with its own Redis, on a free port, as the seed case's
// organisation in Tokyo, with extra environment entries ("CANDOR_X=v")
// added; it waits until /readyz answers, and stops it when the test ends
// (its output in the log if the test failed). cli runs a candor command
// against the same configuration and returns its output, trimmed.
func startCandor(t *testing.T, bin string, d testenv.DB, extra ...string) (base string, cli func(args ...string) string) {
	t.Helper()
	redis := testenv.StartRedis(t)
	addr := freeAddr(t)
	base = "http://" + addr
	env := append(os.Environ(), "CANDOR_DATABASE_URL="+d.URL, "CANDOR_REDIS_URL="+redis.URL(), "CANDOR_LISTEN="+addr,
		"CANDOR_BASE_URL="+base, "CANDOR_DATA_KEY="+testKey, "CANDOR_ORG_NAME=Kawasaki Heavy Industries, Ltd.",
		"CANDOR_ORG_CONTACT_EMAIL=privacy@example.com", "CANDOR_ORG_TIMEZONE=Asia/Tokyo", "CANDOR_LOG_LEVEL=warn")
	env = append(env, extra...)
	cli = func(args ...string) string {
		c := exec.Command(bin, args...)
		c.Env = env
		out, err := c.CombinedOutput()
		if err != nil {
			t.Fatalf("candor %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	cmd := exec.Command(bin, "run")
	cmd.Env = env
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
		}
		if t.Failed() {
			t.Logf("candor output:\n%s", tail(logs.String(), 4000))
		}
	})
	for deadline := time.Now().Add(60 * time.Second); ; {
		if s, _, _ := getQuiet(base + "/readyz"); s == 200 {
			return base, cli
		}
		if time.Now().After(deadline) {
			t.Fatalf("candor run not ready:\n%s", logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}
