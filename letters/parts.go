package letters

import (
	"encoding/csv"
	"strings"

	"github.com/candor-dev/candor"
)

// Part is one PDF of a batch: up to the batch's part size of letters on
// one paper, A4 parts first.
type Part struct {
	Part    int    `json:"part"`
	Paper   string `json:"paper"` // A4 or Letter
	Offset  int    `json:"-"`     // among the letters on this paper, in id order
	Letters int    `json:"letters"`
}

// Parts divides a batch of a4 letters on A4 and us on US Letter in parts
// of the size it was made with.
func Parts(b candor.LetterBatch, a4, us int) []Part {
	per := b.PartSize
	if per <= 0 {
		per = candor.LettersPerPart
	}
	return PartsOf(a4, us, per)
}

// PartsOf divides a batch into parts of up to per letters (candor bench
// letters prints smaller ones, to print them side by side).
func PartsOf(a4, us, per int) []Part {
	var out []Part
	for _, g := range []struct {
		paper string
		n     int
	}{{"A4", a4}, {"Letter", us}} {
		for off := 0; off < g.n; off += per {
			out = append(out, Part{Part: len(out) + 1, Paper: g.paper, Offset: off, Letters: min(per, g.n-off)})
		}
	}
	return out
}

// ManifestHeader names the manifest's columns.
// first_page and pages (the letter's pages in its part's PDF, empty until
// the part is printed) come last, so that readers of the older columns by
// position are unaffected.
var ManifestHeader = []string{"reference", "name", "address", "country", "language", "paper", "part", "status", "first_page", "pages"}

// WriteManifest writes one manifest row per letter: what the print shop
// checks its envelopes against and the returns desk looks references up
// in. The address is the block's lines joined by " / ".
func WriteManifest(w *csv.Writer, part Part, rs []Recipient, langs []string, statuses []string) error {
	for i, r := range rs {
		if err := w.Write([]string{r.Reference, escape(r.Customer.Name), escape(strings.Join(AddressLines(r.Customer), " / ")),
			r.Customer.Country, langs[i], part.Paper, itoa(part.Part), statuses[i], itoa(r.FirstPage), itoa(r.Pages)}); err != nil {
			return err
		}
	}
	return nil
}

// escape keeps a spreadsheet from reading a cell as a formula.
func escape(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// itoa writes a positive number; 0 (unknown) is an empty cell.
func itoa(n int) string {
	if n <= 0 {
		return ""
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}
