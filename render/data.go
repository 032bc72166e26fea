package render

import (
	"time"

	"golang.org/x/text/language"
)

// Data is what a template sees as dot. These are view structs, not the
// store's: a template can only reach what is listed here, so adding a
// column to a table never exposes it to template authors by accident.
// Every field is always present; an unknown value is its zero value
// (empty string, empty list, zero time, 0), which templates test with
// {{if}} or {{with}}.
type Data struct {
	Customer  CustomerView
	Incident  IncidentView
	Org       OrgView
	Statement StatementView
}

// CustomerView is the recipient of a customer notice. For a regulator
// report or a public statement it is empty.
type CustomerView struct {
	Name           string   // may be empty: address the customer generically then
	Email          string   // empty for postal customers
	Country        string   // ISO 3166-1 alpha-2, "JP"
	Region         string   // ISO 3166-2, "US-CA"
	Locale         string   // BCP 47, the customer's own (the variant's may differ)
	DataCategories []string // this customer's affected data; may be empty: use the incident's
}

// IncidentView is the incident, with its public timeline only.
type IncidentView struct {
	Title          string
	Summary        string
	DiscoveredAt   time.Time // when the organisation became aware
	OccurredFrom   time.Time // zero if unknown (extension: regulator reports ask for it)
	OccurredTo     time.Time // zero if unknown or ongoing
	Severity       string    // low, medium, high, critical
	DataCategories []string  // codes; name them with `categories`
	Affected       int       // approximate number of people affected, 0 if not yet known (extension)
	Events         []EventView
}

// EventView is one public timeline entry, in time order.
type EventView struct {
	Date        time.Time // a date-only entry is midnight UTC of that date
	DateOnly    bool      // true when only the date is known
	Description string
}

// OrgView is the organisation making the disclosure, from configuration.
type OrgView struct {
	Name         string
	ContactEmail string
	ContactPhone string // may be empty
	WebsiteURL   string // may be empty
}

// StatementView points at the public statement, once there is one.
type StatementView struct {
	URL string // may be empty
}

// SampleCustomer returns a plausible customer of the given locale, with every
// field filled, for previews without a customer and for Check. Its country
// is the locale's most likely region (ja → JP).
func SampleCustomer(loc string, categories []string) CustomerView {
	c := CustomerView{
		Name:           "Alex Morgan",
		Email:          "customer@example.com",
		Locale:         loc,
		DataCategories: append([]string(nil), categories...),
	}
	if t, err := language.Parse(loc); err == nil {
		if r, conf := t.Region(); conf != language.No && r.String() != "ZZ" {
			c.Country = r.String()
		}
	}
	switch newLocale(loc).lang {
	case "ja":
		c.Name = "山田 花子"
	case "th":
		c.Name = "สมศรี ใจดี"
	case "id":
		c.Name = "Siti Rahayu"
	case "fil":
		c.Name = "Maria Santos"
	}
	switch c.Country {
	case "JP":
		c.Region = "JP-13"
	case "TH":
		c.Region = "TH-10"
	case "ID":
		c.Region = "ID-JK"
	case "PH":
		c.Region = "PH-00"
	case "US":
		c.Region = "US-CA"
	}
	return c
}
