package mail_test

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/candor-dev/candor/internal/smtptest"
	cmail "github.com/candor-dev/candor/mail"
)

func TestDKIMSignedMessageVerifies(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	keyPath := filepath.Join(t.TempDir(), "dkim.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	if err := os.WriteFile(keyPath, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	srv := smtptest.Start(t)
	cfg, err := cmail.ParseURL(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	s, err := cmail.NewSMTPSender(cfg, testDomain, cmail.DKIMConfig{KeyPath: keyPath, Selector: "candor2026", Domain: "example.com"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	m := notice("dkim-1", "a@example.org")
	m.Subject = "【重要】お知らせ"
	if _, err := s.Send(ctx(t), m); err != nil {
		t.Fatal(err)
	}
	raw := srv.Messages()[0].Data
	tags, err := verifyDKIM(raw, &key.PublicKey)
	if err != nil {
		t.Fatalf("verify: %v\n%s", err, raw)
	}
	if tags["d"] != "example.com" || tags["s"] != "candor2026" || tags["a"] != "rsa-sha256" {
		t.Errorf("tags %v", tags)
	}
	if !strings.Contains(strings.ToLower(tags["h"]), "reply-to") {
		t.Errorf("Reply-To not signed: h=%s", tags["h"])
	}
	// The verifier must be able to fail: change one header, then the body.
	for _, tamper := range []struct{ from, to string }{{"Privacy Office", "Privacy Offise"}, {"html part", "html parts"}} {
		bad := bytes.Replace(raw, []byte(tamper.from), []byte(tamper.to), 1)
		if _, err := verifyDKIM(bad, &key.PublicKey); err == nil {
			t.Errorf("tampered message (%s) verified", tamper.to)
		}
	}

	if _, err := cmail.NewSMTPSender(cfg, testDomain, cmail.DKIMConfig{KeyPath: keyPath}); err == nil {
		t.Error("a key without selector and domain was accepted")
	}
	long := strings.Repeat("sub.", 20) + "example.com" // would be folded inside d=
	if _, err := cmail.NewSMTPSender(cfg, testDomain, cmail.DKIMConfig{KeyPath: keyPath, Selector: "s", Domain: long}); err == nil {
		t.Error("a domain too long for one folded line was accepted")
	}
}

// verifyDKIM checks an rsa-sha256, relaxed/relaxed DKIM-Signature as RFC
// 6376 describes it: written here from the RFC rather than taken from the
// signer, so that it checks go-mail instead of repeating it.
func verifyDKIM(raw []byte, pub *rsa.PublicKey) (map[string]string, error) {
	head, body, ok := bytes.Cut(raw, []byte("\r\n\r\n"))
	if !ok {
		return nil, errors.New("no body")
	}
	var fields []string // each field with its folding, without the final CRLF
	for _, line := range strings.Split(string(head), "\r\n") {
		if (strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t")) && len(fields) > 0 {
			fields[len(fields)-1] += "\r\n" + line
		} else {
			fields = append(fields, line)
		}
	}
	var sigField string
	for _, f := range fields {
		if strings.HasPrefix(strings.ToLower(f), "dkim-signature:") {
			sigField = f
		}
	}
	if sigField == "" {
		return nil, errors.New("no DKIM-Signature")
	}
	tags := map[string]string{}
	_, value, _ := strings.Cut(sigField, ":")
	for _, tv := range strings.Split(value, ";") {
		k, v, _ := strings.Cut(tv, "=")
		tags[strings.TrimSpace(k)] = regexp.MustCompile(`\s+`).ReplaceAllString(v, "")
	}
	if tags["a"] != "rsa-sha256" || tags["c"] != "relaxed/relaxed" {
		return tags, errors.New("unsupported a= or c=")
	}

	// Body: relaxed canonicalization, then sha256 against bh=.
	lines := strings.Split(string(body), "\r\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(regexp.MustCompile(`[ \t]+`).ReplaceAllString(l, " "), " ")
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	canonBody := ""
	if len(lines) > 0 {
		canonBody = strings.Join(lines, "\r\n") + "\r\n"
	}
	bh := sha256.Sum256([]byte(canonBody))
	if base64.StdEncoding.EncodeToString(bh[:]) != tags["bh"] {
		return tags, errors.New("body hash mismatch")
	}

	relaxed := func(f string) string {
		name, v, _ := strings.Cut(f, ":")
		v = strings.NewReplacer("\r\n", "").Replace(v)
		v = strings.TrimSpace(regexp.MustCompile(`[ \t]+`).ReplaceAllString(v, " "))
		return strings.ToLower(strings.TrimSpace(name)) + ":" + v
	}
	// Headers named in h=, each from the bottom up, then the signature
	// field itself with b= emptied and no final CRLF.
	used := map[int]bool{}
	var in strings.Builder
	for _, name := range strings.Split(tags["h"], ":") {
		for i := len(fields) - 1; i >= 0; i-- {
			n, _, _ := strings.Cut(fields[i], ":")
			if !used[i] && strings.EqualFold(strings.TrimSpace(n), name) {
				used[i] = true
				in.WriteString(relaxed(fields[i]) + "\r\n")
				break
			}
		}
	}
	in.WriteString(relaxed(regexp.MustCompile(`b=[^;]*$`).ReplaceAllString(sigField, "b=")))
	sig, err := base64.StdEncoding.DecodeString(tags["b"])
	if err != nil {
		return tags, err
	}
	digest := sha256.Sum256([]byte(in.String()))
	return tags, rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig)
}
