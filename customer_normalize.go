package candor

import (
	"strconv"
	"strings"
)

// GeoChecker answers the ISO 3166 questions customer validation asks. The
// domain declares it so that it can stay on the standard library; geo.Table
// implements it from a table generated from Debian's iso-codes.
type GeoChecker interface {
	// Country returns the ISO 3166-1 alpha-2 code matching code in any case
	// ("jp" → "JP"), and false when no country has it (XX, UK, USA).
	Country(code string) (string, bool)
	// Region returns the ISO 3166-2 code matching code in any case
	// ("us-ca" → "US-CA"), and false when no subdivision has it.
	Region(code string) (string, bool)
}

// LocaleCanonicalizer parses a BCP 47 language tag and returns its canonical
// form ("EN_us" → "en-US", "iw" → "he"), or an error naming what is wrong.
// geo.Locales implements it with golang.org/x/text/language; it is an
// interface here, like GeoChecker, to keep the domain on the standard library.
type LocaleCanonicalizer interface {
	CanonicalLocale(tag string) (string, error)
}

// NormalizeCustomer checks one customer as supplied and returns it in
// canonical form with Channel and Status set for a new import (email →
// email/pending, none → postal/postal), together with every field problem
// found; the Customer is only meaningful when there are none. FieldError.Line
// is left 0 for the reader to fill in.
//
// A customer needs an external_id or an email: those are the keys a
// re-import matches on, and a row with neither would be duplicated by every
// re-import. Country and region are optional (the obligations report shows
// customers of unknown jurisdiction), but when given they must be real ISO
// codes and the region must belong to the country; a region alone ("US-CA")
// implies its country, and a bare subdivision code ("CA") is read within the
// given country, as CRM exports write states.
func NormalizeCustomer(in CustomerInput, geo GeoChecker, loc LocaleCanonicalizer) (Customer, []FieldError) {
	var c Customer
	var errs []FieldError
	bad := func(field, msg string) { errs = append(errs, FieldError{Field: field, Message: msg}) }

	var msg string
	if c.ExternalID, msg = cleanText(in.ExternalID, MaxExternalIDLen, false); msg != "" {
		bad("external_id", msg)
	}
	if c.Name, msg = cleanText(in.Name, MaxNameLen, false); msg != "" {
		bad("name", msg)
	}
	if c.PostalAddress, msg = cleanText(in.PostalAddress, MaxPostalAddressLen, true); msg != "" {
		bad("postal_address", msg)
	}
	emailGiven := strings.TrimSpace(in.Email) != ""
	if emailGiven {
		if c.Email, msg = normalizeEmail(in.Email); msg != "" {
			bad("email", msg)
		}
	}
	if c.ExternalID == "" && !emailGiven {
		bad("external_id", "an external_id or an email is required, to match the customer on re-import")
	}
	var fieldErr *FieldError
	c.Country, c.Region, fieldErr = normalizePlace(in.Country, in.Region, geo)
	if fieldErr != nil {
		errs = append(errs, *fieldErr)
	}
	errs = append(errs, normalizeAddress(in, &c, strings.TrimSpace(in.Country) != "" || strings.TrimSpace(in.Region) != "")...)
	if tag := strings.TrimSpace(in.Locale); tag != "" {
		var err error
		if c.Locale, err = loc.CanonicalLocale(tag); err != nil {
			bad("locale", QuoteShort(tag)+" is not a BCP 47 language tag such as en, ja or en-US ("+err.Error()+")")
		}
	}
	var catErrs []FieldError
	c.DataCategories, catErrs = NormalizeDataCategories(in.DataCategories)
	errs = append(errs, catErrs...)

	c.Channel, c.Status = ChannelEmail, CustomerPending
	if !emailGiven {
		c.Channel, c.Status = ChannelPostal, CustomerPostal
	}
	return c, errs
}

// normalizePlace canonicalises a country and region pair, checking that the
// region belongs to the country.
func normalizePlace(country, region string, geo GeoChecker) (string, string, *FieldError) {
	country, region = strings.TrimSpace(country), strings.TrimSpace(region)
	fail := func(field, msg string) (string, string, *FieldError) {
		return "", "", &FieldError{Field: field, Message: msg}
	}
	if country != "" {
		cc, ok := geo.Country(country)
		if !ok {
			return fail("country", QuoteShort(country)+" is not an ISO 3166-1 alpha-2 country code such as US or JP")
		}
		country = cc
	}
	if region == "" {
		return country, "", nil
	}
	full := region
	if !strings.Contains(region, "-") {
		if country == "" {
			return fail("region", "a region without its country prefix (such as US-CA) needs the country column")
		}
		full = country + "-" + region
	}
	rc, ok := geo.Region(full)
	if !ok {
		return fail("region", QuoteShort(region)+" is not an ISO 3166-2 subdivision code such as US-CA or JP-13")
	}
	owner := rc[:strings.IndexByte(rc, '-')]
	switch {
	case country == "":
		country = owner
	case owner != country:
		return fail("region", rc+" is a region of "+owner+", not of "+country)
	}
	return country, rc, nil
}

// cleanText trims s and checks its length and characters by the text rule
// (CheckText). A name or external id is one line: a line break or tab
// inside it (a quoted two-line cell, "Wei\nLi") is folded to a space, as a
// spreadsheet shows it, rather than rejected, which would leave that
// customer un-notified. A multi-line field such as a postal address keeps
// its lines, with CRLF and CR made LF.
func cleanText(s string, max int, multiline bool) (string, string) {
	s = strings.TrimSpace(s)
	if len(s) > max {
		return "", "is longer than " + strconv.Itoa(max) + " bytes"
	}
	s, msg := CheckText(s, !multiline)
	if msg != "" {
		return "", msg
	}
	if multiline && strings.IndexByte(s, '\r') >= 0 {
		s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	}
	return s, ""
}
