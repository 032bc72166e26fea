package jobs

import (
	"context"
	"sync/atomic"

	"github.com/candor-dev/candor/mail"
	"golang.org/x/sync/semaphore"
)

// DefaultSendMemory is how many bytes of composed, not yet sent messages a
// worker process holds at most (CANDOR_SEND_MEMORY): each message is
// bounded by the render limits, but a process composing batches for many
// tasks at once is not, unless the batches share one budget. With ~10 KB
// notices the budget never binds; with near-limit (1 MiB) messages it
// keeps a send of them at tens of MB instead of hundreds.
const DefaultSendMemory = 64 << 20

// memBudget is that budget: a weighted semaphore over message bytes.
type memBudget struct {
	max  int64
	sem  *semaphore.Weighted
	held atomic.Int64
	peak atomic.Int64 // the most held at once, for tests and metrics
}

func newMemBudget(max int64) *memBudget {
	if max <= 0 {
		max = DefaultSendMemory
	}
	return &memBudget{max: max, sem: semaphore.NewWeighted(max)}
}

// take reserves the bytes of m. It blocks only when the caller holds
// nothing (wait): a task that already holds part of the budget must send
// what it holds before it asks for more, or tasks holding parts could wait
// on one another for ever. It returns the bytes reserved, 0 when it did
// not reserve (the budget is full, or ctx ended while waiting).
func (b *memBudget) take(ctx context.Context, m *mail.Message, wait bool) int64 {
	if b == nil {
		return 0
	}
	n := min(int64(len(m.HTML)+len(m.Text)+len(m.Subject)), b.max)
	if n <= 0 {
		n = 1 // every reservation is returned by release, so none may be 0
	}
	switch {
	case b.sem.TryAcquire(n):
	case !wait:
		return 0
	case b.sem.Acquire(ctx, n) != nil:
		return 0
	}
	h := b.held.Add(n)
	for p := b.peak.Load(); h > p && !b.peak.CompareAndSwap(p, h); p = b.peak.Load() {
	}
	return n
}

// release returns n reserved bytes.
func (b *memBudget) release(n int64) {
	if b == nil || n == 0 {
		return
	}
	b.held.Add(-n)
	b.sem.Release(n)
}
