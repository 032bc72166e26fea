package candor

import (
	"time"
	"unicode/utf8"
)

// Person is someone who holds tokens. The four-eyes rule compares people,
// not tokens: an admin who mints a legal token for themself is still the
// one person who edited, and may not approve.
//
// A person's e-mail identifies them (unique, compared case-insensitively)
// and is personal data like a customer's: the store keeps it encrypted with
// the data key, beside a keyed hash for lookups, never in clear. A person
// may have none: people migrated from the tokens that existed before
// people did, and those `candor token create --name N` makes, are known by
// name only (and by id).
type Person struct {
	ID         string     `json:"id"`
	Email      string     `json:"email"` // "" for a person known by name only
	Name       string     `json:"name"`
	Role       Role       `json:"role"` // the most any of their tokens may have
	CreatedAt  time.Time  `json:"created_at"`
	CreatedBy  string     `json:"created_by"`
	DisabledAt *time.Time `json:"disabled_at"` // set: none of their tokens authenticates
}

// MaxPersonName bounds a person's display name (characters).
const MaxPersonName = 100

// NormalizePerson checks a new person and returns it as stored: the name
// folded to one line and trimmed, the e-mail normalised (NormalizeEmail).
// requireEmail is false only for a person made by name alone (a token
// created without --person). Errors: EINVALID naming the field.
func NormalizePerson(p Person, requireEmail bool) (Person, error) {
	var v Validation
	p.Name = v.Text("name", p.Name, true)
	if p.Name == "" || utf8.RuneCountInString(p.Name) > MaxPersonName {
		v.Add("name", "is required, at most %d characters", MaxPersonName)
	}
	if !p.Role.Valid() {
		v.Add("role", "must be one of viewer, comms, legal, admin")
	}
	switch {
	case p.Email != "":
		e, msg := normalizeEmail(p.Email)
		if msg != "" {
			v.Add("email", "%s", msg)
		}
		p.Email = e
	case requireEmail:
		v.Add("email", "is required")
	}
	return p, v.Err()
}

// CheckTokenRole refuses a token whose role exceeds its person's: a person
// holds at most their own role, whichever token they use.
func CheckTokenRole(p Person, role Role) error {
	if !p.Role.Allows(role) {
		return Invalid(FieldError{Field: "role", Message: "is " + string(role) + ", above the person's role " +
			string(p.Role) + "; a token may not exceed its person's role"})
	}
	return nil
}
