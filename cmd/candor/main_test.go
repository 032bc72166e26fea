package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/store"
)

var binary string

// testKeyEnv is a fixed data key for the commands the tests run.
const testKeyEnv = "CANDOR_DATA_KEY=0000000000000000000000000000000000000000000000000000000000000001"

// TestMain builds the real binary once; the tests run it as an operator
// would.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "candor-bin")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "candor")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build candor: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func runCLI(t *testing.T, env []string, args ...string) (string, string, error) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(append(os.Environ(), testKeyEnv), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	return out.String(), errb.String(), err
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func TestRunServesAndShutsDownOnSIGTERM(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			redis := testenv.StartRedis(t)
			addr := freeAddr(t)
			env := []string{"CANDOR_DATABASE_URL=" + d.URL, "CANDOR_REDIS_URL=" + redis.URL(), "CANDOR_LISTEN=" + addr,
				"CANDOR_OUTBOX_DIR=" + t.TempDir()}
			token, stderr, err := runCLI(t, env, "token", "create", "--name", "ops", "--role", "admin")
			if err != nil || !strings.HasPrefix(token, "cnd_") {
				t.Fatalf("token create: %q %s %v", token, stderr, err)
			}
			cmd := exec.Command(binary, "run")
			cmd.Env = append(append(os.Environ(), testKeyEnv), env...)
			var logs bytes.Buffer
			cmd.Stderr = &logs
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "http://"+addr+"/readyz")
			req, _ := http.NewRequest("POST", "http://"+addr+"/api/v1/incidents",
				strings.NewReader(`{"title":"x","discovered_at":"2020-06-11T00:00:00Z","severity":"low","owner_email":"owner@example.com"}`))
			req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(token))
			req.Header.Set("Content-Type", "application/json")
			res, err := http.DefaultClient.Do(req)
			if err != nil || res.StatusCode != 201 {
				t.Fatalf("create incident: %v %v", res, err)
			}
			res.Body.Close()
			cmd.Process.Signal(syscall.SIGTERM)
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("candor run exited with %v after SIGTERM; logs:\n%s", err, logs.String())
				}
			case <-time.After(30 * time.Second):
				cmd.Process.Kill()
				t.Fatal("candor run did not stop within 30s of SIGTERM")
			}
			for _, secret := range []string{strings.TrimSpace(token), "owner@example.com"} {
				if strings.Contains(logs.String(), secret) {
					t.Errorf("logs contain %q", secret)
				}
			}
			out, _, err := runCLI(t, env, "audit", "verify")
			if err != nil || !strings.Contains(out, "audit chain OK: 2 entries") {
				t.Fatalf("audit verify: %q %v", out, err)
			}
		})
	}
}

func waitFor(t *testing.T, url string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if res, err := http.Get(url); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s did not answer 200 within 20s", url)
}

func TestAuditVerifyFailsAfterHandEdit(t *testing.T) {
	d := testenv.SQLite(t)
	env := []string{"CANDOR_DATABASE_URL=" + d.URL}
	for _, name := range []string{"a", "b"} {
		if _, stderr, err := runCLI(t, env, "token", "create", "--name", name, "--role", "viewer"); err != nil {
			t.Fatalf("token create: %s", stderr)
		}
	}
	if out, _, err := runCLI(t, env, "audit", "verify"); err != nil || !strings.Contains(out, "OK: 2 entries") {
		t.Fatalf("verify: %q %v", out, err)
	}
	db, err := store.Open(context.Background(), d.URL, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Gorm().Exec("UPDATE audit_log SET summary = '{\"name\":\"z\",\"role\":\"admin\"}' WHERE seq = 1")
	db.Close()
	_, stderr, err := runCLI(t, env, "audit", "verify")
	if err == nil || !strings.Contains(stderr, "audit chain BROKEN") || !strings.Contains(stderr, "entry 1") {
		t.Fatalf("verify after edit: %q %v", stderr, err)
	}
}

// A missing dependency stops start-up with one line, not a stack.
func TestStartupFailsWithOneLine(t *testing.T) {
	tests := []struct {
		name string
		env  []string
		want string
	}{
		{"redis down", []string{"CANDOR_DATABASE_URL=" + testenv.SQLite(t).URL, "CANDOR_REDIS_URL=redis://127.0.0.1:1/0"}, "redis redis://127.0.0.1:1/0"},
		{"database down", []string{"CANDOR_DATABASE_URL=postgres://u:hunter2@127.0.0.1:1/db"}, "database postgres://u:xxxxx@127.0.0.1:1/db"},
		{"bad database url", []string{"CANDOR_DATABASE_URL=mysql://x"}, "use postgres://"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, err := runCLI(t, tt.env, "run")
			if err == nil {
				t.Fatal("run succeeded")
			}
			if lines := strings.Count(strings.TrimSpace(stderr), "\n"); lines != 0 || !strings.Contains(stderr, tt.want) {
				t.Fatalf("stderr %q: want one line containing %q", stderr, tt.want)
			}
			if strings.Contains(stderr, "hunter2") {
				t.Fatal("password printed")
			}
		})
	}
}

func TestTokenCommands(t *testing.T) {
	env := []string{"CANDOR_DATABASE_URL=" + testenv.SQLite(t).URL}
	if _, stderr, err := runCLI(t, env, "token", "create", "--name", "x", "--role", "root"); err == nil || !strings.Contains(stderr, "role") {
		t.Fatalf("bad role accepted: %q", stderr)
	}
	if _, _, err := runCLI(t, env, "token", "create", "--name", "first", "--role", "admin", "--if-none"); err != nil {
		t.Fatal(err)
	}
	out, _, _ := runCLI(t, env, "token", "create", "--name", "second", "--role", "admin", "--if-none")
	if out != "" {
		t.Fatalf("--if-none created a second token: %q", out)
	}
	list, _, _ := runCLI(t, env, "token", "list")
	id := strings.Fields(strings.Split(list, "\n")[1])[0]
	if out, _, err := runCLI(t, env, "token", "revoke", id); err != nil || !strings.Contains(out, "revoked") {
		t.Fatalf("revoke: %q %v", out, err)
	}
	if out, _, _ := runCLI(t, env, "config"); !strings.Contains(out, "CANDOR_DATABASE_URL=") {
		t.Fatalf("config: %q", out)
	}
}
