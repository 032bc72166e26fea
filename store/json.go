package store

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
)

// jsonCol stores a value as JSON text: the same column type on SQLite and
// PostgreSQL, for small lists and objects that are read whole.
type jsonCol[T any] struct{ V T }

func (j jsonCol[T]) Value() (driver.Value, error) {
	b, err := json.Marshal(j.V)
	return string(b), err
}

func (j *jsonCol[T]) Scan(src any) error {
	switch s := src.(type) {
	case nil:
		var zero T
		j.V = zero
		return nil
	case string:
		return json.Unmarshal([]byte(s), &j.V)
	case []byte:
		return json.Unmarshal(s, &j.V)
	}
	return fmt.Errorf("jsonCol: cannot scan %T", src)
}
