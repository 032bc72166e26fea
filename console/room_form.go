package console

import (
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/candor-dev/candor"
)

// localLayout is what an <input type="datetime-local"> sends and shows.
const localLayout = "2006-01-02T15:04"

// incidentForm is the create and edit form as typed: every value a string,
// so that bad input comes back exactly as it was entered.
type incidentForm struct {
	ID, Action                             string
	Edit                                   bool
	Title, Summary, DiscoveredAt, Timezone string
	Language, Severity, Cause, Malicious   string
	Categories                             []categoryBox
	OtherCategories                        string
	EntityName, EntityCountry              string
	EntityListed                           bool
	Translations                           []translationForm
	New                                    translationForm // a language to add
	Errors                                 map[string]string
	Unplaced                               []string // errors that belong to no field shown
	Severities, Causes, Zones              []string
	DiscoveredSeconds                      bool // the stored time has seconds: the input steps by 1 s
}

type categoryBox struct {
	Name    string
	Checked bool
}

type translationForm struct {
	Lang, Title, Summary, Entity string
}

// commonZones are offered beside the time-zone field; any IANA name works.
var commonZones = []string{"UTC", "Asia/Tokyo", "Asia/Bangkok", "Asia/Singapore", "Asia/Manila", "Asia/Jakarta",
	"Asia/Kolkata", "Australia/Sydney", "Europe/London", "Europe/Berlin", "Europe/Paris", "America/New_York",
	"America/Chicago", "America/Los_Angeles", "America/Sao_Paulo"}

func (f *incidentForm) choices() {
	f.Severities, f.Causes, f.Zones = candor.Severities, candor.Causes, commonZones
	if f.Errors == nil {
		f.Errors = map[string]string{}
	}
}

// categoryBoxes lists the known categories, ticked when in cats; the rest
// of cats are free labels, returned comma-separated.
func categoryBoxes(cats []string) ([]categoryBox, string) {
	known := candor.KnownDataCategories()
	var boxes []categoryBox
	for _, k := range known {
		boxes = append(boxes, categoryBox{Name: k, Checked: slices.Contains(cats, k)})
	}
	var other []string
	for _, c := range cats {
		if !slices.Contains(known, c) {
			other = append(other, c)
		}
	}
	return boxes, strings.Join(other, ", ")
}

// formLocal shows t in loc as a datetime-local value (with seconds only
// when it has them).
func formLocal(t time.Time, loc *time.Location) (string, bool) {
	t = t.In(loc)
	if t.Second() != 0 || t.Nanosecond() != 0 {
		return t.Format(localLayout + ":05"), true
	}
	return t.Format(localLayout), false
}

// incidentToForm fills the edit form from a stored incident.
func (cs *Console) incidentToForm(in candor.Incident) incidentForm {
	f := incidentForm{ID: in.ID, Edit: true, Action: "/console/incidents/" + in.ID, Title: in.Title, Summary: in.Summary,
		Timezone: in.Timezone, Language: in.DefaultLanguage, Severity: in.Severity, Cause: in.Cause}
	f.DiscoveredAt, f.DiscoveredSeconds = formLocal(in.DiscoveredAt, cs.location(in))
	if in.Malicious != nil {
		f.Malicious = map[bool]string{true: "true", false: "false"}[*in.Malicious]
	}
	f.Categories, f.OtherCategories = categoryBoxes(in.DataCategories)
	if e := in.ReportingEntity; e != nil {
		f.EntityName, f.EntityCountry, f.EntityListed = e.Name, e.Country, e.ListedUS
	}
	langs := make([]string, 0, len(in.Translations))
	for k := range in.Translations {
		langs = append(langs, k)
	}
	sort.Strings(langs)
	for _, k := range langs {
		t := in.Translations[k]
		f.Translations = append(f.Translations, translationForm{Lang: k, Title: t.Title, Summary: t.Summary, Entity: t.ReportingEntity})
	}
	f.choices()
	return f
}

// readIncidentForm reads the posted form as typed.
func readIncidentForm(form url.Values) incidentForm {
	f := incidentForm{Title: form.Get("title"), Summary: textarea(form.Get("summary")), DiscoveredAt: strings.TrimSpace(form.Get("discovered_at")),
		Timezone: strings.TrimSpace(form.Get("timezone")), Language: strings.TrimSpace(form.Get("language")),
		Severity: form.Get("severity"), Cause: form.Get("cause"), Malicious: form.Get("malicious"),
		OtherCategories: form.Get("data_categories_other"), EntityName: form.Get("reporting_entity.name"),
		EntityCountry: form.Get("reporting_entity.country"), EntityListed: form.Get("reporting_entity.listed_us") == "true"}
	f.Categories, _ = categoryBoxes(form["data_categories"])
	for _, k := range form["translation"] { // the languages the form showed
		f.Translations = append(f.Translations, translationForm{Lang: k, Title: form.Get("translations." + k + ".title"),
			Summary: textarea(form.Get("translations." + k + ".summary")), Entity: form.Get("translations." + k + ".reporting_entity")})
	}
	f.New = translationForm{Lang: strings.TrimSpace(form.Get("new_lang")), Title: form.Get("new.title"),
		Summary: textarea(form.Get("new.summary")), Entity: form.Get("new.reporting_entity")}
	f.choices()
	return f
}

// apply writes the form into in, as the API's request does: the fields the
// form shows replace the stored ones (a merge patch of exactly those),
// everything else stays. keepDiscovered is the stored instant, kept when
// neither its text nor the zone changed (the form has no sub-second
// precision). It returns the form's own errors (a date it cannot read).
func (f *incidentForm) apply(in *candor.Incident, keep *candor.Incident, lookup func(string) (*time.Location, error)) []candor.FieldError {
	var errs []candor.FieldError
	in.Title, in.Summary, in.Timezone, in.Severity, in.Cause = f.Title, f.Summary, f.Timezone, f.Severity, f.Cause
	in.DefaultLanguage = f.Language
	switch f.Malicious {
	case "true", "false":
		b := f.Malicious == "true"
		in.Malicious = &b
	default:
		in.Malicious = nil
	}
	in.DataCategories = nil
	for _, b := range f.Categories {
		if b.Checked {
			in.DataCategories = append(in.DataCategories, b.Name)
		}
	}
	for _, c := range strings.Split(f.OtherCategories, ",") {
		if c = strings.TrimSpace(c); c != "" {
			in.DataCategories = append(in.DataCategories, c)
		}
	}
	in.ReportingEntity = nil
	if strings.TrimSpace(f.EntityName) != "" || strings.TrimSpace(f.EntityCountry) != "" || f.EntityListed {
		in.ReportingEntity = &candor.ReportingEntity{Name: f.EntityName, Country: f.EntityCountry, ListedUS: f.EntityListed}
	}
	// The languages the form shows replace theirs; others stay, as in a
	// merge patch of translations.
	tr := map[string]candor.IncidentText{}
	for k, t := range in.Translations {
		tr[k] = t
	}
	for _, t := range f.Translations {
		tr[t.Lang] = candor.IncidentText{Title: t.Title, Summary: t.Summary, ReportingEntity: t.Entity}
	}
	if f.New.Lang != "" {
		if slices.ContainsFunc(f.Translations, func(t translationForm) bool { return t.Lang == f.New.Lang }) {
			errs = append(errs, candor.FieldError{Field: "new_lang", Message: "already has a translation above; change it there"})
		} else {
			tr[f.New.Lang] = candor.IncidentText{Title: f.New.Title, Summary: f.New.Summary, ReportingEntity: f.New.Entity}
		}
	} else if strings.TrimSpace(f.New.Title+f.New.Summary+f.New.Entity) != "" {
		errs = append(errs, candor.FieldError{Field: "new_lang", Message: "is required for the new translation (e.g. ja)"})
	}
	in.Translations = tr
	// discovered_at is a wall time in the chosen zone. A zone that does
	// not load is the domain's timezone error; the time is then read as
	// UTC so that the other fields are still checked.
	loc, err := lookup(in.Timezone)
	if err != nil {
		loc = time.UTC
	}
	in.DiscoveredAt = time.Time{}
	switch {
	case f.DiscoveredAt == "":
	case keep != nil && keep.Timezone == in.Timezone && f.DiscoveredAt == formLocalOnly(keep.DiscoveredAt, loc):
		in.DiscoveredAt = keep.DiscoveredAt
	default:
		t, err := time.ParseInLocation(localLayout, f.DiscoveredAt, loc)
		if err != nil {
			t, err = time.ParseInLocation(localLayout+":05", f.DiscoveredAt, loc)
		}
		if err != nil {
			errs = append(errs, candor.FieldError{Field: "discovered_at", Message: "must be a date and time (YYYY-MM-DDTHH:MM)"})
		}
		in.DiscoveredAt = t
	}
	return errs
}

func formLocalOnly(t time.Time, loc *time.Location) string {
	s, _ := formLocal(t, loc)
	return s
}

// place puts each error beside its field in the form: the domain names a
// new translation by its language key, which the form calls "new".
func (f *incidentForm) place(errs []candor.FieldError) {
	fields := map[string]bool{"title": true, "summary": true, "discovered_at": true, "timezone": true, "language": true,
		"severity": true, "cause": true, "data_categories": true, "reporting_entity.name": true,
		"reporting_entity.country": true, "new_lang": true, "new.title": true, "new.summary": true, "new.reporting_entity": true}
	for _, t := range f.Translations {
		for _, s := range []string{"", ".title", ".summary", ".reporting_entity"} {
			fields["translations."+t.Lang+s] = true
		}
	}
	newKeys := []string{}
	shown := slices.ContainsFunc(f.Translations, func(t translationForm) bool { return t.Lang == f.New.Lang })
	if f.New.Lang != "" && !shown {
		newKeys = append(newKeys, "translations."+f.New.Lang)
		if k, err := candor.LanguageKey(f.New.Lang); err == nil {
			newKeys = append(newKeys, "translations."+k)
		}
	}
	for _, e := range errs {
		field := e.Field
		for _, k := range newKeys {
			if field == k {
				field = "new_lang"
			} else if rest, ok := strings.CutPrefix(field, k+"."); ok {
				field = "new." + rest
			}
		}
		if !fields[field] {
			f.Unplaced = append(f.Unplaced, e.Field+": "+e.Message)
			continue
		}
		if prev := f.Errors[field]; prev != "" {
			f.Errors[field] = prev + "; " + e.Message
		} else {
			f.Errors[field] = e.Message
		}
	}
}

// textarea undoes the CRLF line ends browsers send a textarea with: the
// text is stored as an API client would send it.
func textarea(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }
