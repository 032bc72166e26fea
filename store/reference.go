package store

import (
	"strings"
	"sync"
)

// The SQL that draws a fresh notice reference for each row an INSERT ...
// SELECT makes, in candor.NewReference's form (15 symbols of its alphabet
// in groups of five). References are drawn by the database because the
// deliveries of a send are made by one statement, not row by row in Go.
// PostgreSQL has candor_reference() (migration 0020: gen_random_uuid's
// cryptographic bytes); SQLite builds it from random(), which since 3.40
// is a ChaCha20 generator seeded from the operating system, each symbol
// from 63 bits (the remainder modulo 30 is uniform to within 2^-58).
var sqliteReference = sync.OnceValue(func() string {
	const alphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
	parts := make([]string, 0, 17)
	for i := range 15 {
		if i > 0 && i%5 == 0 {
			parts = append(parts, "'-'")
		}
		parts = append(parts, "substr('"+alphabet+"', 1 + ((random() & 9223372036854775807) % 30), 1)")
	}
	return "(" + strings.Join(parts, " || ") + ")"
})

func (db *DB) newReference() string {
	if db.dialect == Postgres {
		return "candor_reference()"
	}
	return sqliteReference()
}
