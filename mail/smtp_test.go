package mail_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/candor-dev/candor/internal/smtptest"
	cmail "github.com/candor-dev/candor/mail"
)

// sendAll sends n messages from workers goroutines and returns the errors.
func sendAll(t *testing.T, s cmail.Sender, n, workers int, prefix string) []error {
	t.Helper()
	errs := make([]error, n)
	var wg sync.WaitGroup
	next := make(chan int)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				_, errs[i] = s.Send(ctx(t), notice(fmt.Sprintf("%s-%d", prefix, i), fmt.Sprintf("%s%d@example.org", prefix, i)))
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	return errs
}

func TestConnectionReuse(t *testing.T) {
	srv := smtptest.Start(t, smtptest.WithDiscard())
	s := newSender(t, srv, "&pool=4")
	// 16 goroutines share 4 connections: the pool is the only limit.
	for i, err := range sendAll(t, s, 200, 16, "r") {
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
	}
	if srv.Count() != 200 {
		t.Errorf("server accepted %d", srv.Count())
	}
	if c := srv.Connections(); c > 4 || s.Dials() > 4 {
		t.Errorf("%d connections, %d dials for 200 messages over a pool of 4", c, s.Dials())
	}
	t.Logf("200 messages over %d connections", srv.Connections())
}

func TestSequentialSendsShareOneConnection(t *testing.T) {
	srv := smtptest.Start(t, smtptest.WithDiscard())
	s := newSender(t, srv, "&pool=8")
	for i := range 50 {
		if _, err := s.Send(ctx(t), notice(fmt.Sprint("seq-", i), "a@example.org")); err != nil {
			t.Fatal(err)
		}
	}
	if c := srv.Connections(); c != 1 {
		t.Errorf("%d connections for 50 sequential sends", c)
	}
}

func TestFailuresKeepTheConnection(t *testing.T) {
	f := smtptest.Flaky{Temp: 0.2, Perm: 0.02, TempTries: 1}
	srv := smtptest.Start(t, smtptest.WithDecider(f.Decide))
	s := newSender(t, srv, "&pool=4")
	errs := sendAll(t, s, 300, 8, "f")
	var retry []int
	for i, err := range errs {
		rcpt := fmt.Sprintf("f%d@example.org", i)
		want := cmail.None
		switch {
		case f.IsTemp(rcpt):
			want = cmail.Temporary
			retry = append(retry, i)
		case f.IsPerm(rcpt):
			want = cmail.Permanent
		}
		if got := cmail.Classify(err); got != want {
			t.Errorf("%s: class %v (%v), want %v", rcpt, got, err, want)
		}
	}
	// The retries of the 451s succeed (TempTries: 1), on the same pool.
	for _, i := range retry {
		if _, err := s.Send(ctx(t), notice(fmt.Sprintf("f-%d", i), fmt.Sprintf("f%d@example.org", i))); err != nil {
			t.Errorf("retry %d: %v", i, err)
		}
	}
	if len(retry) == 0 {
		t.Fatal("no recipient drew a 451: the test proves nothing")
	}
	// A 4xx or 5xx reply is answered with RSET, not a new connection.
	if c := srv.Connections(); c > 4 {
		t.Errorf("%d connections: replies must not cost a connection", c)
	}
}

func TestRejectedDataKeepsTheConnectionUsable(t *testing.T) {
	srv := smtptest.Start(t, smtptest.WithDecider(smtptest.Flaky{Perm: 1, Stage: smtptest.StageData}.Decide))
	s := newSender(t, srv, "&pool=1")
	for i := range 3 {
		_, err := s.Send(ctx(t), notice(fmt.Sprint("d-", i), "a@example.org"))
		if e := cmail.Explain(err); e == nil || e.Class != cmail.Permanent || e.Stage != "data-end" {
			t.Fatalf("send %d: %#v", i, e)
		}
	}
	srv.SetDecider(nil)
	if _, err := s.Send(ctx(t), notice("d-ok", "a@example.org")); err != nil {
		t.Fatal(err)
	}
	if c := srv.Connections(); c != 1 {
		t.Errorf("%d connections", c)
	}
}

func TestReconnectAfterOutage(t *testing.T) {
	srv := smtptest.Start(t)
	s := newSender(t, srv, "&pool=2")
	if _, err := s.Send(ctx(t), notice("before", "a@example.org")); err != nil {
		t.Fatal(err)
	}
	up := srv.Down(time.Second)
	_, err := s.Send(ctx(t), notice("during", "a@example.org"))
	if c := cmail.Classify(err); c != cmail.Temporary {
		t.Fatalf("during the outage: %v (%v), want temporary", err, c)
	}
	t.Logf("during the outage: %v", err)
	if err := <-up; err != nil {
		t.Fatal(err)
	}
	if _, err := s.Send(ctx(t), notice("after", "a@example.org")); err != nil {
		t.Fatalf("after the outage: %v", err)
	}
	if srv.CountMessageID(cmail.MessageID("after", testDomain)) != 1 {
		t.Error("message after the outage not received")
	}
}

func TestDeadIdleConnectionIsReplaced(t *testing.T) {
	for _, wait := range []time.Duration{0, 2100 * time.Millisecond} {
		t.Run(fmt.Sprint("idle ", wait), func(t *testing.T) {
			srv := smtptest.Start(t)
			s := newSender(t, srv, "&pool=1")
			if _, err := s.Send(ctx(t), notice("one", "a@example.org")); err != nil {
				t.Fatal(err)
			}
			// The relay restarts while the pooled connection is idle: the
			// next send must not fail for it (nothing was sent on it).
			srv.Stop()
			if err := srv.Start(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(wait) // past idleCheck: found by NOOP; else by the failed MAIL
			if _, err := s.Send(ctx(t), notice("two", "a@example.org")); err != nil {
				t.Fatalf("send on a dead pooled connection: %v", err)
			}
			if srv.Connections() != 2 {
				t.Errorf("%d connections", srv.Connections())
			}
		})
	}
}

func TestThrottledRelay(t *testing.T) {
	srv := smtptest.Start(t)
	s := newSender(t, srv, "&pool=2")
	srv.SetThrottle(smtptest.Reply(421, "4.7.0", "too many connections, slow down"))
	_, err := s.Send(ctx(t), notice("t1", "a@example.org"))
	e := cmail.Explain(err)
	if e == nil || e.Class != cmail.Throttled || e.Code != 421 {
		t.Fatalf("got %#v", e)
	}
	srv.SetThrottle(nil)
	if _, err := s.Send(ctx(t), notice("t2", "a@example.org")); err != nil {
		t.Fatalf("after throttling: %v", err)
	}
}

func TestContextCancelsASend(t *testing.T) {
	slow := func(a smtptest.Attempt) error {
		if a.Stage == smtptest.StageData && a.Rcpt == "slow@example.org" {
			time.Sleep(2 * time.Second)
		}
		return nil
	}
	srv := smtptest.Start(t, smtptest.WithDecider(slow))
	s := newSender(t, srv, "&pool=1")
	c, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := s.Send(c, notice("slow", "slow@example.org"))
	if took := time.Since(start); took > time.Second {
		t.Errorf("cancelled send took %s", took)
	}
	if e := cmail.Explain(err); e == nil || e.Class != cmail.Temporary || !strings.Contains(e.Reason, "timeout") {
		t.Fatalf("got %#v", e)
	}
	// The pool's only connection was dropped; a new one serves the next send.
	if _, err := s.Send(ctx(t), notice("fast", "fast@example.org")); err != nil {
		t.Fatal(err)
	}

	// A caller waiting for a busy pool gives up with its context too.
	go s.Send(ctx(t), notice("slow2", "slow@example.org"))
	time.Sleep(100 * time.Millisecond)
	c2, cancel2 := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel2()
	if _, err := s.Send(c2, notice("waiting", "w@example.org")); cmail.Classify(err) != cmail.Temporary {
		t.Errorf("waiting for a connection: %v", err)
	}
}

func TestAuth(t *testing.T) {
	srv := smtptest.Start(t, smtptest.WithAuth("candor", "s3cret/pass"))
	good := strings.Replace(srv.URL(), "s3cret/pass", "s3cret%2Fpass", 1)
	cfg, err := cmail.ParseURL(good)
	if err != nil {
		t.Fatal(err)
	}
	s, err := cmail.NewSMTPSender(cfg, testDomain, cmail.DKIMConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Send(ctx(t), notice("auth-1", "a@example.org")); err != nil {
		t.Fatalf("with the right password: %v", err)
	}

	cfg.Password = "wrong-password"
	bad, err := cmail.NewSMTPSender(cfg, testDomain, cmail.DKIMConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer bad.Close()
	_, err = bad.Send(ctx(t), notice("auth-2", "a@example.org"))
	e := cmail.Explain(err)
	// A refused login is Candor's configuration, not the recipient: retry.
	if e == nil || e.Class != cmail.Temporary || e.Stage != "connect" || e.Code != 535 {
		t.Fatalf("got %#v", e)
	}
	if strings.Contains(e.Reason, "wrong-password") || strings.Contains(fmt.Sprint(cfg), "wrong-password") {
		t.Errorf("password leaked: %q / %v", e.Reason, cfg)
	}
}

func TestSendAfterClose(t *testing.T) {
	srv := smtptest.Start(t)
	s := newSender(t, srv, "")
	if _, err := s.Send(ctx(t), notice("c1", "a@example.org")); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	_, err := s.Send(ctx(t), notice("c2", "a@example.org"))
	if err == nil || errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("send after close: %v", err)
	}
}
