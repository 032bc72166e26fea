package roster_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/roster"
)

func TestEscapeCell(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "Ann Lee", "Ann Lee"},
		{"empty", "", ""},
		{"equals", "=1+1", "'=1+1"},
		{"plus", "+1 555 0100", "'+1 555 0100"},
		{"minus", "-2", "'-2"},
		{"at", "@SUM(A1)", "'@SUM(A1)"},
		{"tab", "\t=1", "'\t=1"},
		{"carriage return", "\r=1", "'\r=1"},
		{"quote, kept reversible", "'t Hooft", "''t Hooft"},
		{"full-width equals", "＝1+1", "'＝1+1"},
		{"HYPERLINK", `=HYPERLINK("http://evil","x")`, `'=HYPERLINK("http://evil","x")`},
		{"DDE", "=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"},
		{"formula later in the cell", "Ann =1+1", "Ann =1+1"},
		{"email", "a@example.com", "a@example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := roster.EscapeCell(tt.in); got != tt.want {
				t.Errorf("EscapeCell(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestCSVWriter(t *testing.T) {
	var buf bytes.Buffer
	w := roster.NewCSVWriter(&buf)
	if err := w.WriteBOM(); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 6, 11, 9, 0, 0, 0, time.FixedZone("JST", 9*3600))
	c := candor.Customer{ID: "c1", ExternalID: "42", Name: "=HYPERLINK(\"http://x\")", Email: "a@example.com",
		PostalAddress: "1 Main St\nSpringfield", Country: "US", Region: "US-CA", Locale: "en-US",
		DataCategories: []string{"email", "name"}, Channel: "email", Status: "sent", CreatedAt: at, UpdatedAt: at,
		AddressLines: []string{"1 Main St", "Apt 2"}, City: "Springfield", PostalCode: "94105", Phone: "+1 415 555 0100"}
	if err := w.Write(roster.CustomerHeader()); err != nil {
		t.Fatal(err)
	}
	if err := w.Write(roster.AppendCustomerRecord(nil, c)); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "\uFEFFid,external_id,name,email,postal_address,country,region,locale,data_categories,channel,status,created_at,updated_at,erased_at,address_lines,city,postal_code,phone\r\n" +
		"c1,42,\"'=HYPERLINK(\"\"http://x\"\")\",a@example.com,\"1 Main St\r\nSpringfield\",US,US-CA,en-US,email;name,email,sent,2026-06-11T00:00:00Z,2026-06-11T00:00:00Z,,1 Main St|Apt 2,Springfield,94105,'+1 415 555 0100\r\n"
	if buf.String() != want {
		t.Errorf("got\n%q\nwant\n%q", buf.String(), want)
	}

	t.Run("export reads back", func(t *testing.T) {
		rows, err := readCSV(t, buf.String())
		if err != nil || len(rows) != 1 {
			t.Fatalf("rows %v, err %v", rows, err)
		}
		in := rows[0].Input
		if in.Email != c.Email || in.PostalAddress != c.PostalAddress || in.ExternalID != c.ExternalID ||
			in.Name != "'"+c.Name || strings.Join(in.DataCategories, ";") != "email;name" {
			t.Errorf("read back %+v", in)
		}
	})
}

func TestNewReader(t *testing.T) {
	tests := []struct {
		name, contentType, code string
	}{
		{"csv", "text/csv", ""},
		{"csv utf-8", "text/csv; charset=UTF-8", ""},
		{"json", "application/json", ""},
		{"latin-1 refused", "text/csv; charset=iso-8859-1", candor.EUNSUPPORTED},
		{"xml", "application/xml", candor.EUNSUPPORTED},
		{"garbage", "%%%", candor.EUNSUPPORTED},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := "email\na@example.com\n"
			if strings.Contains(tt.contentType, "json") {
				body = `[{"email":"a@example.com"}]`
			}
			_, err := roster.NewReader(tt.contentType, strings.NewReader(body), roster.Options{})
			if got := candor.ErrorCode(err); got != tt.code {
				t.Errorf("code %q (%v); want %q", got, err, tt.code)
			}
		})
	}
}
