package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/vault"
	"gorm.io/gorm"
)

// personRow is a person as stored: the e-mail sealed with the data key and
// its keyed hash for lookups, as a customer's is. Both are NULL for a
// person known by name only.
type personRow struct {
	ID         string `gorm:"primaryKey"`
	Name       string
	EmailHash  *string
	EmailEnc   *string
	Role       string
	CreatedBy  string
	CreatedAt  time.Time
	DisabledAt *time.Time
}

func (personRow) TableName() string { return "people" }

func (r personRow) person(kr *vault.Keyring) (candor.Person, error) {
	p := candor.Person{ID: r.ID, Name: r.Name, Role: candor.Role(r.Role), CreatedBy: r.CreatedBy,
		CreatedAt: r.CreatedAt.UTC(), DisabledAt: utcPtr(r.DisabledAt)}
	if r.EmailEnc != nil {
		if kr == nil {
			return p, candor.Errorf(candor.EUNAVAILABLE, "no data key configured (CANDOR_DATA_KEY or CANDOR_DATA_KEY_FILE): people's e-mails are encrypted with it")
		}
		e, err := kr.Decrypt(*r.EmailEnc)
		if err != nil {
			return p, fmt.Errorf("unseal person %s: %w", r.ID, err)
		}
		p.Email = e
	}
	return p, nil
}

// CreatePerson stores a new person; the e-mail is required and must not be
// another person's (compared case-insensitively). Errors: EINVALID naming
// the field, ECONFLICT for a taken e-mail, EUNAVAILABLE without a data key.
func (db *DB) CreatePerson(ctx context.Context, p candor.Person) (candor.Person, error) {
	p, err := candor.NormalizePerson(p, true)
	if err != nil {
		return candor.Person{}, err
	}
	kr, err := db.keyring()
	if err != nil {
		return candor.Person{}, err
	}
	var row personRow
	err = db.inTx(ctx, func(tx *gorm.DB) (audit, error) {
		row, err = db.insertPerson(ctx, tx, kr, p)
		if err != nil {
			return audit{}, err
		}
		return audit{Action: "person.create", Resource: "person", ResourceID: row.ID,
			Summary: map[string]any{"name": row.Name, "role": row.Role}}, nil
	})
	if err != nil {
		return candor.Person{}, translate("create person", "person with this e-mail", err)
	}
	return row.person(kr)
}

// insertPerson stores a normalised person in tx. The e-mail's hash is
// looked up under every key of the keyring first: while a rekey is under
// way an existing person's hash may still be an old key's, which the
// unique index alone would not catch.
func (db *DB) insertPerson(ctx context.Context, tx *gorm.DB, kr *vault.Keyring, p candor.Person) (personRow, error) {
	actor, _ := candor.ActorFromContext(ctx)
	row := personRow{ID: NewID(), Name: p.Name, Role: string(p.Role), CreatedBy: actor.Name, CreatedAt: db.now()}
	if p.Email != "" {
		var n int64
		if err := tx.Model(&personRow{}).Where("email_hash IN ?", kr.EmailHashes(p.Email)).Count(&n).Error; err != nil {
			return row, err
		}
		if n > 0 {
			return row, candor.Errorf(candor.ECONFLICT, "a person with this e-mail exists")
		}
		h := kr.EmailHash(p.Email)
		enc, err := kr.Encrypt(p.Email)
		if err != nil {
			return row, fmt.Errorf("seal person: %w", err)
		}
		row.EmailHash, row.EmailEnc = &h, &enc
	}
	return row, tx.Create(&row).Error
}

// ListPeople returns every person, oldest first, with their e-mails.
// Errors: EUNAVAILABLE without a data key when any person has an e-mail.
func (db *DB) ListPeople(ctx context.Context) ([]candor.Person, error) {
	var rows []personRow
	if err := db.gorm.WithContext(ctx).Order("created_at, id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list people: %w", err)
	}
	out := make([]candor.Person, len(rows))
	for i, r := range rows {
		p, err := r.person(db.keys)
		if err != nil {
			return nil, err
		}
		out[i] = p
	}
	return out, nil
}

// findPerson resolves ref, a person's id or e-mail, in tx. Errors:
// ENOTFOUND (field person), EUNAVAILABLE for an e-mail without a data key.
func (db *DB) findPerson(tx *gorm.DB, ref string) (personRow, error) {
	var row personRow
	notFound := candor.Invalid(candor.FieldError{Field: "person", Message: "is no person's id or e-mail"})
	q := tx
	if validID(ref) {
		q = q.Where("id = ?", ref)
	} else {
		email, err := candor.NormalizeEmail(ref)
		if err != nil {
			return row, candor.Invalid(candor.FieldError{Field: "person", Message: "must be a person's id or e-mail"})
		}
		kr, err := db.keyring()
		if err != nil {
			return row, err
		}
		q = q.Where("email_hash IN ?", kr.EmailHashes(email))
	}
	err := q.Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return row, notFound
	}
	return row, err
}

// personForName returns the one person named name, or creates them with
// role when nobody is (created reports which). Several people of that name
// is ECONFLICT: the caller names one with its id or e-mail instead.
func (db *DB) personForName(ctx context.Context, tx *gorm.DB, name string, role candor.Role) (row personRow, created bool, err error) {
	if db.dialect == Postgres {
		// Two concurrent creates for a new name make one person, not two
		// (SQLite's IMMEDIATE transactions already run one at a time).
		if err := tx.Exec("SELECT pg_advisory_xact_lock(hashtext('candor.people'))").Error; err != nil {
			return row, false, err
		}
	}
	var rows []personRow
	if err := tx.Where("name = ?", name).Limit(2).Find(&rows).Error; err != nil {
		return row, false, err
	}
	switch len(rows) {
	case 0:
		p, err := candor.NormalizePerson(candor.Person{Name: name, Role: role}, false)
		if err != nil {
			return row, false, err
		}
		row, err = db.insertPerson(ctx, tx, nil, p)
		return row, true, err
	case 1:
		return rows[0], false, nil
	}
	return row, false, candor.Errorf(candor.ECONFLICT,
		"several people are named %q; give the person's id or e-mail (person; --person on the command line)", name)
}

// personOf returns the person holding the token with this id, or the
// person of a console session's actor. Actors that
// are no token (the command line, the worker, test actors) are their own
// person, named by their token id: none of them is any token's person.
func (db *DB) personOf(ctx context.Context, tokenID string) (string, error) {
	if id, ok := strings.CutPrefix(tokenID, candor.PersonActorPrefix); ok && validID(id) {
		return id, nil // a console session (candor.SessionActor)
	}
	if tokenID == "" || !validID(tokenID) {
		return "actor:" + tokenID, nil
	}
	var ids []string
	err := db.gorm.WithContext(ctx).Model(&tokenRow{}).Where("id = ?", tokenID).Limit(1).Pluck("person_id", &ids).Error
	if err != nil {
		return "", fmt.Errorf("read token's person: %w", err)
	}
	if len(ids) == 0 {
		return "actor:" + tokenID, nil
	}
	return ids[0], nil
}

// rekeyPeople re-encrypts the e-mails sealed under an old key, and their
// hashes, with the current key (people are few: one transaction).
func (db *DB) rekeyPeople(ctx context.Context) (int, error) {
	kr, err := db.keyring()
	if err != nil {
		return 0, err
	}
	var rows []personRow
	if err := db.gorm.WithContext(ctx).Where("email_enc IS NOT NULL").Find(&rows).Error; err != nil {
		return 0, fmt.Errorf("rekey people: %w", err)
	}
	n := 0
	err = db.transaction(ctx, func(tx *gorm.DB) error {
		for _, r := range rows {
			if !kr.NeedsRekey(*r.EmailEnc) {
				continue
			}
			email, err := kr.Decrypt(*r.EmailEnc)
			if err != nil {
				return err
			}
			enc, err := kr.Encrypt(email)
			if err != nil {
				return err
			}
			if err := tx.Model(&personRow{}).Where("id = ?", r.ID).
				Updates(map[string]any{"email_enc": enc, "email_hash": kr.EmailHash(email)}).Error; err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("rekey people: %w", err)
	}
	return n, nil
}
