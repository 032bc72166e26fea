package roster_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/candor-dev/candor/roster"
)

func TestJSONReader(t *testing.T) {
	body := "\uFEFF" + `[
	  {"external_id": "a1", "name": "Ann", "email": "a@example.com", "country": "US", "region": "US-CA",
	   "locale": "en-US", "data_categories": ["email", "name"], "unknown": {"ignored": true}},
	  {"external_id": 42, "email": null, "data_categories": "email;phone"},
	  {"email": 5},
	  {"external_id": 1.5},
	  {"external_id": true, "name": ["x"], "data_categories": 7},
	  {"data_categories": ["ok", 3]},
	  17,
	  null,
	  {}
	]`
	rows, err := readJSON(t, body)
	if err != nil {
		t.Fatal(err)
	}
	if got := lines(rows); !slices.Equal(got, []int{1, 2, 3, 4, 5, 6, 7, 8, 9}) {
		t.Fatalf("lines %v", got)
	}
	t.Run("all fields", func(t *testing.T) {
		in := rows[0].Input
		if len(rows[0].Errors) > 0 || in.ExternalID != "a1" || in.Region != "US-CA" || in.Locale != "en-US" ||
			!slices.Equal(in.DataCategories, []string{"email", "name"}) {
			t.Errorf("row %+v", rows[0])
		}
	})
	t.Run("integer id, null email, categories as one string", func(t *testing.T) {
		in := rows[1].Input
		if len(rows[1].Errors) > 0 || in.ExternalID != "42" || in.Email != "" || !slices.Equal(in.DataCategories, []string{"email", "phone"}) {
			t.Errorf("row %+v", rows[1])
		}
	})
	wrong := []struct {
		name   string
		row    int
		fields []string
		msg    string
	}{
		{"number for email", 2, []string{"email"}, "must be a string, not a number"},
		{"float id", 3, []string{"external_id"}, "string or an integer"},
		{"several wrong types", 4, []string{"external_id", "name", "data_categories"}, "not a boolean"},
		{"category not a string", 5, []string{"data_categories"}, "array of strings only"},
		{"element is a number", 6, []string{"element"}, "must be an object"},
		{"element is null", 7, []string{"element"}, "must be an object"},
	}
	for _, tt := range wrong {
		t.Run(tt.name, func(t *testing.T) {
			r := rows[tt.row]
			var fields []string
			for _, e := range r.Errors {
				fields = append(fields, e.Field)
				if e.Line != r.Line {
					t.Errorf("error line %d, row line %d", e.Line, r.Line)
				}
			}
			if !slices.Equal(fields, tt.fields) || !strings.Contains(r.Errors[0].Message, tt.msg) {
				t.Errorf("errors %+v; want fields %v, first containing %q", r.Errors, tt.fields, tt.msg)
			}
		})
	}
	t.Run("empty object passes to validation", func(t *testing.T) {
		if len(rows[8].Errors) > 0 {
			t.Errorf("errors %v", rows[8].Errors)
		}
	})
}

func TestJSONReaderRequestErrors(t *testing.T) {
	tests := []struct {
		name, body, msg string
		rowsBefore      int
	}{
		{"empty", "", "empty", 0},
		{"object, not array", `{"email": "a@example.com"}`, "must be a JSON array", 0},
		{"string", `"a@example.com"`, "must be a JSON array", 0},
		{"not JSON", "email,name\n", "invalid JSON", 0},
		{"syntax error in element 2", `[{"email": "a@example.com"}, {"email": }]`, "in element 2", 1},
		{"missing comma", `[{"email": "a@example.com"} {"email": "b@example.com"}]`, "invalid JSON", 1},
		{"truncated", `[{"email": "a@example.com"}, {"email": "b@ex`, "truncated", 1},
		{"only the opening bracket", "[", "ends before the array is closed, after 0 whole", 0},
		{"trailing comma at the end", `[{"email": "a@example.com"},`, "after 1 whole", 1},
		{"no closing bracket", `[{"email": "a@example.com"}`, "truncated", 1},
		{"trailing data", `[{"email": "a@example.com"}] [1]`, "after the closing bracket", 1},
		{"huge element", `[{"name": "` + strings.Repeat("x", 300<<10) + `"}]`, "element 1 is longer than 256 KiB", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := readJSON(t, tt.body)
			wantBadRequest(t, err, 0, tt.msg)
			if len(rows) != tt.rowsBefore {
				t.Errorf("%d rows before the error; want %d", len(rows), tt.rowsBefore)
			}
		})
	}
}

func TestJSONReaderHugeElementStopsEarly(t *testing.T) {
	body := &countingReader{r: repeatReader(`[{"email":"a@example.com"},{"name":"`, "x", 10<<20, `"}]`)}
	rows, err := readAll(t, func() (roster.Reader, error) { return roster.NewJSONReader(body, roster.Options{}) })
	wantBadRequest(t, err, 0, "element 2 is longer than")
	if len(rows) != 1 || body.n > 1<<20 {
		t.Errorf("%d rows, read %d bytes; want 1 row and under 1 MiB", len(rows), body.n)
	}
}

func TestJSONReaderEmptyArray(t *testing.T) {
	rows, err := readJSON(t, " [ ] \n")
	if err != nil || len(rows) != 0 {
		t.Errorf("rows %v, err %v", rows, err)
	}
}
