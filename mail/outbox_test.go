package mail_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	cmail "github.com/candor-dev/candor/mail"
)

func TestOutboxWritesParsableEML(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "outbox")
	s, err := cmail.NewSender(cmail.Config{OutboxDir: dir, MessageIDDomain: testDomain})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.(*cmail.OutboxSender); !ok {
		t.Fatalf("NewSender without URL gave %T", s)
	}
	m := notice("0192-abc_1", "ann@example.org")
	m.Subject = "แจ้งเตือนเหตุการณ์ข้อมูลรั่วไหล"
	res, err := s.Send(ctx(t), m)
	if err != nil {
		t.Fatal(err)
	}
	if res.MessageID != "<0192-abc_1@notify.example.com>" || !strings.HasPrefix(res.Response, "250 ") {
		t.Errorf("result %+v", res)
	}
	path := filepath.Join(dir, "0192-abc_1@notify.example.com.eml")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	p := parse(t, raw)
	if p.subject != m.Subject || p.header.Get("Message-Id") != res.MessageID {
		t.Errorf("subject %q, Message-ID %q", p.subject, p.header.Get("Message-Id"))
	}
	if !strings.Contains(p.parts["text/html"], "html part") || !strings.Contains(p.parts["text/plain"], "plain text part") {
		t.Errorf("parts %v", p.parts)
	}

	// The same delivery again replaces the same file; nothing else is left.
	m.Text = "second version\n"
	if _, err := s.Send(ctx(t), m); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != filepath.Base(path) {
		t.Fatalf("outbox holds %v", entries)
	}
	if raw, _ := os.ReadFile(path); !strings.Contains(string(raw), "second version") {
		t.Error("file not replaced")
	}
}

func TestOutboxRejectsBadMessages(t *testing.T) {
	s, err := cmail.NewOutboxSender(t.TempDir(), testDomain, cmail.DKIMConfig{})
	if err != nil {
		t.Fatal(err)
	}
	m := notice("../../etc/passwd", "a@example.org")
	if _, err := s.Send(ctx(t), m); cmail.Classify(err) != cmail.Permanent {
		t.Fatalf("path-like delivery id: %v", err)
	}
}

func TestOutboxFile(t *testing.T) {
	for in, want := range map[string]string{
		"<abc@x.example>":  "abc@x.example.eml",
		"abc@x.example":    "abc@x.example.eml",
		"<a/b\\c@x>":       "a_b_c@x.eml",
		"<a b:c*?@host.x>": "a_b_c__@host.x.eml",
	} {
		if got := cmail.OutboxFile(in); got != want {
			t.Errorf("OutboxFile(%q) = %q, want %q", in, got, want)
		}
	}
}
