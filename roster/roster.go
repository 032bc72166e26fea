// Package roster reads customer lists as users upload them (CSV or a JSON
// array) and writes them back out (export.csv), streaming: a reader holds one
// record at a time, never the whole body, so an import of millions of rows
// runs in constant memory.
//
// Two kinds of problem are kept apart. A row problem (a bad email, a row with
// too many fields) is reported on the Row, with its line, and reading goes
// on: a bad row never stops the good ones. A request problem (not CSV, not
// UTF-8, a broken header, a record past the size limit, a quote that leaves
// the rest of the file ambiguous) is returned by Next as a *candor.Error with
// code EBADREQUEST, after which the reader is done; the caller rolls back or
// reports which lines landed. Errors from the underlying io.Reader (a client
// hanging up, http.MaxBytesReader's limit) are returned wrapped, unchanged.
package roster

import (
	"fmt"
	"io"
	"mime"
	"strings"

	"github.com/candor-dev/candor"
)

// Row is one customer record as read.
type Row struct {
	// Line locates the row for the report: for CSV the 1-based line on which
	// the record starts (a quoted field may continue on the next lines); for
	// JSON the 1-based position of the element in the array, which is what a
	// program that built the array can map back (a pretty-printer's line
	// numbers mean nothing to it, and minified JSON has one line).
	Line int
	// Input holds the fields as given, before validation.
	Input candor.CustomerInput
	// Errors lists problems found while reading the row (wrong JSON type, a
	// CSV row with the wrong number of fields, broken quotes on one line),
	// Line set. A row with errors must be rejected.
	Errors []candor.FieldError
}

// Normalize validates the row with candor.NormalizeCustomer and returns the
// customer together with every problem, reading's and validation's, each
// carrying the row's line. The customer is only meaningful without errors.
func (r Row) Normalize(geo candor.GeoChecker, loc candor.LocaleCanonicalizer) (candor.Customer, []candor.FieldError) {
	if len(r.Errors) > 0 {
		return candor.Customer{}, r.Errors
	}
	c, errs := candor.NormalizeCustomer(r.Input, geo, loc)
	for i := range errs {
		errs[i].Line = r.Line
	}
	return c, errs
}

// Reader yields rows one at a time.
type Reader interface {
	// Next returns the next row, or io.EOF after the last one. Any other
	// error ends the reading: a *candor.Error (EBADREQUEST) for a body that
	// cannot be read as customers, or the underlying reader's error.
	Next() (Row, error)
}

// Options bound what one record may cost. Zero fields take the defaults.
type Options struct {
	// MaxRecordBytes caps one record (a CSV record with all its fields, or one
	// JSON element). Past it the request fails: the reader stops reading
	// rather than buffer the record, and cannot find where the next record
	// starts without reading this one to its end. Default 256 KiB.
	MaxRecordBytes int
	// MaxFieldBytes caps one field; a longer field makes its row fail.
	// Default 64 KiB.
	MaxFieldBytes int
	// MaxColumns caps the header's columns (request error) and a row's fields
	// (row error). Default 256.
	MaxColumns int
}

// Defaults for Options.
const (
	DefaultMaxRecordBytes = 256 << 10
	DefaultMaxFieldBytes  = 64 << 10
	DefaultMaxColumns     = 256
)

func (o Options) withDefaults() Options {
	if o.MaxRecordBytes <= 0 {
		o.MaxRecordBytes = DefaultMaxRecordBytes
	}
	if o.MaxFieldBytes <= 0 {
		o.MaxFieldBytes = DefaultMaxFieldBytes
	}
	if o.MaxColumns <= 0 {
		o.MaxColumns = DefaultMaxColumns
	}
	return o
}

// NewReader returns the reader for a Content-Type: text/csv (also
// application/csv and text/plain, which some clients send for .csv files) or
// application/json. A charset other than UTF-8 is refused rather than
// guessed at. It returns EUNSUPPORTED for other media types.
func NewReader(contentType string, r io.Reader, opts Options) (Reader, error) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return nil, candor.Errorf(candor.EUNSUPPORTED, "Content-Type %q is not a media type; send text/csv or application/json", contentType)
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") && !strings.EqualFold(cs, "utf8") && !strings.EqualFold(cs, "us-ascii") {
		return nil, candor.Errorf(candor.EUNSUPPORTED, "charset %s is not supported; send UTF-8", cs)
	}
	switch mt {
	case "text/csv", "application/csv", "text/plain":
		return NewCSVReader(r, opts)
	case "application/json":
		return NewJSONReader(r, opts)
	}
	return nil, candor.Errorf(candor.EUNSUPPORTED, "media type %s is not supported; send text/csv or application/json", mt)
}

// badRequest returns the request-level error for a problem at line (0 when
// no line applies), carrying the line as a field error for the report too.
func badRequest(line int, format string, args ...any) *candor.Error {
	msg := fmt.Sprintf(format, args...)
	e := candor.Errorf(candor.EBADREQUEST, "%s", msg)
	if line > 0 {
		e.Message = fmt.Sprintf("line %d: %s", line, msg)
		e.Fields = []candor.FieldError{{Line: line, Field: "body", Message: msg}}
	}
	return e
}
