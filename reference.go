package candor

import (
	"crypto/rand"
	"strings"
)

// A notice reference identifies one notice to one person (a delivery or a
// letter): printed on it, typed back by the reader on the lookup page to
// check the notice is genuine, read aloud to a call centre. It is 15
// characters from an alphabet without look-alikes (no 0/O, 1/I/L, U/V
// pairs: 2–9 and the letters other than I, L, O and U), shown in three
// groups of five: "K7QM4-XR2TD-9HWPA". 30^15 is about 2^73.6, so a
// reference cannot be guessed even with the lookup page's rate limit
// lifted.
const (
	referenceAlphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
	referenceLength   = 15
	referenceGroup    = 5
)

// NewReference returns a fresh random reference, grouped.
func NewReference() string {
	// Rejection sampling keeps every symbol equally likely: 256 = 8·30 + 16,
	// so bytes from 240 up are drawn again.
	out := make([]byte, 0, referenceLength+referenceLength/referenceGroup)
	var buf [32]byte
	for n := 0; n < referenceLength; {
		rand.Read(buf[:]) //nolint:errcheck // crypto/rand.Read never fails (Go 1.24+)
		for _, b := range buf {
			if b >= 240 || n == referenceLength {
				continue
			}
			if n > 0 && n%referenceGroup == 0 {
				out = append(out, '-')
			}
			out = append(out, referenceAlphabet[int(b)%len(referenceAlphabet)])
			n++
		}
	}
	return string(out)
}

// ParseReference reads a reference as a person types it: any case, with
// or without the dashes and spaces. It returns the grouped form, or an
// EINVALID error on field that says what is wrong (look-alike characters
// are named, since they are what a reader mistypes).
func ParseReference(field, s string) (string, error) {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch {
		case r == '-' || r == ' ' || r == '\u3000' || r == '\u2010' || r == '\u2212' || r == '\uff0d':
			continue
		case r == '0' || r == 'O' || r == '1' || r == 'I' || r == 'L' || r == 'U':
			return "", Invalid(FieldError{Field: field, Message: "contains \"" + string(r) +
				"\", which references never use: they are made of the digits 2–9 and the letters other than I, L, O and U"})
		case r < 128 && strings.ContainsRune(referenceAlphabet, r):
			b.WriteRune(r)
		default:
			return "", Invalid(FieldError{Field: field, Message: "may hold only the digits 2–9 and the letters A–Z (without I, L, O and U), grouped by dashes"})
		}
	}
	if b.Len() != referenceLength {
		return "", Invalid(FieldError{Field: field, Message: "must be 15 characters (three groups of five, such as K7QM4-XR2TD-9HWPA)"})
	}
	raw := b.String()
	return raw[0:5] + "-" + raw[5:10] + "-" + raw[10:15], nil
}
