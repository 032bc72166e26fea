package candor

import (
	"net/mail"
	"strings"
)

// NormalizeEmail checks that s is exactly one bare RFC 5322 address a relay
// can deliver to, and returns it in the form Candor stores, hashes and sends
// to: surrounding space trimmed, domain lower-cased, local part kept as given
// (RFC 5321 leaves its case to the receiving server). It returns an EINVALID
// *Error on field "email".
//
// Stricter than RFC 5322, on purpose:
//   - a display name or comment ("Bob <bob@example.com>") is refused: the
//     field holds a mailbox, and a name there is usually a column mix-up;
//   - the domain must contain a dot and must not end in a number: "a@b" or
//     "a@1.2.3.4" are valid syntax but name no mail domain reachable over the
//     internet;
//   - address literals ("x"@[127.0.0.1]) are refused: relays refuse or
//     misroute them, they bypass MX routing, and in a file uploaded by a user
//     they are more likely an attempt to make Candor talk to an internal host
//     than a customer's real mailbox;
//   - the RFC 5321 length limits (64 bytes local part, 254 in all) apply,
//     since a relay will refuse anything longer.
func NormalizeEmail(s string) (string, error) {
	out, msg := normalizeEmail(s)
	if msg != "" {
		return "", Invalid(FieldError{Field: "email", Message: msg})
	}
	return out, nil
}

// normalizeEmail does NormalizeEmail's work and returns a message instead of
// an error, so that the import path does not allocate an *Error per bad row.
func normalizeEmail(s string) (string, string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", "is empty"
	}
	if len(s) > 4*MaxEmailLen {
		// Bound the parser's work on a hostile cell.
		return "", "is longer than 254 bytes"
	}
	a, err := mail.ParseAddress(s)
	if err != nil {
		if strings.Contains(err.Error(), "expected single address") {
			return "", "must be exactly one address"
		}
		return "", "is not a valid email address (" + strings.TrimPrefix(err.Error(), "mail: ") + ")"
	}
	if a.Name != "" {
		return "", "must be a bare address such as name@example.com, without a display name or comment"
	}
	at := strings.LastIndexByte(a.Address, '@')
	if at < 0 {
		return "", "is not a valid email address (no @)"
	}
	local, domain := a.Address[:at], a.Address[at+1:]
	if strings.HasPrefix(domain, "[") {
		return "", "address literals such as [127.0.0.1] are not accepted; use a mail domain"
	}
	if msg := checkMailDomain(domain); msg != "" {
		return "", msg
	}
	if hasUpper(domain) {
		domain = strings.ToLower(domain)
	}
	if !isDotAtom(local) {
		// net/mail returns the local part unquoted; String quotes it back
		// into a valid addr-spec ("john doe"@example.com).
		q := (&mail.Address{Address: local + "@" + domain}).String()
		local = q[1 : len(q)-len(domain)-2]
	}
	if len(local) > MaxEmailLocalLen {
		return "", "local part (before @) is longer than 64 bytes"
	}
	if len(local)+1+len(domain) > MaxEmailLen {
		return "", "is longer than 254 bytes"
	}
	if len(s) == len(local)+1+len(domain) && s[:len(local)] == local && s[len(local)+1:] == domain {
		return s, "" // already in normal form: no new string
	}
	return local + "@" + domain, ""
}

func checkMailDomain(d string) string {
	dot := strings.LastIndexByte(d, '.')
	if dot < 0 {
		return "domain " + QuoteShort(d) + " has no dot; a mail domain looks like example.com"
	}
	if tld := d[dot+1:]; tld != "" && tld[0] >= '0' && tld[0] <= '9' {
		return "domain " + QuoteShort(d) + " is a number, not a mail domain"
	}
	for label := range strings.SplitSeq(d, ".") {
		if len(label) > 63 {
			return "a domain label is longer than 63 bytes"
		}
	}
	return ""
}

func hasUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' || c >= 0x80 {
			return true
		}
	}
	return false
}

// isDotAtom reports whether local needs no quoting: RFC 5322 atext separated
// by single dots. Non-ASCII counts as atext (RFC 6532).
func isDotAtom(local string) bool {
	if local == "" || local[0] == '.' || local[len(local)-1] == '.' {
		return false
	}
	prevDot := false
	for i := 0; i < len(local); i++ {
		c := local[i]
		if c == '.' {
			if prevDot {
				return false
			}
			prevDot = true
			continue
		}
		prevDot = false
		if c >= 0x80 || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			continue
		}
		if !strings.ContainsRune("!#$%&'*+-/=?^_`{|}~", rune(c)) {
			return false
		}
	}
	return true
}
