package console

import (
	"net/http"
	"strings"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/templates"
	"github.com/gin-gonic/gin"
)

type draftRow struct {
	ID, Kind, KindName, Title, State, StateName, Updated string
	Revision                                             int
}

// newDraftForm is the "new disclosure" form as typed.
type newDraftForm struct {
	Kind, Title, Locale, Subject, Body, Jurisdiction, Email string
	FromDefault                                             bool
}

type draftListData struct {
	ID, Title string
	Items     []draftRow
	Next      string
	Kinds     []draftKindOption
	Form      newDraftForm
	Errors    map[string]string
	Others    []string // errors for no field of the form
	CanCreate bool
}

func (cs *Console) draftList(c *gin.Context) {
	cs.renderDisclosures(c, http.StatusOK, newDraftForm{Kind: string(candor.KindCustomerNotice), FromDefault: true,
		Locale: templates.DefaultLocale}, nil)
}

func (cs *Console) renderDisclosures(c *gin.Context, status int, f newDraftForm, err error) {
	l, ctx := lang(c), c.Request.Context()
	in, gerr := cs.store.GetIncident(ctx, c.Param("id"))
	if gerr != nil {
		cs.fail(c, gerr)
		return
	}
	page, lerr := cs.store.ListDisclosures(ctx, in.ID, c.Query("cursor"), 100)
	if lerr != nil {
		cs.fail(c, lerr)
		return
	}
	loc := cs.location(in)
	d := draftListData{ID: in.ID, Title: localTitle(in, l), Form: f, CanCreate: draftPerson(c).Role.Allows(candor.RoleComms)}
	for _, k := range candor.DisclosureKinds() {
		d.Kinds = append(d.Kinds, draftKindOption{Value: string(k), Name: draftWord(l, "draft_kind_"+string(k), string(k))})
	}
	for _, x := range page.Items {
		d.Items = append(d.Items, draftRow{ID: x.ID, Kind: string(x.Kind), Title: x.Title, State: string(x.State),
			KindName: draftWord(l, "draft_kind_"+string(x.Kind), string(x.Kind)), StateName: draftWord(l, "draft_state_"+string(x.State), string(x.State)),
			Revision: x.Revision, Updated: formatTime(l, x.UpdatedAt, loc)})
	}
	if page.NextCursor != nil {
		d.Next = "/console/incidents/" + in.ID + "/disclosures?cursor=" + *page.NextCursor
	}
	d.Errors, d.Others = draftFieldMessages(err, map[string]string{"kind": "kind", "title": "title", "default_locale": "locale",
		"regulator": "jurisdiction", "regulator.jurisdiction": "jurisdiction", "regulator.email": "email"},
		func(field string) (string, bool) {
			if rest, ok := strings.CutPrefix(field, "variants."); ok {
				_, part, _ := strings.Cut(rest, ".")
				switch part {
				case "subject", "body":
					return part, true
				}
				return "locale", true
			}
			return "", false
		})
	cs.render(c, status, "disclosures", tr(l, "draft_disclosures")+" · "+d.Title, d)
}

// createDraft makes a disclosure as POST /incidents/:id/disclosures does:
// from the default templates, or from the one variant typed in the form.
func (cs *Console) createDraft(c *gin.Context) {
	if !cs.draftAllowed(c, candor.RoleComms) {
		return
	}
	f := newDraftForm{Kind: c.PostForm("kind"), Title: c.PostForm("title"), Locale: strings.TrimSpace(c.PostForm("locale")),
		Subject: c.PostForm("subject"), Body: c.PostForm("body"), Jurisdiction: c.PostForm("jurisdiction"),
		Email: c.PostForm("email"), FromDefault: c.PostForm("from_default") == "1"}
	kind := candor.DisclosureKind(f.Kind)
	content := candor.DisclosureContent{Title: f.Title, DefaultLocale: f.Locale}
	if kind == candor.KindRegulatorReport || f.Jurisdiction != "" || f.Email != "" {
		content.Regulator = &candor.Regulator{Jurisdiction: f.Jurisdiction, Email: f.Email}
	}
	if f.FromDefault {
		if kind == candor.KindRegulatorReport {
			// The report starts in its regulator's language, as the API's
			// from_default does when no default_locale is given.
			content.DefaultLocale = ""
		}
	} else if f.Subject != "" || f.Body != "" || f.Locale != "" {
		content.Variants = map[string]candor.Variant{f.Locale: {Subject: f.Subject, Body: f.Body}}
	}
	d, err := cs.store.CreateDisclosure(c.Request.Context(), c.Param("id"), kind, content, f.FromDefault)
	if err != nil {
		if !draftFormError(err) {
			cs.fail(c, err)
			return
		}
		cs.renderDisclosures(c, http.StatusUnprocessableEntity, f, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/console/disclosures/"+d.ID)
}

type draftKindOption struct{ Value, Name string }

// wordOr is the console's word for key, or fallback when it has none (a
// kind or state added to the API before the console learns its name).
func draftWord(l, key, fallback string) string {
	if s := tr(l, key); s != "" {
		return s
	}
	return fallback
}

// person is the signed-in person (cs.auth put them in the context).
func draftPerson(c *gin.Context) candor.Person {
	p, _ := c.Get(personKey)
	pp, _ := p.(candor.Person)
	return pp
}

// allowed renders 403 unless the person's role is at least min, as the
// API's require does for the same action.
func (cs *Console) draftAllowed(c *gin.Context, min candor.Role) bool {
	if draftPerson(c).Role.Allows(min) {
		return true
	}
	cs.renderError(c, http.StatusForbidden, "draft_forbidden_"+string(min))
	return false
}

// formError reports whether err is one the form shows beside its fields
// (a 422), rather than an error page.
func draftFormError(err error) bool {
	switch candor.ErrorCode(err) {
	case candor.EINVALID, candor.ETOOLARGE:
		return true
	}
	return false
}

// fieldMessages sorts an error's field errors into the form's fields:
// names maps API field names to form fields, other names the rest (a
// field it does not know goes to the general list). An error without
// fields is one general message.
func draftFieldMessages(err error, names map[string]string, other func(string) (string, bool)) (map[string]string, []string) {
	if err == nil {
		return nil, nil
	}
	byField := map[string]string{}
	var general []string
	fields := candor.ErrorFields(err)
	if len(fields) == 0 {
		return byField, []string{candor.ErrorMessage(err)}
	}
	for _, fe := range fields {
		name, ok := names[fe.Field]
		if !ok && other != nil {
			name, ok = other(fe.Field)
		}
		if !ok {
			general = append(general, fe.Field+": "+fe.Message)
			continue
		}
		if prev := byField[name]; prev != "" {
			byField[name] = prev + " " + fe.Message
		} else {
			byField[name] = fe.Message
		}
	}
	return byField, general
}
