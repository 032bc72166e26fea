package roster

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/candor-dev/candor"
)

// CSVWriter writes CSV for spreadsheets (export.csv), streaming, with every
// cell escaped against formula injection: a customer named "=HYPERLINK(...)"
// must not become a live formula on the desk of whoever opens the evidence.
type CSVWriter struct {
	w   io.Writer
	csv *csv.Writer
	buf []string
}

// NewCSVWriter returns a writer with CRLF line ends (RFC 4180, and what
// spreadsheets write themselves).
func NewCSVWriter(w io.Writer) *CSVWriter {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	return &CSVWriter{w: w, csv: cw}
}

// WriteBOM writes a UTF-8 byte order mark; call it first, and only for a
// file meant for Excel, which otherwise opens UTF-8 as the local legacy
// code page and garbles non-Latin names. Candor's own reader skips it.
func (w *CSVWriter) WriteBOM() error {
	if _, err := io.WriteString(w.w, "\uFEFF"); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

// Write writes one record, each cell through EscapeCell.
func (w *CSVWriter) Write(record []string) error {
	w.buf = w.buf[:0]
	for _, cell := range record {
		w.buf = append(w.buf, EscapeCell(cell))
	}
	if err := w.csv.Write(w.buf); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

// Flush writes buffered records out; call it at the end, and every so many
// rows when streaming to an HTTP response.
func (w *CSVWriter) Flush() error {
	w.csv.Flush()
	if err := w.csv.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

// EscapeCell prefixes a cell a spreadsheet would read as a formula with a
// single quote, which spreadsheets show as text and hide. Triggers are the
// OWASP set (=, +, -, @, tab, CR), their full-width forms (which some
// spreadsheet input methods convert), and the quote itself, so that the
// original is always the escaped cell minus one leading quote, and a name
// such as 't Hooft shows as written.
func EscapeCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r', '\'':
		return "'" + s
	}
	for _, p := range []string{"＝", "＋", "－", "＠"} {
		if strings.HasPrefix(s, p) {
			return "'" + s
		}
	}
	return s
}

// CustomerHeader names the columns AppendCustomerRecord writes. Callers add
// their own after them (the delivery's disclosure, sent_at, ...).
func CustomerHeader() []string {
	return []string{"id", "external_id", "name", "email", "postal_address", "country", "region",
		"locale", "data_categories", "channel", "status", "created_at", "updated_at", "erased_at",
		"address_lines", "city", "postal_code", "phone"}
}

// AppendCustomerRecord appends c's cells in CustomerHeader's order, with
// data categories ";"-separated as the import reads them and times in RFC
// 3339 UTC. Reusing dst across rows saves an allocation per row.
func AppendCustomerRecord(dst []string, c candor.Customer) []string {
	erased := ""
	if c.ErasedAt != nil {
		erased = rfc3339(*c.ErasedAt)
	}
	return append(dst, c.ID, c.ExternalID, c.Name, c.Email, c.PostalAddress, c.Country, c.Region,
		c.Locale, strings.Join(c.DataCategories, ";"), c.Channel, c.Status,
		rfc3339(c.CreatedAt), rfc3339(c.UpdatedAt), erased,
		strings.Join(c.AddressLines, "|"), c.City, c.PostalCode, c.Phone)
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
