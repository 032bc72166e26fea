package mail

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"unicode/utf8"

	gomail "github.com/wneessen/go-mail"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/internal/redact"
)

// Class is what a failed send means for the delivery's retry policy.
type Class int

const (
	// None is the class of a nil error.
	None Class = iota
	// Temporary: retry the same message later with backoff (4xx replies,
	// refused or reset connections, timeouts, EOF; and 5xx replies to the
	// connection itself: greeting, EHLO, STARTTLS or AUTH, which say the
	// relay or Candor's configuration is wrong, not the recipient).
	Temporary
	// Permanent: never retry (a 5xx reply to this message, or a message
	// that cannot be built).
	Permanent
	// Throttled: the relay asks the sender to slow down (421, or a 4xx
	// with a 4.7.x code or a text about rates). Retry like Temporary, and
	// lower the send rate rather than count it against the recipient.
	Throttled
)

func (c Class) String() string {
	switch c {
	case None:
		return "none"
	case Temporary:
		return "temporary"
	case Permanent:
		return "permanent"
	case Throttled:
		return "throttled"
	}
	return fmt.Sprintf("Class(%d)", int(c))
}

// Error is a classified send failure. Send returns one for every failure.
type Error struct {
	Class    Class
	Code     int    // the SMTP reply code; 0 when there was no reply (network, timeout)
	Enhanced string // the RFC 3463 status code, e.g. "4.7.1"; "" if none
	// Stage is where it failed: "connect" (dial, greeting, EHLO, STARTTLS,
	// AUTH), "mail", "rcpt", "data", "data-end" (the reply to the
	// message), "rset", "message" (building it) or "send".
	Stage string
	// Reason is short and safe to store on the delivery row: the stage and
	// the server's reply, or a fixed text for network errors. It carries
	// no message content, and no e-mail address: one the server echoes
	// (the recipient's, usually) is replaced by "<redacted>".
	Reason string
	Err    error // the underlying error, for logs; may hold addresses
}

func (e *Error) Error() string { return e.Reason }
func (e *Error) Unwrap() error { return e.Err }

// Classify returns the Class of any error: an *Error, a go-mail
// *SendError, an SMTP reply, a network error or a context error.
// Unknown errors are Temporary: the retry policy's deadline bounds them.
func Classify(err error) Class {
	if err == nil {
		return None
	}
	return Explain(err).Class
}

// Explain returns err as an *Error, classifying it if it is not one yet;
// nil for nil.
func Explain(err error) *Error { return explain("send", err) }

// explain classifies err, which happened at stage unless err says better.
func explain(stage string, err error) *Error {
	if err == nil {
		return nil
	}
	var me *Error
	var se *gomail.SendError
	var tp *textproto.Error
	switch {
	case errors.As(err, &me):
		return me
	case candor.ErrorCode(err) == candor.EINVALID:
		return &Error{Class: Permanent, Stage: "message", Reason: reason("message", candor.ErrorMessage(err)), Err: err}
	case errors.As(err, &se):
		return fromSendError(se, err)
	case errors.As(err, &tp):
		return fromReply(stage, tp.Code, fmt.Sprintf("%03d %s", tp.Code, tp.Msg), err)
	}
	if r := networkReason(err); r != "" {
		return &Error{Class: Temporary, Stage: stage, Reason: reason(stage, r), Err: err}
	}
	return &Error{Class: Temporary, Stage: stage, Reason: reason(stage, err.Error()), Err: err}
}

func fromSendError(se *gomail.SendError, err error) *Error {
	stage := map[gomail.SendErrReason]string{
		gomail.ErrGetSender: "message", gomail.ErrGetRcpts: "message", gomail.ErrNoUnencoded: "message",
		gomail.ErrSMTPMailFrom: "mail", gomail.ErrSMTPRcptTo: "rcpt", gomail.ErrSMTPData: "data",
		gomail.ErrWriteContent: "data", gomail.ErrSMTPDataClose: "data-end", gomail.ErrSMTPReset: "rset",
		gomail.ErrConnCheck: "connect",
	}[se.Reason]
	if stage == "" {
		stage = "send"
	}
	// SendError keeps the server's reply in an unexported list; its text is
	// "<reason>: <reply>, affected recipient(s): ..., affected message ID: ...".
	text := strings.TrimPrefix(se.Error(), se.Reason.String()+": ")
	text, _, _ = strings.Cut(text, ", affected recipient(s): ")
	text, _, _ = strings.Cut(text, ", affected message ID: ")
	if se.ErrorCode() != 0 {
		e := fromReply(stage, se.ErrorCode(), unquoteReply(text), err)
		if se.EnhancedStatusCode() != "" {
			e.Enhanced = se.EnhancedStatusCode()
		}
		return e
	}
	if stage == "message" {
		return &Error{Class: Permanent, Stage: stage, Reason: reason(stage, text), Err: err}
	}
	// No reply code: the connection failed under go-mail. Its error list is
	// not reachable with errors.As, so the text is all there is.
	return &Error{Class: Temporary, Stage: stage, Reason: reason(stage, networkText(text)), Err: err}
}

// unquoteReply turns the text of a *textproto.Error, `451 "4.3.0 text"`,
// back into the reply line `451 4.3.0 text`, dropping what go-mail may
// have appended (the error of its RSET after the failure).
func unquoteReply(text string) string {
	if len(text) < 5 || text[3] != ' ' || text[4] != '"' {
		return text
	}
	q, err := strconv.QuotedPrefix(text[4:])
	if err != nil {
		return text
	}
	msg, err := strconv.Unquote(q)
	if err != nil {
		return text
	}
	return text[:4] + msg
}

func fromReply(stage string, code int, text string, err error) *Error {
	text = clean(text)
	e := &Error{Code: code, Stage: stage, Reason: reason(stage, text), Err: err}
	if m := enhancedPattern().FindStringSubmatch(text); m != nil {
		e.Enhanced = m[1]
	}
	switch {
	case code >= 400 && code < 500 && throttling(code, e.Enhanced, text):
		e.Class = Throttled
	case code >= 500 && code < 600 && stage != "connect":
		e.Class = Permanent
	default:
		e.Class = Temporary
	}
	return e
}

// throttling says whether a 4xx reply asks the sender to slow down rather
// than says something about this recipient.
func throttling(code int, enhanced, text string) bool {
	lower := strings.ToLower(text)
	switch {
	case strings.Contains(lower, "greylist") || strings.Contains(lower, "graylist"):
		// Greylisting is per recipient: retrying later is the whole cure.
		return false
	case code == 421:
		// 4.4.x is a broken connection (an idle timeout), not a rate.
		return !strings.HasPrefix(enhanced, "4.4.")
	case strings.HasPrefix(enhanced, "4.7."):
		return true
	}
	return ratePattern().MatchString(lower)
}

// enhancedPattern finds an RFC 3463 code at the start of a reply. The
// patterns are compiled per call, on the failure path only, to keep the
// package free of state.
func enhancedPattern() *regexp.Regexp {
	return regexp.MustCompile(`^\d{3}[ -]([245]\.\d{1,3}\.\d{1,3})\b`)
}

func ratePattern() *regexp.Regexp {
	return regexp.MustCompile(`\brate\b|rate[- ]?limit|too many|throttl|slow down`)
}

// networkReason names a network failure in a few fixed words ("" if err is
// none): the raw text holds addresses and ports, and the fixed words group
// well in a report.
func networkReason(err error) string {
	var ne net.Error
	var dns *net.DNSError
	switch {
	case errors.Is(err, context.Canceled):
		return "cancelled"
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return "connection reset"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed):
		return "connection closed"
	case errors.As(err, &dns):
		return "dns: " + dns.Err
	case errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	}
	return ""
}

// networkText is networkReason for an error known only by its text.
func networkText(text string) string {
	l := strings.ToLower(text)
	switch {
	case strings.Contains(l, "timeout"), strings.Contains(l, "deadline exceeded"):
		return "timeout"
	case strings.Contains(l, "connection refused"):
		return "connection refused"
	case strings.Contains(l, "connection reset"), strings.Contains(l, "broken pipe"):
		return "connection reset"
	case strings.Contains(l, "eof"), strings.Contains(l, "closed"), strings.Contains(l, "not connected"):
		return "connection closed"
	}
	return text
}

// reason is the storable Reason of a failure at stage.
func reason(stage, text string) string { return clean(stage + ": " + text) }

// clean makes server text fit to store: one line, printable, no e-mail
// address (relays echo the recipient's: see internal/redact), at most 200
// bytes of valid UTF-8. Addresses go before the cut, which could otherwise
// leave the start of one that no longer looks like an address.
func clean(s string) string {
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r < 32 || r == 127 }), " ")
	s = redact.Addresses(s)
	if len(s) > 200 {
		s = s[:200]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
	}
	return strings.TrimSpace(s)
}
