package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/candor-dev/candor"
	"github.com/gin-gonic/gin"
)

// decode reads a JSON object into dst strictly: one value, no unknown
// fields, right types. Its errors say which field is wrong.
func decode(c *gin.Context, dst any) error {
	if err := checkJSON(c); err != nil {
		return err
	}
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return candor.Errorf(candor.EBADREQUEST, "read body: %v", err)
	}
	return decodeBytes(body, dst)
}

func decodeBytes(body []byte, dst any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return candor.Errorf(candor.EBADREQUEST, "request body is empty; send a JSON object")
	}
	if err := checkStrings(body); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(body, dst, err)
	}
	if dec.More() {
		return candor.Errorf(candor.EBADREQUEST, "body holds more than one JSON value")
	}
	return checkDates(reflect.ValueOf(dst), "")
}

func jsonError(body []byte, dst any, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return candor.Errorf(candor.EBADREQUEST, "body is not valid JSON (at byte %d): %v", syn.Offset, syn)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return candor.Errorf(candor.EBADREQUEST, "body is not valid JSON: it ends too early")
	case errors.As(err, &typ):
		if typ.Field == "" {
			return candor.Errorf(candor.EBADREQUEST, "body must be a JSON %s, not %s", kindOf(typ.Type), typ.Value)
		}
		return candor.Invalid(candor.FieldError{Field: typ.Field, Message: fmt.Sprintf("must be %s, not %s", kindOf(typ.Type), typ.Value)})
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return candor.Invalid(candor.FieldError{Field: f, Message: "is not a known field"})
	}
	if f := badTimeField(body, dst); f != "" {
		return candor.Invalid(candor.FieldError{Field: f, Message: "must be an RFC 3339 timestamp, e.g. 2020-06-11T00:00:00Z"})
	}
	return candor.Errorf(candor.EBADREQUEST, "body does not fit: %v", err)
}

// badTimeField finds the top-level timestamp field that failed to parse:
// encoding/json does not name the field when a type's own UnmarshalJSON
// fails, and a date in the wrong format is the usual cause.
func badTimeField(body []byte, dst any) string {
	var raw map[string]json.RawMessage
	if json.Unmarshal(body, &raw) != nil {
		return ""
	}
	t := reflect.TypeOf(dst)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return ""
	}
	timeType := reflect.TypeOf(time.Time{})
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if ft != timeType || raw[name] == nil {
			continue
		}
		var tm *time.Time
		if json.Unmarshal(raw[name], &tm) != nil {
			return name
		}
	}
	return ""
}

func kindOf(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		if t == reflect.TypeOf(time.Time{}) {
			return "an RFC 3339 timestamp"
		}
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64, reflect.Int32, reflect.Float64, reflect.Uint, reflect.Uint64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return "of type " + t.String()
}

// checkJSON refuses a body declared as anything but JSON.
func checkJSON(c *gin.Context) error {
	if ct := c.GetHeader("Content-Type"); ct != "" {
		if mt, _, _ := mime.ParseMediaType(ct); mt != "application/json" {
			return candor.Errorf(candor.EUNSUPPORTED, "send application/json, not %s", mt)
		}
	}
	return nil
}
