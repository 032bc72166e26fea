package mail

import (
	"context"
	"fmt"
	"strings"
)

// Sender sends one message. Implementations are safe for concurrent use.
type Sender interface {
	// Send sends m. On failure the error is an *Error: use Classify or
	// Explain for its Class, code and storable reason. Sending the same
	// DeliveryID again sends a message with the same Message-ID.
	Send(ctx context.Context, m *Message) (Result, error)
	// Close releases connections; Send fails after it.
	Close() error
}

// Result is what the relay said about an accepted message.
type Result struct {
	MessageID string // with angle brackets, as in the header
	Response  string // the relay's final reply, e.g. "250 2.0.0 Ok: queued as 4F3A2"
}

// NewSender returns an SMTPSender when cfg.URL is set, else an
// OutboxSender writing to cfg.OutboxDir.
func NewSender(cfg Config) (Sender, error) {
	if cfg.URL == "" {
		if cfg.OutboxDir == "" {
			return nil, fmt.Errorf("mail: neither an SMTP URL nor an outbox directory")
		}
		return NewOutboxSender(cfg.OutboxDir, cfg.MessageIDDomain, cfg.DKIM)
	}
	sc, err := ParseURL(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("mail: %w", err)
	}
	return NewSMTPSender(sc, cfg.MessageIDDomain, cfg.DKIM)
}

// validDomain accepts a host name of letters, digits, '-' and '.'.
func validDomain(d string) bool {
	if d == "" || len(d) > 253 || strings.HasPrefix(d, ".") || strings.HasSuffix(d, ".") || strings.Contains(d, "..") {
		return false
	}
	for _, r := range d {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.') {
			return false
		}
	}
	return true
}
