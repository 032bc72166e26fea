package jobs

import (
	"context"
	"sync"
	"time"

	"github.com/candor-dev/candor/store"
)

// runners are the goroutines that render and send messages for every
// chunk task of a worker process: at most n at once, shared, and kept
// between messages. A send is CPU-bound on rendering, go-mail and the
// relay's replies; new goroutines for every batch grew their stacks
// (template execution and go-mail run deep) again and again, and 16 tasks
// × 8 goroutines each woke one another far more often than the SMTP pool's
// 8 connections could use. n matches the SMTP pool (CANDOR_SEND_PARALLEL),
// as the raw go-mail ceiling has one goroutine per connection.
type runners struct {
	work chan func()   // unbuffered: taken only by an idle runner
	sem  chan struct{} // one token per running goroutine
	idle time.Duration // a runner with nothing to do this long exits
}

func newRunners(n int) *runners {
	return &runners{work: make(chan func()), sem: make(chan struct{}, n), idle: time.Minute}
}

// do runs f on an idle runner, or a new one if fewer than n run, or waits
// for a runner to be free: a chunk that submits faster than messages go
// out is held back here.
func (r *runners) do(f func()) {
	select {
	case r.work <- f:
	case r.sem <- struct{}{}:
		go r.run(f)
	}
}

func (r *runners) run(f func()) {
	defer func() { <-r.sem }()
	t := time.NewTimer(r.idle)
	defer t.Stop()
	for {
		f()
		t.Reset(r.idle)
		select {
		case f = <-r.work:
		case <-t.C:
			return
		}
	}
}

// recorder writes the outcomes of every chunk task of a process in shared
// transactions (a group commit). A task hands over a batch and goes on
// sending the next while this one waits up to linger for others to join
// it; it hands over its next batch only once the previous one is
// committed, and finishes only once its last one is. So a crash repeats at
// most two batches a task, and the database commits once per many batches
// rather than once per batch: on SQLite each commit writes every page it
// touched (a delivery's row and index entries, its customer's row), and
// the writer is one.
type recorder struct {
	write  func(ctx context.Context, outcomes []store.Outcome) error
	max    int           // outcomes in one transaction, at most (a batch is never split)
	linger time.Duration // how long the first batch waits for others; 0: none

	mu     sync.Mutex
	queue  []recordReq
	queued int           // outcomes in queue
	busy   bool          // a flush goroutine is running
	full   chan struct{} // a linger may end: max/2 outcomes are queued, or a task waits
}

// recordMax is the most outcomes the recorder writes in one transaction:
// enough to merge every task's batch of a busy process, few enough that a
// claim never waits long for SQLite's one writer.
const recordMax = 1000

// recordLinger is how long a batch waits for others to share its
// transaction. A task sends its next batch meanwhile (at full speed, 16
// tasks share the runners: a batch of 32 takes it ~100 ms), so the wait
// costs it nothing; the first transaction of an idle process is 25 ms late.
const recordLinger = 25 * time.Millisecond

func newRecorder(write func(context.Context, []store.Outcome) error) *recorder {
	return &recorder{write: write, max: recordMax, linger: recordLinger, full: make(chan struct{}, 1)}
}

type recordReq struct {
	outcomes []store.Outcome
	at       time.Time
	done     chan error
	waited   bool // its task waits for it: no linger for the queue it is in
}

// start queues outcomes for writing and returns where the result of their
// transaction will be sent. It takes no context: sent messages are
// recorded even when the task is being cancelled (a shutdown).
func (r *recorder) start(outcomes []store.Outcome) <-chan error {
	done := make(chan error, 1)
	if len(outcomes) == 0 {
		done <- nil
		return done
	}
	r.mu.Lock()
	r.queue = append(r.queue, recordReq{outcomes: outcomes, at: time.Now(), done: done})
	r.queued += len(outcomes)
	if r.queued >= r.max/2 {
		select {
		case r.full <- struct{}{}:
		default:
		}
	}
	if !r.busy {
		r.busy = true
		go r.flush()
	}
	r.mu.Unlock()
	return done
}

// record writes outcomes and returns when they are committed.
func (r *recorder) record(outcomes []store.Outcome) error {
	return r.wait(r.start(outcomes))
}

// wait returns the result of a transaction start promised. The linger is
// for tasks that send on meanwhile; one that waits has nothing else to do
// (its chunk's last batch, a release, or a next batch already sent), so
// the queue its batch is in is written at once: the last batch of a send
// reached its completion 25 ms later without this.
func (r *recorder) wait(done <-chan error) error {
	select {
	case err := <-done:
		return err
	default:
	}
	r.mu.Lock()
	found := false
	for i := range r.queue {
		if r.queue[i].done == done {
			r.queue[i].waited, found = true, true
			break
		}
	}
	r.mu.Unlock()
	if found { // else its transaction is under way already
		select {
		case r.full <- struct{}{}:
		default:
		}
	}
	return <-done
}

// awaited reports whether a task waits for a batch in the queue; r.mu is
// held.
func (r *recorder) awaited() bool {
	for _, q := range r.queue {
		if q.waited {
			return true
		}
	}
	return false
}

// flush writes the queue, a transaction at a time, until it is empty.
func (r *recorder) flush() {
	var all []store.Outcome
	for {
		r.mu.Lock()
		if len(r.queue) == 0 {
			r.busy = false
			r.mu.Unlock()
			return
		}
		if wait := r.linger - time.Since(r.queue[0].at); wait > 0 && r.queued < r.max/2 && !r.awaited() {
			select { // a signal left from before this queue: not for it
			case <-r.full:
			default:
			}
			r.mu.Unlock()
			t := time.NewTimer(wait)
			select {
			case <-t.C:
			case <-r.full:
			}
			t.Stop()
			r.mu.Lock()
		}
		n, size := 0, 0
		for n < len(r.queue) && (n == 0 || size+len(r.queue[n].outcomes) <= r.max) {
			size += len(r.queue[n].outcomes)
			n++
		}
		reqs := make([]recordReq, n)
		copy(reqs, r.queue)
		r.queue = append(r.queue[:0], r.queue[n:]...)
		r.queued -= size
		r.mu.Unlock()

		all = all[:0]
		for _, q := range reqs {
			all = append(all, q.outcomes...)
		}
		if err := r.writeAll(all); err == nil || len(reqs) == 1 {
			for _, q := range reqs {
				q.done <- err
			}
			continue
		}
		// The shared transaction failed: each batch alone, so that a
		// failure of one (or a deadlock between processes that the
		// larger transaction made likelier) does not send every task
		// that joined it back to resend what it had sent.
		for _, q := range reqs {
			q.done <- r.writeAll(q.outcomes)
		}
	}
}

func (r *recorder) writeAll(outcomes []store.Outcome) error {
	// (On SQLite the store runs these statements without the deadline:
	// see store.DB.sendPath. The store's writer queue and SQLite's busy
	// timeout bound the wait for the writer.)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return r.write(ctx, outcomes)
}
