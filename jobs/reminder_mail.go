package jobs

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
	"time"

	"github.com/candor-dev/candor/jurisdictions"
	"github.com/candor-dev/candor/mail"
	"github.com/candor-dev/candor/render"
)

// reminderData is what one reminder in a digest says. It holds the
// incident's title and the duty, never anything about customers beyond the
// counts in Basis.
type reminderData struct {
	Index         int // 1-based, in the digest
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
}

// digestData is one digest: a person's due reminders of one run, most
// urgent first.
type digestData struct {
	Intro      string
	Count      int
	Items      []reminderData
	Disclaimer string
}

const reminderText = `{{.Intro}}
{{range .Items}}
{{if gt $.Count 1}}-- {{.Index}} of {{$.Count}} --
{{end}}{{.Headline}}

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

The deadline board of this incident: {{.Link}}
{{end}}
{{.Disclaimer}}

You receive this as the owner or a legal contact of the incident.
`

const reminderHTML = `<!doctype html>
<html><body style="font-family: sans-serif; line-height: 1.4">
<p>{{.Intro}}</p>
{{- range .Items}}
{{if gt $.Count 1}}<h3>{{.Index}} of {{$.Count}}</h3>{{end}}
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
<p><a href="{{.Link}}">The deadline board of this incident</a></p>
{{- end}}
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

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// oneLine keeps a header value on one line and within n runes.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		s = string(r[:n-1]) + "…"
	}
	return s
}

// message renders the digest of items (most urgent first) to the address
// to. One reminder keeps the subject it always had; more say how many, and
// the first (most urgent) one's deadline.
func (r *Reminder) message(to string, items []dueReminder, now time.Time) (*mail.Message, error) {
	d := digestData{Count: len(items), Disclaimer: jurisdictions.Disclaimer}
	incidents := map[string]bool{}
	for i, it := range items {
		d.Items = append(d.Items, r.reminderData(i+1, it, now))
		incidents[it.inc.ID] = true
	}
	d.Intro = "One deadline reminder."
	if len(items) > 1 {
		d.Intro = fmt.Sprintf("%d deadline reminders, in %s, most urgent first.", len(items), plural(len(incidents), "incident"))
	}
	var text, html bytes.Buffer
	if err := reminderTextTmpl.Execute(&text, d); err != nil {
		return nil, fmt.Errorf("render reminder: %w", err)
	}
	if err := reminderHTMLTmpl.Execute(&html, d); err != nil {
		return nil, fmt.Errorf("render reminder: %w", err)
	}
	first := items[0]
	due := *first.st.DueAt
	_, short := headline(first.rem.Mark, now.After(due))
	kind := "hard"
	if first.st.Soft {
		kind = "soft"
	}
	subject := fmt.Sprintf("[Candor] %s: %s %s, %s deadline %s (%s)", short, first.st.Jurisdiction, first.st.Name, kind,
		zoned(due, first.inc.Location(), "2006-01-02 15:04"), oneLine(first.inc.Title, 80))
	if len(items) > 1 {
		subject = fmt.Sprintf("[Candor] %d deadline reminders; first: %s, %s %s, %s deadline %s (%s)", len(items), short,
			first.st.Jurisdiction, first.st.Name, kind, zoned(due, first.inc.Location(), "2006-01-02 15:04"), oneLine(first.inc.Title, 80))
	}
	headers := map[string]string{
		"X-Candor-Reminders": fmt.Sprint(len(items)),
		// A notification, not a conversation: no auto-replies.
		"Auto-Submitted": "auto-generated",
	}
	if len(incidents) == 1 {
		headers["X-Candor-Incident"] = first.inc.ID
	}
	if len(items) == 1 {
		headers["X-Candor-Reminder"] = first.rem.ObligationKey + "/" + fmt.Sprint(first.rem.Mark)
	}
	return &mail.Message{
		DeliveryID: deliveryID(items),
		From:       r.cfg.From,
		To:         mail.Address{Email: to},
		Subject:    oneLine(subject, 250),
		Text:       text.String(),
		HTML:       html.String(),
		Locale:     "en",
		Headers:    headers,
	}, nil
}

// reminderData is what the digest says of one reminder.
func (r *Reminder) reminderData(index int, it dueReminder, now time.Time) reminderData {
	st, inc := it.st, it.inc
	due := *st.DueAt
	long, _ := headline(it.rem.Mark, now.After(due))
	return reminderData{
		Index: index, Headline: long, IncidentTitle: oneLine(inc.Title, 300), IncidentID: inc.ID,
		Jurisdiction: st.Jurisdiction, Name: st.Name, Law: st.Law, Audience: strings.ReplaceAll(string(st.Audience), "_", " "),
		Stage: st.Stage, DueIncident: zoned(due, inc.Location(), "Mon 2 Jan 2006 15:04"), DueLocal: due.Format("Mon 2 Jan 15:04"),
		TimeZone: st.TimeZone, Remaining: remaining(due, now), Soft: st.Soft,
		Deadline:  fmt.Sprintf("%s from %s", st.Deadline, strings.ReplaceAll(string(st.ClockStart), "_", " ")),
		DependsOn: strings.Join(st.DependsOn, ", "), Missing: st.Missing, Basis: st.Basis,
		// The console's deadline board: a person signs in there (and is
		// sent back to the board), where the API would answer 401.
		Link: strings.TrimRight(r.cfg.BaseURL, "/") + "/console/incidents/" + inc.ID + "/deadlines",
	}
}

// zoned formats t in loc with the zone named as a reader places it
// (render.ZoneName: "JST", "UTC+07:00").
func zoned(t time.Time, loc *time.Location, layout string) string {
	t = t.In(loc)
	return t.Format(layout) + " " + render.ZoneName(t)
}
