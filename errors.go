package candor

import (
	"errors"
	"fmt"
)

// Error codes. The api package maps each to one HTTP status in one table;
// nothing else in the program decides a status.
const (
	ECONFLICT     = "conflict"     // wrong state for the action, or a duplicate
	EINTERNAL     = "internal"     // a bug or an outage; details are logged, not shown
	EINVALID      = "invalid"      // validation failed
	ENOTFOUND     = "not_found"    // no such resource (or not visible to the caller)
	EUNAUTHORIZED = "unauthorized" // missing or unknown token
	EFORBIDDEN    = "forbidden"    // the token's role may not do this
	ETOOLARGE     = "too_large"    // body or template over its limit
	EUNSUPPORTED  = "unsupported"  // media type the endpoint does not take
	EBADREQUEST   = "bad_request"  // malformed syntax (not JSON, not CSV, not UTF-8)
	EUNAVAILABLE  = "unavailable"  // a dependency (database, Redis) is down
)

// FieldError names one field that failed validation. Line is set for
// row-oriented input such as a CSV import (1-based, as an editor shows it).
type FieldError struct {
	Line    int    `json:"line,omitempty"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is a domain error: a code from the list above, a message safe to
// show to the caller, and optional per-field details.
type Error struct {
	Code    string
	Message string
	Fields  []FieldError
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return fmt.Sprintf("%s: %s", e.Code, e.Message)
	}
	return fmt.Sprintf("%s: %s (%s: %s)", e.Code, e.Message, e.Fields[0].Field, e.Fields[0].Message)
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an EINVALID error listing the fields that failed.
func Invalid(fields ...FieldError) *Error {
	msg := "validation failed"
	if len(fields) == 1 {
		msg = fields[0].Field + ": " + fields[0].Message
	}
	return &Error{Code: EINVALID, Message: msg, Fields: fields}
}

// Validation collects field errors; Err returns nil when there are none.
type Validation []FieldError

// Add records a failed field.
func (v *Validation) Add(field, format string, args ...any) {
	*v = append(*v, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// Err returns an EINVALID error for the collected fields, or nil.
func (v Validation) Err() error {
	if len(v) == 0 {
		return nil
	}
	return Invalid(v...)
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the caller-safe message of err: the domain message,
// or a generic one for internal errors, whose details must not leak.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}

// ErrorFields returns the field errors carried by err, if any.
func ErrorFields(err error) []FieldError {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}
