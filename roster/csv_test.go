package roster_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/roster"
)

func TestCSVReaderAcceptsWhatPeopleMake(t *testing.T) {
	tests := []struct {
		name      string
		body      string
		wantLines []int
		check     func(t *testing.T, rows []roster.Row)
	}{
		{"BOM, CRLF, quoted newline, blank line",
			"\uFEFFEmail, NAME ,External ID,notes\r\n" +
				"a@example.com,Ann,1,x\r\n" +
				"\r\n" +
				"b@example.com,\"Bo\r\nBrown\",2,y\r\n" +
				"c@example.com,Cy,3,\"multi\r\nline\r\nnote\"\r\n" +
				"d@example.com,Di,4,z",
			[]int{2, 4, 6, 9},
			func(t *testing.T, rows []roster.Row) {
				if rows[1].Input.Name != "Bo\nBrown" || rows[0].Input.Email != "a@example.com" || rows[3].Input.ExternalID != "4" {
					t.Errorf("rows %+v", rows)
				}
			}},
		{"any order and case, extra columns ignored",
			"Country,phone,LOCALE,email,Region,data categories,postal_address\n" +
				"jp,555,ja,a@example.com,JP-13,email; Name,\"1-1 Chiyoda\nTokyo\"\n",
			[]int{2},
			func(t *testing.T, rows []roster.Row) {
				in := rows[0].Input
				if in.Country != "jp" || in.Locale != "ja" || in.Region != "JP-13" || in.PostalAddress != "1-1 Chiyoda\nTokyo" ||
					!slices.Equal(in.DataCategories, []string{"email", " Name"}) {
					t.Errorf("input %+v", in)
				}
			}},
		{"spreadsheet padding rows skipped",
			"email,name\n,\n  ,  \na@example.com,Ann\n,\n",
			[]int{4}, nil},
		{"trailing empty extra fields accepted",
			"email,name\na@example.com,Ann,,\n",
			[]int{2}, nil},
		{"header only", "email\n", nil, nil},
		{"postal customer with empty email",
			"external_id,email,name\n7,,Bo\n",
			[]int{2},
			func(t *testing.T, rows []roster.Row) {
				if rows[0].Input.ExternalID != "7" || rows[0].Input.Email != "" || len(rows[0].Errors) > 0 {
					t.Errorf("row %+v", rows[0])
				}
			}},
		{"formula cells are data, read as written",
			"email,name\na@example.com,\"=HYPERLINK(\"\"http://x\"\")\"\n",
			[]int{2},
			func(t *testing.T, rows []roster.Row) {
				if rows[0].Input.Name != `=HYPERLINK("http://x")` {
					t.Errorf("name %q", rows[0].Input.Name)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := readCSV(t, tt.body)
			if err != nil {
				t.Fatal(err)
			}
			if got := lines(rows); !slices.Equal(got, tt.wantLines) {
				t.Fatalf("lines %v; want %v", got, tt.wantLines)
			}
			for _, r := range rows {
				if len(r.Errors) > 0 {
					t.Errorf("line %d: %v", r.Line, r.Errors)
				}
			}
			if tt.check != nil {
				tt.check(t, rows)
			}
		})
	}
}

func TestCSVReaderRowErrors(t *testing.T) {
	tests := []struct {
		name      string
		body      string
		badLine   int
		field     string
		msg       string
		goodLines []int
	}{
		{"bare quote in a field", "email,name\na@example.com,O\"Brien\nb@example.com,Bo\n", 2, "row", "broken quotes", []int{3}},
		{"text after a closing quote", "email,name\na@example.com,\"Ann\"x\nb@example.com,Bo\n", 2, "row", "broken quotes", []int{3}},
		{"too many fields", "email,name\na@example.com,Doe, John\nb@example.com,Bo\n", 2, "row", "has 3 fields but the header has 2", []int{3}},
		{"too few fields", "email,name,country\na@example.com,Ann\nb@example.com,Bo,US\n", 2, "row", "has 2 fields", []int{3}},
		{"100k-column line", "email,name\n" + strings.Repeat("a,", 100000) + "a\nb@example.com,Bo\n", 2, "row", "has 100001 fields; at most 256", []int{3}},
		{"field over 64 KiB", "email,name\na@example.com," + strings.Repeat("n", 70<<10) + "\nb@example.com,Bo\n", 2, "name", "longer than 64 KiB", []int{3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := readCSV(t, tt.body)
			if err != nil {
				t.Fatal(err)
			}
			var good []int
			found := false
			for _, r := range rows {
				if len(r.Errors) == 0 {
					good = append(good, r.Line)
					continue
				}
				e := r.Errors[0]
				if r.Line != tt.badLine || e.Line != tt.badLine || e.Field != tt.field || !strings.Contains(e.Message, tt.msg) {
					t.Errorf("row error %+v on line %d; want line %d field %s containing %q", e, r.Line, tt.badLine, tt.field, tt.msg)
				}
				found = true
			}
			if !found {
				t.Error("no row error")
			}
			if !slices.Equal(good, tt.goodLines) {
				t.Errorf("good lines %v; want %v", good, tt.goodLines)
			}
		})
	}
}

func TestCSVReaderRequestErrors(t *testing.T) {
	tests := []struct {
		name string
		body string
		line int
		msg  string
	}{
		{"empty", "", 0, "empty"},
		{"BOM only", "\uFEFF", 0, "empty"},
		{"duplicate headers", "email,name,E-Mail\n", 1, `duplicate column "email" (columns 1 and 3`},
		{"duplicate after trimming and case", "Name, name ,email\n", 1, `duplicate column "name"`},
		{"missing email column", "external_id,name\n1,Ann\n", 1, "no email column"},
		{"not a customer CSV", "foo,bar\n1,2\n", 1, "not a customer CSV"},
		{"data without header", "a@example.com,Ann,US\n", 1, "header row missing"},
		{"JSON sent as CSV", `[{"email":"a@example.com"}]`, 0, "looks like JSON"},
		{"100k-column header", strings.Repeat("x,", 100000) + "email\n", 1, "100001 columns; at most 256"},
		{"broken quote in header", "email,\"name\n", 1, "header row is not valid CSV"},
		{"unclosed quote swallows lines", "email,name\na@example.com,\"Ann\nb@example.com,Bo\nc@example.com,\"Cy\"\n", 2, "not closed properly (error on line 4)"},
		{"unclosed quote to the end", "email,name\na@example.com,Ann\nb@example.com,\"Bo\nc@example.com,Cy\n", 3, "not closed properly"},
		{"invalid UTF-8 (Latin-1 export)", "email,name\na@example.com,Ann\nb@example.com,Andr\xe9\n", 3, "not UTF-8"},
		{"invalid UTF-8 in header", "email,n\xffme\n", 1, "not UTF-8"},
		{"UTF-16", "\xff\xfee\x00m\x00", 0, "UTF-16"},
		{"xlsx", "PK\x03\x04rest", 0, "Excel .xlsx"},
		{"gzip", "\x1f\x8b\x08", 0, "gzip"},
		{"classic Mac line ends", "email,name\ra@example.com,Ann\r", 1, "carriage return"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readCSV(t, tt.body)
			wantBadRequest(t, err, tt.line, tt.msg)
		})
	}
}

// A 10 MB field is refused after reading a bounded prefix, not buffered.
func TestCSVReaderHugeFieldStopsEarly(t *testing.T) {
	tests := []struct {
		name string
		body *countingReader
		line int
	}{
		{"unquoted 10 MB field", &countingReader{r: repeatReader("email,name\na@example.com,Ann\nb@example.com,", "x", 10<<20, "\n")}, 3},
		{"quoted 10 MB field", &countingReader{r: repeatReader("email,name\nb@example.com,\"", "x\n", 5<<20, "\"\n")}, 2},
		{"10 MB header", &countingReader{r: repeatReader("email,", "x", 10<<20, "\n")}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readAll(t, func() (roster.Reader, error) { return roster.NewCSVReader(tt.body, roster.Options{}) })
			wantBadRequest(t, err, tt.line, "longer than 256 KiB")
			if tt.body.n > 1<<20 {
				t.Errorf("read %d bytes before refusing; want under 1 MiB", tt.body.n)
			}
		})
	}
}

func TestRowNormalize(t *testing.T) {
	rows, err := readCSV(t, "email,country,region\nA@Example.com,us,JP-13\nb@example.com,US,us-ca\n")
	if err != nil {
		t.Fatal(err)
	}
	_, errs := rows[0].Normalize(geoTable(), locales())
	if len(errs) != 1 || errs[0].Line != 2 || errs[0].Field != "region" {
		t.Errorf("errs %+v", errs)
	}
	c, errs := rows[1].Normalize(geoTable(), locales())
	if len(errs) > 0 || c.Region != "US-CA" || c.Channel != candor.ChannelEmail {
		t.Errorf("customer %+v, errs %v", c, errs)
	}
	bad := roster.Row{Line: 9, Errors: []candor.FieldError{{Line: 9, Field: "row", Message: "x"}}}
	if _, errs := bad.Normalize(geoTable(), locales()); len(errs) != 1 || errs[0].Line != 9 {
		t.Errorf("reading errors not passed through: %v", errs)
	}
}
