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

// The incident's audit trail (legal and admin, as GET /api/v1/audit),
// filterable by actor, action and date (in the incident's zone), newest
// first, 50 a page, with the state of the whole chain: the log is one hash
// chain across every incident, so it is verified whole.

type admAuditRow struct {
	Seq                                              int64
	At, Actor, Action, Resource, ResourceID, Summary string
}

type admAuditData struct {
	ID, Title, Timezone     string
	Actor, Action, From, To string
	Errs                    map[string]string
	Items                   []admAuditRow
	Next                    string
	ChainOK                 bool
	Checked, BrokenAt       int64
	Reason                  string
}

const admAuditPageSize = 50

func (cs *Console) auditPage(c *gin.Context) {
	l, ctx := lang(c), c.Request.Context()
	in, err := cs.store.GetIncident(ctx, c.Param("id"))
	if err != nil {
		cs.fail(c, err)
		return
	}
	loc := cs.location(in)
	d := admAuditData{ID: in.ID, Title: localTitle(in, l), Timezone: loc.String(), Errs: map[string]string{},
		Actor: strings.TrimSpace(c.Query("actor")), Action: strings.TrimSpace(c.Query("action")),
		From: strings.TrimSpace(c.Query("from")), To: strings.TrimSpace(c.Query("to"))}
	f := candor.AuditFilter{IncidentID: in.ID, ActorName: d.Actor, Action: d.Action, Cursor: c.Query("cursor"), Limit: admAuditPageSize}
	day := func(field, v string) time.Time {
		if v == "" {
			return time.Time{}
		}
		t, err := time.ParseInLocation("2006-01-02", v, loc)
		if err != nil || !candor.InDateRange(t) {
			d.Errs[field] = tr(l, "audit_bad_date")
		}
		return t
	}
	f.Since = day("from", d.From)
	if to := day("to", d.To); !to.IsZero() {
		f.Until = to.AddDate(0, 0, 1) // the whole day
	}
	status := http.StatusOK
	if len(d.Errs) > 0 {
		status = http.StatusUnprocessableEntity
	} else {
		page, err := cs.store.ListAudit(ctx, f)
		if candor.ErrorCode(err) == candor.EINVALID {
			d.Errs["cursor"], status = tr(l, "audit_bad_cursor"), http.StatusUnprocessableEntity
		} else if err != nil {
			cs.fail(c, err)
			return
		}
		for _, e := range page.Items {
			d.Items = append(d.Items, admAuditRow{Seq: e.Seq, At: formatTime(l, e.At, loc), Actor: e.ActorName, Action: e.Action,
				Resource: e.Resource, ResourceID: e.ResourceID, Summary: string(e.Summary)})
		}
		if page.NextCursor != nil {
			q := url.Values{"cursor": {*page.NextCursor}}
			for k, v := range map[string]string{"actor": d.Actor, "action": d.Action, "from": d.From, "to": d.To} {
				if v != "" {
					q.Set(k, v)
				}
			}
			d.Next = "/console/incidents/" + in.ID + "/audit?" + q.Encode()
		}
	}
	n, err := cs.store.VerifyAudit(ctx)
	var br *store.ChainBreak
	switch {
	case err == nil:
		d.ChainOK, d.Checked = true, n
	case errors.As(err, &br):
		d.Checked, d.BrokenAt, d.Reason = n, br.Seq, br.Reason
	default:
		cs.fail(c, err)
		return
	}
	cs.render(c, status, "audit", tr(l, "adm_audit")+" · "+d.Title, d)
}

func init() {
	words(map[string]string{
		"audit_actor": "Actor", "audit_action": "Action", "audit_from": "From (date)", "audit_to": "To (date)",
		"audit_filter": "Filter", "audit_seq": "Entry", "audit_what": "Resource", "audit_summary": "Details",
		"audit_none": "No entries match.", "audit_bad_date": "Enter a date as YYYY-MM-DD.",
		"audit_bad_cursor": "This page link is not valid; start from the first page.",
		"audit_intact":     "Audit chain intact up to entry %d (every entry of every incident checked).",
		"audit_empty":      "The audit chain has no entries yet.",
		"audit_broken":     "Audit chain BROKEN at entry %d: %s. Entries before it (%d) are intact; report this to your administrator.",
		"audit_dates":      "Dates in %s.",
	}, map[string]string{
		"audit_actor": "実行者", "audit_action": "操作", "audit_from": "開始日", "audit_to": "終了日",
		"audit_filter": "絞り込む", "audit_seq": "番号", "audit_what": "対象", "audit_summary": "詳細",
		"audit_none": "該当する記録はありません。", "audit_bad_date": "日付は YYYY-MM-DD の形式で入力してください。",
		"audit_bad_cursor": "このページのリンクは無効です。最初のページからやり直してください。",
		"audit_intact":     "監査チェーンは記録 %d まで改ざんされていません（全インシデントの全記録を検証）。",
		"audit_empty":      "監査チェーンにはまだ記録がありません。",
		"audit_broken":     "監査チェーンが記録 %d で破損しています：%s。それより前の記録（%d 件）は無事です。管理者に報告してください。",
		"audit_dates":      "日時は %s で表示しています。",
	})
}
