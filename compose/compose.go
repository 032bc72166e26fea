// Package compose builds what a disclosure template sees (render.Data) from
// domain values: the incident in the variant's language and the incident's
// time zone, its public timeline, the counts of affected customers, the
// organisation, the statement and, for a customer notice, the recipient.
//
// Preview, submit, the public pages and the send pipeline all build their
// data here, so that a preview is exactly what is sent. Senders rendering
// many recipients call Facts.Base once per variant and set Customer per
// recipient: that allocates nothing per message.
package compose

import (
	"cmp"
	"maps"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/render"
)

// Facts is everything the messages of one incident share.
type Facts struct {
	Incident candor.Incident
	// Events is the incident's public timeline in time order (as
	// ListEvents returns it); entries not marked public are left out.
	Events    []candor.Event
	Org       Organisation
	Statement Statement
	// Countries and Regions count the incident's affected customers per
	// ISO 3166-1 country and ISO 3166-2 region (store.CustomerPlaceCounts);
	// customers without a country are under "".
	Countries map[string]int
	Regions   map[string]int
	// Regulator is the addressee of a regulator report; nil otherwise.
	Regulator *candor.Regulator
	// Now is when the message is composed: the notice's date.
	Now time.Time
}

// Statement is the incident's public statement, if one is published or
// scheduled.
type Statement struct {
	URL       string // "" when there is none
	CheckURL  string // the reference lookup page (CheckURL); "" when there is no statement
	Published bool
	PublishAt time.Time
}

// Fallback is a fact shown in the default language because it has no text
// in the variant's: Field is its API name ("summary",
// "events.<id>.description"), Language the variant's language.
type Fallback struct {
	Field    string `json:"field"`
	Language string `json:"language"`
	event    int    // index in the data's Events for an event's description, else -1
}

// Base is the template data for variant key variant (a language, "ja", or
// a language for one jurisdiction, "en@US-CA") without a customer, and the
// facts that fell back to the default language. Times are in the
// incident's zone; date-only events are midnight of their date there.
func (f *Facts) Base(variant string) (render.Data, []Fallback) {
	in := &f.Incident
	lang, err := candor.LanguageKey(variant)
	if err != nil {
		lang = in.Language()
	}
	loc := in.Location()
	title, summary, entity, missing := in.Text(lang)
	var fb []Fallback
	for _, m := range missing {
		fb = append(fb, Fallback{Field: m, Language: lang, event: -1})
	}
	events, evFallback := f.events(lang, loc)
	fb = append(fb, evFallback...)
	aff := f.affected()
	d := render.Data{
		Incident: render.IncidentView{
			Title:               title,
			Summary:             summary,
			Reference:           in.Reference(),
			TimeZone:            loc.String(),
			DiscoveredAt:        in.DiscoveredAt.In(loc),
			OccurredFrom:        timeIn(in.OccurredFrom, loc),
			OccurredTo:          timeIn(in.OccurredTo, loc),
			DeterminedAt:        timeIn(in.DeterminedAt, loc),
			ContainedAt:         timeIn(in.ContainedAt, loc),
			Severity:            in.Severity,
			Cause:               in.Cause,
			Malicious:           in.Malicious != nil && *in.Malicious,
			DataCategories:      in.DataCategories,
			Affected:            aff.Total,
			Events:              events,
			LawEnforcementDelay: yesNo(in.LawEnforcementDelay),
		},
		Org:       f.Org.View(lang, entity),
		Statement: render.StatementView{URL: f.Statement.URL, Published: f.Statement.Published, PublishAt: timeIn(&f.Statement.PublishAt, loc)},
		Affected:  aff,
		Notice:    render.NoticeView{Date: timeIn(&f.Now, loc), Reference: in.Reference(), CheckURL: f.Statement.CheckURL},
	}
	if f.Statement.URL == "" {
		d.Statement = render.StatementView{}
	}
	if r := f.Regulator; r != nil {
		d.Regulator = render.RegulatorView{Jurisdiction: r.Jurisdiction, Authority: candor.AuthorityOf(r.Jurisdiction).NameIn(lang)}
		d.Affected.Jurisdiction = InJurisdiction(r.Jurisdiction, f.Countries, f.Regions)
	}
	return d, fb
}

// InJurisdiction counts the customers in a catalogue jurisdiction: a
// region ("US-CA"), a country ("JP"), or "EU" for the EEA.
func InJurisdiction(code string, countries, regions map[string]int) int {
	switch {
	case code == "EU":
		n := 0
		for _, c := range candor.EEACountries() {
			n += countries[c]
		}
		return n
	case strings.Contains(code, "-"):
		return regions[code]
	}
	return countries[code]
}

func (f *Facts) affected() render.AffectedView {
	a := render.AffectedView{Countries: counts(f.Countries), Regions: counts(f.Regions)}
	for _, n := range f.Countries {
		a.Total += n
	}
	a.Jurisdiction = a.Total
	return a
}

// counts lists a count map largest first, then by code; the unknown place
// ("") is left out of the list (it still counts in the total).
func counts(m map[string]int) []render.CountView {
	out := make([]render.CountView, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if k != "" && m[k] > 0 {
			out = append(out, render.CountView{Code: k, Count: m[k]})
		}
	}
	slices.SortStableFunc(out, func(a, b render.CountView) int { return cmp.Compare(b.Count, a.Count) })
	return out
}

// events maps the public timeline to its views in language lang: an
// instant in the incident's zone, a date-only entry as midnight of its
// date in that zone (so `date` prints the date it was given).
func (f *Facts) events(lang string, loc *time.Location) ([]render.EventView, []Fallback) {
	var out []render.EventView
	var fb []Fallback
	def := f.Incident.Language()
	for i := range f.Events {
		e := &f.Events[i]
		if !e.Public {
			continue
		}
		desc, fell := e.Text(lang, def)
		v := render.EventView{Description: desc}
		switch {
		case e.OccurredAt != nil:
			v.Date = e.OccurredAt.In(loc)
		case e.OccurredOn != "":
			t, err := time.ParseInLocation(candor.DateLayout, e.OccurredOn, loc)
			if err != nil {
				continue
			}
			v.Date, v.DateOnly = t, true
		default:
			continue
		}
		if fell {
			fb = append(fb, Fallback{Field: "events." + e.ID + ".description", Language: lang, event: len(out)})
		}
		out = append(out, v)
	}
	return out, fb
}

// Customer is the template view of a customer; nil gives the empty view.
// It shares c's category slice and allocates nothing.
func Customer(c *candor.Customer) render.CustomerView {
	if c == nil {
		return render.CustomerView{}
	}
	return render.CustomerView{Name: c.Name, Email: c.Email, Country: c.Country, Region: c.Region,
		Locale: c.Locale, DataCategories: c.DataCategories}
}

// Organisation is the configured organisation, with its name and
// signatory in several languages.
type Organisation struct {
	Name, ContactEmail, ContactPhone, WebsiteURL, Signatory string
	// Names and Signatories give the forms per language key ("ja":
	// "川崎重工業株式会社"); Name and Signatory stand in for the others.
	Names, Signatories map[string]string
}

// Org is the organisation from configuration (CANDOR_ORG_*), trimmed.
func Org(name, email, phone, website string) Organisation {
	return Organisation{Name: strings.TrimSpace(name), ContactEmail: strings.TrimSpace(email),
		ContactPhone: strings.TrimSpace(phone), WebsiteURL: strings.TrimSpace(website)}
}

// View is the organisation as a template in language lang sees it. A
// reporting entity's name (entity, already in lang where translated)
// replaces the configured name: the incident's entity is who discloses.
func (o Organisation) View(lang, entity string) render.OrgView {
	v := render.OrgView{Name: o.Name, ContactEmail: o.ContactEmail, ContactPhone: o.ContactPhone,
		WebsiteURL: o.WebsiteURL, Signatory: o.Signatory}
	if n := o.Names[lang]; n != "" {
		v.Name = n
	}
	if s := o.Signatories[lang]; s != "" {
		v.Signatory = s
	}
	if e := strings.TrimSpace(entity); e != "" {
		v.Name = e
	}
	return v
}

// CheckURL is the public page where a reader checks a notice's
// reference: baseURL/notices/check.
func CheckURL(baseURL string) string {
	if baseURL == "" {
		return ""
	}
	return strings.TrimRight(baseURL, "/") + "/notices/check"
}

// StatementURL is the public address of a statement: baseURL/statements/slug.
// An empty slug or base gives "": there is nothing to point at.
func StatementURL(baseURL, slug string) string {
	if slug == "" || baseURL == "" {
		return ""
	}
	return strings.TrimRight(baseURL, "/") + "/statements/" + url.PathEscape(slug)
}

func timeIn(t *time.Time, loc *time.Location) time.Time {
	if t == nil || t.IsZero() {
		return time.Time{}
	}
	return t.In(loc)
}

// Data is Base without the fallbacks, in the shape render.CheckEach takes.
func (f *Facts) Data(variant string) render.Data {
	d, _ := f.Base(variant)
	return d
}

func yesNo(b *bool) string {
	switch {
	case b == nil:
		return ""
	case *b:
		return "yes"
	}
	return "no"
}
