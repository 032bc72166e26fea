// Package testenv starts the real dependencies tests need: a SQLite file, a
// fresh PostgreSQL database, a private Redis server. A missing dependency
// fails the test with a message saying how to provide it; it never skips,
// because a skipped test would let CI pass without testing anything.
//
// `make test` starts PostgreSQL in a temporary directory and exports
// CANDOR_TEST_POSTGRES_URL; redis-server must be on the PATH (make test
// installs it with apt-get if missing).
package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/store"
	"github.com/candor-dev/candor/vault"
	"github.com/jackc/pgx/v5"
)

// DB is one database a test runs against.
type DB struct {
	Name string // "sqlite" or "postgres"
	URL  string
}

// Databases returns a fresh SQLite database and a fresh PostgreSQL database,
// each dropped when the test ends. Tests loop over both.
func Databases(t testing.TB) []DB {
	t.Helper()
	return []DB{SQLite(t), Postgres(t)}
}

// SQLite returns the URL of a new SQLite file in the test's temp dir.
func SQLite(t testing.TB) DB {
	return DB{Name: store.SQLite, URL: "sqlite:" + filepath.Join(t.TempDir(), "candor.db")}
}

// Postgres creates a new database in the server named by
// CANDOR_TEST_POSTGRES_URL and returns its URL.
func Postgres(t testing.TB) DB {
	t.Helper()
	admin := os.Getenv("CANDOR_TEST_POSTGRES_URL")
	if admin == "" {
		t.Fatal("CANDOR_TEST_POSTGRES_URL is not set: run the tests with `make test`, which starts PostgreSQL 15")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("connect to test PostgreSQL (%s): %v", store.Redact(admin), err)
	}
	defer conn.Close(ctx)
	name := "candor_test_" + randHex(6)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if c, err := pgx.Connect(ctx, admin); err == nil {
			c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			c.Close(ctx)
		}
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("parse CANDOR_TEST_POSTGRES_URL: %v", err)
	}
	u.Path = "/" + name
	return DB{Name: store.Postgres, URL: u.String()}
}

// Open opens and migrates the database, closing it when the test ends.
func Open(t testing.TB, d DB) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), d.URL, store.Options{})
	if err != nil {
		t.Fatalf("open %s: %v", d.Name, err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate %s: %v", d.Name, err)
	}
	return db
}

// Stores opens a migrated store on each database, keyed by dialect.
func Stores(t testing.TB) map[string]*store.DB {
	t.Helper()
	out := map[string]*store.DB{}
	for _, d := range Databases(t) {
		out[d.Name] = Open(t, d)
	}
	return out
}

// Actor returns a context carrying an actor with the given role, as the
// auth middleware would set it.
func Actor(role candor.Role) context.Context {
	return candor.NewContextWithActor(context.Background(), candor.Actor{TokenID: "test-" + string(role), Name: "test " + string(role), Role: role})
}

func randHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Keyring returns a keyring with a fresh random data key.
func Keyring(t testing.TB) *vault.Keyring {
	t.Helper()
	k, err := vault.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	kr, err := vault.ParseKeyring(k, "")
	if err != nil {
		t.Fatal(err)
	}
	return kr
}
