// Package letters lays out printed letters: each customer's notice, in
// their language and rendered by the same code as the e-mail (render.Bound
// with the letter's own reference), under an address block placed for the
// window of the envelope the country's post uses, on A4 or (US, CA) US
// Letter; and the manifest the print shop and the returns desk work from.
// The PDF itself is Chromium's (package pdf): it shapes Thai and lays out
// Japanese with the system's fonts and embeds them.
package letters

import (
	"strings"

	"github.com/candor-dev/candor"
)

// Paper is a sheet and where its address block sits for a window
// envelope, in millimetres from the sheet's top left corner.
type Paper struct {
	Name                     string // A4 or Letter
	Top, Left, Width, Height float64
	SheetWidth, SheetHeight  float64
}

var (
	// A4 folded in three into a DL window envelope (DIN 5008 form B's
	// address field: 45 mm from the top, 20 mm from the left, 85 × 45 mm),
	// which the Thai and most European posts' DL envelopes share.
	a4DL = Paper{Name: "A4", Top: 50, Left: 22, Width: 85, Height: 38, SheetWidth: 210, SheetHeight: 297}
	// A4 folded in three into a 長形3号 window envelope, whose window is
	// near the top: the address block sits 17 mm from the top.
	a4JP = Paper{Name: "A4", Top: 20, Left: 22, Width: 90, Height: 45, SheetWidth: 210, SheetHeight: 297}
	// US Letter in a #10 window envelope: the window is 7/8" from the left
	// and, folded, about 2" from the sheet's top.
	usLetter = Paper{Name: "Letter", Top: 50.8, Left: 22.2, Width: 101.6, Height: 31.8, SheetWidth: 215.9, SheetHeight: 279.4}
)

// PaperFor is the sheet and address window for a letter to country.
func PaperFor(country string) Paper {
	switch country {
	case "US", "CA":
		return usLetter
	case "JP":
		return a4JP
	}
	return a4DL
}

// AddressLines are the lines of the address block, in the order the
// country's post reads them:
//   - JP: 〒 and the postal code first, then prefecture, city and the
//     street lines, the name last with 様;
//   - US, CA: name, street lines, then "City ST ZIP" on one line;
//   - TH: name, street lines, district (city), province, postal code;
//   - elsewhere: name, street lines, "postal code city", the country's name.
//
// A letter to another country than the sender's ends with the country's
// English name in capitals (the UPU's rule); here every non-domestic
// format ends with it.
func AddressLines(c candor.Customer) []string {
	region := regionNames[c.Region]
	switch c.Country {
	case "JP":
		out := []string{"〒" + c.PostalCode, strings.TrimSpace(region + c.City)}
		out = append(out, c.AddressLines...)
		if c.Name != "" {
			out = append(out, c.Name+" 様")
		}
		return out
	case "US", "CA":
		st := c.Region
		if i := strings.IndexByte(st, '-'); i >= 0 {
			st = st[i+1:]
		}
		out := nameFirst(c)
		return append(out, strings.TrimSpace(c.City+" "+st+"  "+c.PostalCode))
	case "TH":
		out := nameFirst(c)
		if c.City != "" {
			out = append(out, c.City)
		}
		return append(out, strings.TrimSpace(region+" "+c.PostalCode))
	}
	out := nameFirst(c)
	return append(out, strings.TrimSpace(c.PostalCode+" "+c.City), c.Country)
}

func nameFirst(c candor.Customer) []string {
	var out []string
	if c.Name != "" {
		out = append(out, c.Name)
	}
	return append(out, c.AddressLines...)
}
