package vault_test

import (
	"testing"
)

// The import path encrypts three fields and hashes one per row, a million
// rows at a time: each must stay well under 2 µs.
func BenchmarkEncrypt(b *testing.B) {
	kr := mustKeyring(b, hexA)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := kr.Encrypt("john.smith123@example.com"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecrypt(b *testing.B) {
	kr := mustKeyring(b, hexA)
	ct := mustEncrypt(b, kr, "john.smith123@example.com")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := kr.Decrypt(ct); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEmailHash(b *testing.B) {
	kr := mustKeyring(b, hexA)
	b.ReportAllocs()
	for b.Loop() {
		kr.EmailHash("john.smith123@example.com")
	}
}

func BenchmarkEncryptParallel(b *testing.B) {
	kr := mustKeyring(b, hexA)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := kr.Encrypt("john.smith123@example.com"); err != nil {
				b.Error(err)
			}
		}
	})
}
