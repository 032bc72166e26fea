package store

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/candor-dev/candor"
	"github.com/google/uuid"
	"gorm.io/gorm"
)

// translate maps database errors to domain errors; others are wrapped with
// the operation's name and stay internal.
func translate(op, what string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, gorm.ErrRecordNotFound):
		return candor.Errorf(candor.ENOTFOUND, "%s not found", what)
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return candor.Errorf(candor.ECONFLICT, "%s already exists", what)
	case errors.Is(err, gorm.ErrForeignKeyViolated):
		return candor.Errorf(candor.ENOTFOUND, "%s refers to something that does not exist", what)
	}
	var ce *candor.Error
	if errors.As(err, &ce) {
		return err
	}
	return fmt.Errorf("%s: %w", op, err)
}

// NewID returns a new opaque identifier: a UUIDv7, time-ordered (so lists
// can page by id) with 74 random bits (so ids cannot be guessed).
func NewID() string { return uuid.Must(uuid.NewV7()).String() }

// validID reports whether s has the form of an id, so a malformed id in a
// URL is a plain 404 without a query.
func validID(s string) bool {
	_, err := uuid.Parse(s)
	return err == nil && len(s) == 36
}

// Cursors are opaque to clients: the base64 of the last id of a page.
func encodeCursor(id string) *string {
	c := base64.RawURLEncoding.EncodeToString([]byte(id))
	return &c
}

func decodeCursor(c string) (string, error) {
	if c == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || !validID(string(b)) {
		return "", candor.Invalid(candor.FieldError{Field: "cursor", Message: "is not a cursor from a previous page"})
	}
	return string(b), nil
}

// Page is one page of a list.
type Page[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

// limit clamps a page size to the contract's default and maximum.
func limit(n int) int {
	switch {
	case n <= 0:
		return 50
	case n > 1000:
		return 1000
	}
	return n
}

// pageOf cuts rows fetched with limit+1 into a page.
func pageOf[R any, T any](rows []R, n int, id func(R) string, conv func(R) T) Page[T] {
	p := Page[T]{Items: make([]T, 0, min(len(rows), n))}
	for i, r := range rows {
		if i == n {
			p.NextCursor = encodeCursor(id(rows[n-1]))
			break
		}
		p.Items = append(p.Items, conv(r))
	}
	return p
}

// encodeOpaque and decodeOpaque make a cursor of any key (not only UUIDs).
func encodeOpaque(s string) *string {
	c := base64.RawURLEncoding.EncodeToString([]byte(s))
	return &c
}

func decodeOpaque(c string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	// Not UTF-8 or holding NUL ("abcd" decodes to 0x69 0xB7 0x1D): no key
	// of ours, and PostgreSQL would fail the query rather than find nothing.
	if err != nil || len(b) > 64 || !utf8.Valid(b) || bytes.IndexByte(b, 0) >= 0 {
		return "", candor.Invalid(candor.FieldError{Field: "cursor", Message: "is not a cursor from a previous page"})
	}
	return string(b), nil
}
