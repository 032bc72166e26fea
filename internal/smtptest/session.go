package smtptest

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net/textproto"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

type backend struct{ s *Server }

func (b *backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &session{s: b.s, conn: c}, nil
}

// session is one SMTP connection's state. go-smtp calls its methods from
// the connection's goroutine only.
type session struct {
	s      *Server
	conn   *smtp.Conn
	authed bool
	from   string
	to     []string
}

func (ss *session) AuthMechanisms() []string {
	if ss.s.cfg.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (ss *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != ss.s.cfg.user || pass != ss.s.cfg.pass {
			return smtp.ErrAuthFailed
		}
		ss.authed = true
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.s.cfg.user != "" && !ss.authed {
		return smtp.ErrAuthRequired
	}
	ss.s.mu.Lock()
	reply := ss.s.throttl
	if reply == nil && !ss.s.state.bucket.take(time.Now()) {
		reply = ss.s.cfg.rateReply
	}
	ss.s.mu.Unlock()
	if reply != nil {
		ss.hangUpOn421(reply)
		return reply
	}
	ss.from = from
	return nil
}

// hangUpOn421 closes the connection after a 421 reply is written, as RFC
// 5321 (4.2.2) says a server does with that code.
func (ss *session) hangUpOn421(reply error) {
	var e *smtp.SMTPError
	if errors.As(reply, &e) && e.Code == 421 {
		if c, ok := ss.conn.Conn().(*closingConn); ok {
			c.closeAfterWrite.Store(true)
		}
	}
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.s.mu.Lock()
	n := ss.s.state.rcpts.attempt(to)
	decide := ss.s.decider
	ss.s.mu.Unlock()
	if decide != nil {
		if err := decide(Attempt{Stage: StageRcpt, From: ss.from, Rcpt: to, N: n}); err != nil {
			ss.hangUpOn421(err)
			return err
		}
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	m := Message{From: ss.from, To: append([]string(nil), ss.to...), At: time.Now()}
	if ss.s.cfg.discard {
		// Drain only: a benchmark sink must not be what is measured.
		n, err := io.Copy(io.Discard, r)
		if err != nil {
			return err
		}
		m.size = n
	} else {
		data, err := io.ReadAll(r)
		if err != nil {
			return err
		}
		m.Data, m.size = data, int64(len(data))
		m.MessageID = messageID(data)
	}
	ss.s.mu.Lock()
	decide := ss.s.decider
	n := int(ss.s.state.rcpts.get(m.To[0]).attempts)
	ss.s.mu.Unlock()
	if decide != nil {
		a := Attempt{Stage: StageData, From: m.From, Rcpt: m.To[0], MessageID: m.MessageID, N: n}
		if err := decide(a); err != nil {
			ss.hangUpOn421(err)
			return err
		}
	}
	ss.s.record(m)
	return nil
}

// messageID reads the Message-ID header of a raw message, "" if none.
func messageID(data []byte) string {
	h, err := textproto.NewReader(bufio.NewReader(bytes.NewReader(data))).ReadMIMEHeader()
	if err != nil && len(h) == 0 {
		return ""
	}
	return h.Get("Message-Id")
}

func (ss *session) Reset() { ss.from, ss.to = "", nil }

func (ss *session) Logout() error { return nil }
