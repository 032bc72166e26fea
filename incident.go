package candor

import (
	"net/mail"
	"slices"
	"strings"
	"time"
)

// Incident is one security incident and the facts legal deadlines run from.
type Incident struct {
	ID                      string     `json:"id"`
	Title                   string     `json:"title"`
	Summary                 string     `json:"summary"`
	DiscoveredAt            time.Time  `json:"discovered_at"`
	OccurredFrom            *time.Time `json:"occurred_from"`
	OccurredTo              *time.Time `json:"occurred_to"`
	DeterminedAt            *time.Time `json:"determined_at"`
	MaterialityDeterminedAt *time.Time `json:"materiality_determined_at"`
	NotifiableAssessedAt    *time.Time `json:"notifiable_assessed_at"`
	Severity                string     `json:"severity"`
	Cause                   string     `json:"cause,omitempty"`
	Malicious               *bool      `json:"malicious"`
	// Acquired says whether the data were (reasonably believed to be)
	// acquired by an unauthorized person, not only accessed; HighRisk is
	// the assessment of the harm to individuals (GDPR "high risk", the
	// Philippines' "real risk of serious harm"). Nil: not assessed, and the
	// duties that turn on them are conditional.
	Acquired        *bool            `json:"acquired"`
	HighRisk        *bool            `json:"high_risk"`
	DataCategories  []string         `json:"data_categories"`
	ReportingEntity *ReportingEntity `json:"reporting_entity"`
	OwnerEmail      string           `json:"owner_email,omitempty"`
	LegalContacts   []string         `json:"legal_contacts"`
	// Timezone is the IANA zone the incident's dates are shown in
	// (Asia/Tokyo); default the organisation's (CANDOR_ORG_TIMEZONE).
	Timezone string `json:"timezone"`
	// DefaultLanguage is the language Title, Summary and the timeline's
	// descriptions are written in (default "en"); Translations give the
	// facts in others, keyed by language ("ja").
	DefaultLanguage string                  `json:"language"`
	Translations    map[string]IncidentText `json:"translations"`
	// ContainedAt is when the breach was contained; notices claim
	// containment only once it is recorded.
	ContainedAt *time.Time `json:"contained_at"`
	// LawEnforcementDelay says whether notification was delayed by a law
	// enforcement investigation (California asks notices to say so); nil:
	// not determined.
	LawEnforcementDelay *bool     `json:"law_enforcement_delay"`
	CreatedAt           time.Time `json:"created_at"`
	UpdatedAt           time.Time `json:"updated_at"`
}

// ReportingEntity is the organisation that reports the incident: its country
// and listing decide some obligations (a US listing brings SEC Form 8-K).
type ReportingEntity struct {
	Name     string `json:"name"`
	Country  string `json:"country"`
	ListedUS bool   `json:"listed_us"`
	// Processor is true when the entity holds the affected data for
	// another organisation (a processor, service provider or data
	// intermediary): the catalogue's notices to the controller then apply.
	Processor bool `json:"processor,omitempty"`
}

// Severities and causes accepted on an incident.
var (
	Severities = []string{"low", "medium", "high", "critical"}
	Causes     = []string{"unauthorized_access", "malware", "lost_device", "misdelivery", "insider", "other"}
)

// Limits on free text, generous for real use and small enough that a body
// can never make a row the database chokes on.
const (
	maxTitle       = 300
	maxSummary     = 20000
	maxDescription = 5000
	maxCategories  = 50
	maxTimezone    = 64 // bytes; the longest IANA name is 32
)

// Validate checks an incident before it is stored, and normalises what has
// one canonical form (times in UTC, categories trimmed and de-duplicated).
func (in *Incident) Validate() error {
	var v Validation
	in.Title = strings.TrimSpace(in.Title)
	in.Title = v.Text("title", in.Title, true)
	in.Summary = v.Text("summary", in.Summary, false)
	if in.Title == "" || len(in.Title) > maxTitle {
		v.Add("title", "is required, at most %d characters", maxTitle)
	}
	if len(in.Summary) > maxSummary {
		v.Add("summary", "must be at most %d characters", maxSummary)
	}
	if in.DiscoveredAt.IsZero() {
		v.Add("discovered_at", "is required (RFC 3339, e.g. 2020-06-11T00:00:00Z)")
	}
	in.DiscoveredAt = in.DiscoveredAt.UTC()
	if !in.DiscoveredAt.IsZero() { // zero: "is required" above
		v.Date("discovered_at", &in.DiscoveredAt)
	}
	v.Date("occurred_from", in.OccurredFrom)
	v.Date("occurred_to", in.OccurredTo)
	v.Date("determined_at", in.DeterminedAt)
	v.Date("materiality_determined_at", in.MaterialityDeterminedAt)
	v.Date("notifiable_assessed_at", in.NotifiableAssessedAt)
	v.Date("contained_at", in.ContainedAt)
	for _, t := range []**time.Time{&in.OccurredFrom, &in.OccurredTo, &in.DeterminedAt, &in.MaterialityDeterminedAt, &in.NotifiableAssessedAt, &in.ContainedAt} {
		if *t != nil {
			u := (**t).UTC()
			*t = &u
		}
	}
	if in.OccurredFrom != nil && in.OccurredTo != nil && in.OccurredTo.Before(*in.OccurredFrom) {
		v.Add("occurred_to", "must not be before occurred_from")
	}
	if in.DeterminedAt != nil && in.DeterminedAt.Before(in.DiscoveredAt) {
		v.Add("determined_at", "must not be before discovered_at")
	}
	if in.ContainedAt != nil && in.OccurredFrom != nil && in.ContainedAt.Before(*in.OccurredFrom) {
		v.Add("contained_at", "must not be before occurred_from")
	}
	if in.Timezone == "" {
		in.Timezone = "UTC" // the API fills in the organisation's zone first
	}
	if len(in.Timezone) > maxTimezone || !validTimezone(in.Timezone) {
		v.Add("timezone", "%s is not an IANA time zone (e.g. Asia/Tokyo, Europe/Berlin, UTC)", QuoteShort(in.Timezone))
	}
	if in.DefaultLanguage == "" {
		in.DefaultLanguage = "en"
	} else if k, err := LanguageKey(in.DefaultLanguage); err != nil {
		v.Add("language", "%s", err.Error())
	} else {
		in.DefaultLanguage = k
	}
	in.Translations = normalizeTranslations(&v, "translations", in.Translations, func(t *IncidentText) bool {
		t.Title, t.Summary, t.ReportingEntity = strings.TrimSpace(t.Title), strings.TrimSpace(t.Summary), strings.TrimSpace(t.ReportingEntity)
		return t.Title == "" && t.Summary == "" && t.ReportingEntity == ""
	})
	for k, t := range in.Translations {
		t.Title = v.Text("translations."+k+".title", t.Title, true)
		t.Summary = v.Text("translations."+k+".summary", t.Summary, false)
		t.ReportingEntity = v.Text("translations."+k+".reporting_entity", t.ReportingEntity, true)
		in.Translations[k] = t
		if len(t.Title) > maxTitle {
			v.Add("translations."+k+".title", "must be at most %d characters", maxTitle)
		}
		if len(t.Summary) > maxSummary {
			v.Add("translations."+k+".summary", "must be at most %d characters", maxSummary)
		}
		if len(t.ReportingEntity) > maxTitle {
			v.Add("translations."+k+".reporting_entity", "must be at most %d characters", maxTitle)
		}
		if k == in.DefaultLanguage {
			v.Add("translations."+k, "is the incident's own language (language: %s): change title and summary instead", k)
		}
	}
	if !slices.Contains(Severities, in.Severity) {
		v.Add("severity", "must be one of %s", strings.Join(Severities, ", "))
	}
	if in.Cause != "" && !slices.Contains(Causes, in.Cause) {
		v.Add("cause", "must be one of %s", strings.Join(Causes, ", "))
	}
	cats, err := normalizeLabels(in.DataCategories)
	if err != "" {
		v.Add("data_categories", "%s", err)
	}
	in.DataCategories = cats
	if e := in.ReportingEntity; e != nil {
		e.Name = strings.TrimSpace(e.Name)
		e.Name = v.Text("reporting_entity.name", e.Name, true)
		if len(e.Name) > maxTitle {
			// It is copied into every audit entry of the incident's edits
			// and into notices: a megabyte was accepted before.
			v.Add("reporting_entity.name", "must be at most %d characters", maxTitle)
		}
		e.Country = strings.ToUpper(strings.TrimSpace(e.Country))
		if len(e.Country) != 2 || !isASCIIUpper(e.Country) {
			v.Add("reporting_entity.country", "must be an ISO 3166-1 alpha-2 code")
		}
	}
	if len(in.OwnerEmail) > MaxEmailLen {
		v.Add("owner_email", "must be at most %d bytes", MaxEmailLen)
	} else if in.OwnerEmail != "" && !validEmail(in.OwnerEmail) {
		v.Add("owner_email", "is not an email address")
	}
	if in.LegalContacts == nil {
		in.LegalContacts = []string{}
	}
	if len(in.LegalContacts) > MaxLegalContacts {
		// Checked first: a list of 20,000 gives one error, not 20,000.
		v.Add("legal_contacts", "must be at most %d addresses (%d given)", MaxLegalContacts, len(in.LegalContacts))
	} else {
		for _, c := range in.LegalContacts {
			if !validEmail(c) {
				v.Add("legal_contacts", "%q is not an email address", c)
			}
		}
	}
	return v.Err()
}

// normalizeLabels trims, lower-cases and de-duplicates category labels.
func normalizeLabels(in []string) ([]string, string) {
	out := make([]string, 0, len(in))
	for _, c := range in {
		c = strings.ToLower(strings.TrimSpace(c))
		if c == "" || len(c) > 64 {
			return out, "each category must be 1 to 64 characters"
		}
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	if len(out) > maxCategories {
		return out, "too many categories"
	}
	return out, ""
}

func isASCIIUpper(s string) bool {
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Name == "" && a.Address == s
}

// IncidentFilter narrows a list of incidents.
type IncidentFilter struct {
	Cursor string
	Limit  int
}
