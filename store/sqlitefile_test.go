package store_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/candor-dev/candor/store"
)

// A new SQLite database is readable by its owner only: the file, and the
// -wal and -shm files SQLite makes beside it, whatever the umask lets
// through; a file that exists keeps the mode it has.
func TestSQLiteFileIsOwnerOnly(t *testing.T) {
	old := syscall.Umask(0o022) // the usual one, which leaves files world-readable
	t.Cleanup(func() { syscall.Umask(old) })
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "candor.db")
	db, err := store.Open(context.Background(), "sqlite:"+path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(context.Background()); err != nil { // writes: the WAL and its index exist
		t.Fatal(err)
	}
	for _, f := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %04o, want 0600", filepath.Base(f), fi.Mode().Perm())
		}
	}
	if fi, err := os.Stat(filepath.Dir(path)); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("directory: %v %v, want 0700", fi.Mode(), err)
	}

	chosen := filepath.Join(dir, "chosen.db")
	if err := os.WriteFile(chosen, nil, 0o640); err != nil {
		t.Fatal(err)
	}
	db2, err := store.Open(context.Background(), chosen, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	if _, err := db2.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(chosen); fi.Mode().Perm() != 0o640 {
		t.Errorf("an existing file's mode changed to %04o", fi.Mode().Perm())
	}
}
