package vault_test

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/candor-dev/candor/vault"
)

// Fixed keys make the known-answer tests below stable across runs.
var (
	hexA = strings.Repeat("0a", 32)
	hexB = strings.Repeat("0b", 32)
)

func mustKeyring(t testing.TB, current string, old ...string) *vault.Keyring {
	t.Helper()
	kr, err := vault.ParseKeyring(current, strings.Join(old, ","))
	if err != nil {
		t.Fatal(err)
	}
	return kr
}

func TestParseKey(t *testing.T) {
	raw := make([]byte, 32)
	for i := range raw {
		raw[i] = byte(i + 1)
	}
	secret := hex.EncodeToString(raw)
	tests := []struct {
		name, in, errPart string
	}{
		{"hex", secret, ""},
		{"hex upper", strings.ToUpper(secret), ""},
		{"base64", base64.StdEncoding.EncodeToString(raw), ""},
		{"base64 unpadded", base64.RawStdEncoding.EncodeToString(raw), ""},
		{"base64url", base64.URLEncoding.EncodeToString(raw), ""},
		{"trailing newline", base64.StdEncoding.EncodeToString(raw) + "\n", ""},
		{"empty", "  ", "empty"},
		{"31 bytes", base64.StdEncoding.EncodeToString(raw[:31]), "decodes to 31 bytes"},
		{"33 bytes hex", secret + "21", "decodes to 33 bytes"},
		{"16 bytes hex", secret[:32], "decodes to 16 bytes"},
		{"not an encoding", "correct horse battery staple!!", "not hex or base64"},
		{"all zero", strings.Repeat("00", 32), "all zero"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := vault.ParseKey(tt.in)
			if tt.errPart == "" {
				if err != nil {
					t.Fatal(err)
				}
				if want, _ := vault.NewKey(raw); k.ID() != want.ID() {
					t.Errorf("id %s, want %s: another encoding gave another key", k.ID(), want.ID())
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.errPart) {
				t.Fatalf("err = %v; want it to contain %q", err, tt.errPart)
			}
			if strings.Contains(err.Error(), strings.TrimSpace(tt.in)) && len(strings.TrimSpace(tt.in)) > 8 {
				t.Errorf("error repeats the key: %v", err)
			}
		})
	}
}

func TestGenerateKey(t *testing.T) {
	a, err := vault.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := vault.GenerateKey()
	if a == b {
		t.Error("two generated keys are equal")
	}
	if _, err := vault.ParseKey(a); err != nil {
		t.Errorf("generated key does not parse: %v", err)
	}
}

func TestRoundTrip(t *testing.T) {
	kr := mustKeyring(t, hexA)
	for _, tt := range []struct{ name, in string }{
		{"email", "ann.lee@example.com"},
		{"unicode", "山田 太郎"},
		{"multi-line address", "1 Main St\nSpringfield\n"},
		{"one byte", "x"},
		{"long", strings.Repeat("long ", 2000)},
		{"empty stays empty", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ct, err := kr.Encrypt(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if tt.in != "" && (len(tt.in) > 4 && strings.Contains(ct, tt.in) || !strings.HasPrefix(ct, "v1:"+kr.CurrentKeyID()+":")) {
				t.Errorf("ciphertext %q", ct)
			}
			got, err := kr.Decrypt(ct)
			if err != nil || got != tt.in {
				t.Errorf("Decrypt = %q, %v; want %q", got, err, tt.in)
			}
		})
	}
	t.Run("fresh nonce each time", func(t *testing.T) {
		a, _ := kr.Encrypt("same")
		b, _ := kr.Encrypt("same")
		if a == b {
			t.Error("equal plaintexts gave equal ciphertexts")
		}
	})
}

func TestDecryptRefuses(t *testing.T) {
	kr := mustKeyring(t, hexA)
	ct, _ := kr.Encrypt("ann@example.com")
	flip := func(i int) string {
		b := []byte(ct)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	other := mustKeyring(t, hexB)
	forged := "v1:" + kr.CurrentKeyID() + ":" + strings.SplitN(mustEncrypt(t, other, "ann@example.com"), ":", 3)[2]
	tests := []struct {
		name, in string
		want     error
	}{
		{"tampered body start", flip(12), vault.ErrTampered},
		{"tampered body end", flip(len(ct) - 2), vault.ErrTampered},
		{"truncated", ct[:len(ct)-4], vault.ErrTampered},
		{"too short", ct[:20], vault.ErrMalformed},
		{"not base64", ct[:12] + "!!!!" + ct[16:], vault.ErrMalformed},
		{"no version", "x" + ct[1:], vault.ErrMalformed},
		{"plain text", "ann@example.com", vault.ErrMalformed},
		{"unknown key", mustEncrypt(t, other, "ann@example.com"), vault.ErrUnknownKey},
		{"other key under this id", forged, vault.ErrTampered},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := kr.Decrypt(tt.in)
			if !errors.Is(err, tt.want) || got != "" {
				t.Errorf("Decrypt = %q, %v; want %v", got, err, tt.want)
			}
		})
	}
}

func mustEncrypt(t testing.TB, kr *vault.Keyring, s string) string {
	t.Helper()
	ct, err := kr.Encrypt(s)
	if err != nil {
		t.Fatal(err)
	}
	return ct
}

func TestRotation(t *testing.T) {
	oldRing := mustKeyring(t, hexA)
	oldCT := mustEncrypt(t, oldRing, "ann@example.com")

	rotating := mustKeyring(t, hexB, hexA)
	if got, err := rotating.Decrypt(oldCT); err != nil || got != "ann@example.com" {
		t.Fatalf("old ciphertext under rotating keyring: %q, %v", got, err)
	}
	if !rotating.NeedsRekey(oldCT) {
		t.Error("old ciphertext does not need rekey")
	}
	newCT, err := rotating.Rekey(oldCT)
	if err != nil {
		t.Fatal(err)
	}
	if rotating.NeedsRekey(newCT) || !strings.HasPrefix(newCT, "v1:"+rotating.CurrentKeyID()) {
		t.Errorf("rekeyed ciphertext %q still needs rekey", newCT)
	}
	if again, _ := rotating.Rekey(newCT); again != newCT {
		t.Error("rekey of a current ciphertext changed it")
	}
	if rotating.NeedsRekey("") {
		t.Error("empty field needs rekey")
	}

	done := mustKeyring(t, hexB)
	if got, err := done.Decrypt(newCT); err != nil || got != "ann@example.com" {
		t.Errorf("after rotation: %q, %v", got, err)
	}
	if _, err := done.Decrypt(oldCT); !errors.Is(err, vault.ErrUnknownKey) {
		t.Errorf("old ciphertext after the old key is gone: %v", err)
	}
}

func TestEmailHash(t *testing.T) {
	a := mustKeyring(t, hexA)
	b := mustKeyring(t, hexB)
	// Known answers, computed independently (Python hmac/hashlib: HKDF-SHA256
	// with an empty salt, then HMAC-SHA256). A change here means every stored
	// hash stops matching.
	const wantA = "H5Gr53FJmqt5AP8zpACR0UWkLG2OQDrKsBRAKM7Mb8g"
	if got := a.EmailHash("ann@example.com"); got != wantA {
		t.Errorf("hash = %s; want %s", got, wantA)
	}
	if a.CurrentKeyID() != "1d5eaffe" {
		t.Errorf("key id = %s", a.CurrentKeyID())
	}
	tests := []struct {
		name string
		x, y string
		same bool
	}{
		{"stable", "ann@example.com", "ann@example.com", true},
		{"case-insensitive", "Ann@example.com", "ann@example.com", true},
		{"different address", "ann@example.com", "anne@example.com", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := a.EmailHash(tt.x) == a.EmailHash(tt.y); got != tt.same {
				t.Errorf("equal = %v; want %v", got, tt.same)
			}
		})
	}
	t.Run("keyed", func(t *testing.T) {
		if a.EmailHash("ann@example.com") == b.EmailHash("ann@example.com") {
			t.Error("two keys give the same hash")
		}
	})
	t.Run("all keys while rotating", func(t *testing.T) {
		hs := mustKeyring(t, hexB, hexA).EmailHashes("ann@example.com")
		if len(hs) != 2 || hs[0] != b.EmailHash("ann@example.com") || hs[1] != wantA {
			t.Errorf("hashes %v", hs)
		}
	})
}

func TestNewKeyring(t *testing.T) {
	if _, err := vault.NewKeyring(nil); err == nil {
		t.Error("nil current key accepted")
	}
	if _, err := vault.ParseKeyring(hexA, "nope"); err == nil || !strings.Contains(err.Error(), "old key 1") {
		t.Errorf("bad old key: %v", err)
	}
	kr := mustKeyring(t, hexA, hexA, hexA)
	if n := len(kr.EmailHashes("a@example.com")); n != 1 {
		t.Errorf("duplicate keys gave %d hashes", n)
	}
}
