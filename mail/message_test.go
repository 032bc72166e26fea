package mail_test

import (
	"io"
	"mime/quotedprintable"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/internal/smtptest"
	cmail "github.com/candor-dev/candor/mail"
)

func TestMessageOnTheWire(t *testing.T) {
	srv := smtptest.Start(t)
	s := newSender(t, srv, "")
	res, err := s.Send(ctx(t), notice("0192a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "ann@example.org"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "<0192a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b@notify.example.com>"; res.MessageID != want {
		t.Errorf("MessageID = %q, want %q", res.MessageID, want)
	}
	if !strings.HasPrefix(res.Response, "250 2.0.0 ") {
		t.Errorf("Response = %q", res.Response)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages", len(msgs))
	}
	got := msgs[0]
	if got.From != "notices@example.com" || len(got.To) != 1 || got.To[0] != "ann@example.org" {
		t.Errorf("envelope %s → %v", got.From, got.To)
	}
	if got.MessageID != res.MessageID {
		t.Errorf("header Message-ID %q, result %q", got.MessageID, res.MessageID)
	}
	p := parse(t, got.Data)
	for h, want := range map[string]string{
		"Content-Language": "en",
		"Reply-To":         `"Privacy Office" <privacy@example.com>`,
		"From":             `"Example Corp" <notices@example.com>`,
		"To":               `"Ann Customer" <ann@example.org>`,
		"X-Candor-Send":    "send-1",
		"Mime-Version":     "1.0",
	} {
		if v := p.header.Get(h); v != want {
			t.Errorf("%s = %q, want %q", h, v, want)
		}
	}
	if _, err := p.header.Date(); err != nil {
		t.Errorf("Date: %v", err)
	}
	if p.parts["top"] != "multipart/alternative" {
		t.Errorf("top-level type %q", p.parts["top"])
	}
	if !strings.Contains(p.parts["text/plain"], "plain text part") {
		t.Errorf("text part %q", p.parts["text/plain"])
	}
	if !strings.Contains(p.parts["text/html"], "<p>html part</p>") {
		t.Errorf("html part %q", p.parts["text/html"])
	}
	if ua := p.header.Get("User-Agent") + p.header.Get("X-Mailer"); ua != "" {
		t.Errorf("library advertised: %q", ua)
	}
}

func TestUTF8Subjects(t *testing.T) {
	srv := smtptest.Start(t)
	s := newSender(t, srv, "")
	tests := []struct{ locale, subject, name, body string }{
		{"ja", "【重要】個人情報漏えいに関するお知らせ", "株式会社サンプル", "お客様各位、2020年6月11日に…"},
		{"th", "แจ้งเตือนเหตุการณ์ข้อมูลรั่วไหล", "บริษัท ตัวอย่าง จำกัด", "เรียน ลูกค้าผู้มีอุปการคุณ"},
		{"en", strings.Repeat("A very long English subject line, ", 5) + "end", "Example", "plain"},
	}
	for i, tt := range tests {
		t.Run(tt.locale, func(t *testing.T) {
			m := notice("utf8-"+tt.locale, "u@example.org")
			m.Subject, m.From.Name, m.Text, m.HTML, m.Locale = tt.subject, tt.name, tt.body, "<p>"+tt.body+"</p>", tt.locale
			if _, err := s.Send(ctx(t), m); err != nil {
				t.Fatal(err)
			}
			raw := srv.Messages()[i].Data
			p := parse(t, raw)
			if p.subject != tt.subject {
				t.Errorf("subject decodes to %q, want %q", p.subject, tt.subject)
			}
			from, err := p.header.AddressList("From")
			if err != nil || from[0].Name != tt.name {
				t.Errorf("From name %v, %v; want %q", from, err, tt.name)
			}
			if p.header.Get("Content-Language") != tt.locale {
				t.Errorf("Content-Language %q", p.header.Get("Content-Language"))
			}
			if !strings.Contains(p.parts["text/plain"], tt.body) {
				t.Errorf("text part %q", p.parts["text/plain"])
			}
			// Headers must be 7-bit on the wire, and lines at most 998 octets.
			head, _, _ := strings.Cut(string(raw), "\r\n\r\n")
			for _, line := range strings.Split(head, "\r\n") {
				if len(line) > 998 {
					t.Errorf("header line of %d octets", len(line))
				}
				for _, b := range []byte(line) {
					if b > 127 {
						t.Fatalf("8-bit header line %q", line)
					}
				}
			}
		})
	}
}

func TestMessageIDStableAcrossSends(t *testing.T) {
	srv := smtptest.Start(t)
	s := newSender(t, srv, "")
	first, err := s.Send(ctx(t), notice("delivery-42", "a@example.org"))
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond) // a different Date, the same Message-ID
	second, err := s.Send(ctx(t), notice("delivery-42", "a@example.org"))
	if err != nil {
		t.Fatal(err)
	}
	if first.MessageID != second.MessageID || first.MessageID != cmail.MessageID("delivery-42", testDomain) {
		t.Errorf("Message-IDs %q and %q", first.MessageID, second.MessageID)
	}
	if n := srv.CountMessageID(first.MessageID); n != 2 {
		t.Errorf("server saw Message-ID %d times, want 2", n)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*cmail.Message)
		field string
	}{
		{"ok", func(*cmail.Message) {}, ""},
		{"no delivery id", func(m *cmail.Message) { m.DeliveryID = "" }, "delivery_id"},
		{"delivery id with @", func(m *cmail.Message) { m.DeliveryID = "a@b" }, "delivery_id"},
		{"delivery id with space", func(m *cmail.Message) { m.DeliveryID = "a b" }, "delivery_id"},
		{"bad to", func(m *cmail.Message) { m.To.Email = "not an address" }, "to"},
		{"header injection in to", func(m *cmail.Message) { m.To.Email = "a@b.c>\r\nBcc: x@y" }, "to"},
		{"no from", func(m *cmail.Message) { m.From.Email = "" }, "from"},
		{"bad reply-to", func(m *cmail.Message) { m.ReplyTo.Email = "x" }, "reply_to"},
		{"no reply-to is fine", func(m *cmail.Message) { m.ReplyTo = cmail.Address{} }, ""},
		{"no body", func(m *cmail.Message) { m.HTML, m.Text = "", "" }, "body"},
		{"subject newline", func(m *cmail.Message) { m.Subject = "a\r\nBcc: x@y" }, "subject"},
		{"reserved header", func(m *cmail.Message) { m.Headers = map[string]string{"Message-ID": "<x@y>"} }, "headers"},
		{"bad header name", func(m *cmail.Message) { m.Headers = map[string]string{"X Bad": "1"} }, "headers"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := notice("id-1", "a@example.org")
			tt.edit(m)
			err := m.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("unexpected %v", err)
				}
				return
			}
			fields := candor.ErrorFields(err)
			if candor.ErrorCode(err) != candor.EINVALID || len(fields) == 0 || fields[0].Field != tt.field {
				t.Fatalf("got %v, want EINVALID on %s", err, tt.field)
			}
			if c := cmail.Classify(err); c != cmail.Permanent {
				t.Errorf("class %v", c)
			}
		})
	}
}

// A part goes as base64 when that is shorter than quoted-printable (a
// Japanese or Thai notice) and as quoted-printable otherwise (English);
// either way a reader decodes the same text.
func TestBodyEncodingIsTheShorter(t *testing.T) {
	srv := smtptest.Start(t)
	s := newSender(t, srv, "")
	tests := []struct{ locale, body, cte string }{
		{"en", strings.Repeat("We are writing to tell you about a personal data breach. ", 20), "quoted-printable"},
		{"ja", strings.Repeat("2020年6月11日、当社のサーバーへの不正アクセスを確認しました。", 20), "base64"},
		{"th", strings.Repeat("เราขอแจ้งให้ท่านทราบถึงเหตุการณ์ข้อมูลส่วนบุคคลรั่วไหล ", 20), "base64"},
		// Mostly English with a name in another script stays readable.
		{"en-name", "Dear 山田 花子, " + strings.Repeat("we are writing to tell you about a breach. ", 20), "quoted-printable"},
	}
	for i, tt := range tests {
		t.Run(tt.locale, func(t *testing.T) {
			m := notice("cte-"+tt.locale, "c@example.org")
			m.Text, m.HTML = tt.body, "<p>"+tt.body+"</p>"
			if _, err := s.Send(ctx(t), m); err != nil {
				t.Fatal(err)
			}
			raw := srv.Messages()[i].Data
			if n := strings.Count(string(raw), "Content-Transfer-Encoding: "+tt.cte); n != 2 {
				t.Errorf("%d parts in %s, want 2:\n%s", n, tt.cte, raw)
			}
			p := parse(t, raw)
			if p.parts["text/plain"] != tt.body || p.parts["text/html"] != "<p>"+tt.body+"</p>" {
				t.Errorf("decoded parts %q / %q", p.parts["text/plain"], p.parts["text/html"])
			}
			// Never longer than the body in quoted-printable would be.
			var qp strings.Builder
			w := quotedprintable.NewWriter(&qp)
			io.WriteString(w, tt.body+"<p>"+tt.body+"</p>")
			w.Close()
			if len(raw) > qp.Len()+2000 {
				t.Errorf("message %d bytes; the bodies alone in quoted-printable are %d", len(raw), qp.Len())
			}
		})
	}
}
