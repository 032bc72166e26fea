package console

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/deadline"
	"github.com/gin-gonic/gin"
)

// obligationStore is what the obligation pages need from the store.
type obligationStore interface {
	CreateDecision(ctx context.Context, d candor.Decision) (candor.Decision, error)
	GetDecision(ctx context.Context, id string) (candor.Decision, error)
	ApproveDecision(ctx context.Context, id string) (candor.Decision, error)
	ListDecisions(ctx context.Context, incidentID, obligationID string) ([]candor.Decision, error)
}

// obligationRoutes mounts one obligation's page: when it runs from and
// why, its decisions with their history, the form to propose one and the
// button to approve one (legal, not the proposer: four eyes).
func (cs *Console) obligationRoutes(in *gin.RouterGroup) {
	in.GET("/incidents/:id/obligations/:ob", cs.obligationPage)
	in.POST("/incidents/:id/obligations/:ob/decisions", limitForm, cs.checkCSRF, cs.need(candor.RoleComms), cs.proposeDecision)
	in.POST("/decisions/:id/approve", limitForm, cs.checkCSRF, cs.approveDecision)
}

func init() {
	words(map[string]string{
		"ob_runs_from": "Runs from", "ob_decisions": "Decisions", "ob_no_decisions": "No decision recorded yet.",
		"ob_propose": "Propose a decision", "ob_decision": "Decision", "ob_rationale": "Rationale",
		"ob_delay_reasons": "Reasons for the delay", "ob_delay_hint": "This duty is late: say why (GDPR Art. 33(1), Thailand and the Philippines ask for the reasons).",
		"ob_submit": "Propose", "ob_approve": "Approve", "ob_proposed_by": "Proposed by", "ob_approved_by": "Approved by",
		"ob_state_proposed": "proposed", "ob_state_approved": "approved", "ob_state_superseded": "superseded",
		"ob_notify": "notify", "ob_not_required": "not required", "ob_exempt": "exempt", "ob_postpone": "postpone",
		"ob_substitute_notice": "substitute notice", "ob_current": "Current decision", "ob_none": "none approved",
		"ob_own":            "You proposed this decision: another legal person must approve it (four eyes compares people, not tokens).",
		"ob_need_legal":     "Only a legal person other than the proposer can approve it.",
		"ob_scope_event":    "%s entered the scope at %s (timeline event)",
		"ob_scope_import":   "%s entered the scope at %s, with a customer import",
		"ob_scope_category": "data category %s entered the scope at %s: the duty applies from then",
		"ob_clock":          "counted from %s", "ob_open_duty": "Decisions", "decided": "DECIDED",
		"ob_comms_only": "Proposing a decision needs the comms or legal role.",
	}, map[string]string{
		"ob_runs_from": "起算時点", "ob_decisions": "判断", "ob_no_decisions": "判断はまだ記録されていません。",
		"ob_propose": "判断を提案する", "ob_decision": "判断", "ob_rationale": "理由",
		"ob_delay_reasons": "遅延の理由", "ob_delay_hint": "この義務は期限を過ぎています。遅延の理由を記入してください（GDPR第33条1項、タイ、フィリピンが求めています）。",
		"ob_submit": "提案", "ob_approve": "承認", "ob_proposed_by": "提案者", "ob_approved_by": "承認者",
		"ob_state_proposed": "提案中", "ob_state_approved": "承認済み", "ob_state_superseded": "差し替え済み",
		"ob_notify": "通知する", "ob_not_required": "不要", "ob_exempt": "適用除外", "ob_postpone": "延期",
		"ob_substitute_notice": "代替通知", "ob_current": "現在の判断", "ob_none": "承認済みの判断なし",
		"ob_own":            "この判断はあなたが提案したものです。別の法務担当者が承認する必要があります（ダブルチェックはトークンではなく人で比較します）。",
		"ob_need_legal":     "承認できるのは提案者以外の法務担当者だけです。",
		"ob_scope_event":    "%s が対象範囲に加わった時点（経緯の記録）: %s",
		"ob_scope_import":   "%s が顧客の取り込みで対象範囲に加わった時点: %s",
		"ob_scope_category": "データ分類 %s が対象範囲に加わった時点: %s（この時点から義務が適用）",
		"ob_clock":          "起算: %s", "ob_open_duty": "判断", "decided": "判断済み",
		"ob_comms_only": "判断の提案には広報または法務の権限が必要です。",
	})
}

type decisionRow struct {
	ID, Decision, Rationale, DelayReasons, State, StateLabel, ProposedBy, ProposedAt, ApprovedBy, ApprovedAt string
	CanApprove                                                                                               bool
	Refusal                                                                                                  string
}

type decisionForm struct {
	Decision, Rationale, DelayReasons string
	Errors                            map[string]string
}

type obligationData struct {
	IncidentID, Title, ID, Name, Jurisdiction, Law, Audience, Due, Status, StatusClass, RunsFrom, RunsWhy string
	Current                                                                                               string
	Late, CanPropose                                                                                      bool
	Kinds                                                                                                 []kindOption
	Items                                                                                                 []decisionRow
	Form                                                                                                  decisionForm
	Notice                                                                                                string
}

type kindOption struct {
	Value, Label string
	Selected     bool
}

// runsFrom says in the reader's language when a duty runs from and why.
func runsFrom(l string, st deadline.ObligationState, loc *time.Location) (when, why string) {
	if st.ClockAt == nil {
		return "", ""
	}
	when = formatTime(l, *st.ClockAt, loc)
	switch sc := st.ClockScope; {
	case sc != nil && sc.Kind == candor.ScopeDataCategory:
		why = tr(l, "ob_scope_category", sc.Code, formatTime(l, sc.At, loc))
	case sc != nil && sc.Source == candor.ScopeFromImport:
		why = tr(l, "ob_scope_import", sc.Code, formatTime(l, sc.At, loc))
	case sc != nil:
		why = tr(l, "ob_scope_event", sc.Code, formatTime(l, sc.At, loc))
	default:
		why = tr(l, "ob_clock", strings.ReplaceAll(string(st.ClockStart), "_", " "))
	}
	return when, why
}

func (cs *Console) obligationPage(c *gin.Context) {
	cs.renderObligation(c, http.StatusOK, decisionForm{}, "")
}

// renderObligation shows the page with form (typed values and errors kept)
// and notice (why an approval was refused).
func (cs *Console) renderObligation(c *gin.Context, status int, form decisionForm, notice string) {
	l, ctx := lang(c), c.Request.Context()
	if cs.cfg.Rules == nil {
		cs.renderError(c, http.StatusServiceUnavailable, "error")
		return
	}
	now := time.Now().UTC()
	st, err := deadline.FindObligation(ctx, cs.store, cs.cfg.Rules, cs.cfg.Calendar, c.Param("id"), c.Param("ob"), now)
	if err != nil {
		cs.fail(c, err)
		return
	}
	inc, err := cs.store.GetIncident(ctx, c.Param("id"))
	if err != nil {
		cs.fail(c, err)
		return
	}
	decisions, err := cs.store.ListDecisions(ctx, inc.ID, st.RuleID)
	if err != nil {
		cs.fail(c, err)
		return
	}
	loc := cs.location(inc)
	p, _ := cs.session(c)
	d := obligationData{IncidentID: inc.ID, Title: localTitle(inc, l), ID: st.RuleID, Name: st.Name, Jurisdiction: st.Jurisdiction,
		Law: st.Law, Audience: string(st.Audience), Status: tr(l, st.Status), StatusClass: st.Status, Form: form, Notice: notice,
		Late: deadline.NeedsDelayReasons(st, candor.DecisionNotify, now), CanPropose: p.Role.Allows(candor.RoleComms),
		Current: tr(l, "ob_none")}
	if st.Status == deadline.StatusDecided {
		d.Status = tr(l, "decided")
	}
	if st.Status == deadline.StatusOverdue {
		d.StatusClass = "late"
	}
	if st.DueAt != nil {
		d.Due = formatTime(l, *st.DueAt, loc)
	}
	d.RunsFrom, d.RunsWhy = runsFrom(l, st, loc)
	if st.Decision != nil {
		d.Current = tr(l, "ob_"+st.Decision.Decision)
	}
	for _, k := range candor.DecisionKinds() {
		d.Kinds = append(d.Kinds, kindOption{Value: k, Label: tr(l, "ob_"+k), Selected: k == form.Decision})
	}
	for _, dec := range decisions {
		r := decisionRow{ID: dec.ID, Decision: tr(l, "ob_"+dec.Decision), Rationale: dec.Rationale, DelayReasons: dec.DelayReasons,
			State: dec.State, StateLabel: tr(l, "ob_state_"+dec.State), ProposedBy: dec.ProposedBy, ProposedAt: formatTime(l, dec.ProposedAt, loc),
			ApprovedBy: dec.ApprovedBy}
		if dec.ApprovedAt != nil {
			r.ApprovedAt = formatTime(l, *dec.ApprovedAt, loc)
		}
		if dec.State == candor.DecisionProposed {
			switch {
			case dec.ProposerPerson == p.ID:
				r.Refusal = tr(l, "ob_own")
			case !p.Role.Allows(candor.RoleLegal):
				r.Refusal = tr(l, "ob_need_legal")
			default:
				r.CanApprove = true
			}
		}
		d.Items = append(d.Items, r)
	}
	cs.render(c, status, "obligation", d.Name+" · "+d.Title, d)
}

func (cs *Console) proposeDecision(c *gin.Context) {
	form := decisionForm{Decision: c.PostForm("decision"), Rationale: c.PostForm("rationale"), DelayReasons: c.PostForm("delay_reasons")}
	if cs.cfg.Rules == nil {
		cs.renderError(c, http.StatusServiceUnavailable, "error")
		return
	}
	_, err := deadline.ProposeDecision(c.Request.Context(), cs.store, cs.cfg.Rules, cs.cfg.Calendar, c.Param("id"), c.Param("ob"),
		candor.DecisionInput{Decision: form.Decision, Rationale: form.Rationale, DelayReasons: form.DelayReasons}, time.Now().UTC())
	switch candor.ErrorCode(err) {
	case "":
		c.Redirect(http.StatusSeeOther, "/console/incidents/"+c.Param("id")+"/obligations/"+c.Param("ob"))
	case candor.EINVALID:
		form.Errors = map[string]string{}
		for _, f := range candor.ErrorFields(err) {
			form.Errors[f.Field] = f.Message
		}
		cs.renderObligation(c, http.StatusUnprocessableEntity, form, "")
	default:
		cs.fail(c, err)
	}
}

func (cs *Console) approveDecision(c *gin.Context) {
	ctx := c.Request.Context()
	dec, err := cs.store.GetDecision(ctx, c.Param("id"))
	if err != nil {
		cs.fail(c, err)
		return
	}
	// The page the decision belongs to is where the answer is shown.
	c.Params = gin.Params{{Key: "id", Value: dec.IncidentID}, {Key: "ob", Value: dec.ObligationID}}
	l := lang(c)
	_, err = cs.store.ApproveDecision(ctx, dec.ID)
	switch code := candor.ErrorCode(err); code {
	case "":
		c.Redirect(http.StatusSeeOther, "/console/incidents/"+dec.IncidentID+"/obligations/"+dec.ObligationID)
	case candor.EFORBIDDEN, candor.ECONFLICT:
		msg := candor.ErrorMessage(err)
		status := http.StatusConflict
		if code == candor.EFORBIDDEN {
			status, msg = http.StatusForbidden, tr(l, "ob_need_legal")
			if p, _ := cs.session(c); p.ID == dec.ProposerPerson {
				msg = tr(l, "ob_own")
			}
		}
		cs.renderObligation(c, status, decisionForm{}, msg)
	default:
		cs.fail(c, err)
	}
}
