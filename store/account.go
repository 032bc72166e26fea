package store

import (
	"context"
	"fmt"
	"time"

	"github.com/candor-dev/candor"
	"gorm.io/gorm"
)

// Account is a person as the console's admin and "my account" pages show
// them: the person, and what they have set up to sign in with.
type Account struct {
	candor.Person
	HasPassword  bool
	TOTP         bool       // a confirmed TOTP secret: sign-in asks for a code
	TOTPPending  bool       // an enrolment waiting for its first code
	Calendar     bool       // a calendar subscription URL works
	LastSignInAt *time.Time // the last completed console sign-in, nil if none
}

// accountRow is a people row with its console columns (migrations 0015
// and 0016 on SQLite).
type accountRow struct {
	Person         personRow `gorm:"embedded"`
	PasswordHash   *string
	SessionVersion int
	LastSignInAt   *time.Time
	TotpEnc        *string
	TotpPendingEnc *string
	TotpLastStep   int64
	CalendarHash   *string
}

func (accountRow) TableName() string { return "people" }

func (db *DB) account(r accountRow) (Account, error) {
	p, err := r.Person.person(db.keys)
	if err != nil {
		return Account{}, err
	}
	return Account{Person: p, HasPassword: r.PasswordHash != nil, TOTP: r.TotpEnc != nil, TOTPPending: r.TotpPendingEnc != nil,
		Calendar: r.CalendarHash != nil, LastSignInAt: utcPtr(r.LastSignInAt)}, nil
}

// ListAccounts returns every person with their sign-in state, oldest first.
func (db *DB) ListAccounts(ctx context.Context) ([]Account, error) {
	var rows []accountRow
	if err := db.gorm.WithContext(ctx).Order("created_at, id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	out := make([]Account, len(rows))
	for i, r := range rows {
		a, err := db.account(r)
		if err != nil {
			return nil, err
		}
		out[i] = a
	}
	return out, nil
}

// GetAccount returns the person with this id and their sign-in state.
// Errors: ENOTFOUND.
func (db *DB) GetAccount(ctx context.Context, id string) (Account, error) {
	if !validID(id) {
		return Account{}, candor.Errorf(candor.ENOTFOUND, "person not found")
	}
	var r accountRow
	if err := db.gorm.WithContext(ctx).Where("id = ?", id).Take(&r).Error; err != nil {
		return Account{}, translate("read account", "person", err)
	}
	return db.account(r)
}

// RecordSignIn notes that the person completed a console sign-in now (a
// hint for admins, not audited: signing in changes nothing).
func (db *DB) RecordSignIn(ctx context.Context, id string) error {
	return db.transaction(ctx, func(tx *gorm.DB) error {
		return tx.Model(&accountRow{}).Where("id = ?", id).Update("last_sign_in_at", db.now()).Error
	})
}

// lockPeople serialises the changes that must leave an active admin: on
// PostgreSQL two admins demoting each other at once would otherwise both
// see the other still in place (SQLite's writer lock already serialises).
func (db *DB) lockPeople(tx *gorm.DB) error {
	if db.dialect == Postgres {
		return tx.Exec("SELECT pg_advisory_xact_lock(hashtext('candor.people'))").Error
	}
	return nil
}

// otherAdmins counts the active admins other than id.
func otherAdmins(tx *gorm.DB, id string) (int64, error) {
	var n int64
	err := tx.Model(&personRow{}).Where("role = ? AND disabled_at IS NULL AND id <> ?", string(candor.RoleAdmin), id).Count(&n).Error
	return n, err
}

// ErrLastAdmin refuses a change that would leave no active admin, and
// ErrSelfDisable an admin disabling themself (errors.Is tells them apart).
var (
	ErrLastAdmin   = candor.Errorf(candor.ECONFLICT, "this is the last active admin: make another person admin first")
	ErrSelfDisable = candor.Errorf(candor.ECONFLICT, "you cannot disable yourself: ask another admin")
)

// SetPersonRole changes a person's role. Their tokens above the new role
// are lowered to it, since a token may not exceed its person's role
// (CheckTokenRole). Errors: EINVALID (role), ENOTFOUND, ECONFLICT when
// it would demote the last active admin.
func (db *DB) SetPersonRole(ctx context.Context, id string, role candor.Role) (candor.Person, error) {
	if !role.Valid() {
		return candor.Person{}, candor.Invalid(candor.FieldError{Field: "role", Message: "must be one of viewer, comms, legal, admin"})
	}
	if !validID(id) {
		return candor.Person{}, candor.Errorf(candor.ENOTFOUND, "person not found")
	}
	var row personRow
	err := db.inTx(ctx, func(tx *gorm.DB) (audit, error) {
		if err := db.lockPeople(tx); err != nil {
			return audit{}, err
		}
		if err := tx.Where("id = ?", id).Take(&row).Error; err != nil {
			return audit{}, err
		}
		before := row.Role
		if before == string(role) {
			return audit{}, candor.Errorf(candor.ECONFLICT, "the person already has the role %s", role)
		}
		if before == string(candor.RoleAdmin) && row.DisabledAt == nil {
			if n, err := otherAdmins(tx, id); err != nil || n == 0 {
				return audit{}, firstErr(err, ErrLastAdmin)
			}
		}
		if err := tx.Model(&personRow{}).Where("id = ?", id).Update("role", string(role)).Error; err != nil {
			return audit{}, err
		}
		var above []string
		for _, r := range []candor.Role{candor.RoleViewer, candor.RoleComms, candor.RoleLegal, candor.RoleAdmin} {
			if !role.Allows(r) {
				above = append(above, string(r))
			}
		}
		var lowered int64
		if len(above) > 0 {
			res := tx.Model(&tokenRow{}).Where("person_id = ? AND revoked_at IS NULL AND role IN ?", id, above).
				Update("role", string(role))
			if res.Error != nil {
				return audit{}, res.Error
			}
			lowered = res.RowsAffected
		}
		row.Role = string(role)
		return audit{Action: "person.role", Resource: "person", ResourceID: id,
			Summary: map[string]any{"role": candor.Change{Before: before, After: role}, "tokens_lowered": lowered}}, nil
	})
	if err != nil {
		return candor.Person{}, translate("set role", "person", err)
	}
	return row.person(db.keys)
}

// SetPersonDisabled disables or enables a person. A disabled person's
// sessions, tokens and calendar URL stop working at once (each is checked
// against disabled_at on every use). Nobody disables themselves, and the
// last active admin stays. Errors: ENOTFOUND, ECONFLICT.
func (db *DB) SetPersonDisabled(ctx context.Context, id string, disabled bool) (candor.Person, error) {
	if !validID(id) {
		return candor.Person{}, candor.Errorf(candor.ENOTFOUND, "person not found")
	}
	actor, _ := candor.ActorFromContext(ctx)
	if disabled && actor.PersonID == id {
		return candor.Person{}, ErrSelfDisable
	}
	var row personRow
	err := db.inTx(ctx, func(tx *gorm.DB) (audit, error) {
		if err := db.lockPeople(tx); err != nil {
			return audit{}, err
		}
		if err := tx.Where("id = ?", id).Take(&row).Error; err != nil {
			return audit{}, err
		}
		if (row.DisabledAt != nil) == disabled {
			return audit{}, candor.Errorf(candor.ECONFLICT, "the person is already %s", map[bool]string{true: "disabled", false: "enabled"}[disabled])
		}
		action, upd := "person.enable", map[string]any{"disabled_at": nil}
		if disabled {
			if row.Role == string(candor.RoleAdmin) {
				if n, err := otherAdmins(tx, id); err != nil || n == 0 {
					return audit{}, firstErr(err, ErrLastAdmin)
				}
			}
			now := db.now()
			row.DisabledAt = &now
			// A new session version too: enabling them again later does
			// not bring back a cookie from before.
			action, upd = "person.disable", map[string]any{"disabled_at": now, "session_version": gorm.Expr("session_version + 1")}
		} else {
			row.DisabledAt = nil
		}
		if err := tx.Model(&accountRow{}).Where("id = ?", id).Updates(upd).Error; err != nil {
			return audit{}, err
		}
		return audit{Action: action, Resource: "person", ResourceID: id, Summary: map[string]any{"name": row.Name}}, nil
	})
	if err != nil {
		return candor.Person{}, translate("disable person", "person", err)
	}
	return row.person(db.keys)
}

func firstErr(err, otherwise error) error {
	if err != nil {
		return err
	}
	return otherwise
}
