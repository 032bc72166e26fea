package filing

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/compose"
	"github.com/candor-dev/candor/deadline"
	"github.com/candor-dev/candor/jurisdictions"
	"github.com/candor-dev/candor/render"
)

// Fills are the names a form's field may give in "fill"; a catalogue test
// checks that every form uses only these.
var Fills = []string{"entity", "stage", "discovered_at", "summary", "data_categories", "affected_total",
	"affected_jurisdiction", "cause", "individuals_status", "notified_count", "notice_date", "publication",
	"measures", "timeline", "contact", "occurred", "cyber_incident", "law_enforcement", "report_type",
	"previous_filing", "delay_reasons", "approved_notice", "manual"}

// filled is a value and where it came from (or why there is none).
type filled struct{ value, source string }

type filler struct {
	in    Input
	form  jurisdictions.FilingForm
	ob    deadline.ObligationState
	juris string // the pack's jurisdiction or EEA country
	pack  Pack
	lang  string
	data  render.Data
	fb    []compose.Fallback
}

func newFiller(in Input, form jurisdictions.FilingForm, ob deadline.ObligationState, juris string, p Pack) *filler {
	facts := in.Facts
	d, fb := facts.Base(form.Language)
	return &filler{in: in, form: form, ob: ob, juris: juris, pack: p, lang: form.Language, data: d, fb: fb}
}

func (f *filler) w(key string) string { return word(f.lang, key) }

// fellBack reports whether field fell back to the incident's own language.
func (f *filler) fellBack(field string) bool {
	return slices.ContainsFunc(f.fb, func(x compose.Fallback) bool { return x.Field == field })
}

// textSource names an incident field in the pack's language.
func (f *filler) textSource(field string) string {
	inc := &f.in.Facts.Incident
	if f.lang == inc.Language() {
		return "incident." + field
	}
	if f.fellBack(field) {
		return fmt.Sprintf("incident.%s (in %s: no %s translation yet)", field, inc.Language(), f.lang)
	}
	return "incident.translations." + f.lang + "." + field
}

// date formats an instant in the incident's zone, the way the language
// writes dates.
func (f *filler) date(t time.Time, withTime bool) string {
	t = t.In(f.in.Facts.Incident.Location())
	zone := t.Format("MST")
	switch {
	case f.lang == "ja" && withTime:
		return t.Format("2006年1月2日 15:04") + "（" + zone + "）"
	case f.lang == "ja":
		return t.Format("2006年1月2日")
	case withTime:
		return t.Format("2006-01-02 15:04") + " " + zone
	}
	return t.Format("2006-01-02")
}

func (f *filler) fill(kind string) filled {
	inc := &f.in.Facts.Incident
	d := &f.data
	switch kind {
	case "entity":
		if d.Org.Name == "" {
			return filled{"", "missing: the incident has no reporting entity and no organisation name is configured"}
		}
		if inc.ReportingEntity != nil && inc.ReportingEntity.Name != "" {
			return filled{d.Org.Name, f.textSource("reporting_entity")}
		}
		return filled{d.Org.Name, "configuration (CANDOR_ORG_NAME)"}
	case "stage":
		return filled{f.w("stage_" + f.form.Stage), "form stage (" + f.form.Stage + ")"}
	case "discovered_at":
		return filled{f.date(inc.DiscoveredAt, true), "incident.discovered_at"}
	case "summary":
		if strings.TrimSpace(d.Incident.Summary) == "" {
			return filled{"", "missing: the incident has no summary"}
		}
		return filled{d.Incident.Title + "\n\n" + d.Incident.Summary, f.textSource("summary")}
	case "data_categories":
		if len(inc.DataCategories) == 0 {
			return filled{"", "missing: the incident lists no data categories"}
		}
		names := make([]string, 0, len(inc.DataCategories))
		for _, c := range inc.DataCategories {
			names = append(names, category(f.lang, c))
		}
		return filled{strings.Join(names, listSep(f.lang)), "incident.data_categories"}
	case "affected_total":
		return f.count(d.Affected.Total, "customers: every affected person, all countries")
	case "affected_jurisdiction":
		n := compose.InJurisdiction(f.juris, f.in.Facts.Countries, f.in.Facts.Regions)
		return f.count(n, "customers in "+f.juris)
	case "cause":
		if inc.Cause == "" {
			return filled{"", "missing: the incident's cause is not recorded"}
		}
		v := cause(f.lang, inc.Cause)
		if inc.Malicious != nil && *inc.Malicious {
			v += listSep(f.lang) + word(f.lang, "malicious")
		}
		return filled{v, "incident.cause, incident.malicious"}
	case "individuals_status":
		return f.individuals()
	case "notified_count":
		if st := f.individualDuty(); st != nil && st.Reach != nil {
			return filled{fmt.Sprint(st.Reach.Notified), "deliveries: customer notices sent in " + f.juris}
		}
		return filled{"0", "deliveries: no customer notice sent in " + f.juris}
	case "notice_date":
		if st := f.individualDuty(); st != nil && st.MetAt != nil {
			return filled{f.date(*st.MetAt, false), "deliveries: the last notice that completed " + st.RuleID}
		}
		if st := f.individualDuty(); st != nil && st.Reach != nil && len(st.Reach.Sends) > 0 {
			return filled{f.date(st.Reach.Sends[0].At, false), "deliveries: send " + st.Reach.Sends[0].SendID + " (not every individual reached yet)"}
		}
		return filled{"", "missing: no customer notice has reached " + f.juris + " yet"}
	case "publication":
		s := f.in.Facts.Statement
		switch {
		case s.URL != "" && s.Published:
			return filled{fmt.Sprintf(f.w("published"), f.date(s.PublishAt, false), s.URL), "publications"}
		case s.URL != "":
			return filled{fmt.Sprintf(f.w("scheduled"), f.date(s.PublishAt, false), s.URL), "publications"}
		}
		return filled{f.w("not_published"), "publications: none"}
	case "measures":
		if inc.ContainedAt == nil {
			return filled{"", "missing: write the measures taken (containment is not recorded yet)"}
		}
		return filled{fmt.Sprintf(f.w("contained"), f.date(*inc.ContainedAt, true)), "incident.contained_at; add the other measures by hand"}
	case "timeline":
		if len(d.Incident.Events) == 0 {
			return filled{"", "missing: the timeline is empty"}
		}
		var b strings.Builder
		for _, e := range d.Incident.Events {
			fmt.Fprintf(&b, "%s %s\n", f.date(e.Date, !e.DateOnly), e.Description)
		}
		src := fmt.Sprintf("timeline (%d events)", len(d.Incident.Events))
		if slices.ContainsFunc(f.fb, func(x compose.Fallback) bool { return strings.HasPrefix(x.Field, "events.") }) {
			src += fmt.Sprintf("; some in %s: no %s translation yet", inc.Language(), f.lang)
		}
		return filled{strings.TrimSpace(b.String()), src}
	case "contact":
		o := d.Org
		parts := []string{}
		for _, s := range []string{o.Name, o.Signatory, o.ContactEmail, o.ContactPhone} {
			if s != "" {
				parts = append(parts, s)
			}
		}
		if o.ContactEmail == "" && o.ContactPhone == "" {
			return filled{"", "missing: no contact e-mail or telephone configured (CANDOR_ORG_EMAIL, CANDOR_ORG_PHONE)"}
		}
		return filled{strings.Join(parts, "\n"), "configuration (CANDOR_ORG_*), incident.reporting_entity"}
	case "occurred":
		if inc.OccurredFrom == nil && inc.OccurredTo == nil {
			return filled{"", "missing: when the breach happened is not recorded (occurred_from, occurred_to)"}
		}
		var parts []string
		if inc.OccurredFrom != nil {
			parts = append(parts, fmt.Sprintf(f.w("from"), f.date(*inc.OccurredFrom, true)))
		}
		if inc.OccurredTo != nil {
			parts = append(parts, fmt.Sprintf(f.w("until"), f.date(*inc.OccurredTo, true)))
		}
		return filled{strings.Join(parts, " "), "incident.occurred_from, incident.occurred_to"}
	case "cyber_incident":
		switch {
		case inc.Cause == "unauthorized_access" || inc.Cause == "malware":
			return filled{f.w("yes"), "incident.cause"}
		case inc.Cause != "":
			return filled{f.w("no"), "incident.cause"}
		}
		return filled{"", "missing: the incident's cause is not recorded"}
	case "law_enforcement":
		if inc.LawEnforcementDelay != nil && *inc.LawEnforcementDelay {
			return filled{f.w("le_yes"), "incident.law_enforcement_delay"}
		}
		return filled{"", "missing: say whether law enforcement is investigating"}
	case "report_type":
		if len(f.pack.Filed) > 0 {
			first := f.pack.Filed[0]
			ref := first.Reference
			if ref == "" {
				ref = f.date(first.FiledAt, false)
			}
			return filled{fmt.Sprintf(f.w("follow_up"), ref), "filings: " + first.ID}
		}
		return filled{f.w("initial"), "filings: none recorded for " + f.ob.RuleID}
	case "previous_filing":
		for _, fl := range f.in.Filed {
			if fl.Jurisdiction == f.form.Jurisdiction && fl.ObligationID != f.ob.RuleID && fl.Reference != "" {
				return filled{fl.Reference, "filings: " + fl.ID + " (" + fl.ObligationID + ")"}
			}
		}
		return filled{"", "missing: no earlier filing with a reference is recorded"}
	case "delay_reasons":
		if d := f.ob.Decision; d != nil && strings.TrimSpace(d.DelayReasons) != "" {
			src := "decision " + d.ID + " (" + d.Decision
			if d.ApprovedAt != nil {
				src += ", approved by " + d.ApprovedBy + " " + d.ApprovedAt.UTC().Format("2006-01-02")
			}
			return filled{d.DelayReasons, src + ")"}
		}
		if !f.pack.Late {
			return filled{f.w("not_late"), "obligation " + f.ob.RuleID + ": " + f.ob.Status + ", not late"}
		}
		return filled{"", "missing: the duty is late; record a decision with the reasons for the delay (POST .../obligations/" + f.ob.RuleID + "/decisions)"}
	case "approved_notice":
		for _, dl := range f.in.Approved {
			if dl.Kind != candor.KindCustomerNotice || dl.ApprovedAt == nil {
				continue
			}
			return filled{fmt.Sprintf(f.w("notice_ref"), dl.Title, dl.ApprovedRevision, f.date(*dl.ApprovedAt, false)),
				fmt.Sprintf("disclosure %s revision %d (attach its PDF)", dl.ID, dl.ApprovedRevision)}
		}
		return filled{"", "missing: no customer notice is approved yet"}
	}
	return filled{"", "missing: to be written by a person"}
}

func (f *filler) count(n int, what string) filled {
	if n == 0 {
		return filled{"", "missing: no affected customers imported (" + what + ")"}
	}
	return filled{fmt.Sprintf(f.w("persons"), n), what}
}

// individualDuty is the duty to notify individuals of the pack's
// jurisdiction, if the incident has one.
func (f *filler) individualDuty() *deadline.ObligationState {
	for i, st := range f.in.Obligations {
		if st.Audience == deadline.AudienceIndividuals && strings.EqualFold(st.Jurisdiction, f.form.Jurisdiction) {
			return &f.in.Obligations[i]
		}
	}
	return nil
}

func (f *filler) individuals() filled {
	st := f.individualDuty()
	if st == nil || st.Reach == nil || st.Reach.Notified == 0 {
		return filled{f.w("none_sent"), "deliveries: no customer notice sent in " + f.juris}
	}
	state := f.w("notified_running")
	if st.MetAt != nil {
		state = fmt.Sprintf(f.w("notified_done"), f.date(*st.MetAt, false))
	}
	return filled{fmt.Sprintf(f.w("notified"), st.Reach.Notified, st.Reach.EmailCustomers, state),
		"deliveries: customer notices (" + st.RuleID + ")"}
}
