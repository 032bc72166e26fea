package candor

import (
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Kinds of substitute notice (issue 22, item 4): how the organisation told
// the public where it could not tell each person. A statement or the
// lookup page is Candor's own publication; the others happened elsewhere
// and are recorded with their dates.
const (
	SubstituteStatement  = "statement"   // the incident's public statement (/statements/{slug})
	SubstituteLookupPage = "lookup_page" // the reference lookup (/notices/check), live with the statement
	SubstituteMedia      = "media"       // a notice in the press or on broadcast media
	SubstituteWebsite    = "website"     // a conspicuous notice on the organisation's website
	SubstituteOther      = "other"       // anything else a rule allows (a notice at the inquiry desk, ...)
)

// SubstituteKinds lists the kinds in the order forms show them.
func SubstituteKinds() []string {
	return []string{SubstituteStatement, SubstituteLookupPage, SubstituteMedia, SubstituteWebsite, SubstituteOther}
}

// Limits on a substitute notice's text.
const (
	maxSubstituteURL         = 2000
	maxSubstituteOutlet      = 200
	maxSubstituteDescription = 4000
	maxSubstituteAreas       = 300
)

// SubstituteNotice records one substitute notice: a publication that tells
// the people of some jurisdictions what a personal notice would have, for
// those no e-mail or letter reached. It covers them only where a legal
// person approved a substitute_notice decision on the duty to individuals
// (SubstituteCoverage): recording the notice is the fact, the decision is
// the authority.
type SubstituteNotice struct {
	ID            string   `json:"id"`
	IncidentID    string   `json:"incident_id"`
	Kind          string   `json:"kind"`
	Jurisdictions []string `json:"jurisdictions"`
	// PublishedOn is the day it went up, in the incident's zone; it covers
	// from PublishedAt, the first instant of that day there.
	PublishedOn string    `json:"published_on"`
	PublishedAt time.Time `json:"published_at"`
	// Until is the last day it stayed up, when it was taken down (or is
	// planned to be); "" while it stays.
	Until       string `json:"until,omitempty"`
	URL         string `json:"url,omitempty"`
	Outlet      string `json:"outlet,omitempty"`
	Description string `json:"description"`
	// PublicationID is the statement's publication a statement or
	// lookup_page notice stands on: one that was public on PublishedOn.
	PublicationID string    `json:"publication_id,omitempty"`
	RecordedBy    string    `json:"recorded_by"`
	CreatedAt     time.Time `json:"created_at"`
}

// OwnPublication reports whether the kind is one of Candor's own pages,
// which must stand on a statement that is (or was) public.
func (n SubstituteNotice) OwnPublication() bool {
	return n.Kind == SubstituteStatement || n.Kind == SubstituteLookupPage
}

// Validate checks a notice before it is stored, in the incident's zone
// loc, at now: the kind, the jurisdictions (each an ISO 3166-1 country, an
// ISO 3166-2 region or EU, upper-cased and sorted), the days (published_on
// not in the future, until not before it), the URL (http or https; a media
// notice names its outlet, a website notice its URL) and the description.
// Every problem at once, EINVALID naming each field.
func (n *SubstituteNotice) Validate(now time.Time, loc *time.Location, geo GeoChecker) error {
	var v Validation
	n.Kind = strings.ToLower(strings.TrimSpace(n.Kind))
	if !slices.Contains(SubstituteKinds(), n.Kind) {
		v.Add("kind", "must be one of %s", strings.Join(SubstituteKinds(), ", "))
	}
	var codes []string
	switch {
	case len(n.Jurisdictions) == 0:
		v.Add("jurisdictions", "is required: the countries (JP), regions (US-CA) or EU the notice covers")
	case len(n.Jurisdictions) > maxSubstituteAreas:
		v.Add("jurisdictions", "at most %d codes", maxSubstituteAreas)
	default:
		for _, raw := range n.Jurisdictions {
			code, ok := ScopeJurisdictionCode(raw, geo)
			if !ok {
				v.Add("jurisdictions", "%s is not a jurisdiction: give an ISO 3166-1 country (JP), an ISO 3166-2 region (US-CA) or EU", QuoteShort(raw))
				continue
			}
			if !slices.Contains(codes, code) {
				codes = append(codes, code)
			}
		}
	}
	slices.Sort(codes)
	n.Jurisdictions = codes
	n.PublishedOn = strings.TrimSpace(n.PublishedOn)
	today := now.In(loc).Format(DateLayout)
	switch day, err := time.ParseInLocation(DateLayout, n.PublishedOn, loc); {
	case n.PublishedOn == "":
		v.Add("published_on", "is required (YYYY-MM-DD, the day in the incident's zone %s)", loc)
	case err != nil:
		v.Add("published_on", "must be a date, YYYY-MM-DD")
	case !InDateRange(day):
		v.Add("published_on", "%s", DateRangeMessage)
	case n.PublishedOn > today:
		v.Add("published_on", "is in the future (today is %s in %s): record a notice once it is published", today, loc)
	default:
		n.PublishedAt = day.UTC()
	}
	n.Until = strings.TrimSpace(n.Until)
	if n.Until != "" {
		if day, err := time.Parse(DateLayout, n.Until); err != nil || !InDateRange(day) {
			v.Add("until", "must be a date, YYYY-MM-DD")
		} else if n.PublishedOn != "" && n.Until < n.PublishedOn {
			v.Add("until", "is before published_on")
		}
	}
	n.URL = v.Text("url", strings.TrimSpace(n.URL), true)
	if n.URL != "" {
		u, err := url.Parse(n.URL)
		switch {
		case utf8.RuneCountInString(n.URL) > maxSubstituteURL:
			v.Add("url", "is longer than %d characters", maxSubstituteURL)
		case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "":
			v.Add("url", "must be an http or https address")
		}
	} else if n.Kind == SubstituteWebsite {
		v.Add("url", "is required for a website notice: the page's address")
	}
	n.Outlet = v.Text("outlet", strings.TrimSpace(n.Outlet), true)
	switch {
	case utf8.RuneCountInString(n.Outlet) > maxSubstituteOutlet:
		v.Add("outlet", "is longer than %d characters", maxSubstituteOutlet)
	case n.Outlet == "" && n.Kind == SubstituteMedia:
		v.Add("outlet", "is required for a media notice: the newspaper or broadcaster")
	}
	n.Description = v.Text("description", strings.TrimSpace(n.Description), false)
	switch {
	case n.Description == "":
		v.Add("description", "is required: what was published and where it can be seen")
	case utf8.RuneCountInString(n.Description) > maxSubstituteDescription:
		v.Add("description", "is longer than %d characters", maxSubstituteDescription)
	}
	return v.Err()
}

// NoticeCovers reports whether a notice for jurisdiction j reaches the
// customers counted in reach jurisdiction r (ReachJurisdiction: "US-CA",
// or a country): the same code, r's country, or EU for an EEA country.
func NoticeCovers(j, r string) bool {
	if j == r {
		return true
	}
	country, _, _ := strings.Cut(r, "-")
	return j == country || j == "EU" && IsEEA(country)
}

// areaHolds reports whether a duty's area (Rule.AreaCode: "US-TX", "JP",
// "EU") holds the customers of reach jurisdiction r.
func areaHolds(area, r string) bool {
	country, _, _ := strings.Cut(r, "-")
	switch {
	case area == "EU":
		return IsEEA(country)
	case strings.Contains(area, "-"):
		return r == area
	}
	return country == area
}

// SubstituteAreas returns the areas of the duties to individuals on which
// a substitute_notice decision is currently approved (as of at). areaOf
// gives a duty's area and whether it is owed to individuals; the rule
// catalogue knows it.
func SubstituteAreas(decisions []Decision, areaOf func(obligationID string) (area string, individuals bool), at time.Time) []string {
	var out []string
	for _, d := range decisions {
		if d.Decision != DecisionSubstituteNotice || d.State != DecisionApproved || d.ApprovedAt == nil || d.ApprovedAt.After(at) {
			continue
		}
		if area, ok := areaOf(d.ObligationID); ok && !slices.Contains(out, area) {
			out = append(out, area)
		}
	}
	slices.Sort(out)
	return out
}

// SubstituteCoverage returns when customers of reach jurisdiction r not
// reached in person count as covered: the first instant a notice covering
// r was up (published by at), provided a substitute_notice decision is
// approved on a duty whose area holds r (areas, SubstituteAreas). ok is
// false when they are not covered.
func SubstituteCoverage(notices []SubstituteNotice, areas []string, at time.Time) func(r string) (time.Time, bool) {
	return func(r string) (time.Time, bool) {
		if !slices.ContainsFunc(areas, func(a string) bool { return areaHolds(a, r) }) {
			return time.Time{}, false
		}
		var first time.Time
		found := false
		for _, n := range notices {
			if n.PublishedAt.After(at) || !slices.ContainsFunc(n.Jurisdictions, func(j string) bool { return NoticeCovers(j, r) }) {
				continue
			}
			if !found || n.PublishedAt.Before(first) {
				first, found = n.PublishedAt, true
			}
		}
		return first, found
	}
}

// Covered adapts a coverage function to TallyReach's covered argument.
func Covered(cover func(r string) (time.Time, bool)) func(string) bool {
	return func(r string) bool {
		_, ok := cover(r)
		return ok
	}
}
