package redact_test

import (
	"testing"

	"github.com/candor-dev/candor/internal/redact"
)

func TestAddresses(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"no address", "250 2.0.0 Ok: queued as 4F3A2", "250 2.0.0 Ok: queued as 4F3A2"},
		{"bracketed", "550 5.1.1 <rita@example.com>: Recipient address rejected",
			"550 5.1.1 <redacted>: Recipient address rejected"},
		{"bare", "250 2.0.0 queued for rita@example.com as 4F3A2", "250 2.0.0 queued for <redacted> as 4F3A2"},
		{"two", "550 <a.b+c@x.example>, <D@Y.EXAMPLE> refused", "550 <redacted>, <redacted> refused"},
		{"quoted local part", `550 <"rita smith"@example.com> unknown`, "550 <redacted> unknown"},
		{"address literal", "550 rita@[192.0.2.1] refused", "550 <redacted> refused"},
		{"unicode", "550 5.1.1 <josé@bücher.example> unknown", "550 5.1.1 <redacted> unknown"},
		{"cut after the at", "rcpt: 550 5.1.1 user rita@", "rcpt: 550 5.1.1 user <redacted>"},
		{"in parentheses", "550 mailbox unavailable (rita@example.com)", "550 mailbox unavailable (<redacted>)"},
		{"lone at", "550 @ is not a mailbox", "550 @ is not a mailbox"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := redact.Addresses(tt.in); got != tt.want {
				t.Fatalf("Addresses(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestWords(t *testing.T) {
	tests := []struct {
		name, in string
		words    []string
		want     string
	}{
		{"local part alone", "550 5.1.1 User rita unknown", []string{"rita"}, "550 5.1.1 User <redacted> unknown"},
		{"case-insensitive", "550 user RITA.SMITH unknown", []string{"rita.smith"}, "550 user <redacted> unknown"},
		{"part of a longer word", "550 margarita unknown", []string{"rita"}, "550 margarita unknown"},
		{"too short", "550 5.1.1 no such user: al", []string{"al"}, "550 5.1.1 no such user: al"},
		{"digits only", "550 5.1.1 user 550 unknown", []string{"550"}, "550 5.1.1 user 550 unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := redact.Words(tt.in, tt.words...); got != tt.want {
				t.Fatalf("Words(%q, %q) = %q, want %q", tt.in, tt.words, got, tt.want)
			}
		})
	}
}
