package mail_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	cmail "github.com/candor-dev/candor/mail"
)

func TestParseURL(t *testing.T) {
	tests := []struct {
		url  string
		want cmail.SMTPConfig
		err  string
	}{
		{url: "smtp://relay.example.com",
			want: cmail.SMTPConfig{Host: "relay.example.com", Port: 587, TLS: "starttls", Pool: 4, Timeout: 30 * time.Second}},
		{url: "smtp://u%40x:p%3Aw%2Fd@relay.example.com:2525?tls=none&pool=8&timeout=5s&helo=mx.example.com",
			want: cmail.SMTPConfig{Host: "relay.example.com", Port: 2525, Username: "u@x", Password: "p:w/d", TLS: "none",
				Pool: 8, Timeout: 5 * time.Second, Auth: "plain", HELO: "mx.example.com"}},
		{url: "smtps://u:p@relay.example.com?auth=login",
			want: cmail.SMTPConfig{Host: "relay.example.com", Port: 465, Username: "u", Password: "p", TLS: "tls",
				Pool: 4, Timeout: 30 * time.Second, Auth: "login"}},
		{url: "smtp://[::1]:25?tls=TLS",
			want: cmail.SMTPConfig{Host: "::1", Port: 25, TLS: "tls", Pool: 4, Timeout: 30 * time.Second}},
		{url: "http://relay.example.com", err: "scheme"},
		{url: "smtp://", err: "no host"},
		{url: "smtp://h?tls=ssl", err: "tls="},
		{url: "smtp://h?pool=0", err: "pool="},
		{url: "smtp://h?pool=x", err: "pool="},
		{url: "smtp://h?timeout=-1s", err: "timeout="},
		{url: "smtp://h?auth=plain", err: "without a user"},
		{url: "smtp://u:p@h?auth=magic", err: "auth="},
		{url: "smtp://h:99999", err: "port"},
		{url: "smtp://u:topsecret@h/%zz", err: "malformed"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			got, err := cmail.ParseURL(tt.url)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err %v, want %q", err, tt.err)
				}
				if strings.Contains(err.Error(), "topsecret") {
					t.Errorf("password in error: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got  %#v\nwant %#v", got.String(), tt.want.String())
			}
		})
	}
}

func TestPasswordNeverPrinted(t *testing.T) {
	cfg, err := cmail.ParseURL("smtp://user:hunter2@relay.example.com?pool=2")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("mail", "smtp", cfg)
	for _, s := range []string{fmt.Sprint(cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg), buf.String()} {
		if strings.Contains(s, "hunter2") || !strings.Contains(s, "relay.example.com") {
			t.Errorf("printed as %q", s)
		}
	}
}

func TestNewSenderChooses(t *testing.T) {
	s, err := cmail.NewSender(cmail.Config{URL: "smtp://127.0.0.1:1?tls=none", MessageIDDomain: testDomain})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, ok := s.(*cmail.SMTPSender); !ok {
		t.Errorf("with a URL: %T", s)
	}
	for _, cfg := range []cmail.Config{
		{MessageIDDomain: testDomain},                      // neither URL nor outbox
		{URL: "smtp://h", MessageIDDomain: "not a domain"}, // bad Message-ID domain
		{OutboxDir: t.TempDir(), MessageIDDomain: ""},      // no Message-ID domain
		{URL: "smtp://h", MessageIDDomain: testDomain, DKIM: cmail.DKIMConfig{KeyPath: "/nonexistent", Selector: "s", Domain: "d.example"}},
	} {
		if s, err := cmail.NewSender(cfg); err == nil {
			s.Close()
			t.Errorf("accepted %+v", cfg)
		}
	}
}
