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
	Affected  AffectedView  // counts of affected customers
	Regulator RegulatorView // the authority a regulator report goes to; empty otherwise
	Notice    NoticeView    // this message: its date and reference
}

// AffectedView counts the incident's affected customers (not erased). The
// counts are exact at the time the message is composed.
type AffectedView struct {
	Total int // every affected customer of the incident
	// Jurisdiction is the count in the regulator's jurisdiction for a
	// regulator report (customers in that country, or region for a
	// sub-national one such as US-CA); for a customer notice or a
	// statement it equals Total.
	Jurisdiction int
	Countries    []CountView // by ISO 3166-1 country, largest first
	Regions      []CountView // by ISO 3166-2 region, largest first
}

// CountView is one count: Code is a country ("JP") or a region ("US-CA");
// name it with the `country` function.
type CountView struct {
	Code  string
	Count int
}

// RegulatorView is the authority a regulator report is addressed to.
type RegulatorView struct {
	Jurisdiction string // catalogue code: "JP", "TH", "US-CA", "DE"
	Authority    string // its name in the catalogue: "Personal Information Protection Commission"
}

// NoticeView is this message itself.
type NoticeView struct {
	// Date is the day the message is composed (sent, or previewed), in the
	// incident's zone: every notice carries its date.
	Date time.Time
	// Reference is what the reader quotes in a follow-up and types into
	// the lookup page to check the notice is genuine: the delivery's or
	// letter's own ("K7QM4-XR2TD-9HWPA"), else (a preview, a statement)
	// the incident's.
	Reference string
	// CheckURL is the public page where a reader checks a reference
	// (/notices/check); "" while the incident has no statement, since the
	// page answers nothing before one is published.
	CheckURL string
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
	Title   string // in the variant's language (the default text when no translation)
	Summary string // in the variant's language
	// Reference is the incident's short reference for follow-ups
	// ("INC-7Q4M-2K9D"), the same in every language.
	Reference string
	// TimeZone is the IANA name of the incident's zone; every time below is
	// in it, so `date` gives the local date and `datetime` names the zone.
	TimeZone       string
	DiscoveredAt   time.Time // when the organisation became aware
	OccurredFrom   time.Time // zero if unknown (extension: regulator reports ask for it)
	OccurredTo     time.Time // zero if unknown or ongoing
	Severity       string    // low, medium, high, critical
	DataCategories []string  // codes; name them with `categories`
	Affected       int       // number of affected customers, 0 if none imported yet (= .Affected.Total)
	Events         []EventView
	Cause          string    // unauthorized_access, malware, lost_device, misdelivery, insider, other; "" unknown
	Malicious      bool      // true only when recorded as deliberate
	ContainedAt    time.Time // when the breach was contained; zero: not (yet) recorded as contained
	DeterminedAt   time.Time // when the breach was determined to have occurred; zero if not recorded
	// LawEnforcementDelay is "yes" when notification was delayed by a law
	// enforcement investigation, "no" when it was not, "" when not determined.
	LawEnforcementDelay string
}

// EventView is one public timeline entry, in time order.
type EventView struct {
	Date        time.Time // in the incident's zone; a date-only entry is midnight of that date there
	DateOnly    bool      // true when only the date is known
	Description string
}

// OrgView is the organisation making the disclosure, from configuration.
type OrgView struct {
	// Name is the name the disclosure is made in, in the variant's
	// language: the incident's reporting entity when it has one, else the
	// configured organisation (CANDOR_ORG_NAME, or its form for the
	// language, CANDOR_ORG_NAME_JA …).
	Name         string
	Signatory    string // who signs: "Data Protection Officer"; may be empty
	ContactEmail string
	ContactPhone string // may be empty
	WebsiteURL   string // may be empty
}

// StatementView points at the public statement, once there is one.
type StatementView struct {
	// URL is the public statement's address once one is published or
	// scheduled; empty before, so a notice never points at a statement
	// that does not exist.
	URL       string
	Published bool      // live now
	PublishAt time.Time // when it goes (or went) live; zero without one
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
