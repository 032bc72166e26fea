package mail

import (
	"crypto/x509"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Config chooses and configures the sender; see NewSender.
type Config struct {
	// URL of the SMTP relay; empty means "write .eml files to OutboxDir":
	//
	//	smtp://user:pass@host:port?tls=starttls|tls|none&pool=8&timeout=30s&auth=plain&helo=name
	//	smtps://user:pass@host:port  (same as tls=tls)
	//
	//   - tls: starttls (default; mandatory, fails if the relay lacks it),
	//     tls (implicit TLS, port 465 by default) or none (plain TCP: only
	//     for a relay on localhost or a private network).
	//   - pool: the most SMTP connections open at once (default 4).
	//   - timeout: per SMTP command and per dial (default 30s).
	//   - auth: plain (default when a user is given), login, cram-md5,
	//     scram-sha-256, or auto (the strongest the server offers).
	//   - helo: the name to greet with (default: the machine's host name).
	//
	// User and password are URL-encoded (percent-encode '@', ':', '/').
	// The password is never logged: SMTPConfig.String redacts it.
	URL string
	// OutboxDir receives one .eml file per message when URL is empty.
	OutboxDir string
	// MessageIDDomain is the right-hand side of every Message-ID, e.g.
	// "notify.example.com": a domain the organisation controls.
	MessageIDDomain string
	// DKIM signing, optional: on when KeyPath is set.
	DKIM DKIMConfig
}

// TLSMode is how the SMTP connection is secured.
type TLSMode string

// TLS modes of the URL's tls parameter.
const (
	TLSStartTLS TLSMode = "starttls"
	TLSImplicit TLSMode = "tls"
	TLSNone     TLSMode = "none"
)

// SMTPConfig is a parsed SMTP URL.
type SMTPConfig struct {
	Host     string
	Port     int
	Username string
	Password string
	TLS      TLSMode
	Pool     int
	Timeout  time.Duration
	Auth     string // "plain", "login", "cram-md5", "scram-sha-256", "auto", or "" for none
	HELO     string
	// RootCAs verifies the relay's certificate; nil means the system's.
	// Not settable from the URL: for tests and private CAs.
	RootCAs *x509.CertPool
}

// ParseURL parses an SMTP URL (see Config.URL). Its errors never include
// the password.
func ParseURL(raw string) (SMTPConfig, error) {
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error quotes the whole URL, password included.
		return SMTPConfig{}, fmt.Errorf("smtp url: malformed")
	}
	c := SMTPConfig{TLS: TLSStartTLS, Pool: 4, Timeout: 30 * time.Second, Host: u.Hostname()}
	switch u.Scheme {
	case "smtp":
	case "smtps":
		c.TLS = TLSImplicit
	default:
		return SMTPConfig{}, fmt.Errorf("smtp url: scheme %q, want smtp or smtps", u.Scheme)
	}
	if c.Host == "" {
		return SMTPConfig{}, fmt.Errorf("smtp url: no host")
	}
	if u.User != nil {
		c.Username = u.User.Username()
		c.Password, _ = u.User.Password()
		c.Auth = "plain"
	}
	q := u.Query()
	if v := q.Get("tls"); v != "" {
		switch m := TLSMode(strings.ToLower(v)); m {
		case TLSStartTLS, TLSImplicit, TLSNone:
			c.TLS = m
		default:
			return SMTPConfig{}, fmt.Errorf("smtp url: tls=%q, want starttls, tls or none", v)
		}
	}
	if v := q.Get("pool"); v != "" {
		if c.Pool, err = strconv.Atoi(v); err != nil || c.Pool < 1 || c.Pool > 1000 {
			return SMTPConfig{}, fmt.Errorf("smtp url: pool=%q, want 1 to 1000", v)
		}
	}
	if v := q.Get("timeout"); v != "" {
		if c.Timeout, err = time.ParseDuration(v); err != nil || c.Timeout <= 0 {
			return SMTPConfig{}, fmt.Errorf("smtp url: timeout=%q, want a duration such as 30s", v)
		}
	}
	if v := q.Get("auth"); v != "" {
		if c.Username == "" {
			return SMTPConfig{}, fmt.Errorf("smtp url: auth=%q without a user", v)
		}
		switch v = strings.ToLower(v); v {
		case "plain", "login", "cram-md5", "scram-sha-256", "auto":
			c.Auth = v
		default:
			return SMTPConfig{}, fmt.Errorf("smtp url: auth=%q, want plain, login, cram-md5, scram-sha-256 or auto", v)
		}
	}
	c.HELO = q.Get("helo")
	c.Port = map[TLSMode]int{TLSStartTLS: 587, TLSImplicit: 465, TLSNone: 25}[c.TLS]
	if p := u.Port(); p != "" {
		if c.Port, err = strconv.Atoi(p); err != nil || c.Port < 1 || c.Port > 65535 {
			return SMTPConfig{}, fmt.Errorf("smtp url: port %q", p)
		}
	}
	return c, nil
}

// Addr is "host:port".
func (c SMTPConfig) Addr() string { return net.JoinHostPort(c.Host, strconv.Itoa(c.Port)) }

// String is the URL with the password redacted, safe to log.
func (c SMTPConfig) String() string {
	u := url.URL{Scheme: "smtp", Host: c.Addr()}
	if c.Username != "" {
		u.User = url.UserPassword(c.Username, "REDACTED")
	}
	q := url.Values{}
	q.Set("tls", string(c.TLS))
	q.Set("pool", strconv.Itoa(c.Pool))
	q.Set("timeout", c.Timeout.String())
	if c.Auth != "" {
		q.Set("auth", c.Auth)
	}
	if c.HELO != "" {
		q.Set("helo", c.HELO)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// GoString keeps the password out of %#v too.
func (c SMTPConfig) GoString() string { return "mail.SMTPConfig(" + c.String() + ")" }

// LogValue keeps the password out of slog output.
func (c SMTPConfig) LogValue() slog.Value { return slog.StringValue(c.String()) }
