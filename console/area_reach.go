package console

import (
	"context"
	"net/http"

	"github.com/candor-dev/candor"
	"github.com/gin-gonic/gin"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// reachStore is what the reach page needs from the store: the same rows
// the API's GET /incidents/{id}/reach counts.
type reachStore interface {
	GetIncident(ctx context.Context, id string) (candor.Incident, error)
	ReachRows(ctx context.Context, incidentID string) ([]candor.ReachRow, error)
}

// reachRoutes mounts the proof-of-reach page.
func (cs *Console) reachRoutes(in *gin.RouterGroup) {
	in.GET("/incidents/:id/reach", cs.reachPage)
}

type reachData struct {
	ID, Title     string
	Jurisdictions []reachRowView
	Total         reachRowView
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
// reached (the API's counts, candor.TallyReach over store.ReachRows).
func (cs *Console) reachPage(c *gin.Context) {
	l := lang(c)
	ctx := c.Request.Context()
	inc, err := cs.store.GetIncident(ctx, c.Param("id"))
	if err != nil {
		cs.fail(c, err)
		return
	}
	rows, err := cs.store.ReachRows(ctx, inc.ID)
	if err != nil {
		cs.fail(c, err)
		return
	}
	d := reachData{ID: inc.ID, Title: localTitle(inc, l)}
	var total candor.JurisdictionReach
	total.Why = map[string]int{}
	for _, r := range candor.TallyReach(rows, nil) {
		d.Jurisdictions = append(d.Jurisdictions, reachView(r, l))
		total.Customers += r.Customers
		total.Email += r.Email
		total.Letter += r.Letter
		total.Substitute += r.Substitute
		total.Pending += r.Pending
		total.Unreachable += r.Unreachable
		for k, n := range r.Why {
			total.Why[k] += n
		}
	}
	d.Total = reachView(total, l)
	cs.render(c, http.StatusOK, "reach", tr(l, "reach_title"), d)
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
