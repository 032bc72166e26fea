package console

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/store"
	"github.com/gin-gonic/gin"
)

// admInviteTTL is how long a set-password link works (as `candor person
// invite`'s).
const admInviteTTL = 24 * time.Hour

var admRoles = []string{string(candor.RoleViewer), string(candor.RoleComms), string(candor.RoleLegal), string(candor.RoleAdmin)}

type admTokenRow struct {
	ID, Name, Role, Created, LastUsed string
	Revoked                           bool
}

type admPersonRow struct {
	ID, Name, Email, Role, LastSignIn string
	Disabled, TOTP, TOTPPending, Self bool
	Tokens                            []admTokenRow
}

// admPeopleData is the people page: the list, the add form (typed values
// and field errors kept on a 422), and at most one thing shown once (a
// password link or a token secret) or a notice.
type admPeopleData struct {
	People                           []admPersonRow
	Roles                            []string
	Notice, Alert                    string
	LinkFor, Link, SecretFor, Secret string
	FormName, FormEmail, FormRole    string
	Errs                             map[string]string
	// TokenFor is the person whose token form was refused (its errors and
	// typed name beside it, not beside the add form).
	TokenFor, TokenName string
}

// base is the start of absolute links the console hands out.
func (cs *Console) linkBase(c *gin.Context) string {
	if cs.cfg.BaseURL != "" {
		return strings.TrimRight(cs.cfg.BaseURL, "/")
	}
	scheme := "http"
	if c.Request.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + c.Request.Host
}

func (cs *Console) admZone() *time.Location {
	if cs.cfg.Timezone != "" {
		if loc, err := time.LoadLocation(cs.cfg.Timezone); err == nil {
			return loc
		}
	}
	return time.UTC
}

// admPeopleDone maps ?done= after a change to its notice (post, redirect, get).
var admPeopleDone = map[string]string{"role": "adm_done_role", "disable": "adm_done_disable", "enable": "adm_done_enable",
	"sessions": "adm_done_sessions", "totp": "adm_done_totp", "revoke": "adm_done_revoke"}

func (cs *Console) people(c *gin.Context) {
	d := admPeopleData{FormRole: string(candor.RoleViewer)}
	if k, ok := admPeopleDone[c.Query("done")]; ok {
		d.Notice = tr(lang(c), k)
	}
	cs.renderPeople(c, http.StatusOK, d)
}

func (cs *Console) renderPeople(c *gin.Context, status int, d admPeopleData) {
	l, ctx := lang(c), c.Request.Context()
	accounts, err := cs.store.ListAccounts(ctx)
	if err != nil {
		cs.fail(c, err)
		return
	}
	tokens, err := cs.store.ListTokens(ctx)
	if err != nil {
		cs.fail(c, err)
		return
	}
	me, _ := cs.session(c)
	loc := cs.admZone()
	byPerson := map[string][]admTokenRow{}
	for _, t := range tokens {
		r := admTokenRow{ID: t.ID, Name: t.Name, Role: string(t.Role), Created: formatTime(l, t.CreatedAt, loc), Revoked: t.RevokedAt != nil}
		if t.LastUsedAt != nil {
			r.LastUsed = formatTime(l, *t.LastUsedAt, loc)
		}
		byPerson[t.PersonID] = append(byPerson[t.PersonID], r)
	}
	d.Roles = admRoles
	for _, a := range accounts {
		r := admPersonRow{ID: a.ID, Name: a.Name, Email: a.Email, Role: string(a.Role), Disabled: a.DisabledAt != nil,
			TOTP: a.TOTP, TOTPPending: a.TOTPPending, Self: a.ID == me.ID, Tokens: byPerson[a.ID], LastSignIn: tr(l, "adm_never")}
		if a.LastSignInAt != nil {
			r.LastSignIn = formatTime(l, *a.LastSignInAt, loc)
		}
		d.People = append(d.People, r)
	}
	cs.render(c, status, "admin_people", tr(l, "adm_people"), d)
}

// peopleError shows a refused change on the people page: a field error
// beside its field, a conflict in words the person reads.
func (cs *Console) peopleError(c *gin.Context, d admPeopleData, err error) {
	l := lang(c)
	var ce *candor.Error
	switch {
	case errors.Is(err, store.ErrLastAdmin):
		d.Alert = tr(l, "adm_last_admin")
	case errors.Is(err, store.ErrSelfDisable):
		d.Alert = tr(l, "adm_self_disable")
	case errors.As(err, &ce) && ce.Code == candor.EINVALID:
		d.Alert, d.Errs = tr(l, "adm_fix"), map[string]string{}
		for _, f := range ce.Fields {
			d.Errs[f.Field] = f.Message
			if d.FormName == "" && d.FormEmail == "" && d.TokenFor == "" { // no form beside which to show it
				d.Alert += " " + f.Field + ": " + f.Message
			}
		}
		if d.Errs["person"] != "" { // a token for a person who is gone
			d.Alert = d.Errs["person"]
		}
		cs.renderPeople(c, http.StatusUnprocessableEntity, d)
		return
	case errors.As(err, &ce) && (ce.Code == candor.ECONFLICT || ce.Code == candor.EFORBIDDEN):
		d.Alert = tr(l, "adm_conflict", ce.Message)
	default:
		cs.fail(c, err)
		return
	}
	cs.renderPeople(c, http.StatusConflict, d)
}

// createPerson adds a person and shows their one-time password link, as
// `candor person create` then `candor person invite` do.
func (cs *Console) createPerson(c *gin.Context) {
	ctx := c.Request.Context()
	d := admPeopleData{FormName: c.PostForm("name"), FormEmail: c.PostForm("email"), FormRole: c.PostForm("role")}
	p, err := cs.store.CreatePerson(ctx, candor.Person{Name: d.FormName, Email: d.FormEmail, Role: candor.Role(d.FormRole)})
	if err != nil {
		if candor.ErrorCode(err) == candor.ECONFLICT { // a taken e-mail is the e-mail field's problem
			err = candor.Invalid(candor.FieldError{Field: "email", Message: "is another person's e-mail"})
		}
		cs.peopleError(c, d, err)
		return
	}
	cs.showLink(c, p.ID)
}

func (cs *Console) invitePerson(c *gin.Context) { cs.showLink(c, c.Param("pid")) }

func (cs *Console) showLink(c *gin.Context, id string) {
	d := admPeopleData{FormRole: string(candor.RoleViewer)}
	if !admPathID(id) {
		cs.renderError(c, http.StatusNotFound, "not_found")
		return
	}
	p, secret, err := cs.store.CreatePasswordLink(c.Request.Context(), id, admInviteTTL)
	if err != nil {
		cs.peopleError(c, d, err)
		return
	}
	d.LinkFor, d.Link = p.Name, cs.linkBase(c)+"/console/set-password?token="+url.QueryEscape(secret)
	cs.renderPeople(c, http.StatusOK, d)
}

// validPath keeps a path parameter that is no id away from the store's
// e-mail lookups (findPerson takes an id or an e-mail).
func admPathID(id string) bool { return len(id) == 36 && !strings.Contains(id, "@") }

func (cs *Console) admDone(c *gin.Context, key string) {
	c.Redirect(http.StatusSeeOther, "/console/admin/people?done="+key)
}

func (cs *Console) setRole(c *gin.Context) {
	if _, err := cs.store.SetPersonRole(c.Request.Context(), c.Param("pid"), candor.Role(c.PostForm("role"))); err != nil {
		cs.peopleError(c, admPeopleData{FormRole: string(candor.RoleViewer)}, err)
		return
	}
	cs.admDone(c, "role")
}

func (cs *Console) setDisabled(disabled bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		if _, err := cs.store.SetPersonDisabled(c.Request.Context(), c.Param("pid"), disabled); err != nil {
			cs.peopleError(c, admPeopleData{FormRole: string(candor.RoleViewer)}, err)
			return
		}
		cs.admDone(c, map[bool]string{true: "disable", false: "enable"}[disabled])
	}
}

func (cs *Console) endSessions(c *gin.Context) {
	id := c.Param("pid")
	if !admPathID(id) {
		cs.renderError(c, http.StatusNotFound, "not_found")
		return
	}
	if err := cs.store.EndSessions(c.Request.Context(), id); err != nil {
		cs.peopleError(c, admPeopleData{FormRole: string(candor.RoleViewer)}, err)
		return
	}
	cs.admDone(c, "sessions")
}

func (cs *Console) resetTOTP(c *gin.Context) {
	if err := cs.store.ResetTOTP(c.Request.Context(), c.Param("pid")); err != nil {
		cs.peopleError(c, admPeopleData{FormRole: string(candor.RoleViewer)}, err)
		return
	}
	cs.admDone(c, "totp")
}

// createToken makes a token for the person and shows its secret once.
func (cs *Console) createToken(c *gin.Context) {
	id := c.Param("pid")
	d := admPeopleData{FormRole: string(candor.RoleViewer)}
	if !admPathID(id) {
		cs.renderError(c, http.StatusNotFound, "not_found")
		return
	}
	tok, secret, err := cs.store.CreateTokenFor(c.Request.Context(), id, c.PostForm("name"), candor.Role(c.PostForm("role")))
	if err != nil {
		d.TokenFor, d.TokenName = id, c.PostForm("name")
		cs.peopleError(c, d, err)
		return
	}
	d.SecretFor, d.Secret = tok.Name, secret
	cs.renderPeople(c, http.StatusCreated, d)
}

func (cs *Console) revokeToken(c *gin.Context) {
	if _, err := cs.store.RevokeToken(c.Request.Context(), c.Param("tid")); err != nil {
		cs.peopleError(c, admPeopleData{FormRole: string(candor.RoleViewer)}, err)
		return
	}
	cs.admDone(c, "revoke")
}
