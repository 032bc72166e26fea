// Package mail sends Candor's notices with github.com/wneessen/go-mail: a
// pool of reused SMTP connections (SMTPSender), a directory of .eml files
// when no relay is configured (OutboxSender), and the classification of
// failures into temporary, permanent and throttled that the delivery
// handler's retry policy is built on.
package mail

import (
	"fmt"
	"net/mail"
	"strings"

	gomail "github.com/wneessen/go-mail"

	"github.com/candor-dev/candor"
)

// Address is a mailbox with an optional display name (any UTF-8).
type Address struct {
	Name  string
	Email string
}

// Message is one notice to one recipient.
type Message struct {
	// DeliveryID identifies the delivery row. The Message-ID is derived
	// from it, so every attempt of the same delivery carries the same
	// Message-ID and a receiving system can recognise a repeat. Letters,
	// digits, '.', '-' and '_' only (a UUID is fine).
	DeliveryID string
	From       Address // the organisation: its name and sending address
	To         Address
	ReplyTo    Address // the organisation's contact; omitted if Email is ""
	Subject    string
	HTML       string
	Text       string
	Locale     string // BCP 47 tag, sent as Content-Language; omitted if ""
	// Headers are extra header fields, e.g. "X-Candor-Send". Values are
	// encoded as RFC 2047 words when they are not ASCII.
	Headers map[string]string
}

// MessageID returns the Message-ID of a delivery, with its angle brackets
// as it appears in the header: "<deliveryID@domain>".
func MessageID(deliveryID, domain string) string {
	return "<" + deliveryID + "@" + domain + ">"
}

// Validate checks what the SMTP conversation and the headers need. It
// returns a candor EINVALID error: such a message can never be sent, so it
// classifies as Permanent.
func (m *Message) Validate() error {
	var v candor.Validation
	if !validID(m.DeliveryID) {
		v.Add("delivery_id", "must be 1-128 letters, digits, '.', '-' or '_'")
	}
	for _, a := range []struct {
		field string
		addr  Address
		need  bool
	}{{"from", m.From, true}, {"to", m.To, true}, {"reply_to", m.ReplyTo, false}} {
		if a.addr.Email == "" && !a.need {
			continue
		}
		if _, err := mail.ParseAddress(a.addr.Email); err != nil || strings.ContainsAny(a.addr.Email, "<>\r\n") {
			v.Add(a.field, "not an email address")
		}
	}
	if m.HTML == "" && m.Text == "" {
		v.Add("body", "html or text is required")
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		v.Add("subject", "must be one line")
	}
	for k, val := range m.Headers {
		if !validHeaderName(k) || reserved(k) || strings.ContainsAny(val, "\r\n") {
			v.Add("headers", "invalid header %q", k)
		}
	}
	return v.Err()
}

// build turns m into a go-mail message with its Message-ID on domain.
func (m *Message) build(domain string) (*gomail.Msg, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	// No default User-Agent: it would advertise the library's version.
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := msg.FromFormat(m.From.Name, m.From.Email); err != nil {
		return nil, fmt.Errorf("from: %w", err)
	}
	if err := msg.AddToFormat(m.To.Name, m.To.Email); err != nil {
		return nil, fmt.Errorf("to: %w", err)
	}
	if m.ReplyTo.Email != "" {
		if err := msg.ReplyToFormat(m.ReplyTo.Name, m.ReplyTo.Email); err != nil {
			return nil, fmt.Errorf("reply-to: %w", err)
		}
	}
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(m.DeliveryID + "@" + domain)
	msg.SetDate()
	if m.Locale != "" {
		msg.SetGenHeader(gomail.HeaderContentLang, m.Locale)
	}
	for k, v := range m.Headers {
		msg.SetGenHeader(gomail.Header(k), v)
	}
	// Text first, HTML last: in multipart/alternative the last part is the
	// preferred one, and a text-only reader still gets the text.
	switch {
	case m.Text != "" && m.HTML != "":
		msg.SetBodyString(gomail.TypeTextPlain, m.Text, encodingFor(m.Text))
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML, encodingFor(m.HTML))
	case m.HTML != "":
		msg.SetBodyString(gomail.TypeTextHTML, m.HTML, encodingFor(m.HTML))
	default:
		msg.SetBodyString(gomail.TypeTextPlain, m.Text, encodingFor(m.Text))
	}
	return msg, nil
}

// encodingFor picks the shorter transfer encoding for a part's body.
// Quoted-printable keeps English (mostly ASCII) readable and small, but
// spends three bytes on every byte of UTF-8 beyond ASCII: a Japanese or
// Thai notice comes to about nine bytes a character, over twice its
// base64 form. Every byte sent is a byte the relay reads and Candor
// writes, dot-stuffs and counts, so at a million recipients the choice
// is much of a send's time. Both are 7-bit and any mail reader decodes
// both.
func encodingFor(body string) gomail.PartOption {
	high := 0
	for i := 0; i < len(body); i++ {
		if body[i] >= 0x80 {
			high++
		}
	}
	// Quoted-printable: about len + 2·high; base64: 4/3·len (soft line
	// breaks cost each about the same).
	if 3*(len(body)+2*high) > 4*len(body) {
		return gomail.WithPartEncoding(gomail.EncodingB64)
	}
	return gomail.WithPartEncoding(gomail.EncodingQP)
}

func validID(id string) bool {
	if id == "" || len(id) > 128 || id[0] == '.' || id[len(id)-1] == '.' || strings.Contains(id, "..") {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// validHeaderName accepts RFC 5322 field names (printable ASCII but ':').
func validHeaderName(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 33 || k[i] > 126 || k[i] == ':' {
			return false
		}
	}
	return true
}

// reserved says whether an extra header would replace one the message sets
// itself (a second Message-ID would break the repeat detection).
func reserved(k string) bool {
	k = strings.ToLower(k)
	switch k {
	case "from", "to", "cc", "bcc", "reply-to", "sender", "subject", "message-id",
		"date", "mime-version", "dkim-signature", "return-path":
		return true
	}
	return strings.HasPrefix(k, "content-")
}
