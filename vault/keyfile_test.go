package vault_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/candor-dev/candor/vault"
)

func TestReadKeyFile(t *testing.T) {
	key, err := vault.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		mode os.FileMode
		ok   bool
	}{
		{"owner only", 0o600, true},
		{"owner read-only", 0o400, true},
		{"group-readable", 0o640, false},
		{"world-readable", 0o644, false},
		{"group-writable", 0o620, false},
		{"everyone", 0o666, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "data.key")
			if err := os.WriteFile(path, []byte(key+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, tt.mode); err != nil { // past the umask
				t.Fatal(err)
			}
			got, err := vault.ReadKeyFile(path)
			if tt.ok {
				if err != nil || strings.TrimSpace(got) != key {
					t.Fatalf("ReadKeyFile: %q %v", got, err)
				}
				if _, err := vault.ParseKey(got); err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, vault.ErrKeyFileMode) || !strings.Contains(err.Error(), path) ||
				!strings.Contains(err.Error(), "chmod 600 "+path) {
				t.Fatalf("err %v, want ErrKeyFileMode naming %s and chmod 600", err, path)
			}
			if got != "" {
				t.Fatal("the key was returned with the error")
			}
		})
	}
	t.Run("missing", func(t *testing.T) {
		if _, err := vault.ReadKeyFile(filepath.Join(t.TempDir(), "none")); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("err %v, want not-exist", err)
		}
	})
	t.Run("directory", func(t *testing.T) {
		dir := t.TempDir()
		os.Chmod(dir, 0o700)
		if _, err := vault.ReadKeyFile(dir); err == nil {
			t.Fatal("a directory was read as a key file")
		}
	})
}
