// Package smtptest runs a real SMTP server (github.com/emersion/go-smtp) on
// 127.0.0.1 for tests and benchmarks. Everything the mail code does is
// exercised over a TCP connection and a real SMTP conversation: no mocks.
//
// The server records what it accepted, counts TCP connections (to prove
// connection reuse), can answer with scripted failures (a Decider), can
// throttle, can be stopped and restarted on the same address to simulate an
// outage, and has a discard mode for benchmarks that keeps counts only.
package smtptest

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"log"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Server is an in-process SMTP server. All methods are safe for concurrent
// use.
type Server struct {
	cfg  config
	addr string // fixed after the first listen, so a restart keeps it

	mu      sync.Mutex // guards srv, and the fields of state below
	srv     *smtp.Server
	ln      net.Listener
	state   state
	decider Decider
	throttl error
	tlsCfg  *tls.Config
	pool    *x509.CertPool

	conns     atomic.Int64 // TCP connections accepted, over the server's life
	accepted  atomic.Int64 // messages accepted
	dataBytes atomic.Int64 // DATA bytes of accepted messages
	notify    chan struct{}
}

type config struct {
	discard     bool
	user        string
	pass        string
	decider     Decider
	rate        float64
	rateReply   error
	domain      string
	tls         bool
	implicitTLS bool
}

// Option configures a Server.
type Option func(*config)

// WithDiscard makes the server a sink: it counts messages and recipients
// but keeps no bodies and parses no headers, so that it costs as little CPU
// as possible when a benchmark measures the sender.
func WithDiscard() Option { return func(c *config) { c.discard = true } }

// WithAuth requires SMTP AUTH PLAIN with these credentials (over plain TCP:
// the server allows insecure auth, as this is loopback only).
func WithAuth(user, pass string) Option {
	return func(c *config) { c.user, c.pass = user, pass }
}

// WithDecider sets the function that decides the reply to each recipient
// and each message; see Decider.
func WithDecider(d Decider) Option { return func(c *config) { c.decider = d } }

// WithRateLimit makes the server answer MAIL FROM with reply once more than
// perSecond messages a second arrive (a token bucket with one second of
// burst), the way a relay throttles a sender. A nil reply means
// "451 4.7.1 rate limited, slow down".
func WithRateLimit(perSecond float64, reply error) Option {
	return func(c *config) { c.rate, c.rateReply = perSecond, reply }
}

// New starts a server on 127.0.0.1 with a free port. Close it when done.
// Tests use Start, which does that for them.
func New(opts ...Option) (*Server, error) {
	s := &Server{notify: make(chan struct{}, 1)}
	s.cfg.domain = "smtptest.localhost"
	for _, o := range opts {
		o(&s.cfg)
	}
	if s.cfg.rate > 0 && s.cfg.rateReply == nil {
		s.cfg.rateReply = Reply(451, "4.7.1", "rate limited, slow down")
	}
	s.decider = s.cfg.decider
	if s.cfg.tls {
		var err error
		if s.tlsCfg, s.pool, err = selfSigned(); err != nil {
			return nil, err
		}
	}
	s.state = newState(s.cfg.rate, s.cfg.discard)
	if err := s.Start(); err != nil {
		return nil, err
	}
	return s, nil
}

// Start starts a server for the test and closes it when the test ends.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s, err := New(opts...)
	if err != nil {
		t.Fatalf("smtptest: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Addr is the server's "host:port"; it stays the same across Stop/Start.
func (s *Server) Addr() string { return s.addr }

// URL is an smtp:// URL for the server, in the form the mail package's
// configuration takes.
func (s *Server) URL() string {
	u := "smtp://"
	if s.cfg.user != "" {
		u += s.cfg.user + ":" + s.cfg.pass + "@"
	}
	switch {
	case s.cfg.implicitTLS:
		return u + s.addr + "?tls=tls"
	case s.cfg.tls:
		return u + s.addr + "?tls=starttls"
	}
	return u + s.addr + "?tls=none"
}

// Start listens again after Stop, on the same address. It is called by New;
// calling it on a running server does nothing.
func (s *Server) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv != nil {
		return nil
	}
	addr := s.addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("smtptest: listen %s: %w", addr, err)
	}
	s.addr = ln.Addr().String()

	srv := smtp.NewServer(&backend{s: s})
	srv.Domain = s.cfg.domain
	srv.AllowInsecureAuth = true
	srv.MaxRecipients = 100
	srv.ReadTimeout = 2 * time.Minute
	srv.WriteTimeout = 2 * time.Minute
	// go-smtp logs every broken connection; an outage test makes many.
	srv.ErrorLog = log.New(io.Discard, "", 0)
	s.srv, s.ln = srv, ln
	var served net.Listener = &countingListener{Listener: ln, n: &s.conns}
	if s.tlsCfg != nil {
		srv.TLSConfig = s.tlsCfg // offers STARTTLS
	}
	if s.cfg.implicitTLS {
		// A 421 cannot close a TLS connection after the reply here: the
		// session sees the *tls.Conn, not the closingConn under it.
		served = tls.NewListener(served, s.tlsCfg)
	}
	go srv.Serve(served)
	return nil
}

// Stop closes the listener and every open connection, as a crashed or
// restarted relay would: clients see resets and refused connections until
// Start.
func (s *Server) Stop() {
	s.mu.Lock()
	srv, ln := s.srv, s.ln
	s.srv, s.ln = nil, nil
	s.mu.Unlock()
	if srv != nil {
		// Serve registers the listener from its own goroutine, so
		// srv.Close alone may miss it if Stop follows Start closely.
		_ = ln.Close()
		_ = srv.Close()
	}
}

// Down stops the server now and starts it again after d, in the
// background. The returned channel is closed once it is listening again (or
// failed to: the error is then sent first).
func (s *Server) Down(d time.Duration) <-chan error {
	s.Stop()
	done := make(chan error, 1)
	time.AfterFunc(d, func() {
		if err := s.Start(); err != nil {
			done <- err
		}
		close(done)
	})
	return done
}

// Close stops the server for good.
func (s *Server) Close() error {
	s.Stop()
	return nil
}

// SetDecider replaces the Decider while the server runs (nil: accept all).
func (s *Server) SetDecider(d Decider) {
	s.mu.Lock()
	s.decider = d
	s.mu.Unlock()
}

// SetThrottle makes the server answer every MAIL FROM with reply until it is
// called again with nil. A 421 reply also closes the connection, as relays
// do. Example: SetThrottle(Reply(421, "4.7.0", "too many connections")).
func (s *Server) SetThrottle(reply error) {
	s.mu.Lock()
	s.throttl = reply
	s.mu.Unlock()
}

// Connections is the number of TCP connections the server accepted since it
// was created (across restarts).
func (s *Server) Connections() int { return int(s.conns.Load()) }

// Count is the number of messages accepted.
func (s *Server) Count() int { return int(s.accepted.Load()) }

// Bytes is the size of the accepted messages' DATA, added up (after
// dot-unstuffing), so a benchmark can tell that two runs sent messages of
// the same size.
func (s *Server) Bytes() int64 { return s.dataBytes.Load() }

// WaitFor waits until at least n messages were accepted, or the timeout.
func (s *Server) WaitFor(n int, timeout time.Duration) error {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for s.Count() < n {
		select {
		case <-s.notify:
		case <-time.After(10 * time.Millisecond):
		case <-deadline.C:
			return fmt.Errorf("smtptest: %d of %d messages after %s", s.Count(), n, timeout)
		}
	}
	return nil
}

// countingListener counts accepted connections and wraps each so that a
// session can ask for the connection to be closed after its next reply.
type countingListener struct {
	net.Listener
	n *atomic.Int64
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.n.Add(1)
	return &closingConn{Conn: c}, nil
}

// closingConn closes itself after the next write once closeAfterWrite is
// set: go-smtp has no way for a session to send a reply and then hang up,
// which is what a relay does with a 421.
type closingConn struct {
	net.Conn
	closeAfterWrite atomic.Bool
}

func (c *closingConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	if c.closeAfterWrite.Load() {
		_ = c.Conn.Close()
	}
	return n, err
}
