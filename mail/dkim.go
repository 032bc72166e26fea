package mail

import (
	"fmt"
	"os"

	gomail "github.com/wneessen/go-mail"
)

// DKIMConfig turns on DKIM signing (go-mail's signer, RSA or Ed25519).
type DKIMConfig struct {
	KeyPath  string // PEM private key (PKCS#1 or PKCS#8); empty: no signing
	Selector string // the s= tag: the key is published at <selector>._domainkey.<domain>
	Domain   string // the d= tag: the signing domain, normally the From domain
}

// maxTag bounds the d= and s= values. go-mail v0.8.1 folds the
// DKIM-Signature at 78 columns and hard-wraps a tag that does not fit on a
// line of its own, but signs the unfolded text: a verifier then sees a
// space inside the tag and the signature fails. Tags shorter than a line
// are only ever folded between tags, which is harmless.
const maxTag = 70

// signer loads the key; nil when signing is off.
func (c DKIMConfig) signer() (*gomail.DKIMSigner, error) {
	if c.KeyPath == "" {
		return nil, nil
	}
	if c.Selector == "" || c.Domain == "" {
		return nil, fmt.Errorf("dkim: selector and domain are required with a key")
	}
	if len(c.Selector) > maxTag || len(c.Domain) > maxTag {
		return nil, fmt.Errorf("dkim: selector and domain must be at most %d characters", maxTag)
	}
	pemBytes, err := os.ReadFile(c.KeyPath)
	if err != nil {
		return nil, fmt.Errorf("dkim: %w", err)
	}
	key, err := gomail.PrivKeyFromPEM(pemBytes)
	if err != nil {
		return nil, fmt.Errorf("dkim: key %s: %w", c.KeyPath, err)
	}
	s := gomail.NewDKIMSigner(c.Domain, c.Selector, key)
	// go-mail's default list leaves out Reply-To: sign it, so that the
	// address customers answer to cannot be changed on the way. The list
	// must stay short (see maxTag).
	s.SignHeaders("From", "To", "Reply-To", "Subject", "Date", "Message-ID", "Content-Type", "MIME-Version")
	if err := s.ValidateConfig(); err != nil {
		return nil, fmt.Errorf("dkim: %w", err)
	}
	// The signer picks its algorithm lazily, writing to itself on the
	// first Sign: sign once here so that the concurrent sends that share
	// it only ever read it.
	if _, err := s.Sign([]byte("From: a@b\r\n"), []byte("\r\n")); err != nil {
		return nil, fmt.Errorf("dkim: test signature: %w", err)
	}
	return s, nil
}
