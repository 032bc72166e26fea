package api

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/candor-dev/candor"
	"github.com/gin-gonic/gin"
)

// The edge half of the text rule (candor.CheckText has the rest): no string
// in a body, path or query may hold NUL or invalid UTF-8. PostgreSQL refuses
// both with an error that would be a 500, SQLite stores them, and
// encoding/json silently turns invalid UTF-8 into U+FFFD; checking here,
// before anything is decoded or stored, gives one answer on both databases
// and names the field. Invalid UTF-8 is malformed input (400, as a CSV
// import that is not UTF-8); a NUL escape in well-formed JSON is an invalid
// value (422).

// checkStrings refuses a JSON body with a string (key or value) that holds
// invalid UTF-8 or an escaped NUL, naming it by its path ("title",
// "variants.en.subject", "[1].message_id"). The scan by tokens runs only
// when a quick look at the bytes finds something.
func checkStrings(body []byte) error {
	if utf8.Valid(body) && !bytes.Contains(body, []byte(`\u0000`)) {
		return nil
	}
	type frame struct {
		array bool
		index int
		key   string // the object key whose value comes next
		isKey bool   // an object expecting a key
	}
	var stack []frame
	path := func() string {
		var b strings.Builder
		for _, f := range stack {
			switch {
			case f.array:
				b.WriteString("[" + strconv.Itoa(f.index) + "]")
			default:
				if b.Len() > 0 {
					b.WriteByte('.')
				}
				b.WriteString(f.key)
			}
		}
		return b.String()
	}
	valueDone := func() {
		if n := len(stack); n > 0 {
			if stack[n-1].array {
				stack[n-1].index++
			} else {
				stack[n-1].isKey = true
			}
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	var start int64
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil // the decoder proper reports the syntax
		}
		raw := body[start:dec.InputOffset()]
		start = dec.InputOffset()
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				stack = append(stack, frame{isKey: true})
			case '[':
				stack = append(stack, frame{array: true})
			default:
				stack = stack[:len(stack)-1]
				valueDone()
			}
			continue
		case string:
			key := len(stack) > 0 && !stack[len(stack)-1].array && stack[len(stack)-1].isKey
			if key {
				stack[len(stack)-1].key, stack[len(stack)-1].isKey = t, false
			}
			field := path()
			if field == "" {
				field = "body"
			}
			if !utf8.Valid(raw) {
				what := "is not valid UTF-8"
				if key {
					what = "is a key that is not valid UTF-8"
				}
				return &candor.Error{Code: candor.EBADREQUEST, Message: field + ": " + what,
					Fields: []candor.FieldError{{Field: field, Message: what}}}
			}
			if strings.IndexByte(t, 0) >= 0 {
				return candor.Invalid(candor.FieldError{Field: field, Message: "contains a NUL character (U+0000)"})
			}
			if key {
				continue
			}
		}
		valueDone()
	}
}

// checkDates refuses a decoded time outside candor.MinDate..MaxDate, with
// its JSON path: the domain checks the times it validates, and this covers
// every other one a body brings (send_at, publish_at), so none reaches the
// database or a JSON encoder that cannot write a year past 9999.
func checkDates(v reflect.Value, path string) error {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return checkDates(v.Elem(), path)
	case reflect.Struct:
		if t, ok := v.Interface().(time.Time); ok {
			if !t.IsZero() && !candor.InDateRange(t) {
				if path == "" {
					path = "body"
				}
				return candor.Invalid(candor.FieldError{Field: path, Message: candor.DateRangeMessage})
			}
			return nil
		}
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			switch {
			case name == "-":
				continue
			case name == "" && f.Anonymous:
				name = path // promoted fields
			case name == "":
				name = join(path, f.Name)
			default:
				name = join(path, name)
			}
			if err := checkDates(v.Field(i), name); err != nil {
				return err
			}
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return nil // bytes (json.RawMessage)
		}
		for i := range v.Len() {
			if err := checkDates(v.Index(i), path+"["+strconv.Itoa(i)+"]"); err != nil {
				return err
			}
		}
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String {
			return nil
		}
		iter := v.MapRange()
		for iter.Next() {
			if err := checkDates(iter.Value(), join(path, iter.Key().String())); err != nil {
				return err
			}
		}
	}
	return nil
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// checkParams refuses a request whose path or query parameters hold NUL or
// invalid UTF-8 (%00, %ff), with 400 naming the parameter, before a handler
// can pass one to the database.
func checkParams() gin.HandlerFunc {
	return func(c *gin.Context) {
		var fields []candor.FieldError
		for _, p := range c.Params {
			if !cleanParam(p.Value) {
				fields = append(fields, candor.FieldError{Field: p.Key, Message: "path parameter holds NUL or is not valid UTF-8"})
			}
		}
		for k, vs := range c.Request.URL.Query() {
			if !cleanParam(k) {
				fields = append(fields, candor.FieldError{Field: strings.ToValidUTF8(strings.ReplaceAll(k, "\x00", ""), "\uFFFD"),
					Message: "query parameter name holds NUL or is not valid UTF-8"})
				continue
			}
			for _, v := range vs {
				if !cleanParam(v) {
					fields = append(fields, candor.FieldError{Field: k, Message: "query parameter holds NUL or is not valid UTF-8"})
					break
				}
			}
		}
		if len(fields) > 0 {
			msg := "validation failed"
			if len(fields) == 1 {
				msg = fields[0].Field + ": " + fields[0].Message
			}
			writeError(c, &candor.Error{Code: candor.EBADREQUEST, Message: msg, Fields: fields})
			return
		}
		c.Next()
	}
}

func cleanParam(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}
