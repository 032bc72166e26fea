package mail

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	gomail "github.com/wneessen/go-mail"
)

// OutboxSender writes each message to <dir>/<message-id>.eml instead of
// sending it: for development, demos and deployments whose notices are
// sent by other means. Each file is written to a temporary name and
// renamed, so a reader never sees half a message; sending the same
// delivery again replaces the same file.
type OutboxSender struct {
	dir    string
	domain string
	signer *gomail.DKIMSigner
}

// NewOutboxSender creates dir if needed.
func NewOutboxSender(dir, domain string, dk DKIMConfig) (*OutboxSender, error) {
	if !validDomain(domain) {
		return nil, fmt.Errorf("mail: message id domain %q is not a domain name", domain)
	}
	signer, err := dk.signer()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("mail: outbox: %w", err)
	}
	return &OutboxSender{dir: dir, domain: domain, signer: signer}, nil
}

// Send writes m; see Sender. Failures are Temporary (a full or read-only
// disk), except a message that cannot be built, which is Permanent.
func (o *OutboxSender) Send(ctx context.Context, m *Message) (Result, error) {
	if err := ctx.Err(); err != nil {
		return Result{}, explain("send", err)
	}
	msg, err := m.build(o.domain)
	if err != nil {
		return Result{}, explain("message", err)
	}
	if o.signer != nil {
		msg.SetDKIM(o.signer)
	}
	id := msg.GetMessageID()
	name := OutboxFile(id)
	tmp, err := os.CreateTemp(o.dir, ".tmp-*.eml")
	if err != nil {
		return Result{}, explain("send", fmt.Errorf("outbox: %w", err))
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if _, err := msg.WriteTo(tmp); err != nil {
		tmp.Close()
		return Result{}, explain("send", fmt.Errorf("outbox: write: %w", err))
	}
	// Sync before rename: after a crash the file is whole or absent.
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return Result{}, explain("send", fmt.Errorf("outbox: sync: %w", err))
	}
	if err := tmp.Close(); err != nil {
		return Result{}, explain("send", fmt.Errorf("outbox: close: %w", err))
	}
	if err := os.Rename(tmp.Name(), filepath.Join(o.dir, name)); err != nil {
		return Result{}, explain("send", fmt.Errorf("outbox: rename: %w", err))
	}
	return Result{MessageID: id, Response: "250 2.0.0 written to outbox as " + name}, nil
}

// Close does nothing: the outbox holds no connections.
func (o *OutboxSender) Close() error { return nil }

// OutboxFile is the file name a Message-ID is written to: the ID without
// its angle brackets, with anything but letters, digits, '.', '-', '_' and
// '@' replaced by '_'.
func OutboxFile(messageID string) string {
	id := strings.TrimSuffix(strings.TrimPrefix(messageID, "<"), ">")
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(".-_@", r) {
			return r
		}
		return '_'
	}, id) + ".eml"
}
