package roster

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"
)

// Known CSV columns, in the order the API contract lists them.
const (
	colExternalID = iota
	colName
	colEmail
	colPostalAddress
	colCountry
	colRegion
	colLocale
	colDataCategories
	colAddressLines
	colCity
	colPostalCode
	colPhone
	numColumns
)

// columnNames are the canonical header names, indexed by col*.
func columnNames() [numColumns]string {
	return [numColumns]string{"external_id", "name", "email", "postal_address", "country", "region", "locale", "data_categories",
		"address_lines", "city", "postal_code", "phone"}
}

// columnIndex maps a header cell to a known column: case, surrounding space
// and the spelling of separators do not matter ("External ID", "e-mail"),
// and a few names CRM exports use are accepted. -1 means ignored.
func columnIndex(cell string) int {
	key := strings.ToLower(strings.TrimSpace(cell))
	key = strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '.' {
			return '_'
		}
		return r
	}, key)
	switch key {
	// Not "id": export.csv's id column is Candor's own id, and an export
	// must import back.
	case "external_id", "externalid", "customer_id":
		return colExternalID
	case "name", "full_name":
		return colName
	case "email", "e_mail", "email_address", "mail":
		return colEmail
	case "postal_address", "address", "mailing_address":
		return colPostalAddress
	case "country", "country_code":
		return colCountry
	case "region", "state", "subdivision":
		return colRegion
	case "locale", "language", "lang":
		return colLocale
	case "data_categories", "categories":
		return colDataCategories
	case "address_lines", "address_line", "street", "street_address":
		return colAddressLines
	case "city", "town", "district":
		return colCity
	case "postal_code", "postcode", "zip", "zip_code":
		return colPostalCode
	case "phone", "phone_number", "telephone", "tel":
		return colPhone
	}
	return -1
}

// mapHeader resolves the header record into the field index of each known
// column (-1 when absent), refusing what cannot be a customer list.
func mapHeader(header []string, line, maxColumns int) ([numColumns]int, error) {
	var idx [numColumns]int
	for i := range idx {
		idx[i] = -1
	}
	if len(header) > maxColumns {
		return idx, badRequest(line, "the header has %d columns; at most %d are accepted", len(header), maxColumns)
	}
	names := columnNames()
	for i, cell := range header {
		if strings.ContainsRune(cell, '\r') {
			return idx, badRequest(line, "lines end in a lone carriage return (CR); save the file with LF or CRLF line ends")
		}
		c := columnIndex(cell)
		if c < 0 {
			continue
		}
		if idx[c] >= 0 {
			return idx, badRequest(line, "duplicate column %q (columns %d and %d name the same field)", names[c], idx[c]+1, i+1)
		}
		idx[c] = i
	}
	known := false
	for _, i := range idx {
		known = known || i >= 0
	}
	if !known {
		return idx, badRequest(line, "not a customer CSV: the first line names none of the columns %s (is the header row missing?)",
			strings.Join(names[:], ", "))
	}
	if idx[colEmail] < 0 {
		return idx, badRequest(line, "no email column; add one, left empty for customers who get a printed letter")
	}
	return idx, nil
}

// sniff looks at the first bytes for files that are not UTF-8 CSV at all,
// to refuse them with a message that says what to do, and skips a UTF-8 BOM
// (Excel's "CSV UTF-8" writes one).
func sniff(br *bufio.Reader) error {
	head, _ := br.Peek(8)
	for _, m := range []struct {
		magic []byte
		what  string
	}{
		{[]byte{0xFF, 0xFE}, "UTF-16 text; save it as CSV UTF-8"},
		{[]byte{0xFE, 0xFF}, "UTF-16 text; save it as CSV UTF-8"},
		{[]byte("PK\x03\x04"), "a ZIP archive, such as an Excel .xlsx workbook; export it as CSV UTF-8"},
		{[]byte{0xD0, 0xCF, 0x11, 0xE0}, "an Excel .xls workbook; export it as CSV UTF-8"},
		{[]byte{0x1F, 0x8B}, "gzip-compressed; send it uncompressed"},
		{[]byte("%PDF"), "a PDF document, not CSV"},
	} {
		if bytes.HasPrefix(head, m.magic) {
			return badRequest(0, "the file is %s", m.what)
		}
	}
	// Every leading BOM, not only the first: a file saved twice with one
	// (as some tools do) would otherwise keep "\uFEFF" in the first header
	// cell, and that column would be silently ignored.
	for bytes.HasPrefix(head, []byte("\xEF\xBB\xBF")) {
		if _, err := br.Discard(3); err != nil {
			return fmt.Errorf("read csv: %w", err)
		}
		head, _ = br.Peek(3)
	}
	if len(head) > 0 && (head[0] == '[' || head[0] == '{') {
		return badRequest(0, "not a customer CSV: the body looks like JSON; send it with Content-Type application/json")
	}
	return nil
}
