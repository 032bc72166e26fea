package candor

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
)

// Token is an API credential. Only the SHA-256 of its secret is stored: the
// secret has 256 bits of entropy, so a slow hash would add nothing.
type Token struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Role       Role       `json:"role"`
	PersonID   string     `json:"person_id"` // who holds it: the four-eyes rule compares people
	CreatedAt  time.Time  `json:"created_at"`
	CreatedBy  string     `json:"created_by"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// tokenPrefix makes a leaked token easy to recognise by secret scanners.
const tokenPrefix = "cnd_"

// NewTokenSecret returns a fresh random token secret.
func NewTokenSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return tokenPrefix + hex.EncodeToString(b), nil
}

// HashToken returns the stored form of a token secret.
func HashToken(secret string) string {
	sum := sha256.Sum256([]byte(strings.TrimSpace(secret)))
	return hex.EncodeToString(sum[:])
}

// ValidateTokenInput checks a token's name and role.
func ValidateTokenInput(name string, role Role) error {
	var v Validation
	// Callers fold the name first (CheckText) and store what they folded.
	if _, msg := CheckText(name, true); msg != "" {
		v.Add("name", "%s", msg)
	} else if strings.ContainsAny(name, "\r\n\t") {
		v.Add("name", "must be a single line: fold it with CheckText first")
	}
	if strings.TrimSpace(name) == "" || len(name) > 100 {
		v.Add("name", "is required, at most 100 characters")
	}
	if !role.Valid() {
		v.Add("role", "must be one of viewer, comms, legal, admin")
	}
	return v.Err()
}
