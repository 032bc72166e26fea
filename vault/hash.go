package vault

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"strings"
)

// EmailHash returns the keyed hash (HMAC-SHA256 under the current key's hash
// sub-key, base64url) that the store keeps beside an encrypted email, for
// dedupe within an incident and for exact search. Give it the address as
// candor.NormalizeEmail returns it.
//
// The whole address is lower-cased before hashing, although RFC 5321 lets a
// server treat "Ann@" and "ann@" as different mailboxes: virtually none
// does, and a CRM export holding both spellings means one person, who must
// get one notice, not two. The stored address keeps its case.
//
// A keyed hash, not a plain one: a plain SHA-256 of an email can be reversed
// by hashing a list of known addresses; without the key it cannot.
func (kr *Keyring) EmailHash(email string) string {
	return emailHash(kr.current, email)
}

// EmailHashes returns the email's hash under every key of the keyring,
// current first. While a rekey is under way some rows still carry a hash
// made with an old key; look up with all of them (WHERE email_hash IN ...).
func (kr *Keyring) EmailHashes(email string) []string {
	out := []string{emailHash(kr.current, email)}
	for _, k := range kr.old {
		out = append(out, emailHash(k, email))
	}
	return out
}

// hasher is a keyed HMAC state with scratch space, pooled per key: building
// an HMAC costs two extra SHA-256 blocks and several allocations, which a
// million-row import would pay a million times.
type hasher struct {
	mac hash.Hash
	buf []byte
	sum []byte
	enc [43]byte // base64 of 32 bytes, unpadded
}

func emailHash(k *Key, email string) string {
	h, _ := k.hashers.Get().(*hasher)
	if h == nil {
		h = &hasher{mac: hmac.New(sha256.New, k.mac)}
	}
	h.mac.Reset()
	h.buf = appendLower(h.buf[:0], email)
	h.mac.Write(h.buf)
	h.sum = h.mac.Sum(h.sum[:0])
	out := string(base64.RawURLEncoding.AppendEncode(h.enc[:0], h.sum))
	k.hashers.Put(h)
	return out
}

// appendLower appends s lower-cased; ASCII is folded byte by byte, the rest
// by strings.ToLower (Unicode addresses are rare).
func appendLower(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return append(dst, strings.ToLower(s)...)
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}
