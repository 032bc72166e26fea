package mail_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor/internal/smtptest"
	cmail "github.com/candor-dev/candor/mail"
)

const testDomain = "notify.example.com"

// newSender starts a pool against srv; it is closed when the test ends.
func newSender(t testing.TB, srv *smtptest.Server, query string) *cmail.SMTPSender {
	t.Helper()
	cfg, err := cmail.ParseURL(srv.URL() + query)
	if err != nil {
		t.Fatal(err)
	}
	s, err := cmail.NewSMTPSender(cfg, testDomain, cmail.DKIMConfig{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func notice(id, to string) *cmail.Message {
	return &cmail.Message{
		DeliveryID: id,
		From:       cmail.Address{Name: "Example Corp", Email: "notices@example.com"},
		To:         cmail.Address{Name: "Ann Customer", Email: to},
		ReplyTo:    cmail.Address{Name: "Privacy Office", Email: "privacy@example.com"},
		Subject:    "Notice of a data incident",
		Text:       "Dear Ann,\nplain text part\n",
		HTML:       "<p>Dear Ann,</p><p>html part</p>",
		Locale:     "en",
		Headers:    map[string]string{"X-Candor-Send": "send-1"},
	}
}

func ctx(t testing.TB) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

// parsed is a received message, taken apart with the standard library
// (not go-mail), so that the tests check the wire format itself.
type parsed struct {
	header  mail.Header
	subject string // RFC 2047-decoded
	parts   map[string]string
}

func parse(t testing.TB, raw []byte) parsed {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("parse message: %v\n%s", err, raw)
	}
	var dec mime.WordDecoder
	subject, err := dec.DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		t.Fatalf("decode subject %q: %v", m.Header.Get("Subject"), err)
	}
	p := parsed{header: m.Header, subject: subject, parts: map[string]string{}}
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		t.Fatalf("content-type: %v", err)
	}
	if !strings.HasPrefix(mt, "multipart/") {
		p.parts[mt] = readPart(t, m.Body, m.Header.Get("Content-Transfer-Encoding"))
		p.parts["top"] = mt
		return p
	}
	p.parts["top"] = mt
	mr := multipart.NewReader(m.Body, params["boundary"])
	for {
		part, err := mr.NextRawPart()
		if err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("part: %v", err)
		}
		pt, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type"))
		p.parts[pt] = readPart(t, part, part.Header.Get("Content-Transfer-Encoding"))
	}
	return p
}

func readPart(t testing.TB, r io.Reader, cte string) string {
	t.Helper()
	switch strings.ToLower(cte) {
	case "quoted-printable":
		r = quotedPrintable(r)
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, r)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("read part: %v", err)
	}
	return strings.ReplaceAll(string(b), "\r\n", "\n")
}

func quotedPrintable(r io.Reader) io.Reader { return quotedprintable.NewReader(r) }
