package smtptest

import (
	"fmt"
	"hash/fnv"
	"strings"

	"github.com/emersion/go-smtp"
)

// Stage is the point of the SMTP conversation a Decider is asked at.
type Stage int

const (
	// StageRcpt is the RCPT TO command: MessageID is not known yet.
	StageRcpt Stage = iota + 1
	// StageData is the end of DATA, once the whole message was read.
	StageData
)

// Attempt is what a Decider decides on.
type Attempt struct {
	Stage     Stage
	From      string
	Rcpt      string // at StageData, the first recipient
	MessageID string // at StageData, unless in discard mode
	// N counts the RCPT TO commands for Rcpt so far, this one included:
	// 1 on the first try, 2 on the first retry, and so on.
	N int
}

// A Decider returns nil to accept, or an error made with Reply to answer
// with that SMTP reply. It is called at StageRcpt for each recipient and at
// StageData for each message, and must be safe for concurrent use.
type Decider func(Attempt) error

// Reply returns the SMTP reply "code enhanced text" as an error a Decider
// (or SetThrottle) can return. enhanced is like "4.7.1"; empty means
// "X.0.0" for the code's class.
func Reply(code int, enhanced, text string) error {
	e := &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCodeNotSet, Message: text}
	if enhanced != "" {
		var a, b, c int
		if _, err := fmt.Sscanf(enhanced, "%d.%d.%d", &a, &b, &c); err == nil {
			e.EnhancedCode = smtp.EnhancedCode{a, b, c}
		}
	}
	return e
}

// Bucket maps a recipient to a number in [0, 1), the same every time: a
// Decider that fails "20% of recipients" picks those below 0.2, so a
// retry of the same recipient meets the same fate, and a test can tell in
// advance which recipients will fail.
func Bucket(rcpt string) float64 {
	h := fnv.New64a()
	h.Write([]byte(strings.ToLower(rcpt)))
	return float64(h.Sum64()>>11) / float64(1<<53)
}

// Flaky fails a fixed share of recipients, chosen by Bucket: the first
// Temp of them get a 451 (for their first TempTries attempts, or forever
// if TempTries is 0), the next Perm of them a 550, always.
type Flaky struct {
	Temp      float64 // share of recipients answered 451 4.3.0
	Perm      float64 // share of recipients answered 550 5.1.1
	TempTries int     // attempts answered 451 before one is accepted; 0: never accepted
	Stage     Stage   // where to answer; zero means StageRcpt
}

// Decide is the Decider of f.
func (f Flaky) Decide(a Attempt) error {
	stage := f.Stage
	if stage == 0 {
		stage = StageRcpt
	}
	if a.Stage != stage {
		return nil
	}
	switch b := Bucket(a.Rcpt); {
	case b < f.Temp:
		if f.TempTries == 0 || a.N <= f.TempTries {
			return Reply(451, "4.3.0", "temporary failure, try again later")
		}
	case b < f.Temp+f.Perm:
		return Reply(550, "5.1.1", "mailbox unavailable")
	}
	return nil
}

// IsTemp reports whether f answers rcpt with a 451 on some attempt.
func (f Flaky) IsTemp(rcpt string) bool { return Bucket(rcpt) < f.Temp }

// IsPerm reports whether f answers rcpt with a 550.
func (f Flaky) IsPerm(rcpt string) bool {
	b := Bucket(rcpt)
	return b >= f.Temp && b < f.Temp+f.Perm
}
