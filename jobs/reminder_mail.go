package jobs

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/jurisdictions"
	"github.com/candor-dev/candor/mail"
	"github.com/candor-dev/candor/render"
)

// reminderData is what a reminder says. It holds the incident's title and
// the duty, never anything about customers beyond the counts in Basis.
type reminderData struct {
	Headline      string
	IncidentTitle string
	IncidentID    string
	Jurisdiction  string
	Name          string
	Law           string
	Audience      string
	Stage         string
	DueIncident   string // in the incident's zone, which its people read
	DueLocal      string
	TimeZone      string
	Remaining     string
	Soft          bool
	Deadline      string
	DependsOn     string
	Missing       string
	Basis         string
	Link          string
	Disclaimer    string
}

const reminderText = `{{.Headline}}

Incident:     {{.IncidentTitle}}
Obligation:   {{.Jurisdiction}}: {{.Name}}
Law:          {{.Law}}
Notify:       {{.Audience}}{{if .Stage}} ({{.Stage}}){{end}}
Due:          {{.DueIncident}} ({{.DueLocal}} {{.TimeZone}})
Time left:    {{.Remaining}}
Deadline:     {{.Deadline}}, {{if .Soft}}a SOFT target Candor chose for "without undue delay"; the law sets no fixed time{{else}}a HARD deadline set by law{{end}}
{{- if .DependsOn}}
Applies only if: {{.DependsOn}} (not yet known)
{{- end}}
{{- if .Missing}}
Note:         {{.Missing}}
{{- end}}
Why:          {{.Basis}}

All obligations of this incident: {{.Link}}

{{.Disclaimer}}

You receive this as the owner or a legal contact of the incident.
`

const reminderHTML = `<!doctype html>
<html><body style="font-family: sans-serif; line-height: 1.4">
<p><strong>{{.Headline}}</strong></p>
<table cellpadding="3">
<tr><th align="left">Incident</th><td>{{.IncidentTitle}}</td></tr>
<tr><th align="left">Obligation</th><td>{{.Jurisdiction}}: {{.Name}}</td></tr>
<tr><th align="left">Law</th><td>{{.Law}}</td></tr>
<tr><th align="left">Notify</th><td>{{.Audience}}{{if .Stage}} ({{.Stage}}){{end}}</td></tr>
<tr><th align="left">Due</th><td>{{.DueIncident}} ({{.DueLocal}} {{.TimeZone}})</td></tr>
<tr><th align="left">Time left</th><td>{{.Remaining}}</td></tr>
<tr><th align="left">Deadline</th><td>{{.Deadline}}, {{if .Soft}}a <strong>soft</strong> target Candor chose for "without undue delay"; the law sets no fixed time{{else}}a <strong>hard</strong> deadline set by law{{end}}</td></tr>
{{- if .DependsOn}}
<tr><th align="left">Applies only if</th><td>{{.DependsOn}} (not yet known)</td></tr>
{{- end}}
{{- if .Missing}}
<tr><th align="left">Note</th><td>{{.Missing}}</td></tr>
{{- end}}
<tr><th align="left">Why</th><td>{{.Basis}}</td></tr>
</table>
<p><a href="{{.Link}}">All obligations of this incident</a></p>
<p style="color: #555; font-size: smaller">{{.Disclaimer}}<br>You receive this as the owner or a legal contact of the incident.</p>
</body></html>
`

var (
	reminderTextTmpl = texttemplate.Must(texttemplate.New("reminder.txt").Parse(reminderText))
	reminderHTMLTmpl = htmltemplate.Must(htmltemplate.New("reminder.html").Parse(reminderHTML))
)

// headline says which mark was reached, in a sentence and for the subject.
func headline(mark int, overdue bool) (long, short string) {
	switch {
	case mark == 100 && overdue:
		return "This deadline has passed.", "Deadline passed"
	case mark == 100:
		return "This deadline is reached now.", "Deadline reached"
	}
	return fmt.Sprintf("%d%% of the time to this deadline has passed.", mark), fmt.Sprintf("%d%% of the time used", mark)
}

// remaining says how long is left, or how long ago the deadline passed.
func remaining(due, now time.Time) string {
	d := due.Sub(now)
	switch {
	case d > 0:
		return roughDuration(d)
	case d > -time.Minute:
		return "none, due now"
	}
	return "none, overdue by " + roughDuration(-d)
}

func roughDuration(d time.Duration) string {
	days, hours := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour)
	mins := int(d % time.Hour / time.Minute)
	plural := func(n int, unit string) string {
		if n == 1 {
			return "1 " + unit
		}
		return fmt.Sprintf("%d %ss", n, unit)
	}
	switch {
	case days > 0 && hours > 0:
		return plural(days, "day") + " " + plural(hours, "hour")
	case days > 0:
		return plural(days, "day")
	case hours > 0 && mins > 0:
		return plural(hours, "hour") + " " + plural(mins, "minute")
	case hours > 0:
		return plural(hours, "hour")
	}
	return plural(mins, "minute")
}

// oneLine keeps a header value on one line and within n runes.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		s = string(r[:n-1]) + "…"
	}
	return s
}

// message renders the reminder rem to the address to.
func (r *Reminder) message(inc candor.Incident, st candor.ObligationState, rem candor.Reminder, to string, now time.Time) (*mail.Message, error) {
	due := *st.DueAt
	long, short := headline(rem.Mark, now.After(due))
	d := reminderData{
		Headline: long, IncidentTitle: oneLine(inc.Title, 300), IncidentID: inc.ID,
		Jurisdiction: st.Jurisdiction, Name: st.Name, Law: st.Law, Audience: strings.ReplaceAll(string(st.Audience), "_", " "),
		Stage: st.Stage, DueIncident: zoned(due, inc.Location(), "Mon 2 Jan 2006 15:04"), DueLocal: due.Format("Mon 2 Jan 15:04"),
		TimeZone: st.TimeZone, Remaining: remaining(due, now), Soft: st.Soft,
		Deadline:  fmt.Sprintf("%s from %s", st.Deadline, strings.ReplaceAll(string(st.ClockStart), "_", " ")),
		DependsOn: strings.Join(st.DependsOn, ", "), Missing: st.Missing, Basis: st.Basis,
		Link:       strings.TrimRight(r.cfg.BaseURL, "/") + "/api/v1/incidents/" + inc.ID + "/obligations",
		Disclaimer: jurisdictions.Disclaimer,
	}
	var text, html bytes.Buffer
	if err := reminderTextTmpl.Execute(&text, d); err != nil {
		return nil, fmt.Errorf("render reminder: %w", err)
	}
	if err := reminderHTMLTmpl.Execute(&html, d); err != nil {
		return nil, fmt.Errorf("render reminder: %w", err)
	}
	kind := "hard"
	if st.Soft {
		kind = "soft"
	}
	subject := fmt.Sprintf("[Candor] %s: %s %s, %s deadline %s (%s)", short, st.Jurisdiction, st.Name, kind,
		zoned(due, inc.Location(), "2006-01-02 15:04"), oneLine(inc.Title, 80))
	return &mail.Message{
		DeliveryID: deliveryID(rem),
		From:       r.cfg.From,
		To:         mail.Address{Email: to},
		Subject:    oneLine(subject, 250),
		Text:       text.String(),
		HTML:       html.String(),
		Locale:     "en",
		Headers: map[string]string{
			"X-Candor-Incident": inc.ID,
			"X-Candor-Reminder": rem.ObligationKey + "/" + fmt.Sprint(rem.Mark),
			// A notification, not a conversation: no auto-replies.
			"Auto-Submitted": "auto-generated",
		},
	}, nil
}

// zoned formats t in loc with the zone named as a reader places it
// (render.ZoneName: "JST", "UTC+07:00").
func zoned(t time.Time, loc *time.Location, layout string) string {
	t = t.In(loc)
	return t.Format(layout) + " " + render.ZoneName(t)
}
