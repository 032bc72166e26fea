package roster

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/candor-dev/candor"
)

// JSONReader reads customers from a JSON array of objects with the CSV's
// field names, one element at a time (encoding/json's Decoder streams
// between elements). Unknown fields are ignored, as unknown CSV columns are.
// Every field is a string or null; external_id may also be an integer (CRM
// ids often are), and data_categories an array of strings or one
// ";"-separated string. A wrong type or an element that is not an object is
// a row error. Syntax errors are request errors: after one, where the next
// element starts cannot be known.
type JSONReader struct {
	dec   *json.Decoder
	lim   *recordLimiter
	opts  Options
	index int // 1-based position of the element being read
	read  int // elements read whole
	state int // jsonStart, jsonInArray or jsonClosed
	err   error
}

// Where a JSONReader is in the body, for error messages.
const (
	jsonStart = iota
	jsonInArray
	jsonClosed
)

// jsonElement receives one element; raw values so that each field's type
// can be checked and reported on its own.
type jsonElement struct {
	ExternalID     json.RawMessage `json:"external_id"`
	Name           json.RawMessage `json:"name"`
	Email          json.RawMessage `json:"email"`
	PostalAddress  json.RawMessage `json:"postal_address"`
	Country        json.RawMessage `json:"country"`
	Region         json.RawMessage `json:"region"`
	Locale         json.RawMessage `json:"locale"`
	DataCategories json.RawMessage `json:"data_categories"`
	AddressLines   json.RawMessage `json:"address_lines"`
	City           json.RawMessage `json:"city"`
	PostalCode     json.RawMessage `json:"postal_code"`
	Phone          json.RawMessage `json:"phone"`
}

// NewJSONReader reads up to the opening bracket, returning a request error
// if the body is not a JSON array.
func NewJSONReader(r io.Reader, opts Options) (*JSONReader, error) {
	opts = opts.withDefaults()
	br := bufio.NewReaderSize(r, 64<<10)
	for head, _ := br.Peek(3); bytes.Equal(head, []byte("\xEF\xBB\xBF")); head, _ = br.Peek(3) {
		br.Discard(3) //nolint:errcheck // Peek has the bytes; every leading BOM, as for CSV
	}
	lim := newRecordLimiter(br, opts.MaxRecordBytes)
	j := &JSONReader{dec: json.NewDecoder(lim), lim: lim, opts: opts}
	// Numbers as json.Number: Token would otherwise parse a number into a
	// float64 and fail on one too large for it (1e400 where the array
	// should start) with an error that is not a syntax error.
	j.dec.UseNumber()
	tok, err := j.dec.Token()
	if err != nil {
		return nil, j.syntax(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return nil, badRequest(0, "the body must be a JSON array of customers, [{...}, ...]; it starts with %s", describeToken(tok))
	}
	j.state = jsonInArray
	return j, nil
}

// Next returns the next row; see Reader. Row.Line is the element's
// position in the array.
func (j *JSONReader) Next() (Row, error) {
	if j.err != nil {
		return Row{}, j.err
	}
	if !j.dec.More() {
		j.err = j.end()
		return Row{}, j.err
	}
	j.index++
	var raw json.RawMessage
	if err := j.dec.Decode(&raw); err != nil {
		j.err = j.syntax(err)
		return Row{}, j.err
	}
	j.read++
	if j.lim.over(j.dec.InputOffset()) {
		// Within the limiter's read-ahead slack: refuse it all the same, so
		// the limit does not depend on buffering.
		j.err = j.syntax(errRecordTooLong)
		return Row{}, j.err
	}
	j.lim.setBase(j.dec.InputOffset())
	if !utf8.Valid(raw) {
		// As a CSV file that is not UTF-8: a request error, not a row
		// imported with U+FFFD where encoding/json would put it.
		j.err = notUTF8(raw, j.index)
		return Row{}, j.err
	}
	row := Row{Line: j.index}
	bad := func(field, msg string) {
		row.Errors = append(row.Errors, candor.FieldError{Line: j.index, Field: field, Message: msg})
	}
	if raw[0] != '{' {
		bad("element", "must be an object with fields such as external_id and email")
		return row, nil
	}
	var el jsonElement
	if err := json.Unmarshal(raw, &el); err != nil {
		bad("element", "cannot be read: "+err.Error())
		return row, nil
	}
	str := func(field string, v json.RawMessage, number bool) string {
		s, msg := jsonString(v, number, j.opts.MaxFieldBytes)
		if msg != "" {
			bad(field, msg)
		}
		return s
	}
	row.Input = candor.CustomerInput{
		ExternalID:    str("external_id", el.ExternalID, true),
		Name:          str("name", el.Name, false),
		Email:         str("email", el.Email, false),
		PostalAddress: str("postal_address", el.PostalAddress, false),
		Country:       str("country", el.Country, false),
		Region:        str("region", el.Region, false),
		Locale:        str("locale", el.Locale, false),
		City:          str("city", el.City, false),
		PostalCode:    str("postal_code", el.PostalCode, true),
		Phone:         str("phone", el.Phone, true),
	}
	var msg string
	if row.Input.AddressLines, msg = jsonLines(el.AddressLines, j.opts.MaxFieldBytes); msg != "" {
		bad("address_lines", msg)
	}
	if row.Input.DataCategories, msg = jsonCategories(el.DataCategories); msg != "" {
		bad("data_categories", msg)
	}
	if len(row.Errors) > 0 {
		row.Input = candor.CustomerInput{}
	}
	return row, nil
}

// end checks what follows the last element: the closing bracket, then
// nothing but space.
func (j *JSONReader) end() error {
	if _, err := j.dec.Token(); err != nil {
		return j.syntax(err)
	}
	j.state = jsonClosed
	if tok, err := j.dec.Token(); err != io.EOF {
		if err != nil {
			return j.syntax(err)
		}
		return badRequest(0, "unexpected %s after the closing bracket of the array", describeToken(tok))
	}
	return io.EOF
}

// syntax turns a decoding error into a request error saying where.
func (j *JSONReader) syntax(err error) error {
	where := fmt.Sprintf("element %d", j.index)
	switch {
	case j.state == jsonStart:
		where = "the start of the body"
	case j.state == jsonClosed:
		where = "what follows the array"
	}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.Is(err, errRecordTooLong):
		return badRequest(0, "%s is longer than %d KiB", where, j.opts.MaxRecordBytes>>10)
	case errors.As(err, &se):
		return badRequest(0, "invalid JSON at byte %d, in %s: %v", se.Offset, where, se)
	case errors.As(err, &te):
		return badRequest(0, "unexpected JSON %s in %s", te.Value, where)
	case err == io.EOF && j.state == jsonStart:
		return badRequest(0, "the body is empty; expected a JSON array of customers")
	case errors.Is(err, io.ErrUnexpectedEOF) || err == io.EOF:
		return badRequest(0, "the JSON ends before the array is closed, after %d whole elements (truncated upload?)", j.read)
	}
	return fmt.Errorf("read json: %w", err)
}

// jsonString reads a field that must be a string or null (or, with number,
// an integer). It returns a message for the wrong type.
func jsonString(v json.RawMessage, number bool, max int) (string, string) {
	if len(v) == 0 || string(v) == "null" {
		return "", ""
	}
	if len(v) > max+2 {
		return "", fmt.Sprintf("is longer than %d KiB", max>>10)
	}
	switch {
	case v[0] == '"':
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return "", "is not a valid JSON string"
		}
		return s, ""
	case number && isInteger(v):
		return string(v), ""
	case number:
		return "", "must be a string or an integer, not " + jsonKind(v)
	}
	return "", "must be a string, not " + jsonKind(v)
}

func jsonCategories(v json.RawMessage) ([]string, string) {
	if len(v) == 0 || string(v) == "null" {
		return nil, ""
	}
	if v[0] == '"' {
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return nil, "is not a valid JSON string"
		}
		return candor.SplitDataCategories(s), ""
	}
	if v[0] != '[' {
		return nil, "must be an array of strings, not " + jsonKind(v)
	}
	var out []string
	if json.Unmarshal(v, &out) != nil {
		return nil, "must be an array of strings only"
	}
	return out, ""
}

func isInteger(v []byte) bool {
	s := strings.TrimPrefix(string(v), "-")
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func jsonKind(v []byte) string {
	switch v[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	case '"':
		return "a string"
	case 'n':
		return "null"
	}
	return "a number"
}

func describeToken(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			return "an object (wrap the customers in [ ])"
		}
		return fmt.Sprintf("%q", string(t))
	case string:
		return "a string"
	case nil:
		return "null"
	case bool:
		return "a boolean"
	}
	return "a number"
}

// notUTF8 is the request error for an element with invalid UTF-8, naming
// the field that holds it when there is one.
func notUTF8(raw json.RawMessage, index int) error {
	field := "element"
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) == nil {
		for _, k := range slices.Sorted(maps.Keys(m)) {
			if !utf8.Valid(m[k]) {
				field = k
				break
			}
		}
	}
	return &candor.Error{Code: candor.EBADREQUEST,
		Message: fmt.Sprintf("element %d: %s is not UTF-8 text; save the file as UTF-8", index, field),
		Fields:  []candor.FieldError{{Line: index, Field: field, Message: "is not UTF-8 text"}}}
}

// jsonLines reads address_lines: an array of strings, or one string with
// the lines separated by "|" as in CSV.
func jsonLines(v json.RawMessage, max int) ([]string, string) {
	if len(v) == 0 || string(v) == "null" {
		return nil, ""
	}
	if v[0] == '"' {
		s, msg := jsonString(v, false, max)
		return candor.SplitAddressLines(s), msg
	}
	var lines []string
	if err := json.Unmarshal(v, &lines); err != nil {
		return nil, "must be an array of strings (or one string with the lines separated by |)"
	}
	n := 0
	for _, l := range lines {
		n += len(l)
	}
	if n > max {
		return nil, "is too long"
	}
	return lines, ""
}
