package console

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/store"
	"github.com/gin-gonic/gin"
)

// sendStore is what the send pages need from the store.
type sendStore interface {
	GetIncident(ctx context.Context, id string) (candor.Incident, error)
	GetDisclosure(ctx context.Context, id string) (candor.Disclosure, error)
	ListDisclosures(ctx context.Context, incidentID, cursor string, n int) (store.Page[candor.Disclosure], error)
	ListSends(ctx context.Context, disclosureID string) ([]candor.Send, error)
	SendFailures(ctx context.Context, sendID string, n int) ([]store.FailureGroup, error)
	SendRecipients(ctx context.Context, s candor.Send, q string) ([]store.SendRecipient, error)
}

// SendActions are the API's own send operations (api.Server provides
// them): a console form does exactly what the API's request does, with
// the same checks, audit entries and queue work.
type SendActions interface {
	// StartSend is POST /disclosures/{id}/sends: sendAt nil or past is now,
	// filter nil is everyone.
	StartSend(ctx context.Context, disclosureID string, sendAt *time.Time, filter *candor.SendFilter) (candor.Send, error)
	// ChangeSend is POST /sends/{id}/pause|resume|cancel.
	ChangeSend(ctx context.Context, id, action string) (candor.Send, error)
	// SendProgress is GET /sends/{id}, shared for a moment between readers.
	SendProgress(ctx context.Context, id string) (candor.Send, error)
}

// sendRoutes mounts the send pages.
func (cs *Console) sendRoutes(in *gin.RouterGroup) {
	in.GET("/sends.js", cs.sendScript)
	in.GET("/incidents/:id/sends", cs.sendsPage)
	in.POST("/disclosures/:id/sends", limitForm, cs.checkCSRF, cs.createSend)
	in.GET("/sends/:id", cs.sendPage)
	in.GET("/sends/:id/progress", cs.sendProgressJSON)
	for _, a := range []string{"pause", "resume", "cancel"} {
		in.POST("/sends/:id/"+a, limitForm, cs.checkCSRF, cs.changeSend(a))
	}
}

// mayAct is whether the signed-in person has at least role min (the API's
// role for the same action, api/routes.go); when not, it answers 403.
func (cs *Console) mayAct(c *gin.Context, min candor.Role) bool {
	if a, ok := candor.ActorFromContext(c.Request.Context()); ok && a.Role.Allows(min) {
		return true
	}
	cs.renderError(c, http.StatusForbidden, "send_forbidden")
	return false
}

// sendForm is the new-send form as typed, and its problems by field.
type sendForm struct {
	DisclosureID, SendAt, Countries, Regions, Locales string
	Errors                                            map[string]string
}

type noticeRow struct {
	ID, Title, Kind, State string
	Revision               int
	Approved, Regulator    bool
	Sends                  []sendRow
	Form                   sendForm
}

type sendRow struct {
	ID, State, SendAt, Progress string
}

type sendsData struct {
	ID, Title, Timezone string
	MayAct              bool
	Notices             []noticeRow
}

// sendsPage lists the incident's notices and reports, each with its sends
// and, once approved, the form that starts one.
func (cs *Console) sendsPage(c *gin.Context) {
	cs.renderSends(c, http.StatusOK, sendForm{})
}

func (cs *Console) renderSends(c *gin.Context, status int, typed sendForm) {
	l, ctx := lang(c), c.Request.Context()
	incID := c.Param("id")
	if typed.DisclosureID != "" {
		d, err := cs.store.GetDisclosure(ctx, typed.DisclosureID)
		if err != nil {
			cs.fail(c, err)
			return
		}
		incID = d.IncidentID
	}
	in, err := cs.store.GetIncident(ctx, incID)
	if err != nil {
		cs.fail(c, err)
		return
	}
	loc := cs.location(in)
	a, _ := candor.ActorFromContext(ctx)
	d := sendsData{ID: in.ID, Title: localTitle(in, l), Timezone: loc.String(), MayAct: a.Role.Allows(candor.RoleLegal)}
	page, err := cs.store.ListDisclosures(ctx, in.ID, "", 100)
	if err != nil {
		cs.fail(c, err)
		return
	}
	for _, ds := range page.Items {
		if ds.Kind != candor.KindCustomerNotice && ds.Kind != candor.KindRegulatorReport {
			continue
		}
		r := noticeRow{ID: ds.ID, Title: ds.Title, Kind: string(ds.Kind), State: tr(l, "send_dstate_"+string(ds.State)), Revision: ds.ApprovedRevision,
			Approved: ds.State == candor.DisclosureApproved, Regulator: ds.Kind == candor.KindRegulatorReport,
			Form: sendForm{DisclosureID: ds.ID}}
		if typed.DisclosureID == ds.ID {
			r.Form = typed
		}
		sends, err := cs.store.ListSends(ctx, ds.ID)
		if err != nil {
			cs.fail(c, err)
			return
		}
		for _, s := range sends {
			r.Sends = append(r.Sends, sendRow{ID: s.ID, State: tr(l, "send_state_"+string(s.State)), SendAt: formatTime(l, s.SendAt, loc),
				Progress: tr(l, "send_progress_of", s.Sent, s.Total)})
		}
		d.Notices = append(d.Notices, r)
	}
	cs.render(c, status, "sends", tr(l, "send_sends")+" · "+d.Title, d)
}

// createSend starts a send from the form: the time in the incident's zone
// (empty is now), the filter's lists separated by commas or spaces.
func (cs *Console) createSend(c *gin.Context) {
	if !cs.mayAct(c, candor.RoleLegal) {
		return
	}
	ctx := c.Request.Context()
	f := sendForm{DisclosureID: c.Param("id"), SendAt: strings.TrimSpace(c.PostForm("send_at")),
		Countries: c.PostForm("countries"), Regions: c.PostForm("regions"), Locales: c.PostForm("locales")}
	d, err := cs.store.GetDisclosure(ctx, f.DisclosureID)
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
	if f.SendAt != "" {
		t, err := parseLocal(f.SendAt, cs.location(in))
		if err != nil {
			f.Errors = map[string]string{"send_at": tr(lang(c), "send_bad_time")}
			cs.renderSends(c, http.StatusUnprocessableEntity, f)
			return
		}
		at = &t
	}
	var filter *candor.SendFilter
	if fl := (candor.SendFilter{Countries: splitList(f.Countries), Regions: splitList(f.Regions), Locales: splitList(f.Locales)}); len(fl.Countries)+len(fl.Regions)+len(fl.Locales) > 0 {
		filter = &fl
	}
	s, err := cs.cfg.Sends.StartSend(ctx, d.ID, at, filter)
	if err != nil {
		cs.formError(c, err, &f.Errors, func(st int) { cs.renderSends(c, st, f) })
		return
	}
	c.Redirect(http.StatusSeeOther, "/console/sends/"+s.ID)
}

// formError shows a store's or the domain's refusal beside the form:
// EINVALID's messages by field (filter.countries shows at countries), a
// conflict as the form's own message; anything else is fail's.
func (cs *Console) formError(c *gin.Context, err error, into *map[string]string, again func(status int)) {
	switch candor.ErrorCode(err) {
	case candor.EINVALID:
		*into = map[string]string{}
		for _, fe := range candor.ErrorFields(err) {
			k := strings.TrimPrefix(fe.Field, "filter.")
			(*into)[k] = strings.TrimSpace((*into)[k] + " " + fe.Message)
		}
		again(http.StatusUnprocessableEntity)
	case candor.ECONFLICT:
		*into = map[string]string{"form": candor.ErrorMessage(err)}
		again(http.StatusConflict)
	default:
		cs.fail(c, err)
	}
}

// changeSend pauses, resumes or cancels, then shows the send again.
func (cs *Console) changeSend(action string) gin.HandlerFunc {
	return func(c *gin.Context) {
		if !cs.mayAct(c, candor.RoleLegal) {
			return
		}
		id := c.Param("id")
		if _, err := cs.cfg.Sends.ChangeSend(c.Request.Context(), id, action); err != nil {
			if candor.ErrorCode(err) == candor.ECONFLICT {
				cs.renderSend(c, http.StatusConflict, candor.ErrorMessage(err), "")
				return
			}
			cs.fail(c, err)
			return
		}
		c.Redirect(http.StatusSeeOther, "/console/sends/"+id)
	}
}

func (cs *Console) sendPage(c *gin.Context) {
	cs.renderSend(c, http.StatusOK, "", strings.TrimSpace(c.Query("q")))
}

func (cs *Console) sendScript(c *gin.Context) {
	b, _ := files.ReadFile("static/sends.js")
	c.Header("Cache-Control", "private, max-age=300")
	c.Data(http.StatusOK, "text/javascript; charset=utf-8", b)
}

// parseLocal reads a datetime-local value ("2026-12-07T09:30", seconds
// optional) as a time in loc.
func parseLocal(v string, loc *time.Location) (time.Time, error) {
	t, err := time.ParseInLocation("2006-01-02T15:04", v, loc)
	if err != nil {
		t, err = time.ParseInLocation("2006-01-02T15:04:05", v, loc)
	}
	return t, err
}

// splitList reads "JP, PH US" as [JP PH US].
func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\r' || r == '\t' || r == '、' })
}
