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

// signer loads the key; nil when signing is off.
func (c DKIMConfig) signer() (*gomail.DKIMSigner, error) {
	if c.KeyPath == "" {
		return nil, nil
	}
	if c.Selector == "" || c.Domain == "" {
		return nil, fmt.Errorf("dkim: selector and domain are required with a key")
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
