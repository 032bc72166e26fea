package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/candor-dev/candor/internal/testenv"
)

// A data key file that its group or others may read stops start-up with
// one line naming the file and the fix; the same key at 0600 is taken (the
// start then gets as far as Redis, which is down here).
func TestStartupRefusesKeyFileReadableByOthers(t *testing.T) {
	key := filepath.Join(t.TempDir(), "data.key")
	if err := os.WriteFile(key, []byte("0000000000000000000000000000000000000000000000000000000000000001\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"CANDOR_DATA_KEY=", "CANDOR_DATA_KEY_FILE=" + key, "CANDOR_DATABASE_URL=" + testenv.SQLite(t).URL,
		"CANDOR_REDIS_URL=redis://127.0.0.1:1/0"}
	for _, tt := range []struct {
		mode os.FileMode
		want string
	}{
		{0o644, "chmod 600 " + key},
		{0o640, "chmod 600 " + key},
		{0o600, "redis redis://127.0.0.1:1/0"},
	} {
		t.Run(tt.mode.String(), func(t *testing.T) {
			if err := os.Chmod(key, tt.mode); err != nil {
				t.Fatal(err)
			}
			_, stderr, err := runCLI(t, env, "run")
			if err == nil {
				t.Fatal("run succeeded")
			}
			if lines := strings.Count(strings.TrimSpace(stderr), "\n"); lines != 0 || !strings.Contains(stderr, tt.want) {
				t.Fatalf("stderr %q: want one line containing %q", stderr, tt.want)
			}
		})
	}
}
