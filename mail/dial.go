package mail

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// clientOptions are the go-mail options for cfg. RawCeiling uses the same
// ones so that the two measure the same SMTP conversation.
func clientOptions(cfg SMTPConfig, dial gomail.DialContextFunc) ([]gomail.Option, error) {
	opts := []gomail.Option{
		gomail.WithPort(cfg.Port),
		gomail.WithTimeout(cfg.Timeout),
		gomail.WithDialContextFunc(dial),
		// go-mail sends a NOOP before every message and again before the
		// RSET after it: two round trips of seven. The pool checks idle
		// connections itself instead (idleCheck).
		gomail.WithoutNoop(),
		gomail.WithTLSConfig(tlsConfig(cfg)),
		gomail.WithTLSPolicy(gomail.NoTLS),
	}
	if cfg.TLS == TLSStartTLS {
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if cfg.HELO != "" {
		opts = append(opts, gomail.WithHELO(cfg.HELO))
	}
	if cfg.Auth != "" {
		auth := map[string]gomail.SMTPAuthType{
			"plain": gomail.SMTPAuthPlain, "login": gomail.SMTPAuthLogin, "cram-md5": gomail.SMTPAuthCramMD5,
			"scram-sha-256": gomail.SMTPAuthSCRAMSHA256, "auto": gomail.SMTPAuthAutoDiscover,
		}[cfg.Auth]
		if auth == "" {
			return nil, fmt.Errorf("mail: auth %q", cfg.Auth)
		}
		opts = append(opts, gomail.WithSMTPAuth(auth), gomail.WithUsername(cfg.Username), gomail.WithPassword(cfg.Password))
	}
	return opts, nil
}

// dial is go-mail's dialer. It does implicit TLS itself, because go-mail
// skips its own when a dial function is set; handing go-mail the *tls.Conn
// makes it treat the connection as encrypted (PLAIN auth allowed).
func (s *SMTPSender) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	d := net.Dialer{Timeout: s.cfg.Timeout, KeepAlive: 30 * time.Second}
	nc, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	if s.cfg.TLS == TLSImplicit {
		tc := tls.Client(nc, tlsConfig(s.cfg))
		if err := tc.HandshakeContext(ctx); err != nil {
			nc.Close()
			return nil, err
		}
		nc = tc
	}
	if p, ok := ctx.Value(connKey{}).(*net.Conn); ok {
		*p = nc
	}
	return nc, nil
}

func tlsConfig(cfg SMTPConfig) *tls.Config {
	return &tls.Config{ServerName: cfg.Host, MinVersion: tls.VersionTLS12, RootCAs: cfg.RootCAs}
}
