package store_test

import (
	"context"
	"sync"
	"testing"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/store"
)

// Serve replicas and workers start together on a fresh PostgreSQL database:
// each migrates, none fails, every migration is applied once.
func TestConcurrentMigrationsOnPostgres(t *testing.T) {
	d := testenv.Postgres(t)
	const procs = 4
	var wg sync.WaitGroup
	applied := make([][]string, procs)
	errs := make([]error, procs)
	for i := range procs {
		db, err := store.Open(context.Background(), d.URL, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		wg.Add(1)
		go func() {
			defer wg.Done()
			applied[i], errs[i] = db.Migrate(context.Background())
		}()
	}
	wg.Wait()
	total := 0
	for i := range procs {
		if errs[i] != nil {
			t.Fatalf("process %d: %v", i, errs[i])
		}
		total += len(applied[i])
	}
	db := testenv.Open(t, d)
	st, err := db.MigrationStatus(context.Background())
	if err != nil || total != len(st) {
		t.Fatalf("%d migrations applied in all, %d exist (%v)", total, len(st), err)
	}
}

func TestActiveToken(t *testing.T) {
	for name, db := range testenv.Stores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := testenv.Actor(candor.RoleAdmin)
			tok, _, err := db.CreateToken(ctx, "dash", candor.RoleViewer)
			if err != nil {
				t.Fatal(err)
			}
			if got, err := db.ActiveToken(ctx, tok.ID); err != nil || got.Role != candor.RoleViewer {
				t.Fatalf("active: %+v %v", got, err)
			}
			if _, err := db.RevokeToken(ctx, tok.ID); err != nil {
				t.Fatal(err)
			}
			for _, id := range []string{tok.ID, "not-an-id", "01a2000a-0000-7000-8000-000000000000"} {
				if _, err := db.ActiveToken(ctx, id); candor.ErrorCode(err) != candor.EUNAUTHORIZED {
					t.Errorf("%s: %v", id, err)
				}
			}
		})
	}
}
