package candor

import (
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Known data categories. Breach laws turn on them (a US state law may apply
// only when national_id or financial_account leaked), so the deadline rules
// match these names; anything else is kept as a free label for the notice.
const (
	CategoryName          = "name"
	CategoryEmail         = "email"
	CategoryPostalAddress = "postal_address"
	CategoryPhone         = "phone"
	CategoryDateOfBirth   = "date_of_birth"
	CategoryNationalID    = "national_id" // a Social Security number in the US
	CategoryPassport      = "passport"
	// CategoryDriversLicence is a driver's licence or state ID card
	// number (US statutes list it beside the SSN).
	CategoryDriversLicence   = "drivers_licence"
	CategoryFinancialAccount = "financial_account"
	CategoryPaymentCard      = "payment_card"
	// CategoryAccountWithCode is an account or card number together with
	// the security code, access code or password that gives access to it;
	// financial_account or payment_card alone leave the code undecided.
	CategoryAccountWithCode = "account_with_code"
	CategoryHealth          = "health"
	CategoryBiometric       = "biometric"
	// CategoryCredentials is a username or e-mail address together with
	// its password or security question and answer.
	CategoryCredentials = "credentials"
	CategoryEmployment  = "employment"
	CategoryLocation    = "location"
	CategoryOther       = "other"
)

// KnownDataCategories lists the vocabulary in display order.
func KnownDataCategories() []string {
	return []string{
		CategoryName, CategoryEmail, CategoryPostalAddress, CategoryPhone,
		CategoryDateOfBirth, CategoryNationalID, CategoryPassport, CategoryDriversLicence,
		CategoryFinancialAccount, CategoryPaymentCard, CategoryAccountWithCode, CategoryHealth,
		CategoryBiometric, CategoryCredentials, CategoryEmployment,
		CategoryLocation, CategoryOther,
	}
}

// IsKnownDataCategory reports whether c is in the known vocabulary.
func IsKnownDataCategory(c string) bool {
	return slices.Contains(KnownDataCategories(), c)
}

// categoryAlias maps labels CRM exports commonly use to the known name, so
// that "SSN" counts as national_id for the deadline rules instead of becoming
// a free label that no rule matches.
func categoryAlias(c string) string {
	switch c {
	case "full_name", "first_name", "last_name":
		return CategoryName
	case "e_mail", "email_address":
		return CategoryEmail
	case "address", "home_address", "mailing_address":
		return CategoryPostalAddress
	case "phone_number", "telephone", "mobile":
		return CategoryPhone
	case "dob", "birth_date", "birthdate":
		return CategoryDateOfBirth
	case "ssn", "social_security_number", "national_id_number", "tax_id":
		return CategoryNationalID
	case "passport_number":
		return CategoryPassport
	case "drivers_license", "driver_license", "driver_licence", "driving_licence", "driving_license",
		"drivers_license_number", "state_id", "id_card", "id_card_number":
		return CategoryDriversLicence
	case "card_with_code", "card_with_cvv", "card_and_cvv", "account_with_password", "account_and_password",
		"card_number_with_code", "account_number_with_code":
		return CategoryAccountWithCode
	case "bank_account", "account_number", "iban":
		return CategoryFinancialAccount
	case "credit_card", "card_number", "debit_card":
		return CategoryPaymentCard
	case "medical", "health_data":
		return CategoryHealth
	case "biometrics", "fingerprint":
		return CategoryBiometric
	case "password", "passwords", "login", "username_password", "username_and_password",
		"email_and_password", "email_password", "login_credentials":
		return CategoryCredentials
	case "geolocation", "gps":
		return CategoryLocation
	}
	return c
}

// NormalizeDataCategories canonicalises a list of category labels: trimmed,
// lower-cased, runs of spaces and hyphens turned into "_", common aliases
// mapped to the known name, duplicates and empties dropped, sorted so that a
// re-import of the same file compares equal. A free label must be a slug:
// a letter, then letters, digits or "_", at most MaxCategoryLen bytes.
// Problems are reported on field "data_categories".
func NormalizeDataCategories(in []string) ([]string, []FieldError) {
	out := make([]string, 0, len(in))
	var errs []FieldError
	for _, raw := range in {
		c := categoryAlias(slugify(raw))
		switch {
		case c == "":
			continue
		case len(c) > MaxCategoryLen:
			errs = append(errs, FieldError{Field: "data_categories",
				Message: "a category label is longer than 64 bytes"})
			continue
		case !isSlug(c):
			errs = append(errs, FieldError{Field: "data_categories",
				Message: "category " + QuoteShort(raw) + " must be letters, digits and _ (like date_of_birth)"})
			continue
		}
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	if len(out) > MaxDataCategories {
		errs = append(errs, FieldError{Field: "data_categories",
			Message: "more than 32 categories"})
	}
	if len(out) == 0 {
		return nil, errs
	}
	slices.Sort(out)
	return out, errs
}

// SplitDataCategories splits the ";"-separated form used in CSV cells.
// Commas are accepted too: spreadsheets users type both.
func SplitDataCategories(cell string) []string {
	if strings.TrimSpace(cell) == "" {
		return nil
	}
	return strings.FieldsFunc(cell, func(r rune) bool { return r == ';' || r == ',' })
}

// slugify lower-cases s and turns runs of spaces, hyphens and underscores
// into a single "_", trimming them at both ends.
func slugify(s string) string {
	s = strings.TrimSpace(s)
	if isSlug(s) {
		return s // the common case, without allocating
	}
	var b strings.Builder
	b.Grow(len(s))
	pending := false
	for _, r := range s {
		if r == ' ' || r == '-' || r == '_' || r == '\t' {
			pending = b.Len() > 0
			continue
		}
		if pending {
			b.WriteByte('_')
			pending = false
		}
		if r < utf8.RuneSelf {
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			b.WriteByte(byte(r))
		} else {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

func isSlug(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z':
		case i > 0 && (c >= '0' && c <= '9' || c == '_'):
		default:
			return false
		}
	}
	return s != ""
}

// QuoteShort quotes s for an error message, cut to a readable length so a
// hostile cell cannot blow up the report.
func QuoteShort(s string) string {
	const max = 40
	if len(s) > max {
		cut := max
		for cut > 0 && !isRuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return strconv.Quote(strings.ToValidUTF8(s, "\uFFFD"))
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// Classes of data that some laws single out: a rule's condition names the
// class, and a category satisfies it through DataCategoryConditions.
const (
	DataClassHealth    = "health_data"    // health and medical data
	DataClassSensitive = "sensitive_data" // special-category data (GDPR Art. 9, APPI)
	DataClassFinancial = "financial_data" // card or account data
)

// DataCategoryConditions returns the classes of data a category belongs to,
// which rules name as conditions (deadline.CondHealthData and its kin).
// Categories are free text on the incident, so the common spellings are
// accepted ("health", "Medical", "payment-card"); anything else satisfies
// none. Health data is also sensitive data, as in GDPR Art. 9 and APPI.
func DataCategoryConditions(category string) []string {
	c := strings.ToLower(strings.TrimSpace(category))
	c = strings.NewReplacer("-", "_", " ", "_").Replace(c)
	switch c {
	case "health", "medical", "health_data", "phi", "medical_records":
		return []string{DataClassHealth, DataClassSensitive}
	case "sensitive", "special_category", "biometric", "genetic", "race", "ethnicity",
		"racial_or_ethnic_origin", "religion", "religious_beliefs", "political_opinions",
		"trade_union", "sexual_orientation", "sex_life", "criminal_record", "criminal_records":
		return []string{DataClassSensitive}
	case "financial", "financial_account", "bank_account", "payment_card", "credit_card", "card",
		"account_with_code":
		return []string{DataClassFinancial}
	}
	return nil
}

// CanonicalDataCategory returns the known name of a category label (its
// slug, with the common aliases mapped), or "" when the label is empty.
func CanonicalDataCategory(c string) string { return categoryAlias(slugify(c)) }
