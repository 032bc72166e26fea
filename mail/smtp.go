package mail

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	gomail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"
)

// idleCheck is how long a connection may sit idle before it is checked
// with a NOOP on its next use. A busy pool never pays for the NOOP; a
// connection the relay dropped while idle is found out before a message is
// sent on it.
const idleCheck = 2 * time.Second

// SMTPSender sends over a pool of at most cfg.Pool reused SMTP connections:
// each is dialled once (EHLO, STARTTLS, AUTH once) and then carries message
// after message (MAIL, RCPT, DATA; RSET only after a failure), and is
// replaced after an error that leaves it unusable. Safe for concurrent use: callers beyond the pool
// size wait for a connection (or their context).
type SMTPSender struct {
	cfg    SMTPConfig
	domain string
	// client holds go-mail's configuration (TLS, auth, timeouts). It is
	// never dialled itself: the connections are *smtp.Client values from
	// DialToSMTPClientWithContext, which go-mail provides for this kind of
	// concurrent use; each message goes out through transact.
	client *gomail.Client
	dkim   *gomail.DKIMSigner // nil: no signing
	idle   chan *conn         // idle connections, FIFO: use spreads over all, none idles long
	slots  chan struct{}      // one token per open (or opening) connection

	mu     sync.RWMutex // closed, against release racing with Close
	closed bool
	dials  atomic.Int64
}

// conn is one pooled connection.
type conn struct {
	sc   *smtp.Client
	nc   net.Conn // the socket under sc, for deadlines on cancellation
	used time.Time
	sent int // messages sent on it; > 0 means it is a reused connection
}

// connKey carries a *net.Conn through go-mail's dial so that the pool
// learns the socket go-mail's smtp.Client wraps (it does not expose it).
type connKey struct{}

// NewSMTPSender returns a pool for cfg. It dials nothing until the first
// Send. Message-IDs are on domain; dk may be zero (no DKIM).
func NewSMTPSender(cfg SMTPConfig, domain string, dk DKIMConfig) (*SMTPSender, error) {
	if !validDomain(domain) {
		return nil, fmt.Errorf("mail: message id domain %q is not a domain name", domain)
	}
	if cfg.Pool < 1 || cfg.Timeout <= 0 || cfg.Host == "" || cfg.Port == 0 {
		return nil, fmt.Errorf("mail: incomplete smtp config %s (use ParseURL)", cfg)
	}
	signer, err := dk.signer()
	if err != nil {
		return nil, err
	}
	s := &SMTPSender{cfg: cfg, domain: domain, idle: make(chan *conn, cfg.Pool), slots: make(chan struct{}, cfg.Pool)}
	opts, err := clientOptions(cfg, s.dial)
	if err != nil {
		return nil, err
	}
	s.dkim = signer
	if s.client, err = gomail.NewClient(cfg.Host, opts...); err != nil {
		return nil, fmt.Errorf("mail: smtp client: %w", err)
	}
	return s, nil
}

// Send sends m on a pooled connection; see Sender.
func (s *SMTPSender) Send(ctx context.Context, m *Message) (Result, error) {
	if err := ctx.Err(); err != nil {
		return Result{}, explain("send", err) // before it costs a connection
	}
	msg, err := m.build(s.domain)
	if err != nil {
		return Result{}, explain("message", err)
	}
	res := Result{MessageID: msg.GetMessageID()}
	// A connection that failed before the message went out is retried on
	// another: a relay drops idle connections, and the pool only learns it
	// on use. Nothing was delivered, so this cannot duplicate a message.
	for try := 0; ; try++ {
		c, err := s.acquire(ctx)
		if err != nil {
			return Result{}, err
		}
		reused := c.sent > 0
		var reply string
		e := s.sendOn(ctx, c, msg, &reply)
		if e == nil {
			res.Response = redactReply("250 "+reply, m.To.Email)
			return res, nil
		}
		if reused && try < 2 && stale(e) && ctx.Err() == nil {
			continue
		}
		e.Reason = redactReply(e.Reason, m.To.Email)
		return Result{}, e
	}
}

// stale says whether e is a reused connection found dead before the
// message was handed over: no reply at all, or a 421 4.4.x (idle timeout).
func stale(e *Error) bool {
	before := e.Stage == "connect" || e.Stage == "mail" || e.Stage == "rcpt" || e.Stage == "data"
	return before && (e.Code == 0 || e.Code == 421 && strings.HasPrefix(e.Enhanced, "4.4."))
}

// sendOn sends msg on c and gives c back to the pool, or closes it if the
// error left it unusable.
func (s *SMTPSender) sendOn(ctx context.Context, c *conn, msg *gomail.Msg, response *string) *Error {
	// go-mail takes no context once connected: a past deadline on the
	// socket makes its blocked read or write return at once.
	// The deadline for this message is set first, so that a cancellation
	// arriving meanwhile is not overwritten by it.
	if err := c.sc.UpdateDeadline(s.cfg.Timeout); err != nil {
		s.release(c, false)
		return explain("connect", err)
	}
	stop := context.AfterFunc(ctx, func() { _ = c.nc.SetDeadline(time.Now()) })
	reply, delivered, e := transact(c.sc, msg, s.dkim)
	cancelled := !stop()
	c.sent++
	c.used = time.Now()
	if delivered {
		*response = reply
		s.release(c, !cancelled)
		return nil
	}
	if cancelled {
		s.release(c, false)
		return explain("send", ctx.Err())
	}
	// After a reply (not a network error) the connection still works, but
	// go-mail leaves the transaction open after some failures (a rejected
	// DATA): RSET it, and drop it if even that fails.
	healthy := e.Code != 0 && e.Code != 421 && c.sc.Reset() == nil
	s.release(c, healthy)
	return e
}

// acquire returns an idle connection, or dials one if fewer than Pool are
// open, or waits.
func (s *SMTPSender) acquire(ctx context.Context) (*conn, error) {
	for {
		var c *conn
		select {
		case c = <-s.idle:
		default:
			select {
			case c = <-s.idle:
			case s.slots <- struct{}{}:
				return s.dialConn(ctx)
			case <-ctx.Done():
				return nil, explain("connect", ctx.Err())
			}
		}
		if c == nil { // the pool was closed
			return nil, &Error{Class: Temporary, Stage: "connect", Reason: "connect: sender closed", Err: errClosed{}}
		}
		if time.Since(c.used) < idleCheck || s.alive(c) {
			return c, nil
		}
		s.discard(c)
	}
}

// alive checks an idle connection with a NOOP.
func (s *SMTPSender) alive(c *conn) bool {
	return c.sc.UpdateDeadline(s.cfg.Timeout) == nil && c.sc.Noop() == nil
}

// dialConn opens a connection in a slot already taken.
func (s *SMTPSender) dialConn(ctx context.Context) (*conn, error) {
	s.mu.RLock()
	closed := s.closed
	s.mu.RUnlock()
	if closed {
		<-s.slots
		return nil, &Error{Class: Temporary, Stage: "connect", Reason: "connect: sender closed", Err: errClosed{}}
	}
	var nc net.Conn
	s.dials.Add(1)
	sc, err := s.client.DialToSMTPClientWithContext(context.WithValue(ctx, connKey{}, &nc))
	if err != nil {
		// go-mail does not close the socket when EHLO, STARTTLS or AUTH fail.
		if nc != nil {
			nc.Close()
		}
		<-s.slots
		return nil, explain("connect", err)
	}
	return &conn{sc: sc, nc: nc, used: time.Now()}, nil
}

// release gives c back to the pool, or closes it.
func (s *SMTPSender) release(c *conn, healthy bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if !healthy || s.closed {
		s.discard(c)
		return
	}
	s.idle <- c // never blocks: at most Pool connections exist
}

// discard closes c and frees its slot.
func (s *SMTPSender) discard(c *conn) {
	_ = c.nc.Close()
	<-s.slots
}

// Dials is the number of connections the sender has opened so far.
func (s *SMTPSender) Dials() int { return int(s.dials.Load()) }

// Close says QUIT on idle connections and closes them; connections in use
// are closed when their Send returns. Send fails after Close.
func (s *SMTPSender) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.idle)
	s.mu.Unlock()
	var errs []error
	for c := range s.idle {
		if err := c.sc.Quit(); err != nil && !errors.Is(err, net.ErrClosed) {
			errs = append(errs, err)
		}
		s.discard(c)
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("mail: close: %w", err)
	}
	return nil
}

type errClosed struct{}

func (errClosed) Error() string { return "mail: sender closed" }
