package mail_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"strings"
	"testing"

	"github.com/candor-dev/candor/internal/smtptest"
	cmail "github.com/candor-dev/candor/mail"
)

// TestClassifyReplies drives real SMTP conversations: each case makes the
// server answer one way at one stage, and checks what Send reports.
func TestClassifyReplies(t *testing.T) {
	at := func(stage smtptest.Stage, reply error) smtptest.Decider {
		return func(a smtptest.Attempt) error {
			if a.Stage == stage {
				return reply
			}
			return nil
		}
	}
	rcpt, data := smtptest.StageRcpt, smtptest.StageData
	tests := []struct {
		name     string
		decider  smtptest.Decider
		throttle error
		class    cmail.Class
		code     int
		enhanced string
		reason   string
	}{
		{"451 at rcpt", at(rcpt, smtptest.Reply(451, "4.3.0", "try again later")), nil,
			cmail.Temporary, 451, "4.3.0", "rcpt: 451 4.3.0 try again later"},
		{"550 at rcpt", at(rcpt, smtptest.Reply(550, "5.1.1", "no such user")), nil,
			cmail.Permanent, 550, "5.1.1", "rcpt: 550 5.1.1 no such user"},
		{"554 after data", at(data, smtptest.Reply(554, "5.7.1", "message refused")), nil,
			cmail.Permanent, 554, "5.7.1", "data-end: 554 5.7.1 message refused"},
		{"451 after data", at(data, smtptest.Reply(451, "4.3.0", "queue full")), nil,
			cmail.Temporary, 451, "4.3.0", "data-end: 451 4.3.0 queue full"},
		{"421 at mail", nil, smtptest.Reply(421, "4.7.0", "too many connections"),
			cmail.Throttled, 421, "4.7.0", "mail: 421 4.7.0 too many connections"},
		{"451 4.7.1 at mail", nil, smtptest.Reply(451, "4.7.1", "rate limited, slow down"),
			cmail.Throttled, 451, "4.7.1", "mail: 451 4.7.1 rate limited, slow down"},
		{"452 too many messages", at(rcpt, smtptest.Reply(452, "4.5.3", "too many messages this hour")), nil,
			cmail.Throttled, 452, "4.5.3", "rcpt: 452 4.5.3 too many messages this hour"},
		{"450 greylisted", at(rcpt, smtptest.Reply(450, "4.7.1", "greylisted, come back later")), nil,
			cmail.Temporary, 450, "4.7.1", "rcpt: 450 4.7.1 greylisted, come back later"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := smtptest.Start(t, smtptest.WithDecider(tt.decider))
			srv.SetThrottle(tt.throttle)
			s := newSender(t, srv, "&pool=1")
			_, err := s.Send(ctx(t), notice("c-1", "victim@example.org"))
			e := cmail.Explain(err)
			if e == nil {
				t.Fatal("send succeeded")
			}
			if e.Class != tt.class || e.Code != tt.code || e.Enhanced != tt.enhanced || e.Reason != tt.reason {
				t.Errorf("got  %v %d %q %q\nwant %v %d %q %q", e.Class, e.Code, e.Enhanced, e.Reason,
					tt.class, tt.code, tt.enhanced, tt.reason)
			}
			if cmail.Classify(err) != tt.class || cmail.Classify(fmt.Errorf("wrapped: %w", err)) != tt.class {
				t.Error("Classify disagrees with Explain")
			}
		})
	}
}

func TestClassifyConnectionFailures(t *testing.T) {
	// A port nobody listens on: connection refused.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()

	// A server that accepts and never greets: the dial times out.
	mute, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer mute.Close()
	go func() {
		for {
			c, err := mute.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()

	tests := []struct{ name, url, reason string }{
		{"refused", "smtp://" + closed + "?tls=none", "connect: connection refused"},
		{"timeout", "smtp://" + mute.Addr().String() + "?tls=none&timeout=300ms", "connect: timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := cmail.ParseURL(tt.url)
			if err != nil {
				t.Fatal(err)
			}
			s, err := cmail.NewSMTPSender(cfg, testDomain, cmail.DKIMConfig{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			_, err = s.Send(ctx(t), notice("n-1", "a@example.org"))
			e := cmail.Explain(err)
			if e == nil || e.Class != cmail.Temporary || e.Code != 0 || e.Reason != tt.reason {
				t.Fatalf("got %#v", e)
			}
		})
	}
}

func TestClassifyErrors(t *testing.T) {
	tests := []struct {
		name  string
		err   error
		class cmail.Class
	}{
		{"nil", nil, cmail.None},
		{"canceled", context.Canceled, cmail.Temporary},
		{"deadline", fmt.Errorf("x: %w", context.DeadlineExceeded), cmail.Temporary},
		{"eof", io.EOF, cmail.Temporary},
		{"reset", &net.OpError{Op: "read", Err: errors.New("connection reset by peer")}, cmail.Temporary},
		{"unknown", errors.New("something odd"), cmail.Temporary},
		{"reply 550", &textproto.Error{Code: 550, Msg: "5.1.1 unknown"}, cmail.Permanent},
		{"reply 421", &textproto.Error{Code: 421, Msg: "4.3.2 shutting down"}, cmail.Throttled},
		{"reply 421 idle", &textproto.Error{Code: 421, Msg: "4.4.2 idle timeout"}, cmail.Temporary},
		{"reply 450 rate", &textproto.Error{Code: 450, Msg: "sending rate exceeded"}, cmail.Throttled},
		{"reply 451 generate", &textproto.Error{Code: 451, Msg: "could not generate a queue id"}, cmail.Temporary},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cmail.Classify(tt.err); got != tt.class {
				t.Errorf("Classify = %v, want %v", got, tt.class)
			}
		})
	}
	if r := cmail.Explain(errors.New("a\r\nb" + strings.Repeat("x", 300))).Reason; len(r) > 200 || strings.ContainsAny(r, "\r\n") {
		t.Errorf("reason not cleaned: %q", r)
	}
}
