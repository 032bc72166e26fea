package smtptest_test

import (
	"errors"
	"fmt"
	"net/smtp"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor/internal/smtptest"
)

// send uses the standard library's client, so that these tests check the
// server against a client other than the one the mail package uses.
func send(addr, to, msgID string) error {
	body := fmt.Sprintf("Message-ID: <%s>\r\nSubject: hi\r\n\r\nhello\r\n", msgID)
	return smtp.SendMail(addr, nil, "from@example.com", []string{to}, []byte(body))
}

func code(err error) int {
	var e *textproto.Error
	if errors.As(err, &e) {
		return e.Code
	}
	return 0
}

func TestRecordsAndCounts(t *testing.T) {
	s := smtptest.Start(t)
	for i := range 3 {
		if err := send(s.Addr(), "Ann@example.com", fmt.Sprintf("id-%d@x", i%2)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.WaitFor(3, time.Second); err != nil {
		t.Fatal(err)
	}
	msgs := s.Messages()
	if len(msgs) != 3 || msgs[0].From != "from@example.com" || msgs[0].MessageID != "<id-0@x>" {
		t.Fatalf("messages: %+v", msgs)
	}
	if !strings.Contains(string(msgs[0].Data), "hello") {
		t.Errorf("data: %q", msgs[0].Data)
	}
	if got := s.CountFor("ann@example.com"); got != 3 {
		t.Errorf("CountFor = %d", got)
	}
	if got := s.CountMessageID("id-0@x"); got != 2 {
		t.Errorf("CountMessageID = %d", got)
	}
	if got := s.Duplicates(); got != 2 {
		t.Errorf("Duplicates = %d", got)
	}
	if got := s.Connections(); got != 3 {
		t.Errorf("Connections = %d, want one per SendMail", got)
	}
	if first, last := s.Span(); !first.Equal(msgs[0].At) || !last.Equal(msgs[2].At) {
		t.Errorf("Span = %v, %v; want the first and the last message's arrival", first, last)
	}
	s.Reset()
	if first, last := s.Span(); !first.IsZero() || !last.IsZero() {
		t.Errorf("Span after Reset = %v, %v; want zero times", first, last)
	}
}

func TestFlakyIsDeterministic(t *testing.T) {
	f := smtptest.Flaky{Temp: 0.2, Perm: 0.02, TempTries: 1}
	s := smtptest.Start(t, smtptest.WithDecider(f.Decide))
	var temp, perm, ok string
	for i := 0; temp == "" || perm == "" || ok == ""; i++ {
		r := fmt.Sprintf("user%d@example.com", i)
		switch {
		case f.IsTemp(r):
			temp = r
		case f.IsPerm(r):
			perm = r
		default:
			ok = r
		}
	}
	tests := []struct {
		rcpt string
		want []int // reply code per attempt; 0 is success
	}{
		{ok, []int{0}},
		{temp, []int{451, 0}},
		{perm, []int{550, 550}},
	}
	for _, tt := range tests {
		for i, want := range tt.want {
			if got := code(send(s.Addr(), tt.rcpt, "x@y")); got != want {
				t.Errorf("%s attempt %d: code %d, want %d", tt.rcpt, i+1, got, want)
			}
		}
	}
	if got := s.Attempts(temp); got != 2 {
		t.Errorf("Attempts(temp) = %d", got)
	}
}

func TestThrottleAndRateLimit(t *testing.T) {
	s := smtptest.Start(t)
	s.SetThrottle(smtptest.Reply(421, "4.7.0", "too many connections"))
	if got := code(send(s.Addr(), "a@example.com", "1@x")); got != 421 {
		t.Errorf("throttled: code %d", got)
	}
	s.SetThrottle(nil)
	if err := send(s.Addr(), "a@example.com", "2@x"); err != nil {
		t.Errorf("after throttle: %v", err)
	}

	r := smtptest.Start(t, smtptest.WithRateLimit(2, nil))
	codes := []int{}
	for range 4 {
		codes = append(codes, code(send(r.Addr(), "a@example.com", "x@y")))
	}
	if fmt.Sprint(codes) != "[0 0 451 451]" {
		t.Errorf("rate limited codes = %v", codes)
	}
}

func TestStopStartKeepsAddress(t *testing.T) {
	s := smtptest.Start(t)
	addr := s.Addr()
	s.Stop()
	if err := send(addr, "a@example.com", "1@x"); err == nil {
		t.Fatal("send to a stopped server succeeded")
	}
	done := s.Down(50 * time.Millisecond) // already down: just schedules Start
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if s.Addr() != addr {
		t.Fatalf("address changed: %s → %s", addr, s.Addr())
	}
	if err := send(addr, "a@example.com", "2@x"); err != nil {
		t.Fatalf("after restart: %v", err)
	}
}

func TestDiscardCountsOnly(t *testing.T) {
	s := smtptest.Start(t, smtptest.WithDiscard())
	if err := send(s.Addr(), "a@example.com", "1@x"); err != nil {
		t.Fatal(err)
	}
	if s.Count() != 1 || len(s.Messages()) != 0 || s.CountFor("a@example.com") != 1 {
		t.Errorf("count %d, messages %d", s.Count(), len(s.Messages()))
	}
	// Counts per recipient hold without the addresses: a second message
	// to the same mailbox (in another case) is a duplicate, another
	// mailbox is not.
	for _, to := range []string{"A@Example.com", "b@example.com"} {
		if err := send(s.Addr(), to, "2@x"); err != nil {
			t.Fatal(err)
		}
	}
	if s.Count() != 3 || s.Duplicates() != 1 || s.CountFor("a@example.com") != 2 || s.Attempts("a@example.com") != 2 ||
		s.CountFor("b@example.com") != 1 || s.CountFor("c@example.com") != 0 {
		t.Errorf("count %d, duplicates %d, a %d (attempts %d), b %d, c %d", s.Count(), s.Duplicates(),
			s.CountFor("a@example.com"), s.Attempts("a@example.com"), s.CountFor("b@example.com"), s.CountFor("c@example.com"))
	}
	if r := s.Recipients(); r != nil {
		t.Errorf("discard mode kept addresses: %v", r)
	}
}

func TestAuth(t *testing.T) {
	s := smtptest.Start(t, smtptest.WithAuth("u", "p"))
	body := []byte("Subject: x\r\n\r\nx\r\n")
	if got := code(smtp.SendMail(s.Addr(), nil, "f@x", []string{"a@x"}, body)); got != 502 {
		t.Errorf("without auth: code %d", got)
	}
	auth := smtp.PlainAuth("", "u", "p", "127.0.0.1")
	if err := smtp.SendMail(s.Addr(), auth, "f@x", []string{"a@x"}, body); err != nil {
		t.Errorf("with auth: %v", err)
	}
}
