package candor

import (
	"strings"
	"time"
)

// Customer channels: how a customer is notified.
const (
	ChannelEmail  = "email"
	ChannelPostal = "postal" // no email address: listed for printed letters
)

// Customer statuses, the notification state shown in lists and export.csv.
const (
	CustomerPending = "pending" // imported, no notice scheduled yet
	CustomerQueued  = "queued"  // a send has queued a notice
	CustomerSent    = "sent"    // the relay accepted the notice
	CustomerFailed  = "failed"  // retries exhausted
	CustomerBounced = "bounced" // the relay or the recipient's server bounced it
	CustomerPostal  = "postal"  // no email: waiting for a printed letter
)

// Limits on one customer's fields. They bound what one row can cost to store
// and encrypt, and they match what a mail relay accepts (RFC 5321 4.5.3.1).
const (
	MaxExternalIDLen    = 128  // bytes
	MaxNameLen          = 256  // bytes
	MaxEmailLen         = 254  // bytes, the whole addr-spec
	MaxEmailLocalLen    = 64   // bytes, before the @
	MaxPostalAddressLen = 1024 // bytes; may span lines
	MaxDataCategories   = 32   // per customer
	MaxCategoryLen      = 64   // bytes, per label
)

// Customer is one person affected by an incident. Name, Email and
// PostalAddress are personal data: the store keeps them encrypted and erases
// them on DELETE, keeping the row (ID, status, timestamps) as evidence of what
// was sent to whom.
type Customer struct {
	ID            string
	IncidentID    string
	ExternalID    string // the caller's key; re-imports upsert on it
	Name          string
	Email         string // normalised addr-spec, or "" for postal customers
	PostalAddress string
	// The structured postal address a printed letter goes to (issue 22):
	// street lines, city (a district in TH), postal code, with Region and
	// Country; and a phone number. Personal data like the name.
	AddressLines   []string
	City           string
	PostalCode     string // in the post's printed form (100-0001, 94105-1234)
	Phone          string
	Country        string // ISO 3166-1 alpha-2, upper case, or ""
	Region         string // ISO 3166-2 (US-CA), or ""
	Locale         string // canonical BCP 47 tag (ja, en-US), or ""
	DataCategories []string
	Channel        string // ChannelEmail or ChannelPostal
	Status         string // one of the Customer* statuses
	CreatedAt      time.Time
	UpdatedAt      time.Time
	ErasedAt       *time.Time // set once the personal fields are erased
}

// Erased reports whether the customer's personal data has been erased.
func (c *Customer) Erased() bool { return c.ErasedAt != nil }

// Erase blanks the personal fields (name, email, postal address) and records
// when, leaving what the delivery evidence needs: IDs, channel, status and the
// fields that decide which law applied (country, region, data categories).
// ExternalID stays too: it is the caller's pseudonymous key, the only link by
// which the company can show in its own systems that this person was told;
// without it the evidence could not be attributed. The store must also drop
// the email's keyed hash, which is derived from the erased address.
func (c *Customer) Erase(at time.Time) {
	c.Name, c.Email, c.PostalAddress = "", "", ""
	c.AddressLines, c.City, c.PostalCode, c.Phone = nil, "", "", ""
	c.ErasedAt = &at
}

// Input returns the customer's fields as an input, the starting point of a
// PATCH: apply the changed fields to it and normalise again.
func (c *Customer) Input() CustomerInput {
	return CustomerInput{ExternalID: c.ExternalID, Name: c.Name, Email: c.Email, PostalAddress: c.PostalAddress,
		AddressLines: c.AddressLines, City: c.City, PostalCode: c.PostalCode, Phone: c.Phone, Country: c.Country, Region: c.Region, Locale: c.Locale, DataCategories: c.DataCategories}
}

// SameData reports whether c and o hold the same supplied data (the fields
// of CustomerInput, in canonical form). A re-import of an unchanged row
// compares equal and is reported unchanged; IDs, channel, status and
// timestamps are the store's and are not compared, so a re-import never
// resets a customer who was already notified.
func (c *Customer) SameData(o *Customer) bool {
	if len(c.DataCategories) != len(o.DataCategories) {
		return false
	}
	for i := range c.DataCategories {
		if c.DataCategories[i] != o.DataCategories[i] {
			return false
		}
	}
	if strings.Join(c.AddressLines, "\n") != strings.Join(o.AddressLines, "\n") || c.City != o.City ||
		c.PostalCode != o.PostalCode || c.Phone != o.Phone {
		return false
	}
	return c.ExternalID == o.ExternalID && c.Name == o.Name && c.Email == o.Email &&
		c.PostalAddress == o.PostalAddress && c.Country == o.Country && c.Region == o.Region && c.Locale == o.Locale
}

// CustomerInput is one customer as a caller supplies it: a CSV row, a JSON
// element or a PATCH body, before NormalizeCustomer checks and canonicalises
// it. Field names in errors are the JSON/CSV names (external_id, email, ...).
type CustomerInput struct {
	ExternalID     string
	Name           string
	Email          string
	PostalAddress  string
	AddressLines   []string // address_lines; "|"-separated in CSV
	City           string
	PostalCode     string
	Phone          string
	Country        string
	Region         string
	Locale         string
	DataCategories []string
}

// CustomerFilter selects customers of one incident for a list or an export.
// Country, Region and Locale are matched on canonical values; Q is an exact
// match on email (through its keyed hash: personal fields are encrypted, so
// there is no substring search) or on external_id.
type CustomerFilter struct {
	IncidentID string
	Country    string
	Region     string
	Locale     string
	Status     string
	Q          string
	Cursor     string // opaque, from the previous page
	Limit      int    // 0 means DefaultListLimit
}

// List page sizes, as in the API contract.
const (
	DefaultListLimit = 50
	MaxListLimit     = 1000
)

// ImportReport is the outcome of one import, as the API returns it.
// Errors is capped at MaxImportErrors so that a file of a million bad rows
// cannot make a million-entry report; Rejected still counts every row.
type ImportReport struct {
	Accepted  int          `json:"accepted"`
	Updated   int          `json:"updated"`
	Unchanged int          `json:"unchanged"`
	Rejected  int          `json:"rejected"`
	Errors    []FieldError `json:"errors"`
	Truncated bool         `json:"errors_truncated,omitempty"`
	// ScopeAdded are the countries this import brought into the incident's
	// scope: none of its events named them, so their duties run from the
	// import (record an event with a scope if they were known earlier).
	ScopeAdded []ScopeAddition `json:"scope_added,omitempty"`
}

// MaxImportErrors caps ImportReport.Errors.
const MaxImportErrors = 1000

// Reject counts a rejected row and keeps its errors while under the cap.
func (r *ImportReport) Reject(errs []FieldError) {
	r.Rejected++
	for _, e := range errs {
		if len(r.Errors) >= MaxImportErrors {
			r.Truncated = true
			return
		}
		r.Errors = append(r.Errors, e)
	}
}
