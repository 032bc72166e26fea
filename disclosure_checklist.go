package candor

import "strings"

// PlaceLocaleCount is how many of an incident's customers live in one
// place and speak one locale (each "" when unknown).
type PlaceLocaleCount struct {
	Country string `json:"country"` // ISO 3166-1
	Region  string `json:"region"`  // ISO 3166-2
	Locale  string `json:"locale"`  // BCP 47
	N       int    `json:"n"`
}

// JurisdictionPlace is where a catalogue jurisdiction is, as a customer's
// country and region: "US-CA" is region US-CA of country US, "JP" country
// JP, "EU" the EU itself (which variant keys name as "@EU"), and a
// federal regime such as "US-HIPAA" its country, with the regime as region.
// A regulator report picks its variant for this place.
func JurisdictionPlace(code string) (country, region string) {
	if c, _, ok := strings.Cut(code, "-"); ok {
		return c, code
	}
	return code, ""
}
