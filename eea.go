package candor

import "strings"

// IsEEA reports whether an ISO 3166-1 country is in the European Economic
// Area (EU members plus Iceland, Liechtenstein and Norway), where the GDPR
// applies. The United Kingdom is not: it has its own code, GB.
func IsEEA(country string) bool {
	switch strings.ToUpper(country) {
	case "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
		"IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
		"IS", "LI", "NO":
		return true
	}
	return false
}

// EEACountries lists the ISO 3166-1 codes IsEEA accepts, sorted: the
// countries whose customers count for an "EU" area. It is derived from
// IsEEA so the two can never disagree.
func EEACountries() []string {
	var out []string
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			if c := string([]rune{a, b}); IsEEA(c) {
				out = append(out, c)
			}
		}
	}
	return out
}
