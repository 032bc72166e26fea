package store_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/candor-dev/candor/internal/testenv"
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

	// A wait for the writer is bounded, like SQLite's busy timeout.
	db.SetWriterWait(50 * time.Millisecond)
	ran = false
	err = db.Transaction(ctx, func(tx *gorm.DB) error { ran = true; return nil })
	if err == nil || !strings.Contains(err.Error(), "busy") || ran {
		t.Fatalf("a wait past the bound returned %v and ran=%v, want a busy error without running", err, ran)
	}
	db.SetWriterWait(time.Minute)

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

// A dispatch step runs without PostgreSQL's JIT compiler (lockDispatch),
// set for its transaction alone: the session keeps the server's setting.
func TestDispatchStepsRunWithoutJIT(t *testing.T) {
	db := testenv.Open(t, testenv.Postgres(t))
	inside, outside, err := db.DispatchJIT(context.Background(), "any-send")
	if err != nil {
		t.Fatal(err)
	}
	if inside != "off" || outside != "on" {
		t.Fatalf("jit inside a dispatch step %q, outside %q; want off, on", inside, outside)
	}
}
