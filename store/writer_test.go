package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/store"
	"gorm.io/gorm"
)

// On SQLite a process's transactions queue for the one writer in the
// store, not in SQLite's busy handler: while one is open, the others wait
// and then all run, and one whose context ends while it waits gives up
// without running.
func TestSQLiteTransactionsQueueForTheWriter(t *testing.T) {
	db := testenv.Open(t, testenv.SQLite(t))
	ctx := context.Background()
	holding, release := make(chan struct{}), make(chan struct{})
	first := make(chan error, 1)
	go func() {
		first <- db.Transaction(ctx, func(tx *gorm.DB) error {
			close(holding)
			<-release
			return tx.Exec("UPDATE audit_head SET hash = hash WHERE id = 1").Error
		})
	}()
	<-holding

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	ran := false
	err := db.Transaction(cctx, func(tx *gorm.DB) error { ran = true; return nil })
	if !errors.Is(err, context.Canceled) || ran {
		t.Fatalf("a cancelled wait returned %v and ran=%v, want context.Canceled without running", err, ran)
	}

	const n = 20
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- db.Transaction(ctx, func(tx *gorm.DB) error {
				return tx.Exec("UPDATE audit_head SET hash = hash WHERE id = 1").Error
			})
		}()
	}
	close(release)
	wg.Wait()
	close(errs)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	done := 0
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
		done++
	}
	if done != n {
		t.Fatalf("%d of %d queued transactions ran", done, n)
	}
}

// Candor's PostgreSQL sessions run without the JIT compiler (see
// postgresDSN), unless the URL asks for it.
func TestPostgresSessionsHaveNoJIT(t *testing.T) {
	d := testenv.Postgres(t)
	for _, tc := range []struct{ url, want string }{
		{d.URL, "off"},
		{d.URL + "&jit=on", "on"},
	} {
		db := testenv.Open(t, testenv.DB{Name: d.Name, URL: tc.url})
		var got string
		if err := db.Gorm().Raw("SHOW jit").Scan(&got).Error; err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("%s: jit = %q, want %q", store.Redact(tc.url), got, tc.want)
		}
	}
}
