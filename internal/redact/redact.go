// Package redact takes e-mail addresses out of text that Candor keeps in
// clear: a relay's reply and the reason a delivery failed are stored on the
// delivery row, shown to viewers and exported, and kept after the customer
// is erased, while the customer's own address is sealed (vault) and goes
// with the erasure. Relays echo the recipient ("550 5.1.1
// <rita@example.com>: Recipient address rejected", "250 Ok: queued for
// <rita@example.com>"), so what would be stored is redacted first; the
// rest of the reply is kept, as evidence of what the relay said.
//
// It imports only the standard library, so that the mail package (which
// makes the text) and the store (which keeps it, and registers Addresses
// as an SQLite function for the migration that scrubs old rows) share one
// rule.
package redact

import (
	"regexp"
	"strings"
	"sync"
)

// Placeholder replaces each address.
const Placeholder = "<redacted>"

// addressPattern matches anything shaped like an address, generously: a
// local part (a quoted string, or a run of characters that cannot delimit
// an address in a reply: no space, angle brackets, parentheses, brackets,
// braces, commas, semicolons, colons, quotes or @), an @, and a domain (an
// address literal, or such a run, possibly empty, so that a reply cut
// short after the @ still loses its local part), with the angle brackets
// around it if any. Over-matching costs a word of evidence; under-matching
// would keep personal data.
//
// The PostgreSQL migration that scrubs old rows
// (migrations/postgres/0014_redact_replies.sql) uses the same expression.
const addressPattern = `<?(?:"[^"\r\n]*"|[^\s<>()\[\]{},;:"@]+)@(?:\[[^\]\s]*\]|[^\s<>()\[\]{},;:"@]*)>?`

var pattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(addressPattern) })

// Pattern is the expression Addresses replaces, for tests that check the
// migrations use the same one.
func Pattern() string { return addressPattern }

// Addresses returns s with every e-mail address in it replaced by
// Placeholder.
func Addresses(s string) string {
	if strings.IndexByte(s, '@') < 0 {
		return s // nearly every reply: no regexp
	}
	return pattern().ReplaceAllLiteralString(s, Placeholder)
}

// Words returns s with each whole-word, case-insensitive occurrence of the
// words replaced by Placeholder: for a part of an address known to the
// caller (a recipient's local part) that a relay may echo alone ("550
// 5.1.1 User rita unknown"). Words shorter than 3 bytes or without a
// letter are left alone: they would take codes and common short words
// with them.
func Words(s string, words ...string) string {
	for _, w := range words {
		if len(w) < 3 || !strings.ContainsFunc(w, isLetter) || !containsFold(s, w) {
			continue // the last: a reply without the word (nearly all) compiles nothing
		}
		re, err := regexp.Compile(`(?i)(^|[^\pL\pN._%+-])` + regexp.QuoteMeta(w) + `($|[^\pL\pN._%+-])`)
		if err != nil {
			continue
		}
		s = re.ReplaceAllString(s, "${1}"+Placeholder+"${2}")
	}
	return s
}

func isLetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 127 }

func containsFold(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}
