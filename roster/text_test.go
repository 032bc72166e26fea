package roster_test

import (
	"errors"
	"testing"

	"github.com/candor-dev/candor"
)

// TestReaderBOMs: however many BOMs a file starts with, every column is
// read (a doubled BOM used to hide the first column, silently).
func TestReaderBOMs(t *testing.T) {
	tests := []struct {
		name, body string
		json       bool
	}{
		{"csv one BOM", "\uFEFFname,email\nAnn,ann@example.com\n", false},
		{"csv doubled BOM", "\uFEFF\uFEFFname,email\nAnn,ann@example.com\n", false},
		{"csv tripled BOM", "\uFEFF\uFEFF\uFEFFname,email\nAnn,ann@example.com\n", false},
		{"json doubled BOM", "\uFEFF\uFEFF" + `[{"name":"Ann","email":"ann@example.com"}]`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			read := readCSV
			if tt.json {
				read = readJSON
			}
			rows, err := read(t, tt.body)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != 1 || rows[0].Input.Name != "Ann" || rows[0].Input.Email != "ann@example.com" {
				t.Fatalf("rows = %+v; want Ann with her address", rows)
			}
		})
	}
}

// TestReaderInvalidUTF8 sends the same Latin-1 name as CSV and as JSON:
// both are a request error naming where, not a customer stored with U+FFFD.
func TestReaderInvalidUTF8(t *testing.T) {
	tests := []struct {
		name, body string
		json       bool
		line       int
		field      string
	}{
		{"csv", "email,name\na@example.com,Ann\nb@example.com,Andr\xe9\n", false, 3, "body"},
		{"json", `[{"email":"a@example.com","name":"Ann"},{"email":"b@example.com","name":"Andr` + "\xe9" + `"}]`, true, 2, "name"},
		{"json in a category", `[{"email":"a@example.com","data_categories":["n` + "\xff" + `"]}]`, true, 1, "data_categories"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			read := readCSV
			if tt.json {
				read = readJSON
			}
			_, err := read(t, tt.body)
			wantBadRequest(t, err, tt.line, "not UTF-8")
			var e *candor.Error
			if errors.As(err, &e) && e.Fields[0].Field != tt.field {
				t.Errorf("field %q, want %q", e.Fields[0].Field, tt.field)
			}
		})
	}
}

// TestReaderTwoLineName: a quoted CSV cell over two lines, and the same
// name in JSON, import as one line; control characters and bidi overrides
// are still refused, the same way for both.
func TestReaderTwoLineName(t *testing.T) {
	tests := []struct {
		name, body string
		json       bool
		want       string // the stored name; "" when refused
	}{
		{"csv LF", "email,name\nwei@example.com,\"Wei\nLi\"\n", false, "Wei Li"},
		{"csv CRLF", "email,name\r\nwei@example.com,\"Wei\r\nLi\"\r\n", false, "Wei Li"},
		{"json", `[{"email":"wei@example.com","name":"Wei\nLi"}]`, true, "Wei Li"},
		{"json tab", `[{"email":"wei@example.com","name":"Wei\tLi"}]`, true, "Wei Li"},
		{"csv bidi override", "email,name\nwei@example.com,Wei\u202eLi\n", false, ""},
		{"json escape", `[{"email":"wei@example.com","name":"Wei\u001bLi"}]`, true, ""},
		{"json NUL", `[{"email":"wei@example.com","name":"Wei\u0000Li"}]`, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			read := readCSV
			if tt.json {
				read = readJSON
			}
			rows, err := read(t, tt.body)
			if err != nil || len(rows) != 1 {
				t.Fatalf("rows %+v, err %v", rows, err)
			}
			c, errs := rows[0].Normalize(geoTable(), locales())
			switch {
			case tt.want == "" && (len(errs) != 1 || errs[0].Field != "name" || errs[0].Line != 2 && !tt.json):
				t.Fatalf("errors %+v; want one on name", errs)
			case tt.want != "" && len(errs) > 0:
				t.Fatalf("refused: %+v", errs)
			case tt.want != "" && c.Name != tt.want:
				t.Errorf("name %q, want %q", c.Name, tt.want)
			}
		})
	}
}
