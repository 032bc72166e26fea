package candor

import (
	"strings"
	"unicode"
)

// Limits on the structured postal address. Six lines is what a window
// envelope's address block holds with the name, postal code and city.
const (
	MaxAddressLines   = 4   // street lines, besides the name, city and postal code lines
	MaxAddressLineLen = 200 // bytes per line
	MaxCityLen        = 128 // bytes
	MaxPostalCodeLen  = 32  // bytes (full-width digits take three)
	MaxPhoneLen       = 32  // bytes
)

// postalRule is what a country's post needs on an envelope: which fields,
// and how its postal codes look (checked after spaces are removed).
type postalRule struct {
	needRegion bool   // the state (US), prefecture (JP), province (TH)
	needCode   bool   // a postal code
	digits     []int  // accepted lengths of an all-digit code; nil: any code
	codeName   string // how the post calls it, for messages
}

var postalRules = map[string]postalRule{
	"JP": {needRegion: true, needCode: true, digits: []int{7}, codeName: "a 7-digit postal code such as 100-0001"},
	"US": {needRegion: true, needCode: true, digits: []int{5, 9}, codeName: "a ZIP code of 5 or 9 digits such as 94105 or 94105-1234"},
	"CA": {needRegion: true, needCode: true, codeName: "a postal code such as K1A 0B1"},
	"TH": {needRegion: true, needCode: true, digits: []int{5}, codeName: "a 5-digit postal code such as 10330"},
}

// HasAddress reports whether the customer can be sent a printed letter.
func (c *Customer) HasAddress() bool { return len(c.AddressLines) > 0 }

// normalizeAddress checks the structured postal address of in into c (whose
// Country and Region are already canonical) and returns its problems. An
// address is all or nothing: once any of address_lines, postal_code and city
// is given, the post must be able to deliver to it, so the country and
// what that country's post needs (region, postal code in its form) are
// required too. A phone number is independent of the address.
func normalizeAddress(in CustomerInput, c *Customer, countryGiven bool) []FieldError {
	var errs []FieldError
	bad := func(field, msg string) { errs = append(errs, FieldError{Field: field, Message: msg}) }
	var msg string
	if len(in.AddressLines) > MaxAddressLines {
		bad("address_lines", "has more than "+itoa(MaxAddressLines)+" lines; an envelope's address block holds "+itoa(MaxAddressLines)+" besides the name, city and postal code")
	}
	for _, l := range in.AddressLines {
		l, msg = cleanText(l, MaxAddressLineLen, false)
		if msg != "" {
			bad("address_lines", "a line "+msg)
			continue
		}
		if l != "" {
			c.AddressLines = append(c.AddressLines, l)
		}
	}
	if c.City, msg = cleanText(in.City, MaxCityLen, false); msg != "" {
		bad("city", msg)
	}
	if c.PostalCode, msg = cleanText(in.PostalCode, MaxPostalCodeLen, false); msg != "" {
		bad("postal_code", msg)
	}
	// A leading apostrophe is a spreadsheet's text marker (export.csv
	// writes "'+81 ..." so that a formula is never read): not part of it.
	if c.Phone, msg = cleanText(strings.TrimPrefix(strings.TrimSpace(in.Phone), "'"), MaxPhoneLen, false); msg != "" {
		bad("phone", msg)
	} else if c.Phone != "" && strings.IndexFunc(c.Phone, func(r rune) bool {
		return !unicode.IsDigit(r) && !strings.ContainsRune("+-() .", r)
	}) >= 0 {
		bad("phone", QuoteShort(c.Phone)+" is not a phone number: digits, spaces and + - ( ) . only")
	}
	if len(c.AddressLines) == 0 && c.City == "" && c.PostalCode == "" {
		return errs
	}
	if len(c.AddressLines) == 0 {
		bad("address_lines", "is required when a city or postal code is given (the street and number; lines separated by | in CSV)")
	}
	if c.Country == "" {
		if !countryGiven { // a wrong country is reported by its own check
			bad("country", "is required for a postal address (ISO 3166-1 alpha-2, such as JP, US or TH)")
		}
		return errs
	}
	rule, known := postalRules[c.Country]
	if c.City == "" {
		bad("city", "is required for a postal address")
	}
	if known && rule.needRegion && c.Region == "" {
		bad("region", "is required for a postal address in "+c.Country+" (ISO 3166-2, such as "+exampleRegion[c.Country]+")")
	}
	if c.PostalCode == "" {
		if known && rule.needCode && strings.TrimSpace(in.PostalCode) == "" {
			bad("postal_code", "is required for a postal address in "+c.Country+": "+rule.codeName)
		}
		return errs
	}
	if known && rule.digits != nil {
		code := strings.Map(func(r rune) rune {
			if r == ' ' || r == '-' || r == '\u2010' || r == '\uff0d' || r == '\u2212' {
				return -1
			}
			if r >= '０' && r <= '９' { // full-width digits, as Japanese forms hold them
				return r - '０' + '0'
			}
			return r
		}, c.PostalCode)
		ok := strings.IndexFunc(code, func(r rune) bool { return r < '0' || r > '9' }) < 0
		lenOK := false
		for _, n := range rule.digits {
			lenOK = lenOK || len(code) == n
		}
		if !ok || !lenOK {
			bad("postal_code", QuoteShort(c.PostalCode)+" is not "+rule.codeName)
			return errs
		}
		switch c.Country { // the form the post prints
		case "JP":
			code = code[:3] + "-" + code[3:]
		case "US":
			if len(code) == 9 {
				code = code[:5] + "-" + code[5:]
			}
		}
		c.PostalCode = code
	} else if c.Country == "CA" {
		c.PostalCode = strings.ToUpper(c.PostalCode)
	}
	return errs
}

var exampleRegion = map[string]string{"JP": "JP-13", "US": "US-CA", "CA": "CA-ON", "TH": "TH-10"}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

// SplitAddressLines splits a CSV cell of address lines at "|".
func SplitAddressLines(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	return strings.Split(s, "|")
}
