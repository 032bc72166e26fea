package jobs

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/candor-dev/candor/store"
)

func TestRunnersBoundAndReuse(t *testing.T) {
	r := newRunners(3)
	var running, peak atomic.Int32
	var wg sync.WaitGroup
	for range 60 {
		wg.Add(1)
		r.do(func() {
			defer wg.Done()
			n := running.Add(1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			time.Sleep(time.Millisecond)
			running.Add(-1)
		})
	}
	wg.Wait()
	if p := peak.Load(); p < 1 || p > 3 {
		t.Fatalf("peak concurrency %d, want 1..3", p)
	}
	if n := len(r.sem); n > 3 {
		t.Fatalf("%d runner goroutines, want at most 3", n)
	}
}

func TestRunnersExitWhenIdle(t *testing.T) {
	r := newRunners(2)
	r.idle = 20 * time.Millisecond
	done := make(chan struct{})
	r.do(func() { close(done) })
	<-done
	deadline := time.Now().Add(5 * time.Second)
	for len(r.sem) != 0 {
		if time.Now().After(deadline) {
			t.Fatal("an idle runner did not exit")
		}
		time.Sleep(5 * time.Millisecond)
	}
	// And a new one starts for the next piece of work.
	ran := make(chan struct{})
	r.do(func() { close(ran) })
	select {
	case <-ran:
	case <-time.After(5 * time.Second):
		t.Fatal("no runner took work after the pool had emptied")
	}
}

// batchLog is a recorder's write function that keeps what it was given.
type batchLog struct {
	mu      sync.Mutex
	batches [][]string // outcome ids per transaction
	fail    func(ids []string) error
	gate    chan struct{} // if set, each write waits for a token
}

func (b *batchLog) write(ctx context.Context, out []store.Outcome) error {
	if b.gate != nil {
		<-b.gate
	}
	ids := make([]string, len(out))
	for i, o := range out {
		ids[i] = o.ID
	}
	b.mu.Lock()
	b.batches = append(b.batches, ids)
	b.mu.Unlock()
	if b.fail != nil {
		return b.fail(ids)
	}
	return nil
}

func outcomes(prefix string, n int) []store.Outcome {
	out := make([]store.Outcome, n)
	for i := range out {
		out[i] = store.Outcome{ID: fmt.Sprintf("%s-%d", prefix, i), SendID: prefix, Status: "sent"}
	}
	return out
}

func TestRecorderGroupsWaitingBatches(t *testing.T) {
	log := &batchLog{gate: make(chan struct{})}
	r := testRecorder(log, 100, 0)
	errs := make(chan error, 4)
	// The first batch's write is held; three more queue behind it.
	go func() { errs <- r.record(outcomes("a", 10)) }()
	waitFor(t, func() bool { r.mu.Lock(); defer r.mu.Unlock(); return r.busy && len(r.queue) == 0 })
	for _, p := range []string{"b", "c", "d"} {
		go func() { errs <- r.record(outcomes(p, 10)) }()
	}
	waitFor(t, func() bool { r.mu.Lock(); defer r.mu.Unlock(); return len(r.queue) == 3 })
	log.gate <- struct{}{}
	log.gate <- struct{}{}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if len(log.batches) != 2 || len(log.batches[0]) != 10 || len(log.batches[1]) != 30 {
		t.Fatalf("transactions of %v outcomes, want [10 30]", sizes(log.batches))
	}
}

func TestRecorderRespectsMax(t *testing.T) {
	log := &batchLog{gate: make(chan struct{}, 100)}
	r := testRecorder(log, 25, 0)
	errs := make(chan error, 6)
	go func() { errs <- r.record(outcomes("first", 1)) }()
	waitFor(t, func() bool { r.mu.Lock(); defer r.mu.Unlock(); return r.busy && len(r.queue) == 0 })
	for i := range 5 {
		go func() { errs <- r.record(outcomes(fmt.Sprint(i), 10)) }()
	}
	waitFor(t, func() bool { r.mu.Lock(); defer r.mu.Unlock(); return len(r.queue) == 5 })
	for range 10 {
		log.gate <- struct{}{}
	}
	for range 6 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	// 1, then 10+10, 10+10, 10: never over 25, never a batch split.
	if got := fmt.Sprint(sizes(log.batches)); got != "[1 20 20 10]" {
		t.Fatalf("transactions of %s outcomes, want [1 20 20 10]", got)
	}
}

func TestRecorderReportsErrorToEveryWaiter(t *testing.T) {
	boom := errors.New("database gone")
	log := &batchLog{gate: make(chan struct{}, 10), fail: func([]string) error { return boom }}
	r := testRecorder(log, 1000, 0)
	errs := make(chan error, 3)
	go func() { errs <- r.record(outcomes("a", 2)) }()
	waitFor(t, func() bool { r.mu.Lock(); defer r.mu.Unlock(); return r.busy && len(r.queue) == 0 })
	go func() { errs <- r.record(outcomes("b", 2)) }()
	go func() { errs <- r.record(outcomes("c", 2)) }()
	waitFor(t, func() bool { r.mu.Lock(); defer r.mu.Unlock(); return len(r.queue) == 2 })
	for range 4 { // a; b and c together; then b and c each alone
		log.gate <- struct{}{}
	}
	for range 3 {
		if err := <-errs; !errors.Is(err, boom) {
			t.Fatalf("record returned %v, want %v", err, boom)
		}
	}
	if got := fmt.Sprint(sizes(log.batches)); got != "[2 4 2 2]" {
		t.Fatalf("transactions of %s outcomes, want [2 4 2 2]: a failed shared one is retried batch by batch", got)
	}
	if r.record(nil) != nil {
		t.Fatal("recording nothing failed")
	}
}

func TestRecorderLingers(t *testing.T) {
	for _, tc := range []struct {
		name    string
		batches int // of 10 outcomes, handed over together
		want    string
	}{
		// Within the linger, batches share one transaction...
		{"merged", 5, "[50]"},
		// ...and max/2 queued outcomes end the wait at once (the linger
		// is an hour).
		{"full", 10, "[100]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			log := &batchLog{}
			r := testRecorder(log, 200, time.Hour)
			if tc.batches*10 < r.max/2 {
				r.linger = time.Second
			}
			var results []<-chan error
			for i := range tc.batches {
				results = append(results, r.start(outcomes(fmt.Sprint(i), 10)))
			}
			start := time.Now()
			for _, c := range results {
				if err := <-c; err != nil {
					t.Fatal(err)
				}
			}
			if got := fmt.Sprint(sizes(log.batches)); got != tc.want {
				t.Fatalf("transactions of %s outcomes, want %s", got, tc.want)
			}
			if time.Since(start) > time.Minute {
				t.Fatal("a full queue waited for the linger")
			}
		})
	}
}

// A task that waits for its batch has nothing to send meanwhile: the
// queue is written at once, not after the linger (an hour here), still as
// one transaction.
func TestRecorderWritesAtOnceForAWaiter(t *testing.T) {
	log := &batchLog{}
	r := testRecorder(log, 200, time.Hour)
	var results []<-chan error
	for i := range 5 {
		results = append(results, r.start(outcomes(fmt.Sprint(i), 10)))
	}
	done := make(chan error, 1)
	go func() { done <- r.wait(results[4]) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(time.Minute):
		t.Fatal("a waiting task's batch waited for the linger")
	}
	for _, c := range results[:4] {
		if err := <-c; err != nil {
			t.Fatal(err)
		}
	}
	if got := fmt.Sprint(sizes(log.batches)); got != "[50]" {
		t.Fatalf("transactions of %s outcomes, want [50]", got)
	}
	// The next batch lingers again: nobody waits for it yet.
	next := r.start(outcomes("later", 10))
	time.Sleep(50 * time.Millisecond)
	log.mu.Lock()
	n := len(log.batches)
	log.mu.Unlock()
	if n != 1 {
		t.Fatalf("%d transactions, want 1: a batch nobody waits for was written before its linger", n)
	}
	if err := r.wait(next); err != nil {
		t.Fatal(err)
	}
}

func testRecorder(log *batchLog, max int, linger time.Duration) *recorder {
	r := newRecorder(log.write)
	r.max, r.linger = max, linger
	return r
}

func sizes(b [][]string) []int {
	out := make([]int, len(b))
	for i, x := range b {
		out[i] = len(x)
	}
	return out
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in 5 s")
		}
		time.Sleep(time.Millisecond)
	}
}
