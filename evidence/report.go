package evidence

import (
	"bytes"
	_ "embed"
	"html/template"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/deadline"
	"github.com/candor-dev/candor/filing"
)

//go:embed report.html
var reportSrc string

// report is what the readable report shows.
type report struct {
	In           filing.Input
	Scope        []candor.ScopeChange
	Disclosures  []disclosureRecord
	Publications []candor.Publication
	// Reach is proof of reach per jurisdiction, Substitutes the substitute
	// notices (issue 22).
	Reach       []candor.JurisdictionReach
	Substitutes []candor.SubstituteNotice
	Head        Head
	Now         time.Time
}

// reportWords are the report's headings, in the incident's language
// (English where it has none of its own here).
var reportWords = map[string]map[string]string{
	"en": {"title": "Evidence report", "knew": "What we knew, and when", "scope": "Scope: when each jurisdiction or data category became known",
		"did": "What we did", "filed": "What we filed", "late": "What was late, and why", "nothing": "None.",
		"approved": "approved", "revision": "revision", "sent": "sent", "of": "of", "published": "published", "reference": "reference",
		"receipt": "receipt SHA-256", "due": "due", "met": "met", "overdue": "overdue, not met", "late_by": "late by",
		"why": "No decision with the reasons for the delay is recorded.", "reasons": "Reasons for the delay", "head": "Audit chain head", "made": "Made",
		"discovered": "Discovered", "customers": "Affected people per country", "channel": "channel", "pack": "pack version",
		"reach": "Who was reached, and how", "reach_row": "customers", "email": "e-mail", "letter": "letter", "substitute": "substitute notice",
		"pending": "not yet", "unreachable": "not at all", "substitutes": "Substitute notices"},
	"ja": {"title": "証跡報告書", "knew": "把握した事実とその時期", "scope": "範囲: 各法域・データ項目を把握した時期",
		"did": "実施した対応", "filed": "行った報告・届出", "late": "期限を過ぎたものとその理由", "nothing": "なし。",
		"approved": "承認", "revision": "版", "sent": "送信", "of": "/", "published": "公表", "reference": "受付番号",
		"receipt": "受付証の SHA-256", "due": "期限", "met": "履行", "overdue": "期限超過・未履行", "late_by": "遅延",
		"why": "遅延の理由を含む判断は記録されていません。", "reasons": "遅延の理由", "head": "監査ログの最新ハッシュ", "made": "作成日時",
		"discovered": "発覚日時", "customers": "国別の本人の数", "channel": "方法", "pack": "パック版",
		"reach": "本人への到達状況", "reach_row": "人", "email": "メール", "letter": "郵便", "substitute": "代替措置（公表）",
		"pending": "未到達（対応中）", "unreachable": "到達不能", "substitutes": "代替措置（公表）"},
}

func words(lang string) map[string]string {
	if w, ok := reportWords[lang]; ok {
		return w
	}
	return reportWords["en"]
}

func reportHTML(r report) ([]byte, error) {
	inc := r.In.Facts.Incident
	lang := inc.Language()
	loc := inc.Location()
	t, err := template.New("report").Funcs(template.FuncMap{
		"w":    func(k string) string { return words(lang)[k] },
		"when": func(t time.Time) string { return t.In(loc).Format("2006-01-02 15:04 MST") },
		"whenp": func(t *time.Time) string {
			if t == nil {
				return "—"
			}
			return t.In(loc).Format("2006-01-02 15:04 MST")
		},
	}).Parse(reportSrc)
	if err != nil {
		return nil, err
	}
	d, _ := r.In.Facts.Base(lang)
	var b bytes.Buffer
	err = t.Execute(&b, struct {
		report
		Lang     string
		Ref      string
		Title    string
		Summary  string
		Incident candor.Incident
		Events   any
		Late     []deadline.ObligationState
	}{r, lang, inc.Reference(), d.Incident.Title, d.Incident.Summary, inc, d.Incident.Events, lateOnes(r.In.Obligations)})
	return b.Bytes(), err
}

func lateOnes(states []deadline.ObligationState) []deadline.ObligationState {
	var out []deadline.ObligationState
	for _, st := range states {
		if st.Late || st.Status == deadline.StatusOverdue {
			out = append(out, st)
		}
	}
	return out
}
