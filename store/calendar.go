package store

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/candor-dev/candor"
	"gorm.io/gorm"
)

// A person's calendar subscription URL (/calendar/<secret>.ics) carries a
// secret of 256 random bits, since a calendar app cannot sign in; only its
// SHA-256 is stored. A person has at most one: a new one replaces the old,
// and revoking it makes the old URL unknown at once.

// NewCalendarSecret gives the person id a new calendar secret, replacing
// any earlier one, and returns it (shown to them, never stored). Errors:
// ENOTFOUND.
func (db *DB) NewCalendarSecret(ctx context.Context, id string) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	secret := base64.RawURLEncoding.EncodeToString(b)
	err := db.setCalendar(ctx, id, &secret)
	return secret, err
}

// RevokeCalendar ends the person's calendar URL. Errors: ENOTFOUND,
// ECONFLICT when they have none.
func (db *DB) RevokeCalendar(ctx context.Context, id string) error {
	return db.setCalendar(ctx, id, nil)
}

func (db *DB) setCalendar(ctx context.Context, id string, secret *string) error {
	if !validID(id) {
		return candor.Errorf(candor.ENOTFOUND, "person not found")
	}
	return translate("calendar url", "person", db.inTx(ctx, func(tx *gorm.DB) (audit, error) {
		var r accountRow
		if err := tx.Where("id = ?", id).Take(&r).Error; err != nil {
			return audit{}, err
		}
		var hash any
		action := "person.calendar_revoke"
		if secret != nil {
			hash, action = hashSecret(*secret), "person.calendar_new"
		} else if r.CalendarHash == nil {
			return audit{}, candor.Errorf(candor.ECONFLICT, "the person has no calendar URL")
		}
		if err := tx.Model(&accountRow{}).Where("id = ?", id).Update("calendar_hash", hash).Error; err != nil {
			return audit{}, err
		}
		return audit{Action: action, Resource: "person", ResourceID: id}, nil
	}))
}

// CalendarPerson returns the active person whose calendar secret this is.
// Unknown, revoked and disabled are the same ENOTFOUND.
func (db *DB) CalendarPerson(ctx context.Context, secret string) (candor.Person, error) {
	var r personRow
	err := db.gorm.WithContext(ctx).Where("calendar_hash = ? AND disabled_at IS NULL", hashSecret(secret)).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) || secret == "" {
		return candor.Person{}, candor.Errorf(candor.ENOTFOUND, "calendar not found")
	}
	if err != nil {
		return candor.Person{}, fmt.Errorf("read calendar: %w", err)
	}
	return r.person(db.keys)
}
