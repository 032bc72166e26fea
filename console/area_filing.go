package console

import (
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/filing"
	"github.com/gin-gonic/gin"
)

// filingStore is what the filing pages need from the store.
type filingStore interface {
	GetIncident(ctx context.Context, id string) (candor.Incident, error)
}

// FilingActions are the API's own filing operations (api.Server provides
// them), so that a pack read or a filing recorded in the console is the
// API's, with the same checks and audit entries.
type FilingActions interface {
	// Packs is GET /incidents/{id}/filings (today: ?as_of=today).
	Packs(ctx context.Context, incidentID string, today bool) ([]filing.Pack, error)
	// PackPDF is GET /filings/{id}.pdf.
	PackPDF(ctx context.Context, packID string) (name string, pdf []byte, err error)
	// RecordFiling is POST /incidents/{id}/obligations/{obligation_id}/filings.
	RecordFiling(ctx context.Context, incidentID, obligationID string, f candor.Filing, receipt []byte) (candor.Filing, error)
	// EvidenceBundle is GET /incidents/{id}/evidence.zip.
	EvidenceBundle(ctx context.Context, incidentID string) ([]byte, error)
}

// filingUpload bounds the filing form's body: the receipt and a few fields.
const filingUpload = candor.MaxReceiptBytes + 64<<10

// filingRoutes mounts the filing pages.
func (cs *Console) filingRoutes(in *gin.RouterGroup) {
	in.GET("/filings.js", cs.filingScript)
	in.GET("/incidents/:id/filings", cs.filingsPage)
	in.GET("/filings/:id/pdf", cs.filingPDF)
	in.GET("/incidents/:id/evidence.zip", cs.need(candor.RoleLegal), cs.evidenceZip)
	in.POST("/incidents/:id/obligations/:ob/filings", limitUpload, cs.checkCSRF, cs.need(candor.RoleLegal), cs.recordFiling)
}

// limitUpload is limitForm for the multipart filing form.
func limitUpload(c *gin.Context) {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, filingUpload)
	if err := c.Request.ParseMultipartForm(1 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			c.Set("filing_too_large", true)
			c.Next()
			return
		}
		if err := c.Request.ParseForm(); err != nil {
			c.AbortWithStatus(http.StatusBadRequest)
			return
		}
	}
	c.Next()
}

// filingForm is the record-a-filing form as typed, and its problems.
type filingForm struct {
	ObligationID, FiledAt, Channel, Reference string
	Errors                                    map[string]string
}

type packView struct {
	filing.Pack
	Due, StatusText string
	Filed           []filedView
	Form            filingForm
}

type filedView struct {
	ID, When, Channel, Reference, SHA256, Follows string
}

type filingsData struct {
	ID, Title, Timezone string
	Today, MayAct       bool
	Alert               string // the form's problems when its pack is not listed
	Packs               []packView
	Channels            []string
}

func (cs *Console) filingsPage(c *gin.Context) {
	cs.renderFilings(c, http.StatusOK, filingForm{})
}

func (cs *Console) renderFilings(c *gin.Context, status int, typed filingForm) {
	l, ctx := lang(c), c.Request.Context()
	if cs.cfg.Filings == nil {
		cs.renderError(c, http.StatusServiceUnavailable, "filing_unavailable")
		return
	}
	in, err := cs.store.GetIncident(ctx, c.Param("id"))
	if err != nil {
		cs.fail(c, err)
		return
	}
	today := c.Query("as_of") == "today" || c.PostForm("as_of") == "today"
	packs, err := cs.cfg.Filings.Packs(ctx, in.ID, today)
	if err != nil {
		cs.fail(c, err)
		return
	}
	loc := cs.location(in)
	a, _ := candor.ActorFromContext(ctx)
	d := filingsData{ID: in.ID, Title: localTitle(in, l), Timezone: loc.String(), Today: today,
		MayAct: a.Role.Allows(candor.RoleLegal), Channels: candor.FilingChannels}
	for _, p := range packs {
		v := packView{Pack: p, StatusText: tr(l, "filing_status_"+p.Status), Form: filingForm{ObligationID: p.ObligationID, Channel: "portal"}}
		if p.DueAt != nil {
			v.Due = formatTime(l, *p.DueAt, loc)
		}
		if typed.ObligationID == p.ObligationID {
			v.Form = typed
		}
		for _, f := range p.Filed {
			v.Filed = append(v.Filed, filedView{ID: f.ID, When: formatTime(l, f.FiledAt, loc), Channel: f.Channel,
				Reference: f.Reference, SHA256: f.Receipt.SHA256, Follows: f.FollowsID})
		}
		d.Packs = append(d.Packs, v)
	}
	if typed.ObligationID != "" && len(typed.Errors) > 0 && !slices.ContainsFunc(d.Packs, func(p packView) bool { return p.ObligationID == typed.ObligationID }) {
		var msgs []string
		for _, m := range typed.Errors {
			msgs = append(msgs, m)
		}
		slices.Sort(msgs)
		d.Alert = typed.ObligationID + ": " + strings.Join(msgs, " ")
	}
	cs.render(c, status, "filings", tr(l, "filing_title")+" · "+d.Title, d)
}

func (cs *Console) filingPDF(c *gin.Context) {
	if cs.cfg.Filings == nil {
		cs.renderError(c, http.StatusServiceUnavailable, "filing_unavailable")
		return
	}
	name, b, err := cs.cfg.Filings.PackPDF(c.Request.Context(), c.Param("id"))
	if err != nil {
		if candor.ErrorCode(err) == candor.EUNAVAILABLE {
			cs.renderError(c, http.StatusServiceUnavailable, "filing_no_pdf")
			return
		}
		cs.fail(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Data(http.StatusOK, "application/pdf", b)
}

// evidenceZip downloads the incident's evidence bundle (legal, as the
// API's GET /incidents/{id}/evidence.zip): the same bundle, built by the
// same code.
func (cs *Console) evidenceZip(c *gin.Context) {
	if cs.cfg.Filings == nil {
		cs.renderError(c, http.StatusServiceUnavailable, "filing_unavailable")
		return
	}
	b, err := cs.cfg.Filings.EvidenceBundle(c.Request.Context(), c.Param("id"))
	if err != nil {
		if candor.ErrorCode(err) == candor.EUNAVAILABLE {
			cs.renderError(c, http.StatusServiceUnavailable, "filing_no_pdf")
			return
		}
		cs.fail(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="evidence-`+c.Param("id")+`.zip"`)
	c.Data(http.StatusOK, "application/zip", b)
}

// recordFiling records the filing from the form: the time in the
// incident's zone, the receipt file.
func (cs *Console) recordFiling(c *gin.Context) {
	l, ctx := lang(c), c.Request.Context()
	if cs.cfg.Filings == nil {
		cs.renderError(c, http.StatusServiceUnavailable, "filing_unavailable")
		return
	}
	f := filingForm{ObligationID: c.Param("ob"), FiledAt: strings.TrimSpace(c.PostForm("filed_at")),
		Channel: c.PostForm("channel"), Reference: c.PostForm("reference"), Errors: map[string]string{}}
	if c.GetBool("filing_too_large") {
		f.Errors["receipt"] = tr(l, "filing_too_large")
		cs.renderFilings(c, http.StatusRequestEntityTooLarge, f)
		return
	}
	in, err := cs.store.GetIncident(ctx, c.Param("id"))
	if err != nil {
		cs.fail(c, err)
		return
	}
	rec := candor.Filing{Channel: f.Channel, Reference: f.Reference, PackID: c.PostForm("pack_id"), PackVersion: c.PostForm("pack_version")}
	if f.FiledAt != "" {
		t, err := parseLocal(f.FiledAt, cs.location(in))
		if err != nil {
			f.Errors["filed_at"] = tr(l, "filing_bad_time")
		}
		rec.FiledAt = t
	}
	var receipt []byte
	if fh, err := c.FormFile("receipt"); err == nil {
		rec.Receipt.Name = fh.Filename
		if file, err := fh.Open(); err == nil {
			receipt, _ = io.ReadAll(io.LimitReader(file, candor.MaxReceiptBytes+1))
			file.Close()
		}
	} else {
		f.Errors["receipt"] = tr(l, "filing_no_receipt")
	}
	if len(f.Errors) > 0 {
		cs.renderFilings(c, http.StatusUnprocessableEntity, f)
		return
	}
	if _, err := cs.cfg.Filings.RecordFiling(ctx, in.ID, f.ObligationID, rec, receipt); err != nil {
		if candor.ErrorCode(err) == candor.ETOOLARGE {
			f.Errors["receipt"] = tr(l, "filing_too_large")
			cs.renderFilings(c, http.StatusRequestEntityTooLarge, f)
			return
		}
		cs.formError(c, err, &f.Errors, func(st int) { cs.renderFilings(c, st, f) })
		return
	}
	c.Redirect(http.StatusSeeOther, "/console/incidents/"+in.ID+"/filings"+asOfQuery(c.PostForm("as_of"))+"#"+f.ObligationID)
}

func asOfQuery(v string) string {
	if v == "today" {
		return "?as_of=today"
	}
	return ""
}

func (cs *Console) filingScript(c *gin.Context) {
	b, _ := files.ReadFile("static/filings.js")
	c.Header("Cache-Control", "private, max-age=300")
	c.Data(http.StatusOK, "text/javascript; charset=utf-8", b)
}

func init() {
	words(map[string]string{
		"filing_title":         "Filings",
		"filing_evidence":      "Download the evidence bundle",
		"filing_evidence_help": "a zip of the timeline, scope, decisions, approved texts, sends, filings with receipts, publications and audit entries, with a report PDF and a manifest of SHA-256 sums (check it with candor evidence verify)",
		"filing_intro":         "For each regulator duty, the authority's form filled from the incident, in the authority's language. Copy each field into the regulator's portal, or download the PDF. Fields marked missing must be written by you.",
		"filing_today":         "Show today's rules",
		"filing_then":          "Show the rules in force at discovery",
		"filing_none":          "No duty of this incident has a filing form.",
		"filing_authority":     "Authority",
		"filing_due":           "Due",
		"filing_version":       "Pack version",
		"filing_missing":       "missing",
		"filing_missing_n":     "%d required fields missing",
		"filing_source":        "Source",
		"filing_copy":          "Copy",
		"filing_copied":        "Copied",
		"filing_pdf":           "Download PDF",
		"filing_portal":        "Authority's portal",
		"filing_filed":         "Filings recorded",
		"filing_record":        "Record the filing",
		"filing_filed_at":      "Filed at",
		"filing_channel":       "Channel",
		"filing_reference":     "Authority's reference",
		"filing_receipt":       "Receipt or confirmation (PDF, PNG, JPEG, .eml or text, up to 10 MiB)",
		"filing_submit":        "Record filing",
		"filing_follows":       "follow-up of",
		"filing_legal_only":    "Only a legal person can record a filing.",
		"filing_bad_time":      "Give a date and time.",
		"filing_no_receipt":    "Attach the authority's receipt or confirmation.",
		"filing_too_large":     "The receipt is larger than 10 MiB.",
		"filing_unavailable":   "Filings are not available on this server.",
		"filing_no_pdf":        "PDF printing is not available on this server (no Chromium).",
		"filing_status_open":   "open", "filing_status_met": "met", "filing_status_overdue": "overdue",
		"filing_channel_portal": "portal", "filing_channel_email": "e-mail", "filing_channel_post": "post", "filing_channel_fax": "fax",
		"filing_unconfirmed": "label not confirmed against the authority's own text",
	}, map[string]string{
		"filing_title":         "報告・届出",
		"filing_evidence":      "証跡一式をダウンロード",
		"filing_evidence_help": "経緯、対象範囲、判断、承認済みの文面、送信、受領証付きの報告、公表、監査記録をまとめたzip（報告書PDFとSHA-256の一覧付き。candor evidence verify で検証できます）",
		"filing_intro":         "規制当局への報告義務ごとに、当局の様式をインシデントの情報で当局の言語により記入したものです。各項目を当局のウェブフォームにコピーするか、PDFをダウンロードしてください。「未記入」の項目はご自身で記入してください。",
		"filing_today":         "現在の規則で表示",
		"filing_then":          "発覚時点の規則で表示",
		"filing_none":          "このインシデントには報告様式のある義務がありません。",
		"filing_authority":     "報告先",
		"filing_due":           "期限",
		"filing_version":       "パック版",
		"filing_missing":       "未記入",
		"filing_missing_n":     "必須項目のうち%d件が未記入",
		"filing_source":        "出典",
		"filing_copy":          "コピー",
		"filing_copied":        "コピーしました",
		"filing_pdf":           "PDFをダウンロード",
		"filing_portal":        "当局の報告窓口",
		"filing_filed":         "記録された報告",
		"filing_record":        "報告を記録する",
		"filing_filed_at":      "報告日時",
		"filing_channel":       "方法",
		"filing_reference":     "当局の受付番号",
		"filing_receipt":       "受付証・確認（PDF、PNG、JPEG、.eml、テキスト、10 MiB まで）",
		"filing_submit":        "報告を記録",
		"filing_follows":       "追加報告・初回:",
		"filing_legal_only":    "報告を記録できるのは法務担当者のみです。",
		"filing_bad_time":      "日付と時刻を入力してください。",
		"filing_no_receipt":    "当局の受付証または確認を添付してください。",
		"filing_too_large":     "受付証が10 MiBを超えています。",
		"filing_unavailable":   "このサーバーでは報告機能を利用できません。",
		"filing_no_pdf":        "このサーバーではPDFを作成できません（Chromiumがありません）。",
		"filing_status_open":   "未対応", "filing_status_met": "履行済み", "filing_status_overdue": "期限超過",
		"filing_channel_portal": "ウェブフォーム", "filing_channel_email": "電子メール", "filing_channel_post": "郵送", "filing_channel_fax": "FAX",
		"filing_unconfirmed": "当局の原文で未確認の項目名",
	})
}
