// Package vault encrypts customers' personal fields at rest and computes the
// keyed hash that lets the store find an email without keeping it in clear.
//
// One 32-byte data key (CANDOR_DATA_KEY) is never used directly: HKDF-SHA256
// derives from it an AES-256-GCM key, an HMAC-SHA256 key and a short key id,
// each under its own label, so that no key serves two purposes. Every
// ciphertext names the id of the key that made it; a Keyring holds the
// current key, which encrypts, and old keys, which only decrypt, so that
// `candor rekey` can rotate keys while the service runs.
//
// Rotation: generate a key (GenerateKey); restart with CANDOR_DATA_KEY set
// to it and the previous key in CANDOR_DATA_KEY_OLD (ParseKeyring), so new
// writes use the new key and old rows still decrypt, and look emails up with
// EmailHashes (every key's hash); run `candor rekey`, which for each row
// where NeedsRekey holds re-encrypts the fields (Rekey) and recomputes the
// email hash, in batches, and can be stopped and rerun; when it reports no
// row left, drop CANDOR_DATA_KEY_OLD. Losing the current key loses the data:
// back it up apart from the database.
package vault

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
)

// KeySize is the size of a data key in bytes.
const KeySize = 32

// Labels for HKDF: changing one changes every derived key.
const (
	labelEncrypt = "candor field encryption v1"
	labelHash    = "candor email hash v1"
	labelID      = "candor key id v1"
)

// Key is one data key with its derived sub-keys. It is immutable and safe
// for concurrent use.
type Key struct {
	id      string
	aead    cipher.AEAD
	mac     []byte
	hashers sync.Pool // of *hasher keyed with mac
}

// NewKey derives a Key from 32 bytes of key material.
func NewKey(raw []byte) (*Key, error) {
	if len(raw) != KeySize {
		return nil, fmt.Errorf("data key: want %d bytes, got %d", KeySize, len(raw))
	}
	if bytes.Equal(raw, make([]byte, KeySize)) {
		return nil, errors.New("data key: all zero bytes; generate one with `candor keygen`")
	}
	enc, err := hkdf.Key(sha256.New, raw, nil, labelEncrypt, KeySize)
	if err != nil {
		return nil, fmt.Errorf("data key: derive: %w", err)
	}
	mac, err := hkdf.Key(sha256.New, raw, nil, labelHash, KeySize)
	if err != nil {
		return nil, fmt.Errorf("data key: derive: %w", err)
	}
	id, err := hkdf.Key(sha256.New, raw, nil, labelID, 4)
	if err != nil {
		return nil, fmt.Errorf("data key: derive: %w", err)
	}
	block, err := aes.NewCipher(enc)
	if err != nil {
		return nil, fmt.Errorf("data key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("data key: %w", err)
	}
	return &Key{id: hex.EncodeToString(id), aead: aead, mac: mac}, nil
}

// ParseKey reads a data key as CANDOR_DATA_KEY holds it: 32 bytes written
// as 64 hex digits or as base64 (standard or URL alphabet, padded or not).
// Surrounding space is ignored, so a key file may end in a newline. Errors
// never repeat the key.
func ParseKey(s string) (*Key, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, errors.New("data key: empty; set CANDOR_DATA_KEY (make run generates one into ./var)")
	}
	var raw []byte
	if isHex(s) {
		// Hex digits are base64 characters too: read an all-hex string as
		// hex so that a short hex key gets an error counting its bytes.
		b, err := hex.DecodeString(s)
		if err != nil {
			return nil, fmt.Errorf("data key: odd number of hex digits (%d); want 64", len(s))
		}
		raw = b
	} else {
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
			if b, err := enc.DecodeString(s); err == nil {
				raw = b
				break
			}
		}
	}
	if raw == nil {
		return nil, fmt.Errorf("data key: not hex or base64 (%d characters); want %d bytes as 64 hex digits or 44 base64 characters", len(s), KeySize)
	}
	if len(raw) != KeySize {
		return nil, fmt.Errorf("data key: decodes to %d bytes, want %d (64 hex digits or 44 base64 characters)", len(raw), KeySize)
	}
	return NewKey(raw)
}

// GenerateKey returns a new random data key in the base64 form ParseKey
// reads, for `make run` and `candor keygen`.
func GenerateKey() (string, error) {
	raw := make([]byte, KeySize)
	if _, err := rand.Read(raw); err != nil {
		return "", fmt.Errorf("generate data key: %w", err)
	}
	return base64.StdEncoding.EncodeToString(raw), nil
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// ID returns the key's id: 8 hex digits derived from the key, so it cannot
// be configured wrong and reveals nothing about the key.
func (k *Key) ID() string { return k.id }
