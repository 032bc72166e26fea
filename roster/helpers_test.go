package roster_test

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/roster"
)

// readAll drains a reader made by open; err is the request-level error,
// nil at a clean end.
func readAll(t testing.TB, open func() (roster.Reader, error)) ([]roster.Row, error) {
	t.Helper()
	r, err := open()
	if err != nil {
		return nil, err
	}
	var rows []roster.Row
	for {
		row, err := r.Next()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return rows, err
		}
		rows = append(rows, row)
		if len(rows) > 1e6 {
			t.Fatal("runaway reader")
		}
	}
}

func readCSV(t testing.TB, body string) ([]roster.Row, error) {
	return readAll(t, func() (roster.Reader, error) { return roster.NewCSVReader(strings.NewReader(body), roster.Options{}) })
}

func readJSON(t testing.TB, body string) ([]roster.Row, error) {
	return readAll(t, func() (roster.Reader, error) { return roster.NewJSONReader(strings.NewReader(body), roster.Options{}) })
}

// wantBadRequest checks err is an EBADREQUEST *candor.Error whose message
// contains part, at line when line > 0.
func wantBadRequest(t *testing.T, err error, line int, part string) {
	t.Helper()
	var e *candor.Error
	if !errors.As(err, &e) || e.Code != candor.EBADREQUEST {
		t.Fatalf("err = %v; want a bad_request *candor.Error", err)
	}
	if !strings.Contains(e.Message, part) {
		t.Errorf("message %q does not contain %q", e.Message, part)
	}
	if line > 0 && (len(e.Fields) != 1 || e.Fields[0].Line != line) {
		t.Errorf("fields %+v; want line %d", e.Fields, line)
	}
}

// lines returns each row's line, and "!field" for each row error.
func lines(rows []roster.Row) []int {
	var out []int
	for _, r := range rows {
		out = append(out, r.Line)
	}
	return out
}

// countingReader counts what is read from it, to prove a reader stopped
// early instead of buffering a huge record.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// repeatReader yields prefix, then fill repeated n times, then suffix,
// without building the whole body in memory.
func repeatReader(prefix, fill string, n int, suffix string) io.Reader {
	return io.MultiReader(strings.NewReader(prefix), &repeater{s: fill, n: n}, strings.NewReader(suffix))
}

type repeater struct {
	s   string
	n   int
	off int
}

func (r *repeater) Read(p []byte) (int, error) {
	w := 0
	for w < len(p) && r.n > 0 {
		c := copy(p[w:], r.s[r.off:])
		w += c
		r.off += c
		if r.off == len(r.s) {
			r.off = 0
			r.n--
		}
	}
	if w == 0 {
		return 0, io.EOF
	}
	return w, nil
}
