package console

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/deadline"
	"github.com/gin-gonic/gin"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// reachStore is what the reach page needs from the store: the same rows
// and substitute notices the API's GET /incidents/{id}/reach counts, and
// the substitute-notice record.
type reachStore interface {
	GetIncident(ctx context.Context, id string) (candor.Incident, error)
	candor.ReachSource
	CreateSubstituteNotice(ctx context.Context, n candor.SubstituteNotice) (candor.SubstituteNotice, error)
}

// reachRoutes mounts the proof-of-reach page and its substitute-notice
// form (legal, as POST /api/v1/incidents/{id}/substitute-notices).
func (cs *Console) reachRoutes(in *gin.RouterGroup) {
	in.GET("/incidents/:id/reach", cs.reachPage)
	in.POST("/incidents/:id/substitute-notices", cs.checkCSRF, cs.need(candor.RoleLegal), cs.recordSubstitute)
}

type reachData struct {
	ID, Title, Timezone string
	Jurisdictions       []reachRowView
	Total               reachRowView
	Notices             []substituteView
	MayAct              bool
	Kinds               []string
	Form                substituteForm
}

type reachRowView struct {
	candor.JurisdictionReach
	Name     string
	Complete bool
	Why      []whyView
}

type whyView struct {
	Key string
	N   int
}

func reachView(r candor.JurisdictionReach, l string) reachRowView {
	v := reachRowView{JurisdictionReach: r, Name: countryName(l, r.Jurisdiction), Complete: r.Complete()}
	for _, k := range []string{candor.WhyNoContact, candor.WhyEmailFailed, candor.WhyReturnedMail, candor.WhyErasedUnnamed} {
		if n := r.Why[k]; n > 0 {
			v.Why = append(v.Why, whyView{Key: "reach_why_" + k, N: n})
		}
	}
	return v
}

// reachPage shows, per jurisdiction, how the affected customers were
// reached (the API's counts, candor.IncidentReach), and the substitute
// notices with the form that records one.
func (cs *Console) reachPage(c *gin.Context) {
	cs.renderReach(c, http.StatusOK, substituteForm{Kind: candor.SubstituteStatement})
}

func (cs *Console) renderReach(c *gin.Context, status int, form substituteForm) {
	l := lang(c)
	ctx := c.Request.Context()
	inc, err := cs.store.GetIncident(ctx, c.Param("id"))
	if err != nil {
		cs.fail(c, err)
		return
	}
	js, err := candor.IncidentReach(ctx, cs.store, inc.ID, deadline.RuleAreas(cs.cfg.Rules), time.Now().UTC())
	if err != nil {
		cs.fail(c, err)
		return
	}
	notices, err := cs.store.ListSubstituteNotices(ctx, inc.ID)
	if err != nil {
		cs.fail(c, err)
		return
	}
	if form.Published == "" {
		form.Published = time.Now().In(cs.location(inc)).Format(candor.DateLayout)
	}
	d := reachData{ID: inc.ID, Title: localTitle(inc, l), Timezone: cs.location(inc).String(), MayAct: may(c, candor.RoleLegal),
		Kinds: candor.SubstituteKinds(), Form: form}
	for _, r := range js {
		d.Jurisdictions = append(d.Jurisdictions, reachView(r, l))
	}
	d.Total = reachView(candor.SumReach(js), l)
	for _, n := range notices {
		d.Notices = append(d.Notices, substituteView{SubstituteNotice: n, On: formatDate(l, n.PublishedOn), Until: formatDate(l, n.Until),
			Where: strings.Join(n.Jurisdictions, ", ")})
	}
	cs.render(c, status, "reach", tr(l, "reach_title"), d)
}

func init() {
	words(map[string]string{
		"reach_title": "Proof of reach", "reach_intro": "Every affected customer counted once, where they count: a US state for US customers, else their country. Someone reached both by e-mail and by letter counts as e-mail.",
		"reach_jurisdiction": "Jurisdiction", "reach_customers": "Customers", "reach_email": "E-mail", "reach_letter": "Letter",
		"reach_substitute": "Substitute notice", "reach_pending": "Not yet", "reach_unreachable": "Not at all", "reach_why": "Why not",
		"reach_complete": "everyone reached or covered", "reach_none": "No customers imported yet.",
		"reach_why_no_contact": "no e-mail and no address", "reach_why_email_failed_no_address": "e-mail failed, no address",
		"reach_why_returned_mail": "letter returned", "reach_why_erased": "erased before reached",
	}, map[string]string{
		"reach_title": "通知の到達状況", "reach_intro": "影響を受けた顧客を、該当する法域ごとに1人1回数えています（米国の顧客は州、それ以外は国）。メールと郵便の両方で通知した方はメールとして数えます。",
		"reach_jurisdiction": "法域", "reach_customers": "顧客数", "reach_email": "メール", "reach_letter": "郵便",
		"reach_substitute": "代替措置（公表）", "reach_pending": "未到達（対応中）", "reach_unreachable": "到達不能", "reach_why": "理由",
		"reach_complete": "全員に到達または代替措置済み", "reach_none": "顧客はまだ取り込まれていません。",
		"reach_why_no_contact": "メールアドレスも住所もなし", "reach_why_email_failed_no_address": "メール不達・住所なし",
		"reach_why_returned_mail": "郵便物の返送", "reach_why_erased": "到達前に削除",
	})
}

// countryName is a jurisdiction as the reader names it: a country in the
// console's language ("日本 (JP)"), a subdivision or anything else as its
// code.
func countryName(l, code string) string {
	if len(code) != 2 {
		if code == "" {
			return "—"
		}
		return code
	}
	r, err := language.ParseRegion(code)
	if err != nil {
		return code
	}
	tag := language.English
	if l == "ja" {
		tag = language.Japanese
	}
	if n := display.Regions(tag).Name(r); n != "" {
		return n + " (" + code + ")"
	}
	return code
}
