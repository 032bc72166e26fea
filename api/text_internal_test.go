package api

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/candor-dev/candor"
)

// TestCheckStringsPaths: the path names the string wherever it sits.
func TestCheckStringsPaths(t *testing.T) {
	tests := []struct {
		name, body, field, code string
	}{
		{"clean", `{"a":"b","c":[1,{"d":"e"}]}`, "", ""},
		{"escaped backslash then u0000 is text", `{"a":"\\u0000"}`, "", ""},
		{"top-level string", `"a\u0000"`, "body", candor.EINVALID},
		{"field", `{"title":"a\u0000b"}`, "title", candor.EINVALID},
		{"after other fields", `{"x":1,"y":[true,null],"z":{"q":"ok"},"title":"a` + "\xff" + `"}`, "title", candor.EBADREQUEST},
		{"nested object", `{"variants":{"en":{"subject":"s","body":"a\u0000"}}}`, "variants.en.body", candor.EINVALID},
		{"array of objects", `[{"message_id":"ok","type":"hard"},{"message_id":"a\u0000","type":"hard"}]`, "[1].message_id", candor.EINVALID},
		{"array in object", `{"legal_contacts":["a@example.com","b` + "\xc3" + `@example.com"]}`, "legal_contacts[1]", candor.EBADREQUEST},
		{"key", `{"ti` + "\xff" + `tle":"x"}`, "ti\uFFFDtle", candor.EBADREQUEST},
		{"key with NUL", `{"a\u0000":"x"}`, "a\x00", candor.EINVALID},
		{"broken JSON is left to the decoder", `{"a":"` + "\xff", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkStrings([]byte(tt.body))
			if candor.ErrorCode(err) != tt.code {
				t.Fatalf("err = %v, want code %q", err, tt.code)
			}
			if f := candor.ErrorFields(err); tt.field != "" && (len(f) != 1 || f[0].Field != tt.field) {
				t.Errorf("fields %+v, want %q", f, tt.field)
			}
		})
	}
}

// FuzzCheckStrings: on valid JSON, checkStrings passes exactly the bodies
// that are UTF-8 with no NUL in any string, and it never panics.
func FuzzCheckStrings(f *testing.F) {
	for _, s := range []string{`{"a":"b"}`, `[{"a":["\u0000"]}]`, "{\"a\":\"\xff\"}", `"x"`, `{"a":{"b":{}},"c":[[],[1]]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		err := checkStrings(body)
		if !json.Valid(body) {
			return
		}
		bad := !utf8.Valid(body) || hasNUL(body)
		if bad != (err != nil) {
			t.Fatalf("checkStrings(%q) = %v; bad input: %v", body, err, bad)
		}
	})
}

// hasNUL decodes body and looks for NUL in every key and string.
func hasNUL(body []byte) bool {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return false
	}
	var walk func(any) bool
	walk = func(v any) bool {
		switch x := v.(type) {
		case string:
			return strings.IndexByte(x, 0) >= 0
		case []any:
			return slices.ContainsFunc(x, walk)
		case map[string]any:
			for k, e := range x {
				if strings.IndexByte(k, 0) >= 0 || walk(e) {
					return true
				}
			}
		}
		return false
	}
	return walk(v)
}
