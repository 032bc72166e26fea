package candor

import "strings"

// MaxQueryLen bounds CustomerFilter.Q: the longer of MaxEmailLen and
// MaxExternalIDLen.
const MaxQueryLen = max(MaxEmailLen, MaxExternalIDLen)

// Normalize checks a list filter and puts its values in the canonical form
// the store matches on: country, region and locale as NormalizeCustomer
// stores them, Q as a normalised email when it is one (so the store can look
// it up by keyed hash) and trimmed otherwise (an external_id), Limit
// defaulted. It returns an EINVALID *Error naming the bad query parameters.
func (f CustomerFilter) Normalize(geo GeoChecker, loc LocaleCanonicalizer) (CustomerFilter, error) {
	var v Validation
	if f.Country != "" || f.Region != "" {
		country, region, fe := normalizePlace(f.Country, f.Region, geo)
		if fe != nil {
			v = append(v, *fe)
		}
		// A region implies its country; Country stays empty unless given,
		// as the region already narrows further.
		if strings.TrimSpace(f.Country) != "" {
			f.Country = country
		}
		f.Region = region
	}
	if f.Locale = strings.TrimSpace(f.Locale); f.Locale != "" {
		l, err := loc.CanonicalLocale(f.Locale)
		if err != nil {
			v.Add("locale", "%s is not a BCP 47 language tag", QuoteShort(f.Locale))
		}
		f.Locale = l
	}
	if f.Status = strings.TrimSpace(f.Status); f.Status != "" && !IsCustomerStatus(f.Status) {
		v.Add("status", "must be one of pending, queued, sent, failed, bounced, postal")
	}
	f.Q = strings.TrimSpace(f.Q)
	if len(f.Q) > MaxQueryLen {
		// Nothing longer can match: an email or an external_id.
		v.Add("q", "must be at most %d bytes (an email address or an external_id)", MaxQueryLen)
	} else if strings.Contains(f.Q, "@") {
		if e, msg := normalizeEmail(f.Q); msg == "" {
			f.Q = e
		}
	}
	switch {
	case f.Limit == 0:
		f.Limit = DefaultListLimit
	case f.Limit < 0 || f.Limit > MaxListLimit:
		v.Add("limit", "must be between 1 and %d", MaxListLimit)
	}
	return f, v.Err()
}

// IsCustomerStatus reports whether s is one of the Customer* statuses.
func IsCustomerStatus(s string) bool {
	switch s {
	case CustomerPending, CustomerQueued, CustomerSent, CustomerFailed, CustomerBounced, CustomerPostal:
		return true
	}
	return false
}
