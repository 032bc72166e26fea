package console

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/deadline"
	"github.com/gin-gonic/gin"
)

// statementStore is what the statement pages need from the store.
type statementStore interface {
	ListPublications(ctx context.Context, incidentID string, now time.Time) ([]candor.Publication, error)
	GetPublication(ctx context.Context, id string) (candor.Publication, error)
}

// StatementActions are the API's own publishing operations (api.Server
// provides them), so that a form does exactly what the API's request does.
type StatementActions interface {
	// Publish is POST /disclosures/{id}/publications: at nil or past is now.
	Publish(ctx context.Context, disclosureID, slug string, at *time.Time) (candor.Publication, error)
	// Withdraw is DELETE /publications/{id} with a reason.
	Withdraw(ctx context.Context, id, reason string) (candor.Publication, error)
	// StatementURL is the public address of a slug ("" without a base URL).
	StatementURL(slug string) string
	// Now is the publishing clock (the API's, which tests may move).
	Now() time.Time
}

// statementRoutes mounts the statement pages.
func (cs *Console) statementRoutes(in *gin.RouterGroup) {
	in.GET("/incidents/:id/statement", cs.statementPage)
	in.POST("/disclosures/:id/publications", limitForm, cs.checkCSRF, cs.publish)
	in.POST("/publications/:id/withdraw", limitForm, cs.checkCSRF, cs.withdraw)
}

// pubForm is a publish or withdraw form as typed, and its problems.
type pubForm struct {
	ID, Slug, PublishAt, Reason string
	Errors                      map[string]string
}

type pubRow struct {
	ID, Slug, URL, State, StateClass, PublishAt, Until, Countdown, Withdrawn string
	Revision, Version                                                        int
	Live, Embargoed, Open                                                    bool
	Form                                                                     pubForm
}

type statementRow struct {
	ID, Title, State string
	Revision         int
	Approved         bool
	Form             pubForm
	Update           bool // a slug is already in use: publishing adds a version
	Already          bool // the approved revision is already scheduled or public
}

type statementData struct {
	ID, Title, Timezone, Now string
	MayAct                   bool
	Live, Embargoed, All     []pubRow
	Statements               []statementRow
}

func (cs *Console) statementPage(c *gin.Context) {
	cs.renderStatement(c, http.StatusOK, c.Param("id"), pubForm{}, pubForm{})
}

// renderStatement shows what is live, what is embargoed until when, every
// publication with its withdraw form, and each public statement's publish
// form; typed and withdraw are forms to show again with their problems.
func (cs *Console) renderStatement(c *gin.Context, status int, incidentID string, typed, withdraw pubForm) {
	l, ctx := lang(c), c.Request.Context()
	in, err := cs.store.GetIncident(ctx, incidentID)
	if err != nil {
		cs.fail(c, err)
		return
	}
	now := cs.cfg.Statements.Now()
	loc := cs.location(in)
	pubs, err := cs.store.ListPublications(ctx, in.ID, now)
	if err != nil {
		cs.fail(c, err)
		return
	}
	a, _ := candor.ActorFromContext(ctx)
	d := statementData{ID: in.ID, Title: localTitle(in, l), Timezone: loc.String(), Now: formatTime(l, now, loc),
		MayAct: a.Role.Allows(candor.RoleLegal)}
	versions := map[string]int{} // slug → public versions so far (the page's /v/{n})
	latest := map[string]int{}   // slug → index in d.All of its current version
	slug := ""
	open := map[string]int{} // disclosure → a revision scheduled or public
	for _, p := range pubs {
		r := pubRow{ID: p.ID, Slug: p.Slug, URL: cs.cfg.Statements.StatementURL(p.Slug), Revision: p.Revision,
			State: tr(l, "stmt_state_"+string(p.State)), StateClass: string(p.State), PublishAt: formatTime(l, p.PublishAt, loc),
			Open: p.State == candor.PublicationScheduled || p.State == candor.PublicationPublished}
		if r.URL == "" {
			r.URL = "/statements/" + url.PathEscape(p.Slug)
		}
		if withdraw.ID == p.ID {
			r.Form = withdraw
		}
		switch {
		case p.State == candor.PublicationCancelled:
			r.Withdrawn = formatTime(l, *p.CancelledAt, loc)
		case p.PublishAt.After(now):
			r.Embargoed, r.Until = true, p.PublishAt.UTC().Format(time.RFC3339)
			r.Countdown = deadline.SpanBetween(now, p.PublishAt).Short()
		default:
			versions[p.Slug]++
			r.Version = versions[p.Slug]
			latest[p.Slug] = len(d.All)
			if p.RetractedAt != nil {
				r.Withdrawn = formatTime(l, *p.RetractedAt, loc)
			}
		}
		if p.State != candor.PublicationCancelled {
			slug = p.Slug
		}
		if r.Open {
			open[p.DisclosureID+"/"+strconv.Itoa(p.Revision)] = 1
		}
		d.All = append(d.All, r)
	}
	for i, r := range d.All {
		if r.Embargoed && r.Open {
			d.Embargoed = append(d.Embargoed, r)
		}
		// The current version is what the address shows, a retracted
		// one included (its page says it was withdrawn, and when).
		if j, ok := latest[r.Slug]; ok && j == i {
			r.Live = true
			d.All[i].Live = true
			d.Live = append(d.Live, r)
		}
	}
	if err := cs.statementRows(c, &d, in.ID, slug, open, typed); err != nil {
		cs.fail(c, err)
		return
	}
	cs.render(c, status, "statement", tr(l, "stmt_title")+" · "+d.Title, d)
}

// statementRows lists the incident's public statements with their forms.
func (cs *Console) statementRows(c *gin.Context, d *statementData, incidentID, slug string, open map[string]int, typed pubForm) error {
	page, err := cs.store.ListDisclosures(c.Request.Context(), incidentID, "", 100)
	if err != nil {
		return err
	}
	for _, ds := range page.Items {
		if ds.Kind != candor.KindPublicStatement {
			continue
		}
		r := statementRow{ID: ds.ID, Title: ds.Title, State: tr(lang(c), "send_dstate_"+string(ds.State)), Revision: ds.ApprovedRevision,
			Approved: ds.State == candor.DisclosureApproved, Form: pubForm{ID: ds.ID, Slug: slug}, Update: slug != "",
			Already: open[ds.ID+"/"+strconv.Itoa(ds.ApprovedRevision)] == 1}
		if typed.ID == ds.ID {
			r.Form = typed
		}
		d.Statements = append(d.Statements, r)
	}
	return nil
}

// publish schedules the approved statement at the form's slug and time (in
// the incident's zone), or now when "publish now" was pressed or the time
// is empty.
func (cs *Console) publish(c *gin.Context) {
	if !cs.mayAct(c, candor.RoleLegal) {
		return
	}
	ctx, l := c.Request.Context(), lang(c)
	f := pubForm{ID: c.Param("id"), Slug: strings.TrimSpace(c.PostForm("slug")), PublishAt: strings.TrimSpace(c.PostForm("publish_at"))}
	d, err := cs.store.GetDisclosure(ctx, f.ID)
	if err != nil {
		cs.fail(c, err)
		return
	}
	in, err := cs.store.GetIncident(ctx, d.IncidentID)
	if err != nil {
		cs.fail(c, err)
		return
	}
	var at *time.Time
	if c.PostForm("now") == "" && f.PublishAt != "" {
		t, err := parseLocal(f.PublishAt, cs.location(in))
		if err != nil {
			f.Errors = map[string]string{"publish_at": tr(l, "send_bad_time")}
			cs.renderStatement(c, http.StatusUnprocessableEntity, in.ID, f, pubForm{})
			return
		}
		at = &t
	}
	if _, err := cs.cfg.Statements.Publish(ctx, d.ID, f.Slug, at); err != nil {
		cs.formError(c, err, &f.Errors, func(st int) { cs.renderStatement(c, st, in.ID, f, pubForm{}) })
		return
	}
	c.Redirect(http.StatusSeeOther, "/console/incidents/"+in.ID+"/statement")
}

// withdraw cancels a scheduled publication or retracts a live one; the
// console asks for the reason, which the audit entry records.
func (cs *Console) withdraw(c *gin.Context) {
	if !cs.mayAct(c, candor.RoleLegal) {
		return
	}
	ctx, l := c.Request.Context(), lang(c)
	f := pubForm{ID: c.Param("id"), Reason: c.PostForm("reason")}
	p, err := cs.store.GetPublication(ctx, f.ID)
	if err != nil {
		cs.fail(c, err)
		return
	}
	if strings.TrimSpace(f.Reason) == "" {
		f.Errors = map[string]string{"reason": tr(l, "stmt_reason_required")}
		cs.renderStatement(c, http.StatusUnprocessableEntity, p.IncidentID, pubForm{}, f)
		return
	}
	if _, err := cs.cfg.Statements.Withdraw(ctx, p.ID, f.Reason); err != nil {
		cs.formError(c, err, &f.Errors, func(st int) { cs.renderStatement(c, st, p.IncidentID, pubForm{}, f) })
		return
	}
	c.Redirect(http.StatusSeeOther, "/console/incidents/"+p.IncidentID+"/statement")
}
