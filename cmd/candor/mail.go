package main

import (
	"fmt"
	"strings"

	"github.com/candor-dev/candor/mail"
)

// newMailSender builds the process's one mail.Sender: SMTP when
// CANDOR_SMTP_URL is set, else .eml files in CANDOR_OUTBOX_DIR. Message-IDs
// are on the domain of CANDOR_MAIL_FROM. Every task that sends mail shares
// it (and so its connection pool); close it after the worker stops.
func newMailSender(cfg Config) (mail.Sender, error) {
	_, domain, ok := strings.Cut(cfg.MailFrom, "@")
	if !ok || domain == "" {
		return nil, fmt.Errorf("CANDOR_MAIL_FROM %q is not an email address", cfg.MailFrom)
	}
	dkim := mail.DKIMConfig{KeyPath: cfg.DKIMKeyPath, Selector: cfg.DKIMSelector, Domain: cfg.DKIMDomain}
	if dkim.KeyPath != "" && dkim.Domain == "" {
		dkim.Domain = domain
	}
	s, err := mail.NewSender(mail.Config{URL: cfg.SMTPURL, OutboxDir: cfg.OutboxDir, MessageIDDomain: domain, DKIM: dkim})
	if err != nil {
		return nil, fmt.Errorf("mail: %v", err)
	}
	return s, nil
}

// mailFrom is the sender of Candor's mail: the organisation's name and
// CANDOR_MAIL_FROM.
func mailFrom(cfg Config) mail.Address {
	return mail.Address{Name: cfg.OrgName, Email: cfg.MailFrom}
}
