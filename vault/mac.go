package vault

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
)

// MAC returns a keyed hash of parts under the current key's hash sub-key,
// each part length-prefixed so that ("ab","c") and ("a","bc") differ. The
// store uses it for values that must be compared without being readable: a
// customer row's content (to tell an unchanged re-import from an update)
// and the dedupe key of a postal customer without an id.
func (kr *Keyring) MAC(parts ...string) string {
	m := hmac.New(sha256.New, kr.current.mac)
	for _, p := range parts {
		m.Write([]byte(strconv.Itoa(len(p))))
		m.Write([]byte{':'})
		m.Write([]byte(p))
	}
	var sum [sha256.Size]byte
	return base64.RawURLEncoding.EncodeToString(m.Sum(sum[:0])[:24])
}

// WithOld returns a keyring that encrypts with kr's current key and still
// decrypts with every key of old: the state during a rotation.
func (kr *Keyring) WithOld(old *Keyring) (*Keyring, error) {
	return NewKeyring(kr.current, append([]*Key{old.current}, old.old...)...)
}
