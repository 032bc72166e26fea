package vault

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
)

// Ciphertext format: "v1:" key id (8 hex digits) ":" base64url without
// padding of nonce (12 bytes) || AES-256-GCM ciphertext and tag. Text, not
// bytes, so that one column type works on SQLite and PostgreSQL and a dump
// stays readable; the version lets a later format coexist during a rekey.
const (
	version   = "v1:"
	idLen     = 8
	prefixLen = len(version) + idLen + 1
	nonceSize = 12
	tagSize   = 16
)

// Errors from Decrypt. They are internal errors: a ciphertext Candor wrote
// does not go bad unless the database or the key configuration is wrong.
var (
	ErrMalformed  = errors.New("vault: malformed ciphertext")
	ErrUnknownKey = errors.New("vault: ciphertext made with a key not in the keyring")
	ErrTampered   = errors.New("vault: ciphertext fails authentication (altered, or wrong key)")
)

// Keyring encrypts with its current key and decrypts with any of its keys.
// It is immutable and safe for concurrent use.
type Keyring struct {
	current *Key
	old     []*Key // in the order given, for a stable EmailHashes
	keys    map[string]*Key
	bufs    sync.Pool // of *[]byte, see scratch
}

// NewKeyring returns a keyring that encrypts with current and also
// decrypts what old keys made. Two different keys with the same id (a
// 1 in 4 billion chance) are refused rather than confused.
func NewKeyring(current *Key, old ...*Key) (*Keyring, error) {
	if current == nil {
		return nil, errors.New("keyring: no current key")
	}
	kr := &Keyring{current: current, keys: map[string]*Key{current.id: current}}
	for _, k := range old {
		if k == nil {
			return nil, errors.New("keyring: nil old key")
		}
		if prev, ok := kr.keys[k.id]; ok && string(prev.mac) != string(k.mac) {
			return nil, fmt.Errorf("keyring: two keys share id %s; generate another", k.id)
		}
		if _, ok := kr.keys[k.id]; !ok {
			kr.keys[k.id] = k
			kr.old = append(kr.old, k)
		}
	}
	return kr, nil
}

// ParseKeyring reads the current key and a list of old keys separated by
// commas or spaces, as CANDOR_DATA_KEY and CANDOR_DATA_KEY_OLD hold them.
func ParseKeyring(current, old string) (*Keyring, error) {
	cur, err := ParseKey(current)
	if err != nil {
		return nil, err
	}
	var olds []*Key
	for i, s := range strings.FieldsFunc(old, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' }) {
		k, err := ParseKey(s)
		if err != nil {
			return nil, fmt.Errorf("old key %d: %w", i+1, err)
		}
		olds = append(olds, k)
	}
	return NewKeyring(cur, olds...)
}

// CurrentKeyID returns the id of the key Encrypt uses.
func (kr *Keyring) CurrentKeyID() string { return kr.current.id }

// Encrypt seals plaintext under the current key with a fresh random nonce,
// so equal values give unrelated ciphertexts. The empty string stays empty:
// an absent or erased field reveals no more than the row's channel does, and
// erasure can be checked without a key.
func (kr *Keyring) Encrypt(plaintext string) (string, error) {
	if plaintext == "" {
		return "", nil
	}
	k := kr.current
	n := len(plaintext)
	sealedLen := nonceSize + n + tagSize
	bp := kr.scratch(sealedLen + prefixLen + base64.RawURLEncoding.EncodedLen(sealedLen))
	defer kr.bufs.Put(bp)
	buf := *bp
	if _, err := rand.Read(buf[:nonceSize]); err != nil {
		return "", fmt.Errorf("vault: nonce: %w", err)
	}
	copy(buf[nonceSize:], plaintext)
	// Seal in place: dst's free capacity starts where the plaintext is.
	sealed := k.aead.Seal(buf[:nonceSize], buf[:nonceSize], buf[nonceSize:nonceSize+n], nil)
	out := append(buf[sealedLen:sealedLen], version...)
	out = append(append(out, k.id...), ':')
	out = base64.RawURLEncoding.AppendEncode(out, sealed)
	return string(out), nil
}

// Decrypt opens a ciphertext made by Encrypt under any key of the keyring.
// The empty string decrypts to the empty string.
func (kr *Keyring) Decrypt(ciphertext string) (string, error) {
	if ciphertext == "" {
		return "", nil
	}
	k, body, err := kr.parse(ciphertext)
	if err != nil {
		return "", err
	}
	bp := kr.scratch(len(body) + base64.RawURLEncoding.DecodedLen(len(body)))
	defer kr.bufs.Put(bp)
	src := append((*bp)[:0], body...)
	raw, err := base64.RawURLEncoding.AppendDecode(src[len(src):], src)
	if err != nil || len(raw) < nonceSize+tagSize {
		return "", ErrMalformed
	}
	plain, err := k.aead.Open(raw[nonceSize:nonceSize], raw[:nonceSize], raw[nonceSize:], nil)
	if err != nil {
		return "", ErrTampered
	}
	return string(plain), nil
}

// scratch returns a pooled buffer of at least n bytes. Encrypt and Decrypt
// run a million times per import; pooling their working space leaves one
// allocation each, the returned string.
func (kr *Keyring) scratch(n int) *[]byte {
	bp, _ := kr.bufs.Get().(*[]byte)
	if bp == nil || cap(*bp) < n {
		b := make([]byte, max(n, 512))
		bp = &b
	}
	*bp = (*bp)[:cap(*bp)]
	return bp
}

// NeedsRekey reports whether ciphertext was made with a key other than the
// current one. `candor rekey` re-encrypts the rows for which it is true.
func (kr *Keyring) NeedsRekey(ciphertext string) bool {
	if ciphertext == "" {
		return false
	}
	return len(ciphertext) < prefixLen || ciphertext[:len(version)] != version ||
		ciphertext[len(version):prefixLen-1] != kr.current.id
}

// Rekey returns ciphertext re-encrypted under the current key; a ciphertext
// already under it is returned unchanged, so a rekey run can be repeated.
func (kr *Keyring) Rekey(ciphertext string) (string, error) {
	if !kr.NeedsRekey(ciphertext) {
		return ciphertext, nil
	}
	plain, err := kr.Decrypt(ciphertext)
	if err != nil {
		return "", fmt.Errorf("rekey: %w", err)
	}
	return kr.Encrypt(plain)
}

func (kr *Keyring) parse(ct string) (*Key, string, error) {
	if len(ct) < prefixLen || ct[:len(version)] != version || ct[prefixLen-1] != ':' {
		return nil, "", ErrMalformed
	}
	k, ok := kr.keys[ct[len(version):prefixLen-1]]
	if !ok {
		return nil, "", ErrUnknownKey
	}
	return k, ct[prefixLen:], nil
}
