package console

import (
	"net/http"
	"strings"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/deadline"
	"github.com/gin-gonic/gin"
)

// substituteForm is the record-a-substitute-notice form as typed, and its
// problems by field.
type substituteForm struct {
	Kind, Jurisdictions, Published, Until, URL, Outlet, Description string
	Errors                                                          map[string]string
}

// substituteView is a recorded notice as the reach page lists it.
type substituteView struct {
	candor.SubstituteNotice
	On, Until, Where string
}

// recordSubstitute records a substitute notice from the form: the same
// store call as the API's, so a bad field is the same message, shown
// beside it with the typed values kept (422).
func (cs *Console) recordSubstitute(c *gin.Context) {
	f := substituteForm{Kind: c.PostForm("kind"), Jurisdictions: c.PostForm("jurisdictions"), Published: strings.TrimSpace(c.PostForm("published_on")),
		Until: c.PostForm("until"), URL: c.PostForm("url"), Outlet: c.PostForm("outlet"), Description: c.PostForm("description")}
	n := candor.SubstituteNotice{IncidentID: c.Param("id"), Kind: f.Kind, Jurisdictions: splitCodes(f.Jurisdictions),
		PublishedOn: f.Published, Until: f.Until, URL: f.URL, Outlet: f.Outlet, Description: f.Description}
	if _, err := cs.store.CreateSubstituteNotice(c.Request.Context(), n); err != nil {
		cs.formError(c, err, &f.Errors, func(st int) { cs.renderReach(c, st, f) })
		return
	}
	c.Redirect(http.StatusSeeOther, "/console/incidents/"+c.Param("id")+"/reach#substitute")
}

// metByText says what met a duty on the deadline board: the send that
// completed it; else the filing, the letter batches or the substitute
// notices that did (issue 22: a duty to individuals may be completed by a
// letter or covered by a substitute notice, with no send of its own).
func metByText(l string, mb *deadline.MetBy) string {
	switch {
	case mb.SendID != "":
		return tr(l, "send") + " " + mb.SendID
	case mb.Filing != "":
		return tr(l, "reach_met_filing") + " " + mb.Filing
	case len(mb.SubstituteNotices) > 0:
		return tr(l, "reach_met_substitute")
	case len(mb.LetterBatches) > 0:
		return tr(l, "reach_met_letters") + " " + mb.LetterBatches[0].MailedOn
	}
	return tr(l, "disclosure") + " " + mb.DisclosureID
}

// splitCodes reads jurisdiction codes typed with commas or spaces.
func splitCodes(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '、' })
}

func init() {
	words(map[string]string{
		"reach_sub_title": "Substitute notices", "reach_sub_intro": "Where people cannot be reached by e-mail or letter, a rule may accept a public notice instead (US states' substitute notice, Japan's public announcement with an inquiry desk). A notice covers the customers of its jurisdictions not reached in person only once a substitute-notice decision on the duty to individuals there is approved.",
		"reach_sub_none": "No substitute notice recorded.", "reach_sub_kind": "Kind", "reach_sub_where": "Jurisdictions",
		"reach_sub_on": "Published on", "reach_sub_until": "Until", "reach_sub_url": "Address (URL)", "reach_sub_outlet": "Outlet",
		"reach_sub_description": "What was published", "reach_sub_by": "Recorded by", "reach_sub_record": "Record a substitute notice",
		"reach_sub_where_hint": "Codes separated by commas: JP, US-CA, EU", "reach_sub_submit": "Record the notice",
		"reach_sub_legal_only":     "Only legal can record substitute notices.",
		"reach_sub_kind_statement": "The public statement", "reach_sub_kind_lookup_page": "The reference lookup page",
		"reach_sub_kind_media": "Press or broadcast", "reach_sub_kind_website": "Website notice", "reach_sub_kind_other": "Other",
		"reach_met_filing": "filing", "reach_met_substitute": "substitute notice", "reach_met_letters": "letters mailed on",
	}, map[string]string{
		"reach_sub_title": "代替措置（公表）", "reach_sub_intro": "メールや郵便で通知できない方について、公表による代替措置を認める規定があります（米国各州の代替通知、日本の問合せ窓口を設けた公表）。代替措置が対象法域の未到達の顧客をカバーするのは、その法域の本人通知義務について代替措置の決定が承認されている場合に限ります。",
		"reach_sub_none": "記録された代替措置はありません。", "reach_sub_kind": "種類", "reach_sub_where": "法域",
		"reach_sub_on": "公表日", "reach_sub_until": "掲載終了日", "reach_sub_url": "URL", "reach_sub_outlet": "媒体",
		"reach_sub_description": "公表内容", "reach_sub_by": "記録者", "reach_sub_record": "代替措置を記録",
		"reach_sub_where_hint": "コードをカンマ区切りで：JP, US-CA, EU", "reach_sub_submit": "記録する",
		"reach_sub_legal_only":     "代替措置を記録できるのは法務担当者のみです。",
		"reach_sub_kind_statement": "公表文", "reach_sub_kind_lookup_page": "通知番号照会ページ",
		"reach_sub_kind_media": "報道・放送", "reach_sub_kind_website": "ウェブサイトでの掲載", "reach_sub_kind_other": "その他",
		"reach_met_filing": "届出", "reach_met_substitute": "代替措置（公表）", "reach_met_letters": "郵送日",
	})
}
