package console

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/candor-dev/candor"
	"github.com/gin-gonic/gin"
)

type draftVariantTab struct {
	Key, Href string
	Current   bool
}

// editorForm is the editor's form: the disclosure's own fields and one
// variant's templates, as stored or as typed.
type draftEditorForm struct {
	Title, DefaultLocale, Jurisdiction, Email, Subject, Body, Text, Sample string
	Base                                                                   int
}

type draftEditorData struct {
	ID, IncidentID, IncidentTitle, Kind, State, Title, EditedBy, RejectReason, Updated string
	KindName, StateName                                                                string
	Revision, ApprovedRevision                                                         int
	Regulator                                                                          bool
	Variants                                                                           []draftVariantTab
	Variant                                                                            string
	Form                                                                               draftEditorForm
	Errors                                                                             map[string]string
	Others                                                                             []string
	Message, Notice                                                                    string
	CanEdit, CanSubmit, CanReview                                                      bool
	FourEyes                                                                           string
	Samples                                                                            []draftSample
	PreviewSrc                                                                         string
	Review                                                                             draftReviewData
	AddKey, AddError                                                                   string
}

// editorState is what a POST brings back to the editor: what was typed
// and what went wrong with it.
type draftEditorState struct {
	status   int
	variant  string
	form     *draftEditorForm // nil: the stored content
	err      error            // the editor form's error
	message  string           // shown at the top
	addKey   string
	addErr   string
	review   draftReviewInput
	forceDis *candor.Disclosure // the disclosure as already read
}

func (cs *Console) draftEditor(c *gin.Context) {
	st := draftEditorState{status: http.StatusOK, variant: c.Query("variant")}
	if n := c.Query("saved"); n != "" {
		st.message = "notice:" + tr(lang(c), "draft_saved", n)
	}
	if s := c.Query("done"); s != "" {
		st.message = "notice:" + tr(lang(c), "draft_done_"+s)
	}
	st.review.sample = c.Query("sample")
	cs.renderDraftEditor(c, st)
}

// renderEditor shows the editor of disclosure :id with st.
func (cs *Console) renderDraftEditor(c *gin.Context, st draftEditorState) {
	l, ctx := lang(c), c.Request.Context()
	var d candor.Disclosure
	var err error
	if st.forceDis != nil {
		d = *st.forceDis
	} else if d, err = cs.store.GetDisclosure(ctx, c.Param("id")); err != nil {
		cs.fail(c, err)
		return
	}
	in, err := cs.store.GetIncident(ctx, d.IncidentID)
	if err != nil {
		cs.fail(c, err)
		return
	}
	p := draftPerson(c)
	key := st.variant
	if _, ok := d.Variants[key]; !ok {
		key = d.DefaultLocale
		if _, ok := d.Variants[key]; !ok && len(d.Variants) > 0 {
			key = slices.Sorted(maps.Keys(d.Variants))[0]
		}
	}
	loc := cs.location(in)
	ed := draftEditorData{ID: d.ID, IncidentID: in.ID, IncidentTitle: localTitle(in, l), Kind: string(d.Kind), State: string(d.State),
		Title: d.Title, Revision: d.Revision, ApprovedRevision: d.ApprovedRevision, RejectReason: d.RejectReason,
		Updated: formatTime(l, d.UpdatedAt, loc), Regulator: d.Kind == candor.KindRegulatorReport, Variant: key,
		CanEdit: p.Role.Allows(candor.RoleComms), CanSubmit: p.Role.Allows(candor.RoleComms) && d.State == candor.DisclosureDraft,
		AddKey: st.addKey, AddError: st.addErr, KindName: draftWord(l, "draft_kind_"+string(d.Kind), string(d.Kind)),
		StateName: draftWord(l, "draft_state_"+string(d.State), string(d.State))}
	if rev, err := cs.store.GetRevision(ctx, d.ID, d.Revision); err == nil {
		ed.EditedBy = rev.AuthorName
	}
	for _, k := range slices.Sorted(maps.Keys(d.Variants)) {
		ed.Variants = append(ed.Variants, draftVariantTab{Key: k, Current: k == key,
			Href: "/console/disclosures/" + d.ID + "?variant=" + url.QueryEscape(k)})
	}
	if st.form != nil {
		ed.Form = *st.form
	} else {
		v := d.Variants[key]
		ed.Form = draftEditorForm{Title: d.Title, DefaultLocale: d.DefaultLocale, Subject: v.Subject, Body: v.Body, Text: v.Text,
			Base: d.Revision, Sample: st.review.sample}
		if d.Regulator != nil {
			ed.Form.Jurisdiction, ed.Form.Email = d.Regulator.Jurisdiction, d.Regulator.Email
		}
	}
	ed.Errors, ed.Others = draftFieldMessages(st.err, map[string]string{"title": "title", "default_locale": "default_locale",
		"regulator": "jurisdiction", "regulator.jurisdiction": "jurisdiction", "regulator.email": "email", "kind": "title"},
		func(field string) (string, bool) {
			rest, ok := strings.CutPrefix(field, "variants."+key+".")
			if ok && (rest == "subject" || rest == "body" || rest == "text") {
				return rest, true
			}
			return "", false
		})
	if msg, ok := strings.CutPrefix(st.message, "notice:"); ok {
		ed.Notice = msg
	} else {
		ed.Message = st.message
	}
	ed.Samples = cs.draftSamples(c, d, in.DataCategories, key, ed.Form.Sample)
	ed.PreviewSrc = "/console/disclosures/" + d.ID + "/preview?variant=" + url.QueryEscape(key)
	for _, s := range ed.Samples {
		if s.Selected {
			ed.PreviewSrc += "&sample=" + url.QueryEscape(s.Value)
		}
	}
	ed.Review, ed.CanReview, ed.FourEyes = cs.draftReview(c, d, st.review)
	status := st.status
	if status == 0 {
		status = http.StatusOK
	}
	cs.render(c, status, "disclosure", d.Title+" · "+tr(l, "draft_editor"), ed)
}

// typedForm reads the editor form of a POST.
func draftTypedForm(c *gin.Context) draftEditorForm {
	base, _ := strconv.Atoi(c.PostForm("base"))
	return draftEditorForm{Title: c.PostForm("title"), DefaultLocale: c.PostForm("default_locale"),
		Jurisdiction: c.PostForm("jurisdiction"), Email: c.PostForm("email"), Subject: c.PostForm("subject"),
		Body: c.PostForm("body"), Text: c.PostForm("text"), Sample: c.PostForm("sample"), Base: base}
}

// typedContent is d's content with the editor form's fields and variant
// key's templates as typed.
func draftTypedContent(d candor.Disclosure, key string, f draftEditorForm) candor.DisclosureContent {
	out := d.DisclosureContent.Clone()
	out.Title, out.DefaultLocale = f.Title, f.DefaultLocale
	if d.Kind == candor.KindRegulatorReport || f.Jurisdiction != "" || f.Email != "" {
		out.Regulator = &candor.Regulator{Jurisdiction: f.Jurisdiction, Email: f.Email}
	}
	if out.Variants == nil {
		out.Variants = map[string]candor.Variant{}
	}
	out.Variants[key] = candor.Variant{Subject: f.Subject, Body: f.Body, Text: f.Text}
	return out
}

// saveDraft makes a revision from the form, as PUT /disclosures/:id does
// with the form's revision as the one the edit was made from.
func (cs *Console) saveDraft(c *gin.Context) {
	if !cs.draftAllowed(c, candor.RoleComms) {
		return
	}
	ctx, key, f := c.Request.Context(), c.PostForm("variant"), draftTypedForm(c)
	d, err := cs.store.GetDisclosure(ctx, c.Param("id"))
	if err != nil {
		cs.fail(c, err)
		return
	}
	out, err := cs.store.EditDisclosure(ctx, d.ID, draftTypedContent(d, key, f), f.Base)
	if err != nil {
		cs.draftEditorError(c, draftEditorState{variant: key, form: &f, forceDis: &d}, err)
		return
	}
	q := url.Values{"variant": {key}, "saved": {strconv.Itoa(out.Revision)}, "sample": {f.Sample}}
	c.Redirect(http.StatusSeeOther, "/console/disclosures/"+d.ID+"?"+q.Encode())
}

// editorError shows a refused change beside what was typed: 422 with the
// fields' messages, 409 when the disclosure moved on, 403; anything else
// is an error page.
func (cs *Console) draftEditorError(c *gin.Context, st draftEditorState, err error) {
	switch candor.ErrorCode(err) {
	case candor.EINVALID, candor.ETOOLARGE:
		st.status = http.StatusUnprocessableEntity
		if st.err == nil && st.addErr == "" && st.message == "" {
			st.err = err
		}
	case candor.ECONFLICT:
		st.status, st.message = http.StatusConflict, tr(lang(c), "draft_conflict")+" ("+candor.ErrorMessage(err)+")"
	case candor.EFORBIDDEN:
		st.status, st.message = http.StatusForbidden, candor.ErrorMessage(err)
	default:
		cs.fail(c, err)
		return
	}
	cs.renderDraftEditor(c, st)
}

// addVariant adds a language variant (a language, "ja", or a language for
// one jurisdiction, "en@US-CA") starting from the default locale's text.
func (cs *Console) addDraftVariant(c *gin.Context) {
	if !cs.draftAllowed(c, candor.RoleComms) {
		return
	}
	ctx, key := c.Request.Context(), strings.TrimSpace(c.PostForm("key"))
	d, err := cs.store.GetDisclosure(ctx, c.Param("id"))
	if err != nil {
		cs.fail(c, err)
		return
	}
	st := draftEditorState{variant: c.PostForm("variant"), addKey: key, forceDis: &d}
	if key == "" {
		st.status, st.addErr = http.StatusUnprocessableEntity, tr(lang(c), "draft_required")
		cs.renderDraftEditor(c, st)
		return
	}
	content := d.DisclosureContent.Clone()
	content.Variants[key] = content.Variants[d.DefaultLocale]
	base, _ := strconv.Atoi(c.PostForm("base"))
	out, err := cs.store.EditDisclosure(ctx, d.ID, content, base)
	if err != nil {
		for _, fe := range candor.ErrorFields(err) {
			if strings.HasPrefix(fe.Field, "variants") {
				st.addErr = strings.TrimSpace(st.addErr + " " + fe.Message)
			}
		}
		if st.addErr == "" && draftFormError(err) {
			st.addErr = candor.ErrorMessage(err)
		}
		cs.draftEditorError(c, st, err)
		return
	}
	added := key
	for k := range out.Variants {
		if _, had := d.Variants[k]; !had {
			added = k
		}
	}
	q := url.Values{"variant": {added}, "saved": {strconv.Itoa(out.Revision)}}
	c.Redirect(http.StatusSeeOther, "/console/disclosures/"+d.ID+"?"+q.Encode())
}

// removeVariant removes one variant; the default language's cannot go
// (the store says so, beside the variant list).
func (cs *Console) removeDraftVariant(c *gin.Context) {
	if !cs.draftAllowed(c, candor.RoleComms) {
		return
	}
	ctx, key := c.Request.Context(), c.PostForm("variant")
	d, err := cs.store.GetDisclosure(ctx, c.Param("id"))
	if err != nil {
		cs.fail(c, err)
		return
	}
	content := d.DisclosureContent.Clone()
	delete(content.Variants, key)
	base, _ := strconv.Atoi(c.PostForm("base"))
	out, err := cs.store.EditDisclosure(ctx, d.ID, content, base)
	if err != nil {
		st := draftEditorState{variant: key, forceDis: &d}
		if draftFormError(err) {
			st.message = tr(lang(c), "draft_cannot_remove", key) + " " + strings.Join(draftMessages(err), " ")
		}
		cs.draftEditorError(c, st, err)
		return
	}
	q := url.Values{"saved": {strconv.Itoa(out.Revision)}}
	c.Redirect(http.StatusSeeOther, "/console/disclosures/"+d.ID+"?"+q.Encode())
}

// messagesOf lists an error's field messages ("field: message"), or its
// message when it has no fields.
func draftMessages(err error) []string {
	fields := candor.ErrorFields(err)
	if len(fields) == 0 {
		return []string{candor.ErrorMessage(err)}
	}
	out := make([]string, len(fields))
	for i, fe := range fields {
		out[i] = fe.Field + ": " + fe.Message
	}
	return out
}
