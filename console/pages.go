package console

import (
	"net/http"
	"slices"
	"sort"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/deadline"
	"github.com/gin-gonic/gin"
	"golang.org/x/sync/errgroup"
)

// location is the zone an incident's dates are shown in.
func (cs *Console) location(inc candor.Incident) *time.Location {
	zone := inc.Timezone
	if zone == "" {
		zone = cs.cfg.Timezone
	}
	if zone != "" && cs.cfg.Calendar != nil {
		if loc, err := cs.cfg.Calendar.Location(zone); err == nil {
			return loc
		}
	}
	if loc, err := time.LoadLocation(zone); err == nil {
		return loc
	}
	return time.UTC
}

type incidentRow struct {
	ID, Title, Discovered, Severity, Timezone string
}

type incidentsData struct {
	Items     []incidentRow
	Next      string
	CanCreate bool
}

func (cs *Console) incidents(c *gin.Context) {
	l := lang(c)
	page, err := cs.store.ListIncidents(c.Request.Context(), candor.IncidentFilter{Cursor: c.Query("cursor"), Limit: 100})
	if err != nil {
		cs.fail(c, err)
		return
	}
	d := incidentsData{CanCreate: may(c, candor.RoleComms)}
	for _, in := range page.Items {
		loc := cs.location(in)
		d.Items = append(d.Items, incidentRow{ID: in.ID, Title: localTitle(in, l), Discovered: formatTime(l, in.DiscoveredAt, loc),
			Severity: in.Severity, Timezone: loc.String()})
	}
	if page.NextCursor != nil {
		d.Next = "/console/incidents?cursor=" + *page.NextCursor
	}
	cs.render(c, http.StatusOK, "incidents", tr(l, "incidents"), d)
}

type factText struct {
	Lang, Title, Summary, Entity string
	Default                      bool
}

type eventRow struct {
	When, Description, Translated string
	Private                       bool
}

type countRow struct {
	Channel string
	N       int64
}

type roomData struct {
	ID, Title, Summary, Discovered, Timezone, Severity string
	Facts                                              []factText
	Events                                             []eventRow
	Categories                                         []string
	Counts                                             []countRow
	Total                                              int64
	People                                             []personRow
	CanEdit, CanHistory                                bool
	EventForm                                          eventForm
}

func (cs *Console) incidentRoom(c *gin.Context) {
	in, err := cs.store.GetIncident(c.Request.Context(), c.Param("id"))
	if err != nil {
		cs.fail(c, err)
		return
	}
	cs.room(c, http.StatusOK, in, nil)
}

// room renders the incident room; ef is the event form as typed when it
// comes back with errors.
func (cs *Console) room(c *gin.Context, status int, in candor.Incident, ef *eventForm) {
	l, ctx := lang(c), c.Request.Context()
	// Three independent reads at once: under a send each round trip to
	// the database waits for a CPU, and the page waits for the slowest
	// read rather than for their sum. Every event, private ones marked,
	// as GET .../events shows them; the customers by channel (kept
	// counts); who is on it.
	var events []candor.Event
	var counts map[string]int64
	var people []personRow
	var g errgroup.Group
	g.Go(func() (err error) { events, err = cs.store.ListEvents(ctx, in.ID, false); return err })
	g.Go(func() (err error) { counts, err = cs.store.CountCustomers(ctx, in.ID); return err })
	g.Go(func() (err error) { people, err = cs.participants(c, in); return err })
	if err := g.Wait(); err != nil {
		cs.fail(c, err)
		return
	}
	loc := cs.location(in)
	def := in.DefaultLanguage
	if def == "" {
		def = "en"
	}
	d := roomData{ID: in.ID, Title: localTitle(in, l), Summary: in.Summary, Discovered: formatTime(l, in.DiscoveredAt, loc),
		Timezone: loc.String(), Severity: in.Severity, Categories: in.DataCategories, People: people,
		CanEdit: may(c, candor.RoleComms), CanHistory: may(c, candor.RoleLegal)}
	if ef != nil {
		d.EventForm = *ef
	} else {
		d.EventForm = newEventForm(in)
	}
	entity := ""
	if in.ReportingEntity != nil {
		entity = in.ReportingEntity.Name
	}
	d.Facts = append(d.Facts, factText{Lang: def, Title: in.Title, Summary: in.Summary, Entity: entity, Default: true})
	langs := make([]string, 0, len(in.Translations))
	for k := range in.Translations {
		langs = append(langs, k)
	}
	sort.Strings(langs)
	for _, k := range langs {
		t := in.Translations[k]
		d.Facts = append(d.Facts, factText{Lang: k, Title: t.Title, Summary: t.Summary, Entity: t.ReportingEntity})
	}
	for _, e := range events {
		r := eventRow{Description: e.Description, Private: !e.Public}
		switch {
		case e.OccurredAt != nil:
			r.When = formatTime(l, *e.OccurredAt, loc)
		case e.OccurredOn != "":
			r.When = formatDate(l, e.OccurredOn)
		}
		if t, ok := e.Translations[l]; ok && l != def {
			r.Translated = t.Description
		}
		d.Events = append(d.Events, r)
	}
	chans := make([]string, 0, len(counts))
	for k := range counts {
		chans = append(chans, k)
	}
	slices.Sort(chans)
	for _, k := range chans {
		d.Counts = append(d.Counts, countRow{Channel: k, N: counts[k]})
		d.Total += counts[k]
	}
	cs.render(c, status, "incident", d.Title, d)
}

type dutyRow struct {
	Name, Jurisdiction, Law, Audience, Due, DueZone, Status, StatusClass, Late, MetBy, Missing string
	Condition                                                                                  string // what would decide a conditional duty
	Soft                                                                                       bool
	// ID links the obligation's page (decisions); RunsFrom and RunsWhy say
	// when its clock started and why (area_obligation.go).
	ID, RunsFrom, RunsWhy, Decision string
}

type deadlinesData struct {
	ID, Title, Timezone, At string
	Items                   []dutyRow
}

func (cs *Console) deadlines(c *gin.Context) {
	l := lang(c)
	if cs.cfg.Rules == nil {
		cs.renderError(c, http.StatusServiceUnavailable, "error")
		return
	}
	now := time.Now().UTC()
	rep, err := deadline.AssessObligations(c.Request.Context(), cs.store, c.Param("id"), cs.cfg.Rules, cs.cfg.Calendar, time.Time{}, now)
	if err != nil {
		cs.fail(c, err)
		return
	}
	loc := cs.location(rep.Incident)
	d := deadlinesData{ID: rep.Incident.ID, Title: localTitle(rep.Incident, l), Timezone: loc.String(), At: formatTime(l, rep.At, loc)}
	for _, st := range rep.Items {
		r := dutyRow{Name: st.Name, Jurisdiction: st.Jurisdiction, Law: st.Law, Audience: string(st.Audience),
			Soft: st.Soft, Missing: st.Missing, Condition: conditionNote(l, st.Obligation), Status: tr(l, st.Status), StatusClass: st.Status}
		if st.DueAt != nil {
			r.Due = formatTime(l, *st.DueAt, loc)
		}
		r.ID = st.RuleID
		r.RunsFrom, r.RunsWhy = runsFrom(l, st, loc)
		if st.Decision != nil {
			r.Decision = tr(l, "ob_"+st.Decision.Decision)
		}
		switch {
		case st.Status == deadline.StatusDecided:
			r.Status = tr(l, "decided")
		case st.Status == deadline.StatusOverdue && st.DueAt != nil:
			r.Status, r.StatusClass = tr(l, "overdue"), "late"
			r.Late = deadline.SpanBetween(*st.DueAt, rep.At).Short()
		case st.Late:
			r.Status, r.StatusClass = tr(l, "met_late"), "late"
			if span, ok := st.LateSpan(); ok {
				r.Late = span.Short()
			}
		}
		if st.MetBy != nil {
			r.MetBy = metByText(l, st.MetBy) + " · " + formatTime(l, st.MetBy.At, loc)
		}
		d.Items = append(d.Items, r)
	}
	cs.render(c, http.StatusOK, "deadlines", tr(l, "deadlines")+" · "+d.Title, d)
}

// localTitle is the incident's title in language l when it has one there.
func localTitle(in candor.Incident, l string) string {
	if t, ok := in.Translations[l]; ok && t.Title != "" {
		return t.Title
	}
	return in.Title
}
