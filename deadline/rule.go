package deadline

import (
	"fmt"
	"strings"

	"github.com/candor-dev/candor"
)

// Rule is one breach-notification duty from the jurisdiction catalogue: who
// must be told, by when, from which moment, and under which conditions. The
// catalogue is data (package jurisdictions embeds it as JSON), so the JSON
// names below are the file format as well as the shape of
// GET /api/v1/jurisdictions; a law that changes is a new rule with its own
// effective range, never an edit to the engine.
type Rule struct {
	// ID is stable and unique across the catalogue ("us-tx-ag"); override
	// files replace rules by ID, and calendar UIDs and reminders key on it.
	ID string `json:"id"`
	// Jurisdiction is the code shown to users: an ISO 3166-1 country ("JP"),
	// an ISO 3166-2 region ("US-TX"), "EU", or a federal regime ("US-SEC").
	Jurisdiction string `json:"code"`
	// Area is where the rule's residents live, when that differs from the
	// code: "US" for US-SEC and US-HIPAA. Empty means the code itself.
	Area string `json:"area,omitempty"`
	Name string `json:"name"`
	Law  string `json:"law"`
	// Article is the provision within Law ("Art. 33", "§ 521.053(i)").
	Article  string   `json:"article,omitempty"`
	Audience Audience `json:"notify"`
	// Deadline is the time allowed; for a Soft rule it is Candor's target,
	// not a figure from the law (Notes say where it comes from).
	Deadline   Deadline   `json:"deadline"`
	ClockStart ClockStart `json:"clock_starts"`
	Soft       bool       `json:"soft"`
	// Stage names one filing of a multi-stage duty ("preliminary", "final",
	// "8-K/A"); empty for a single filing.
	Stage     string     `json:"stage,omitempty"`
	Threshold *Threshold `json:"threshold,omitempty"`
	// Conditions must all hold for the rule to apply; "!" negates one
	// ("!malicious"). An unknown fact leaves the obligation listed but
	// conditional (Obligation.DependsOn).
	Conditions []string `json:"conditions,omitempty"`
	// Data limits the rule to incidents whose data categories include
	// every category of at least one combination: the statutes' "name in
	// combination with an SSN, ..., or a username or e-mail with its
	// password" is [["name","national_id"], ..., ["credentials"]]. An item
	// is a data category (KnownDataCategories) or a data condition
	// (sensitive_data, health_data, financial_data). Empty: any personal
	// data. No categories recorded leaves the obligation conditional.
	Data [][]string `json:"data,omitempty"`
	// Nexus says what ties an incident to the rule: NexusResidents (the
	// default) or NexusEntity.
	Nexus Nexus `json:"nexus,omitempty"`
	// EffectiveFrom is the first day the rule applies and EffectiveTo the
	// first day it no longer does (zero: still in force); both are read as
	// dates in TimeZone.
	EffectiveFrom candor.Date `json:"effective_from"`
	EffectiveTo   candor.Date `json:"effective_to,omitzero"`
	// TimeZone is the IANA zone in which days are counted and end
	// (23:59:59 local) and effective dates are read.
	TimeZone string `json:"time_zone"`
	// Holidays names the public-holiday calendar for business days; empty
	// means the country part of the code ("US-SEC" → "US").
	Holidays string `json:"holidays,omitempty"`
	Source   string `json:"source"`
	// Confirmed is true when the figure was read in Source, false when it
	// comes from secondary material and needs checking by counsel.
	Confirmed bool   `json:"confirmed"`
	Notes     string `json:"notes,omitempty"`
}

// Audience is who receives the notice.
type Audience string

const (
	AudienceRegulator       Audience = "regulator"
	AudienceIndividuals     Audience = "individuals"
	AudiencePublic          Audience = "public" // a public filing or statement
	AudienceAttorneyGeneral Audience = "attorney_general"
	AudienceMedia           Audience = "media"
	// AudienceInternal marks a duty owed to no one outside, such as
	// finishing a risk assessment within a set time (Australia, Singapore).
	AudienceInternal Audience = "internal"
	// AudienceCreditBureaus are the nationwide consumer reporting agencies
	// some US states require to be told of large breaches.
	AudienceCreditBureaus Audience = "credit_bureaus"
	// AudienceController is the organisation a processor (service
	// provider, data intermediary) holds the data for.
	AudienceController Audience = "controller"
)

// ClockStart is the moment a deadline is counted from; each maps to one
// field of ObligationInput.
type ClockStart string

const (
	ClockAwareness            ClockStart = "awareness"             // DiscoveredAt
	ClockDiscovery            ClockStart = "discovery"             // DiscoveredAt
	ClockDetermination        ClockStart = "determination"         // DeterminedAt, else DiscoveredAt
	ClockNotifiableAssessment ClockStart = "notifiable_assessment" // NotifiableAssessedAt
	ClockMateriality          ClockStart = "materiality"           // MaterialityDeterminedAt
	ClockNewInformation       ClockStart = "new_information"       // NewInformationAt
	ClockIndividualsNotified  ClockStart = "individuals_notified"  // IndividualsNotifiedAt[code]
	// ClockDiscoveryYearEnd is the last moment of the calendar year of
	// discovery, for yearly logs (HIPAA breaches under 500 people).
	ClockDiscoveryYearEnd ClockStart = "discovery_year_end"
)

// Nexus is what makes an incident fall under a rule.
type Nexus string

const (
	// NexusResidents (the default): affected customers in the rule's area,
	// or a reporting entity established there (countries and EU only).
	NexusResidents Nexus = "residents"
	// NexusEntity: the rule's conditions alone decide, wherever customers
	// live (SEC filings follow the listing, not the customers).
	NexusEntity Nexus = "entity"
)

// Conditions a rule may require, each a fact of the incident or its entity.
const (
	CondUSListed      = "us_listed"               // ObligationInput.ListedUS
	CondHealthData    = candor.DataClassHealth    // see candor.DataCategoryConditions
	CondSensitiveData = candor.DataClassSensitive // special-category data
	CondFinancialData = candor.DataClassFinancial // card or account data
	CondMalicious     = "malicious"               // ObligationInput.Malicious
	// CondHighRisk stands for each law's harm test (GDPR "high risk", PIPEDA
	// "real risk of significant harm", NDB "serious harm"); it is a legal
	// assessment, so the engine only reads ObligationInput.HighRisk.
	CondHighRisk = "high_risk"
	// CondAcquired: the data were (reasonably believed to be) acquired by
	// an unauthorized person, not only accessed (most US states, the
	// Philippines); ObligationInput.Acquired.
	CondAcquired = "acquired"
	// CondProcessor: the reporting entity holds the data for another
	// organisation (ReportingEntity.Processor), so it owes that
	// organisation a notice.
	CondProcessor = "processor"
)

// Threshold limits a rule to incidents affecting enough people in its area.
// Op is written out (">" or ">=") because statutes differ: Texas says "at
// least 250", California "more than 500".
type Threshold struct {
	Op    string `json:"op"` // ">", ">=" or "<" (a duty only for small breaches)
	Count int    `json:"count"`
	// Per "region" compares the largest single-region count in the area
	// (HIPAA media notice: "more than 500 residents of a State"); Per
	// "incident" counts every affected person wherever they live (Japan:
	// "more than 1,000 persons", residents or not).
	Per string `json:"per,omitempty"`
	// Or lists conditions any of which satisfies the threshold whatever the
	// count (Japan: over 1,000 people, or malicious, or sensitive data).
	Or []string `json:"or,omitempty"`
}

// Met reports whether n satisfies the comparison (ignoring Or).
func (t Threshold) Met(n int) bool {
	switch t.Op {
	case ">":
		return n > t.Count
	case ">=":
		return n >= t.Count
	case "<":
		return n < t.Count
	}
	return false
}

// String renders the comparison as people read it: "≥ 250", "> 500".
func (t Threshold) String() string {
	op := t.Op
	if op == ">=" {
		op = "≥"
	}
	return fmt.Sprintf("%s %d", op, t.Count)
}

// Citation is the law and article together, as a notice would cite them.
func (r Rule) Citation() string {
	if r.Article == "" {
		return r.Law
	}
	return r.Law + " " + r.Article
}

// AreaCode is the area whose residents the rule protects.
func (r Rule) AreaCode() string {
	if r.Area != "" {
		return strings.ToUpper(r.Area)
	}
	return strings.ToUpper(r.Jurisdiction)
}

// HolidayCalendar is the holiday calendar business days are counted in.
func (r Rule) HolidayCalendar() string {
	if r.Holidays != "" {
		return strings.ToUpper(r.Holidays)
	}
	country, _, _ := strings.Cut(strings.ToUpper(r.Jurisdiction), "-")
	return country
}
