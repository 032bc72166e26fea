package pdf

import (
	"context"
	"sync"
	"time"
)

// Lazy is a Printer started on the first Print, so a server that never
// prints never runs a browser. It is safe for concurrent use.
type Lazy struct {
	opts Options
	mu   sync.Mutex
	p    *Printer
}

// NewLazy returns a Lazy printer; nothing starts until Print.
func NewLazy(opts Options) *Lazy { return &Lazy{opts: opts} }

// Print starts the browser if needed (once, up to a minute) and prints.
func (l *Lazy) Print(ctx context.Context, html []byte, page Page) ([]byte, error) {
	l.mu.Lock()
	if l.p == nil {
		sctx, cancel := context.WithTimeout(ctx, time.Minute)
		p, err := New(sctx, l.opts)
		cancel()
		if err != nil {
			l.mu.Unlock()
			return nil, err
		}
		l.p = p
	}
	p := l.p
	l.mu.Unlock()
	return p.Print(ctx, html, page)
}

// Close stops the browser if it was started.
func (l *Lazy) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.p != nil {
		err := l.p.Close()
		l.p = nil
		return err
	}
	return nil
}
