package store

import (
	"context"
	"errors"
	"fmt"
	"gorm.io/gorm"
	"time"

	"github.com/candor-dev/candor"
)

type tokenRow struct {
	ID         string `gorm:"primaryKey"`
	Name       string
	Role       string
	Hash       string
	PersonID   string
	CreatedBy  string
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

func (tokenRow) TableName() string { return "tokens" }

func toToken(r tokenRow) candor.Token {
	return candor.Token{ID: r.ID, Name: r.Name, Role: candor.Role(r.Role), PersonID: r.PersonID, CreatedAt: r.CreatedAt.UTC(),
		CreatedBy: r.CreatedBy, LastUsedAt: utcPtr(r.LastUsedAt), RevokedAt: utcPtr(r.RevokedAt)}
}

// CreateToken stores a new token for the person named name, creating that
// person (with role, known by name only) when nobody has that name; see
// CreateTokenFor.
func (db *DB) CreateToken(ctx context.Context, name string, role candor.Role) (candor.Token, string, error) {
	return db.CreateTokenFor(ctx, "", name, role)
}

// CreateTokenFor stores a new token and returns it with its secret, which
// is shown once and never stored. person is the id or e-mail of the person
// who will hold it; "" means the person named name, created if nobody is
// (as `candor token create --name N` always did). name defaults to the
// person's name. The token's role may not exceed its person's. Errors:
// EINVALID naming the field (name, role, person), ECONFLICT when several
// people have that name, EFORBIDDEN for a disabled person.
func (db *DB) CreateTokenFor(ctx context.Context, person, name string, role candor.Role) (candor.Token, string, error) {
	if folded, msg := candor.CheckText(name, true); msg == "" {
		name = folded // a single-line field: CR, LF and TAB fold to a space
	}
	if person == "" || name != "" {
		if err := candor.ValidateTokenInput(name, role); err != nil {
			return candor.Token{}, "", err
		}
	} else if !role.Valid() {
		return candor.Token{}, "", candor.Invalid(candor.FieldError{Field: "role", Message: "must be one of viewer, comms, legal, admin"})
	}
	if _, msg := candor.CheckText(person, true); msg != "" {
		return candor.Token{}, "", candor.Invalid(candor.FieldError{Field: "person", Message: msg})
	}
	secret, err := candor.NewTokenSecret()
	if err != nil {
		return candor.Token{}, "", fmt.Errorf("create token: %w", err)
	}
	actor, _ := candor.ActorFromContext(ctx)
	row := tokenRow{ID: NewID(), Name: name, Role: string(role), Hash: candor.HashToken(secret),
		CreatedBy: actor.Name, CreatedAt: db.now()}
	err = db.inTx(ctx, func(tx *gorm.DB) (audit, error) {
		var p personRow
		var created bool
		var err error
		if person != "" {
			p, err = db.findPerson(tx, person)
		} else {
			p, created, err = db.personForName(ctx, tx, name, role)
		}
		if err != nil {
			return audit{}, err
		}
		if p.DisabledAt != nil {
			return audit{}, candor.Errorf(candor.EFORBIDDEN, "person %s is disabled; they hold no tokens", p.ID)
		}
		if err := candor.CheckTokenRole(candor.Person{Role: candor.Role(p.Role)}, role); err != nil {
			return audit{}, err
		}
		if row.Name == "" {
			row.Name = p.Name
		}
		row.PersonID = p.ID
		summary := map[string]any{"name": row.Name, "role": role, "person_id": p.ID}
		if created {
			summary["person_created"] = true
		}
		return audit{Action: "token.create", Resource: "token", ResourceID: row.ID, Summary: summary}, tx.Create(&row).Error
	})
	if err != nil {
		return candor.Token{}, "", translate("create token", "token", err)
	}
	return toToken(row), secret, nil
}

// Authenticate returns the token whose secret this is. Unknown and revoked
// tokens are the same EUNAUTHORIZED, so a caller learns nothing from which.
func (db *DB) Authenticate(ctx context.Context, secret string) (candor.Token, error) {
	var row tokenRow
	err := activeTokens(db.gorm.WithContext(ctx)).Where("tokens.hash = ?", candor.HashToken(secret)).Take(&row).Error
	if err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return candor.Token{}, candor.Errorf(candor.EUNAUTHORIZED, "the token is unknown or revoked")
		}
		return candor.Token{}, fmt.Errorf("authenticate: %w", err)
	}
	// last_used_at is a hint for admins; a minute's precision saves a write
	// on nearly every request.
	now := db.now()
	if row.LastUsedAt == nil || now.Sub(*row.LastUsedAt) > time.Minute {
		_ = db.transaction(ctx, func(tx *gorm.DB) error { // a hint: a failure is not the request's
			return tx.Model(&tokenRow{}).Where("id = ?", row.ID).Update("last_used_at", now).Error
		})
	}
	return toToken(row), nil
}

// activeTokens selects the tokens that authenticate: not revoked, held by
// a person who is not disabled.
func activeTokens(q *gorm.DB) *gorm.DB {
	return q.Model(&tokenRow{}).Select("tokens.*").Joins("JOIN people ON people.id = tokens.person_id").
		Where("tokens.revoked_at IS NULL AND people.disabled_at IS NULL")
}

// ActiveToken returns the unrevoked token with this id (the dashboard's
// session cookie names its token by id, and is refused once it is revoked).
// Unknown and revoked ids are the same EUNAUTHORIZED.
func (db *DB) ActiveToken(ctx context.Context, id string) (candor.Token, error) {
	var row tokenRow
	if !validID(id) {
		return candor.Token{}, candor.Errorf(candor.EUNAUTHORIZED, "the token is unknown or revoked")
	}
	err := activeTokens(db.gorm.WithContext(ctx)).Where("tokens.id = ?", id).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return candor.Token{}, candor.Errorf(candor.EUNAUTHORIZED, "the token is unknown or revoked")
	}
	if err != nil {
		return candor.Token{}, fmt.Errorf("read token: %w", err)
	}
	return toToken(row), nil
}

// ListTokens returns every token, newest first, without secrets.
func (db *DB) ListTokens(ctx context.Context) ([]candor.Token, error) {
	var rows []tokenRow
	if err := db.gorm.WithContext(ctx).Order("id DESC").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	out := make([]candor.Token, len(rows))
	for i, r := range rows {
		out[i] = toToken(r)
	}
	return out, nil
}

// RevokeToken revokes a token by id. Revoking twice is a conflict, so the
// audit log never records a revocation that changed nothing: the update is
// conditional on the token being unrevoked, so of two concurrent
// revocations exactly one changes the row (and is audited) and the other is
// ECONFLICT, on PostgreSQL's READ COMMITTED as on SQLite.
func (db *DB) RevokeToken(ctx context.Context, id string) (candor.Token, error) {
	if !validID(id) {
		return candor.Token{}, candor.Errorf(candor.ENOTFOUND, "token not found")
	}
	var row tokenRow
	err := db.inTx(ctx, func(tx *gorm.DB) (audit, error) {
		now := db.now()
		res := tx.Model(&tokenRow{}).Where("id = ? AND revoked_at IS NULL", id).Update("revoked_at", now)
		if res.Error != nil {
			return audit{}, res.Error
		}
		if err := tx.Where("id = ?", id).Take(&row).Error; err != nil {
			return audit{}, err
		}
		if res.RowsAffected != 1 {
			return audit{}, candor.Errorf(candor.ECONFLICT, "token already revoked")
		}
		return audit{Action: "token.revoke", Resource: "token", ResourceID: id,
			Summary: map[string]any{"name": row.Name, "role": row.Role}}, nil
	})
	return toToken(row), translate("revoke token", "token", err)
}

// CountTokens returns how many unrevoked tokens exist (make run creates the
// first admin token only when there is none).
func (db *DB) CountTokens(ctx context.Context) (int64, error) {
	var n int64
	err := db.gorm.WithContext(ctx).Model(&tokenRow{}).Where("revoked_at IS NULL").Count(&n).Error
	return n, err
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
