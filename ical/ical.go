// Package ical renders an incident's obligations as an iCalendar feed
// (RFC 5545) with github.com/arran4/golang-ical, for
// GET /api/v1/incidents/{id}/obligations.ics: legal teams subscribe to it
// and see every deadline in the calendar they already watch.
package ical

import (
	"fmt"
	"io"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/candor-dev/candor/deadline"
	"github.com/candor-dev/candor/jurisdictions"
)

// ContentType is the media type to serve a feed with.
const ContentType = "text/calendar; charset=utf-8"

// Feed is one incident's deadlines.
type Feed struct {
	IncidentID    string
	IncidentTitle string
	// Obligations as deadline.ComputeObligations returns them; those without
	// a due date are left out, as a calendar event needs a time.
	Obligations []deadline.Obligation
	// MetLate are duties met after their due instant. They stay in the
	// feed, their summary and description saying "MET LATE (+6y 5mo)",
	// without an alarm: a calendar must not show a missed deadline as if
	// it had never existed. (Duties met on time are left out by the
	// caller, so their events and alarms go.)
	MetLate []deadline.ObligationState
	// Stamp is the DTSTAMP of every event: when the feed's content last
	// changed, or the request time. Passed in so output is reproducible.
	Stamp time.Time
}

// Write renders f to w: one VEVENT per dated obligation, starting at its
// due instant (UTC) with no end, and a display alarm a day before (none
// for a duty met late, which says so instead). UIDs are stable (incident,
// rule and stage), so a subscribed calendar updates an event when a due
// date moves, or when the duty is met late, instead of adding a second
// one. Lines end in CRLF and are folded at 75 octets by the library, as
// RFC 5545 requires.
func Write(w io.Writer, f Feed) error {
	cal := ics.NewCalendar()
	cal.SetProductId("-//Candor//Breach notification deadlines//EN")
	cal.SetCalscale("GREGORIAN")
	cal.SetMethod(ics.MethodPublish)
	cal.SetXWRCalName("Deadlines: " + f.IncidentTitle)
	cal.SetXWRCalDesc(jurisdictions.Disclaimer)
	addEvents(cal, f)
	if err := cal.SerializeTo(w, ics.WithNewLineWindows); err != nil {
		return fmt.Errorf("write calendar: %w", err)
	}
	return nil
}

// addEvents adds f's dated duties to cal.
func addEvents(cal *ics.Calendar, f Feed) {
	events := make([]deadline.ObligationState, 0, len(f.Obligations)+len(f.MetLate))
	for _, o := range f.Obligations {
		events = append(events, deadline.ObligationState{Obligation: o})
	}
	events = append(events, f.MetLate...)
	for _, st := range events {
		o := st.Obligation
		if o.DueAt == nil {
			continue
		}
		e := cal.AddEvent(UID(f.IncidentID, o))
		e.SetDtStampTime(f.Stamp)
		e.SetStartAt(*o.DueAt)
		e.SetDescription(description(f.IncidentTitle, st))
		e.AddCategory(o.Jurisdiction)
		e.SetTimeTransparency(ics.TransparencyTransparent) // a deadline does not block time
		if late := metLate(st); late != "" {
			e.SetSummary(late + ": " + summary(o))
			continue // done: nothing left to remind of
		}
		e.SetSummary(summary(o))
		a := e.AddAlarm()
		a.SetAction(ics.ActionDisplay)
		a.SetTrigger("-P1D")
		a.SetProperty(ics.ComponentPropertyDescription, summary(o))
	}
}

// UID returns the event UID for an obligation of an incident. It uses only
// characters that survive every calendar client unescaped.
func UID(incidentID string, o deadline.Obligation) string {
	parts := []string{incidentID, o.RuleID}
	if o.Stage != "" {
		parts = append(parts, o.Stage)
	}
	for i, p := range parts {
		parts[i] = strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
				return r
			}
			return '-'
		}, p)
	}
	return strings.Join(parts, ".") + "@candor"
}

// metLate labels a duty met late, "MET LATE (+6y 5mo)", or is "" for any
// other.
func metLate(st deadline.ObligationState) string {
	span, ok := st.LateSpan()
	if st.Status != deadline.StatusMet || !ok {
		return ""
	}
	return "MET LATE (" + span.Short() + ")"
}

func summary(o deadline.Obligation) string {
	kind := "Due"
	if o.Soft {
		kind = "Target (soft)"
	}
	s := fmt.Sprintf("%s: %s %s → %s", kind, o.Jurisdiction, o.Name, o.Audience)
	if len(o.DependsOn) > 0 {
		s += " (if " + strings.Join(o.DependsOn, ", ") + ")"
	}
	return s
}

func description(title string, st deadline.ObligationState) string {
	o := st.Obligation
	due := "Due: " + o.DueAt.Format("2006-01-02 15:04:05 MST")
	kind := "Hard deadline"
	if o.Soft {
		due = "Target: " + o.DueAt.Format("2006-01-02 15:04:05 MST")
		kind = "Soft target chosen by Candor; the law sets no fixed time"
	}
	lines := []string{
		"Incident: " + title,
		fmt.Sprintf("%s, %s: %s", o.Jurisdiction, o.Law, o.Name),
		"Notify: " + string(o.Audience),
	}
	if o.Stage != "" {
		lines = append(lines, "Stage: "+o.Stage)
	}
	lines = append(lines,
		fmt.Sprintf("%s (%s from %s)", due, o.Deadline, strings.ReplaceAll(string(o.ClockStart), "_", " ")),
		kind,
	)
	if o.ClockAt != nil {
		runs := "Runs from: " + o.ClockAt.Format("2006-01-02 15:04:05 MST")
		if o.ClockReason != "" {
			runs += " (" + o.ClockReason + ")"
		}
		lines = append(lines, runs)
	}
	if late := metLate(st); late != "" {
		lines = append(lines, fmt.Sprintf("%s: met %s, late by %s", late,
			st.MetAt.UTC().Format("2006-01-02 15:04:05 MST"), st.LateByISO))
	}
	lines = append(lines, "Why: "+o.Basis)
	if len(o.DependsOn) > 0 {
		lines = append(lines, "Applies only if: "+strings.Join(o.DependsOn, ", ")+" (not yet known)")
	}
	if o.Missing != "" {
		lines = append(lines, "Note: "+o.Missing)
	}
	src := "Source: " + o.Source
	if !o.Confirmed {
		src += " (figure not confirmed in the source)"
	}
	lines = append(lines, src)
	if o.Notes != "" {
		lines = append(lines, o.Notes)
	}
	// The full disclaimer is the calendar's description; each event, which
	// may be read alone, carries the short form.
	lines = append(lines, "Not legal advice: confirm with counsel.")
	return strings.Join(lines, "\n")
}
