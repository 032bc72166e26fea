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

type draftCheckRow struct {
	Jurisdiction, Variant, Element, Label, Source, SourceURL, Waived string
	Required, Present, Failed                                        bool
}

type draftWaiverRow struct {
	Jurisdiction, Element, Label, Name, Value string
}

type draftAcceptRow struct {
	Lang    string
	Checked bool
}

// reviewData is the checklist and the review forms beside the editor.
type draftReviewData struct {
	Checklist           []draftCheckRow
	ChecklistError      string
	Accept              []draftAcceptRow
	Waivers             []draftWaiverRow
	CanWaive            bool
	SubmitErrors        []string
	Reason, ReasonError string
	ApproveErrors       []string
	InReview, Draft     bool
}

// reviewInput is what a review form brought back.
type draftReviewInput struct {
	sample        string
	accept        []string
	waive         map[string]string // "<jurisdiction> <element>" → reason
	submitErr     error
	reason        string
	reasonErr     string
	approveErrors []string
	fourEyes      string
}

// review builds the checklist and the review forms of d for the person:
// whether they may approve, and if four eyes stops them, why.
func (cs *Console) draftReview(c *gin.Context, d candor.Disclosure, in draftReviewInput) (draftReviewData, bool, string) {
	ctx, p := c.Request.Context(), draftPerson(c)
	r := draftReviewData{CanWaive: p.Role.Allows(candor.RoleLegal), InReview: d.State == candor.DisclosureInReview,
		Draft: d.State == candor.DisclosureDraft, Reason: in.reason, ReasonError: in.reasonErr, ApproveErrors: in.approveErrors}
	if cs.cfg.Drafts != nil {
		items, err := cs.cfg.Drafts.Checklist(ctx, d)
		if err != nil {
			r.ChecklistError = strings.Join(draftMessages(err), " ")
		}
		seen := map[string]bool{}
		for _, it := range items {
			row := draftCheckRow{Jurisdiction: it.Jurisdiction, Variant: it.Variant, Element: it.Element, Label: it.Label,
				Source: it.Source, Required: it.Required, Present: it.Present, Failed: it.Failed()}
			if it.Waived != nil {
				row.Waived = it.Waived.Reason + " — " + it.Waived.By
			}
			if strings.HasPrefix(it.Source, "https://") || strings.HasPrefix(it.Source, "http://") {
				row.SourceURL = it.Source
			}
			r.Checklist = append(r.Checklist, row)
			k := it.Jurisdiction + " " + it.Element
			if (it.Failed() || it.Waived != nil) && !seen[k] {
				seen[k] = true
				r.Waivers = append(r.Waivers, draftWaiverRow{Jurisdiction: it.Jurisdiction, Element: it.Element, Label: it.Label,
					Name: "waive." + it.Jurisdiction + "." + it.Element, Value: in.waive[k]})
			}
		}
	}
	incLang := ""
	if inc, err := cs.store.GetIncident(ctx, d.IncidentID); err == nil {
		incLang = inc.Language()
	}
	langs := map[string]bool{}
	for k := range d.Variants {
		if lg := draftLanguage(k); lg != incLang {
			langs[lg] = true
		}
	}
	for _, lg := range slices.Sorted(maps.Keys(langs)) {
		r.Accept = append(r.Accept, draftAcceptRow{Lang: lg, Checked: slices.Contains(in.accept, lg)})
	}
	if in.submitErr != nil {
		r.SubmitErrors = draftMessages(in.submitErr)
	}
	canReview := p.Role.Allows(candor.RoleLegal) && d.State == candor.DisclosureInReview
	draftFourEyes := in.fourEyes
	if canReview && draftFourEyes == "" {
		draftFourEyes = cs.draftFourEyes(c, d)
	}
	if draftFourEyes != "" {
		canReview = false
	}
	return r, canReview, draftFourEyes
}

// fourEyes says in plain words why the signed-in person may not approve
// d's revision, or "" if four eyes does not stop them.
func (cs *Console) draftFourEyes(c *gin.Context, d candor.Disclosure) string {
	ctx, p, l := c.Request.Context(), draftPerson(c), lang(c)
	for _, t := range []struct{ token, key string }{{d.EditedBy, "draft_four_eyes_edited"}, {d.SubmittedBy, "draft_four_eyes_submitted"}} {
		if t.token == "" {
			continue
		}
		who, err := cs.store.ActorPerson(ctx, t.token)
		if err == nil && who == p.ID {
			return tr(l, t.key, d.Revision)
		}
	}
	return ""
}

func (cs *Console) submitDraft(c *gin.Context) {
	if !cs.draftAllowed(c, candor.RoleComms) {
		return
	}
	ctx := c.Request.Context()
	in := draftReviewInput{accept: c.PostFormArray("accept"), waive: map[string]string{}}
	var waivers []candor.Waiver
	for name, vals := range c.Request.PostForm {
		rest, ok := strings.CutPrefix(name, "waive.")
		if !ok || len(vals) == 0 || strings.TrimSpace(vals[0]) == "" {
			continue
		}
		jur, el, _ := strings.Cut(rest, ".")
		in.waive[jur+" "+el] = vals[0]
		waivers = append(waivers, candor.Waiver{Jurisdiction: jur, Element: el, Reason: vals[0]})
	}
	slices.SortFunc(waivers, func(a, b candor.Waiver) int {
		return strings.Compare(a.Jurisdiction+" "+a.Element, b.Jurisdiction+" "+b.Element)
	})
	if cs.cfg.Drafts == nil {
		cs.renderError(c, http.StatusServiceUnavailable, "error")
		return
	}
	rev, _ := strconv.Atoi(c.PostForm("revision"))
	d, err := cs.cfg.Drafts.Submit(ctx, c.Param("id"), rev, candor.SubmitOptions{AcceptUntranslated: in.accept, Waivers: waivers})
	if err != nil {
		in.submitErr = err
		st := draftEditorState{variant: c.PostForm("variant"), review: in}
		switch candor.ErrorCode(err) {
		case candor.EINVALID, candor.ETOOLARGE:
			st.status = http.StatusUnprocessableEntity
		case candor.ECONFLICT:
			st.status = http.StatusConflict
		case candor.EFORBIDDEN:
			st.status = http.StatusForbidden
		default:
			cs.fail(c, err)
			return
		}
		cs.renderDraftEditor(c, st)
		return
	}
	cs.draftDone(c, d, "submitted")
}

func (cs *Console) draftDone(c *gin.Context, d candor.Disclosure, done string) {
	q := url.Values{"done": {done}}
	if v := c.PostForm("variant"); v != "" {
		q.Set("variant", v)
	}
	c.Redirect(http.StatusSeeOther, "/console/disclosures/"+d.ID+"?"+q.Encode())
}

// approveDraft approves the revision the page showed, as POST
// /disclosures/:id/approve does; four eyes is explained in plain words.
func (cs *Console) approveDraft(c *gin.Context) {
	if !cs.draftAllowed(c, candor.RoleLegal) {
		return
	}
	ctx := c.Request.Context()
	rev, _ := strconv.Atoi(c.PostForm("revision"))
	d, err := cs.store.ApproveDisclosure(ctx, c.Param("id"), rev)
	if err == nil {
		cs.draftDone(c, d, "approved")
		return
	}
	st := draftEditorState{variant: c.PostForm("variant")}
	switch candor.ErrorCode(err) {
	case candor.EFORBIDDEN:
		cur, gerr := cs.store.GetDisclosure(ctx, c.Param("id"))
		if gerr != nil {
			cs.fail(c, gerr)
			return
		}
		st.forceDis = &cur
		st.status, st.review.fourEyes = http.StatusForbidden, cs.draftFourEyes(c, cur)
		if st.review.fourEyes == "" {
			st.review.approveErrors = []string{candor.ErrorMessage(err)}
		}
	case candor.ECONFLICT, candor.EINVALID:
		st.status, st.review.approveErrors = http.StatusConflict, []string{candor.ErrorMessage(err)}
		if candor.ErrorCode(err) == candor.EINVALID {
			st.status = http.StatusUnprocessableEntity
		}
	default:
		cs.fail(c, err)
		return
	}
	cs.renderDraftEditor(c, st)
}

// rejectDraft sends the disclosure back to draft with a reason.
func (cs *Console) rejectDraft(c *gin.Context) {
	if !cs.draftAllowed(c, candor.RoleLegal) {
		return
	}
	reason := c.PostForm("reason")
	d, err := cs.store.RejectDisclosure(c.Request.Context(), c.Param("id"), reason)
	if err == nil {
		cs.draftDone(c, d, "rejected")
		return
	}
	st := draftEditorState{variant: c.PostForm("variant"), review: draftReviewInput{reason: reason}}
	switch candor.ErrorCode(err) {
	case candor.EINVALID:
		st.status = http.StatusUnprocessableEntity
		for _, fe := range candor.ErrorFields(err) {
			st.review.reasonErr = strings.TrimSpace(st.review.reasonErr + " " + fe.Message)
		}
	case candor.ECONFLICT:
		st.status, st.review.approveErrors = http.StatusConflict, []string{candor.ErrorMessage(err)}
	default:
		cs.fail(c, err)
		return
	}
	cs.renderDraftEditor(c, st)
}
