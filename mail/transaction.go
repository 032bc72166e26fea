package mail

import (
	"bufio"
	"bytes"
	"net/textproto"

	gomail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"

	"github.com/candor-dev/candor"
)

// transact sends msg on sc: MAIL, RCPT, DATA and the message. It is
// go-mail's SendWithSMTPClient without its two costs at scale: that writes
// the message through net/textproto's DotWriter a byte at a time (a third
// of Candor's CPU in a send to a million), and sends RSET after every
// message (a round trip in five; a transaction that ended with its 250
// needs none before the next MAIL, RFC 5321 §4.1.1.5). The connection,
// EHLO, STARTTLS and AUTH, the commands and their replies, and building
// and signing the message stay go-mail's. delivered is true once the relay
// accepted the message (250 to its end), whatever happens after; reply is
// that 250's text. An error is classified at its stage (explain).
func transact(sc *smtp.Client, msg *gomail.Msg, dkim *gomail.DKIMSigner) (reply string, delivered bool, err *Error) {
	from, ferr := msg.GetSender(false)
	rcpts, rerr := msg.GetRecipients()
	if ferr != nil || rerr != nil || len(rcpts) == 0 {
		// Never retried: the same message would fail the same way.
		return "", false, explain("message", candor.Errorf(candor.EINVALID, "no sender or recipient: %v, %v", ferr, rerr))
	}
	if err := sc.Mail(from); err != nil {
		return "", false, explain("mail", err)
	}
	for _, r := range rcpts {
		if err := sc.Rcpt(r); err != nil {
			return "", false, explain("rcpt", err)
		}
	}
	if err := command(sc.Text, 354, "DATA"); err != nil {
		return "", false, explain("data", err)
	}
	if dkim != nil {
		msg.SetDKIM(dkim)
	}
	w := &dotWriter{w: sc.Text.W}
	if _, err := msg.WriteTo(w); err != nil {
		return "", false, explain("data", err)
	}
	if err := w.Close(); err != nil {
		return "", false, explain("data", err)
	}
	_, text, rerr := sc.Text.ReadResponse(250)
	if rerr != nil {
		return "", false, explain("data-end", rerr)
	}
	return text, true, nil
}

// command sends one command and reads its reply, expecting code.
func command(tc *textproto.Conn, code int, cmd string) error {
	id, err := tc.Cmd("%s", cmd)
	if err != nil {
		return err
	}
	tc.StartResponse(id)
	defer tc.EndResponse(id)
	_, _, err = tc.ReadResponse(code)
	return err
}

// dotWriter is net/textproto's DotWriter (the same bytes: a leading '.'
// doubled, a bare "\n" sent as "\r\n", ".\r\n" at the end) that copies the
// runs between line ends in one write each instead of a byte at a time.
type dotWriter struct {
	w     *bufio.Writer
	state int
}

const (
	dotBegin     = iota // nothing written yet
	dotBeginLine        // at the beginning of a line
	dotCR               // wrote '\r'
	dotData             // in the middle of a line
)

func (d *dotWriter) Write(b []byte) (int, error) {
	n := len(b)
	for len(b) > 0 {
		switch d.state {
		case dotBegin, dotBeginLine:
			d.state = dotData
			if b[0] == '.' {
				d.w.WriteByte('.')
			}
		case dotCR:
			d.state = dotData
			if b[0] == '\n' {
				d.state = dotBeginLine
			}
			d.w.WriteByte(b[0])
			b = b[1:]
			continue
		}
		i := indexLineEnd(b)
		if i < 0 {
			d.w.Write(b)
			break
		}
		d.w.Write(b[:i])
		if b[i] == '\r' {
			d.state = dotCR
		} else {
			d.w.WriteByte('\r')
			d.state = dotBeginLine
		}
		if err := d.w.WriteByte(b[i]); err != nil {
			return n - len(b), err
		}
		b = b[i+1:]
	}
	return n, nil
}

// indexLineEnd is the index of the first '\r' or '\n' in b, or -1.
func indexLineEnd(b []byte) int {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return bytes.IndexByte(b, '\r')
	}
	if j := bytes.IndexByte(b[:i], '\r'); j >= 0 {
		return j
	}
	return i
}

// Close ends the data as textproto's does, and flushes.
func (d *dotWriter) Close() error {
	switch d.state {
	case dotBegin, dotData:
		d.w.WriteByte('\r')
		fallthrough
	case dotCR:
		d.w.WriteByte('\n')
	}
	d.w.WriteString(".\r\n")
	return d.w.Flush()
}
