package roster

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/candor-dev/candor"
)

// CSVReader reads customers from CSV as people make it: comma-separated, a
// header row naming the columns in any order and case, UTF-8 with or
// without a BOM, LF or CRLF line ends, quoted fields that may span lines.
// Blank lines and rows whose cells are all empty (spreadsheet padding) are
// skipped; columns it does not know are ignored.
//
// Quotes: a quote error confined to one line (O"Brien unquoted, or "x"y) is
// a row error and reading goes on at the next line, which encoding/csv
// resumes cleanly. A quoted field that spans lines and then breaks (an
// unclosed quote) is a request error: it has swallowed the lines after it,
// and where the next record starts can no longer be known.
type CSVReader struct {
	csv    *csv.Reader
	lim    *recordLimiter
	opts   Options
	cols   [numColumns]int
	width  int // header's field count
	ended  int // line on which the last record read ended
	err    error
	record []string
}

// NewCSVReader reads and checks the header, returning a request error if
// the body cannot be a customer CSV.
func NewCSVReader(r io.Reader, opts Options) (*CSVReader, error) {
	opts = opts.withDefaults()
	br := bufio.NewReaderSize(r, 64<<10)
	if err := sniff(br); err != nil {
		return nil, err
	}
	lim := newRecordLimiter(br, opts.MaxRecordBytes)
	cr := csv.NewReader(lim)
	cr.FieldsPerRecord = -1 // checked per row, as a row error
	cr.ReuseRecord = true
	c := &CSVReader{csv: cr, lim: lim, opts: opts}

	header, err := c.read()
	if err == io.EOF {
		return nil, badRequest(0, "the file is empty; expected a header row naming the columns")
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, badRequest(pe.StartLine, "the header row is not valid CSV (%v); is this a CSV file?", pe.Err)
		}
		return nil, err
	}
	line, _ := cr.FieldPos(0)
	if c.cols, err = mapHeader(header, line, opts.MaxColumns); err != nil {
		return nil, err
	}
	c.width = len(header)
	return c, nil
}

// Next returns the next row; see Reader.
func (c *CSVReader) Next() (Row, error) {
	for c.err == nil {
		rec, err := c.read()
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) && pe.StartLine == pe.Line && (pe.Err == csv.ErrQuote || pe.Err == csv.ErrBareQuote) {
				c.ended = pe.Line
				return Row{Line: pe.StartLine, Errors: []candor.FieldError{{Line: pe.StartLine, Field: "row",
					Message: fmt.Sprintf("broken quotes at column %d: a quote inside a field must be doubled, and a quoted field must end at a comma", pe.Column)}}}, nil
			}
			if errors.As(err, &pe) {
				c.err = badRequest(pe.StartLine, "a quoted field opened on this line is not closed properly (error on line %d); lines after it cannot be read reliably", pe.Line)
				continue
			}
			c.err = err
			continue
		}
		if row, ok := c.row(rec); ok {
			return row, nil
		}
	}
	return Row{}, c.err
}

// read returns the next record, translating the limiter's refusal and
// invalid UTF-8 into request errors, and moves the limiter's base.
func (c *CSVReader) read() ([]string, error) {
	rec, err := c.csv.Read()
	if errors.Is(err, errRecordTooLong) {
		return nil, badRequest(c.ended+1, "a record is longer than %d KiB (a huge field, or a quote that is never closed)", c.opts.MaxRecordBytes>>10)
	}
	if err != nil && err != io.EOF && !isParseError(err) {
		return nil, fmt.Errorf("read csv: %w", err)
	}
	// A parse error consumed its line(s) too: the next record starts after.
	over := c.lim.over(c.csv.InputOffset())
	c.lim.setBase(c.csv.InputOffset())
	if err != nil {
		return nil, err
	}
	if over {
		// Within the limiter's read-ahead slack: refuse it all the same, so
		// the limit does not depend on buffering.
		line, _ := c.csv.FieldPos(0)
		return nil, badRequest(line, "a record is longer than %d KiB (a huge field, or a quote that is never closed)", c.opts.MaxRecordBytes>>10)
	}
	last := len(rec) - 1
	endLine, _ := c.csv.FieldPos(last)
	c.ended = endLine + strings.Count(rec[last], "\n")
	for i, f := range rec {
		if !utf8.ValidString(f) {
			line, _ := c.csv.FieldPos(i)
			return nil, badRequest(line, "the file is not UTF-8 text (column %d); save it as CSV UTF-8", i+1)
		}
	}
	return rec, nil
}

// row turns a record into a Row; ok is false for a row to skip.
func (c *CSVReader) row(rec []string) (Row, bool) {
	line, _ := c.csv.FieldPos(0)
	row := Row{Line: line}
	fail := func(field, format string, args ...any) (Row, bool) {
		row.Errors = append(row.Errors, candor.FieldError{Line: line, Field: field, Message: fmt.Sprintf(format, args...)})
		return row, true
	}
	if len(rec) > c.opts.MaxColumns {
		return fail("row", "has %d fields; at most %d are accepted", len(rec), c.opts.MaxColumns)
	}
	empty := true
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			empty = false
			break
		}
	}
	if empty {
		return row, false
	}
	if len(rec) != c.width && !(len(rec) > c.width && allEmpty(rec[c.width:])) {
		return fail("row", "has %d fields but the header has %d (an unquoted comma in a value?)", len(rec), c.width)
	}
	names := columnNames()
	var vals [numColumns]string
	for col, i := range c.cols {
		if i < 0 {
			continue
		}
		if len(rec[i]) > c.opts.MaxFieldBytes {
			fail(names[col], "is longer than %d KiB", c.opts.MaxFieldBytes>>10)
			continue
		}
		vals[col] = rec[i]
	}
	if len(row.Errors) > 0 {
		return row, true
	}
	row.Input = candor.CustomerInput{
		ExternalID:     vals[colExternalID],
		Name:           vals[colName],
		Email:          vals[colEmail],
		PostalAddress:  vals[colPostalAddress],
		Country:        vals[colCountry],
		Region:         vals[colRegion],
		Locale:         vals[colLocale],
		DataCategories: candor.SplitDataCategories(vals[colDataCategories]),
		AddressLines:   candor.SplitAddressLines(vals[colAddressLines]),
		City:           vals[colCity],
		PostalCode:     vals[colPostalCode],
		Phone:          vals[colPhone],
	}
	return row, true
}

// isParseError keeps errors.As and its escaping pointer off the path of
// good records, where it would cost an allocation per row.
func isParseError(err error) bool {
	var pe *csv.ParseError
	return errors.As(err, &pe)
}

func allEmpty(fs []string) bool {
	for _, f := range fs {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}
