package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/candor-dev/candor"
	"golang.org/x/crypto/argon2"
	"gorm.io/gorm"
)

// People sign in to the console with their e-mail and a password (issue
// 20). The password is set through a one-time link (`candor person
// invite`), never chosen by whoever made the link; it is stored as an
// argon2id hash. A person's session_version is in each of their session
// cookies: bumping it ends every session at once.

// Argon2id parameters: RFC 9106's second recommendation (64 MiB, 3 passes).
// hashSlots bounds the hashes computed at once, so that a burst of sign-ins
// costs at most hashSlots × 64 MiB.
const (
	argonTime    = 3
	argonMemory  = 64 << 10 // KiB
	argonThreads = 4
	argonKeyLen  = 32
	hashSlots    = 4

	// MinPassword and MaxPassword bound a password (characters, bytes).
	MinPassword = 12
	MaxPassword = 256
)

var hashSem = make(chan struct{}, hashSlots)

// passwordRow is the part of a people row that signing in reads.
type passwordRow struct {
	ID             string
	PasswordHash   *string
	SessionVersion int
	DisabledAt     *time.Time
}

func (passwordRow) TableName() string { return "people" }

type passwordTokenRow struct {
	Hash      string `gorm:"primaryKey"`
	PersonID  string
	CreatedBy string
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
}

func (passwordTokenRow) TableName() string { return "password_tokens" }

func argonKey(password string, salt []byte, t, m uint32, p uint8) []byte {
	hashSem <- struct{}{}
	defer func() { <-hashSem }()
	return argon2.IDKey([]byte(password), salt, t, m, p, argonKeyLen)
}

// hashPassword returns the PHC string of password under a new salt.
func hashPassword(password string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argonKey(password, salt, argonTime, argonMemory, argonThreads)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// checkPassword reports whether password matches the PHC string phc.
func checkPassword(phc, password string) bool {
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || m > 1<<20 || t == 0 || t > 10 || p == 0 {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) != argonKeyLen {
		return false
	}
	return subtle.ConstantTimeCompare(argonKey(password, salt, t, m, p), want) == 1
}

// dummyHash is checked against when no person matches, so that an unknown
// e-mail takes as long as a wrong password. It is made on first use: made
// at package init, its 64 MiB argon2 pass cost every candor command (a
// benchmark, a migration, "candor version") most of a second and its
// memory.
var dummyHash = sync.OnceValue(func() string {
	h, _ := hashPassword("candor-dummy-password")
	return h
})

func hashSecret(s string) string {
	sum := sha256.Sum256([]byte(s))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// CreatePasswordLink makes a one-time set-password secret for the person
// ref (id or e-mail), valid for ttl; only its hash is stored. Errors:
// EINVALID (field person) for no such person, EUNAVAILABLE without a data
// key for an e-mail.
func (db *DB) CreatePasswordLink(ctx context.Context, ref string, ttl time.Duration) (candor.Person, string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return candor.Person{}, "", err
	}
	secret := base64.RawURLEncoding.EncodeToString(b)
	var row personRow
	err := db.inTx(ctx, func(tx *gorm.DB) (audit, error) {
		var err error
		if row, err = db.findPerson(tx, ref); err != nil {
			return audit{}, err
		}
		if row.DisabledAt != nil {
			return audit{}, candor.Invalid(candor.FieldError{Field: "person", Message: "is disabled"})
		}
		actor, _ := candor.ActorFromContext(ctx)
		now := db.now()
		if err := tx.Create(&passwordTokenRow{Hash: hashSecret(secret), PersonID: row.ID, CreatedBy: actor.Name,
			CreatedAt: now, ExpiresAt: now.Add(ttl)}).Error; err != nil {
			return audit{}, err
		}
		return audit{Action: "person.invite", Resource: "person", ResourceID: row.ID,
			Summary: map[string]any{"name": row.Name, "expires_at": now.Add(ttl)}}, nil
	})
	if err != nil {
		return candor.Person{}, "", translate("create password link", "person", err)
	}
	p, err := row.person(db.keys)
	return p, secret, err
}

// CheckPasswordLink returns the person a set-password secret is for, while
// it is unused and unexpired; otherwise EUNAUTHORIZED.
func (db *DB) CheckPasswordLink(ctx context.Context, secret string) (candor.Person, error) {
	var tok passwordTokenRow
	err := db.gorm.WithContext(ctx).Where("hash = ? AND used_at IS NULL AND expires_at > ?", hashSecret(secret), db.now()).Take(&tok).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return candor.Person{}, candor.Errorf(candor.EUNAUTHORIZED, "the link is unknown, used or expired")
	}
	if err != nil {
		return candor.Person{}, fmt.Errorf("read password link: %w", err)
	}
	var row personRow
	if err := db.gorm.WithContext(ctx).Where("id = ? AND disabled_at IS NULL", tok.PersonID).Take(&row).Error; err != nil {
		return candor.Person{}, candor.Errorf(candor.EUNAUTHORIZED, "the link is unknown, used or expired")
	}
	return row.person(db.keys)
}

// SetPassword spends a set-password secret: the person's password becomes
// password and their other sessions end. Errors: EUNAUTHORIZED for an
// unknown, used or expired secret; EINVALID (field password) for a
// password outside MinPassword..MaxPassword.
func (db *DB) SetPassword(ctx context.Context, secret, password string) (candor.Person, error) {
	if n := utf8.RuneCountInString(password); n < MinPassword || len(password) > MaxPassword || !utf8.ValidString(password) {
		return candor.Person{}, candor.Invalid(candor.FieldError{Field: "password",
			Message: fmt.Sprintf("must be %d to %d characters", MinPassword, MaxPassword)})
	}
	phc, err := hashPassword(password) // before the transaction: it takes a while
	if err != nil {
		return candor.Person{}, err
	}
	var personID string
	err = db.inTx(ctx, func(tx *gorm.DB) (audit, error) {
		now := db.now()
		var tok passwordTokenRow
		err := tx.Where("hash = ? AND used_at IS NULL AND expires_at > ?", hashSecret(secret), now).Take(&tok).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return audit{}, candor.Errorf(candor.EUNAUTHORIZED, "the link is unknown, used or expired")
		} else if err != nil {
			return audit{}, err
		}
		// Spent under a condition: of two concurrent uses, one wins.
		res := tx.Model(&passwordTokenRow{}).Where("hash = ? AND used_at IS NULL", tok.Hash).Update("used_at", now)
		if res.Error != nil {
			return audit{}, res.Error
		}
		if res.RowsAffected != 1 {
			return audit{}, candor.Errorf(candor.EUNAUTHORIZED, "the link is unknown, used or expired")
		}
		res = tx.Model(&passwordRow{}).Where("id = ? AND disabled_at IS NULL", tok.PersonID).
			Updates(map[string]any{"password_hash": phc, "session_version": gorm.Expr("session_version + 1")})
		if res.Error != nil {
			return audit{}, res.Error
		}
		if res.RowsAffected != 1 {
			return audit{}, candor.Errorf(candor.EUNAUTHORIZED, "the link is unknown, used or expired")
		}
		personID = tok.PersonID
		return audit{Action: "person.password", Resource: "person", ResourceID: tok.PersonID}, nil
	})
	if err != nil {
		return candor.Person{}, translate("set password", "person", err)
	}
	return db.sessionPerson(ctx, personID)
}

// SignIn returns the active person with this e-mail and password and their
// session version. Every failure (unknown e-mail, no password yet, wrong
// password, disabled person) is the same EUNAUTHORIZED, and takes as long.
func (db *DB) SignIn(ctx context.Context, email, password string) (candor.Person, int, error) {
	fail := candor.Errorf(candor.EUNAUTHORIZED, "the e-mail or password is wrong")
	kr, err := db.keyring()
	if err != nil {
		return candor.Person{}, 0, err
	}
	var row passwordRow
	found := false
	if e, err := candor.NormalizeEmail(email); err == nil && len(password) <= MaxPassword {
		err := db.gorm.WithContext(ctx).Where("email_hash IN ?", kr.EmailHashes(e)).Take(&row).Error
		if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
			return candor.Person{}, 0, fmt.Errorf("sign in: %w", err)
		}
		found = err == nil
	}
	if !found || row.PasswordHash == nil {
		checkPassword(dummyHash(), password)
		return candor.Person{}, 0, fail
	}
	if !checkPassword(*row.PasswordHash, password) || row.DisabledAt != nil {
		return candor.Person{}, 0, fail
	}
	p, err := db.sessionPerson(ctx, row.ID)
	return p, row.SessionVersion, err
}

// SessionPerson returns the person a console session names, while they are
// not disabled and version is still their session version; otherwise
// EUNAUTHORIZED. It is read on every console request, so that disabling a
// person or ending their sessions takes effect at once: one read of the
// person's row (a round trip per console request, which under a send
// waits for a CPU; it was two).
func (db *DB) SessionPerson(ctx context.Context, id string, version int) (candor.Person, error) {
	fail := candor.Errorf(candor.EUNAUTHORIZED, "the session has ended")
	if !validID(id) {
		return candor.Person{}, fail
	}
	var row personRow
	err := db.gorm.WithContext(ctx).Where("id = ? AND disabled_at IS NULL AND session_version = ?", id, version).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return candor.Person{}, fail
	}
	if err != nil {
		return candor.Person{}, fmt.Errorf("read session: %w", err)
	}
	return row.person(db.keys)
}

func (db *DB) sessionPerson(ctx context.Context, id string) (candor.Person, error) {
	var row personRow
	if err := db.gorm.WithContext(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return candor.Person{}, translate("read person", "person", err)
	}
	return row.person(db.keys)
}

// EndSessions ends every console session of the person ref (id or
// e-mail) at once. Errors: EINVALID (field person) for no such person.
func (db *DB) EndSessions(ctx context.Context, ref string) error {
	return translate("end sessions", "person", db.inTx(ctx, func(tx *gorm.DB) (audit, error) {
		row, err := db.findPerson(tx, ref)
		if err != nil {
			return audit{}, err
		}
		if err := tx.Model(&passwordRow{}).Where("id = ?", row.ID).
			Update("session_version", gorm.Expr("session_version + 1")).Error; err != nil {
			return audit{}, err
		}
		return audit{Action: "person.end_sessions", Resource: "person", ResourceID: row.ID}, nil
	}))
}
