package candor_test

import (
	"testing"
	"time"

	"github.com/candor-dev/candor"
)

func TestReceiptType(t *testing.T) {
	for _, c := range []struct {
		name string
		in   string
		want string // "" means refused
	}{
		{"pdf", "%PDF-1.7\n...", "application/pdf"},
		{"png", "\x89PNG\r\n\x1a\n....", "image/png"},
		{"jpeg", "\xff\xd8\xff\xe0....", "image/jpeg"},
		{"eml", "Received: by x\r\nFrom: a@b\r\nSubject: s\r\n\r\nbody", "message/rfc822"},
		{"text", "受付番号 A-123", "text/plain; charset=utf-8"},
		{"empty", "", ""},
		{"zip", "PK\x03\x04....", ""},
		{"binary", "\x00\x01\x02", ""},
		{"html", "<!DOCTYPE html><html><body>x", ""},
		{"latin1", "caf\xe9", ""},
	} {
		got, err := candor.ReceiptType([]byte(c.in))
		if got != c.want || (c.want == "") != (err != nil) {
			t.Errorf("%s: %q %v", c.name, got, err)
		}
		if err != nil && candor.ErrorCode(err) != candor.EINVALID {
			t.Errorf("%s: code %s", c.name, candor.ErrorCode(err))
		}
	}
}

func TestFilingValidate(t *testing.T) {
	now := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	ok := candor.Filing{FiledAt: now.Add(-time.Hour), Channel: " Portal "}
	if err := ok.Validate(now); err != nil || ok.Channel != "portal" {
		t.Fatalf("%v %q", err, ok.Channel)
	}
	for _, c := range []struct {
		name  string
		f     candor.Filing
		field string
	}{
		{"no date", candor.Filing{Channel: "fax"}, "filed_at"},
		{"future", candor.Filing{FiledAt: now.Add(time.Hour), Channel: "fax"}, "filed_at"},
		{"channel", candor.Filing{FiledAt: now, Channel: "pigeon"}, "channel"},
		{"reference", candor.Filing{FiledAt: now, Channel: "post", Reference: string(make([]byte, 201))}, "reference"},
	} {
		err := c.f.Validate(now)
		if fs := candor.ErrorFields(err); len(fs) == 0 || fs[0].Field != c.field {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}
