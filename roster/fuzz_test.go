package roster_test

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/roster"
)

// FuzzCSVReader: no input panics, every error is a *candor.Error (the reader
// is in memory, so no I/O error can occur), rows come in increasing line
// order, and every row error carries its row's line. Small limits let the
// fuzzer reach them. Run: go test ./roster -run XXX -fuzz FuzzCSVReader
func FuzzCSVReader(f *testing.F) {
	for _, seed := range []string{
		"email,name\na@example.com,Ann\n",
		"\uFEFFEmail,Name\r\nb@example.com,\"Bo\r\nB\"\r\n",
		"email,name\na@example.com,O\"Brien\n",
		"email,name\na@example.com,\"Ann\nb@example.com,Bo\n",
		"email,name\na@example.com,\"Ann\"x\n",
		"email,email\n",
		"name,external_id\n1,2\n",
		"foo\n",
		"email,name\nb@example.com,Andr\xe9\n",
		"\xff\xfee\x00",
		"PK\x03\x04",
		"email,name\r" + strings.Repeat("x", 300),
		"email\n" + strings.Repeat("a,", 300) + "\n",
		"email," + strings.Repeat("\"\"", 100) + "\n",
		"email,name\n=cmd|' /C calc'!A0,@SUM(1)\n",
		"email,country,region,locale\na@b,XX,JP-13,zz-ZZ-xyz\n\"x\"@[127.0.0.1],US,US-CA,en\n",
		"email\n\n\n,\n\"\"\n",
		"",
		"\"",
		"email\n\"",
	} {
		f.Add(seed)
	}
	opts := roster.Options{MaxRecordBytes: 256, MaxFieldBytes: 64, MaxColumns: 16}
	f.Fuzz(func(t *testing.T, body string) {
		r, err := roster.NewCSVReader(strings.NewReader(body), opts)
		if err != nil {
			mustDomainError(t, err)
			return
		}
		last := 0
		for {
			row, err := r.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				mustDomainError(t, err)
				if _, again := r.Next(); again == nil {
					t.Fatal("reader went on after a request error")
				}
				return
			}
			if row.Line <= last {
				t.Fatalf("line %d after line %d", row.Line, last)
			}
			last = row.Line
			for _, e := range row.Errors {
				if e.Line != row.Line || e.Field == "" || e.Message == "" {
					t.Fatalf("row error %+v on line %d", e, row.Line)
				}
			}
			// The normaliser is on the same path and must not panic either.
			row.Normalize(geoTable(), locales())
		}
	})
}

func mustDomainError(t *testing.T, err error) {
	t.Helper()
	var e *candor.Error
	if !errors.As(err, &e) || e.Code != candor.EBADREQUEST || e.Message == "" {
		t.Fatalf("error %v (%T) is not a bad_request *candor.Error", err, err)
	}
}

// FuzzJSONReader: the same guarantees for JSON bodies.
func FuzzJSONReader(f *testing.F) {
	for _, seed := range []string{
		`[{"email":"a@example.com","external_id":1}]`,
		`[{"email":5},17,null,{"data_categories":"a;b"},{"data_categories":[1]}]`,
		`{"email":"a@example.com"}`,
		`[{"email":"a@example.com"}`,
		`[1,]`,
		`[] x`,
		"\uFEFF[]",
		"1" + strings.Repeat("0", 400),
		"[]" + "1" + strings.Repeat("0", 400),
		`[{"name":"` + strings.Repeat("x", 300) + `"}]`,
		"",
	} {
		f.Add(seed)
	}
	opts := roster.Options{MaxRecordBytes: 256, MaxFieldBytes: 64, MaxColumns: 16}
	f.Fuzz(func(t *testing.T, body string) {
		r, err := roster.NewJSONReader(strings.NewReader(body), opts)
		if err != nil {
			mustDomainError(t, err)
			return
		}
		for want := 1; ; want++ {
			row, err := r.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				mustDomainError(t, err)
				return
			}
			if row.Line != want {
				t.Fatalf("line %d; want %d", row.Line, want)
			}
			row.Normalize(geoTable(), locales())
		}
	})
}
