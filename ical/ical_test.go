package ical_test

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	ics "github.com/arran4/golang-ical"

	"github.com/candor-dev/candor/deadline"
	"github.com/candor-dev/candor/holidays"
	"github.com/candor-dev/candor/ical"
	"github.com/candor-dev/candor/jurisdictions"
)

func at(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// seedObligations are the Kawasaki seed case's duties under today's rules,
// plus a US-listed variant so an undated SEC filing is among them.
func seedObligations(t *testing.T) []deadline.Obligation {
	rules, err := jurisdictions.Load()
	if err != nil {
		t.Fatal(err)
	}
	malicious := true
	in := deadline.ObligationInput{
		DiscoveredAt:  at(t, "2020-06-11T00:00:00+09:00"),
		AsOf:          at(t, "2026-11-21T00:00:00Z"),
		Countries:     map[string]int{"JP": 1200, "TH": 150, "ID": 80, "PH": 60, "US": 700, "DE": 40},
		Regions:       map[string]int{"US-CA": 300, "US-NY": 120, "US-TX": 280},
		EntityCountry: "JP", ListedUS: true, Malicious: &malicious,
	}
	return deadline.ComputeObligations(in, rules, holidays.New())
}

func render(t *testing.T, obs []deadline.Obligation) string {
	t.Helper()
	var buf bytes.Buffer
	err := ical.Write(&buf, ical.Feed{
		IncidentID: "inc_01J9Z", IncidentTitle: "Unauthorized access via overseas offices; 川崎",
		Obligations: obs, Stamp: at(t, "2026-11-21T09:00:00Z"),
	})
	if err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestWriteParsesBack(t *testing.T) {
	obs := seedObligations(t)
	out := render(t, obs)

	cal, err := ics.ParseCalendar(strings.NewReader(out))
	if err != nil {
		t.Fatalf("parse own output: %v", err)
	}
	dated := map[string]deadline.Obligation{}
	for _, o := range obs {
		if o.DueAt != nil {
			dated[ical.UID("inc_01J9Z", o)] = o
		}
	}
	if len(dated) == len(obs) {
		t.Fatal("test needs an undated obligation (the SEC 8-K without materiality)")
	}
	events := cal.Events()
	if len(events) != len(dated) {
		t.Fatalf("%d events, want one per dated obligation (%d)", len(events), len(dated))
	}
	for _, e := range events {
		o, ok := dated[e.Id()]
		if !ok {
			t.Errorf("event UID %q matches no obligation", e.Id())
			continue
		}
		t.Run(o.RuleID, func(t *testing.T) {
			start, err := e.GetStartAt()
			if err != nil || !start.Equal(*o.DueAt) {
				t.Errorf("DTSTART %v (%v), want %v", start, err, o.DueAt)
			}
			summary := e.GetProperty(ics.ComponentPropertySummary).Value
			if !strings.Contains(ics.FromText(summary), o.Name) {
				t.Errorf("SUMMARY %q lacks %q", summary, o.Name)
			}
			desc := ics.FromText(e.GetProperty(ics.ComponentPropertyDescription).Value)
			for _, want := range []string{o.Law, string(o.Audience), o.Source, "Not legal advice"} {
				if !strings.Contains(desc, want) {
					t.Errorf("DESCRIPTION lacks %q:\n%s", want, desc)
				}
			}
			if o.Soft != strings.Contains(desc, "Soft target") {
				t.Errorf("soft %v but description says:\n%s", o.Soft, desc)
			}
			if _, err := e.GetDtStampTime(); err != nil {
				t.Errorf("DTSTAMP: %v", err)
			}
			if len(e.Alarms()) != 1 {
				t.Errorf("%d alarms, want 1", len(e.Alarms()))
			}
		})
	}
}

// RFC 5545 §3.1: lines end in CRLF and are at most 75 octets, longer ones
// folded with CRLF + space, never inside a UTF-8 sequence.
func TestWriteIsRFC5545(t *testing.T) {
	out := render(t, seedObligations(t))
	if !strings.HasPrefix(out, "BEGIN:VCALENDAR\r\n") || !strings.HasSuffix(out, "END:VCALENDAR\r\n") {
		t.Fatalf("not a CRLF calendar: %q ... %q", out[:20], out[len(out)-20:])
	}
	if strings.Count(out, "\n") != strings.Count(out, "\r\n") {
		t.Error("bare LF line ending")
	}
	folded := 0
	for i, line := range strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n") {
		if len(line) > 75 {
			t.Errorf("line %d is %d octets: %q", i+1, len(line), line)
		}
		if !utf8.ValidString(line) {
			t.Errorf("line %d splits a UTF-8 sequence: %q", i+1, line)
		}
		if strings.HasPrefix(line, " ") {
			folded++
		}
	}
	if folded == 0 {
		t.Error("no folded lines; the descriptions are long enough to need folding")
	}
	for _, want := range []string{"VERSION:2.0", "PRODID:-//Candor//", "METHOD:PUBLISH", "CALSCALE:GREGORIAN", "X-WR-CALDESC:Candor's deadline catalogue is a research aid"} {
		if !strings.Contains(out, want) {
			t.Errorf("calendar lacks %s", want)
		}
	}
}

func TestWriteIsStable(t *testing.T) {
	obs := seedObligations(t)
	if a, b := render(t, obs), render(t, obs); a != b {
		t.Error("same input rendered differently")
	}
}

func TestUID(t *testing.T) {
	for _, tt := range []struct {
		name string
		o    deadline.Obligation
		want string
	}{
		{"no stage", deadline.Obligation{RuleID: "us-tx-ag"}, "inc_1.us-tx-ag@candor"},
		{"stage", deadline.Obligation{RuleID: "jp-appi-ppc-final", Stage: "final"}, "inc_1.jp-appi-ppc-final.final@candor"},
		{"stage with a slash", deadline.Obligation{RuleID: "us-sec-8k-amendment", Stage: "8-K/A"}, "inc_1.us-sec-8k-amendment.8-K-A@candor"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := ical.UID("inc_1", tt.o); got != tt.want {
				t.Errorf("UID = %q, want %q", got, tt.want)
			}
		})
	}
}

// A duty met late stays in the feed and says so, without an alarm; the
// others keep theirs.
func TestWriteMetLate(t *testing.T) {
	obs := seedObligations(t)
	var late deadline.ObligationState
	var open []deadline.Obligation
	for _, o := range obs {
		if o.RuleID == "ph-dpa-npc-notice" {
			metAt := at(t, "2026-11-16T19:00:00Z")
			sts := deadline.ResolveObligations([]deadline.Obligation{o}, nil, deadline.Evidence{Reports: []deadline.RegulatorReport{
				{Jurisdiction: "PH", SendID: "r1", DisclosureID: "d1", SentAt: metAt}}}, at(t, "2026-11-21T09:00:00Z"))
			late = sts[0]
			continue
		}
		open = append(open, o)
	}
	if !late.Late || late.LateByISO != "P6Y5M3DT4H" {
		t.Fatalf("the PH notice met on 2026-11-16: late %v by %q", late.Late, late.LateByISO)
	}
	var buf bytes.Buffer
	if err := ical.Write(&buf, ical.Feed{IncidentID: "inc_01J9Z", IncidentTitle: "Kawasaki", Obligations: open,
		MetLate: []deadline.ObligationState{late}, Stamp: at(t, "2026-11-21T09:00:00Z")}); err != nil {
		t.Fatal(err)
	}
	cal, err := ics.ParseCalendar(&buf)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range cal.Events() {
		summary := ics.FromText(e.GetProperty(ics.ComponentPropertySummary).Value)
		desc := ics.FromText(e.GetProperty(ics.ComponentPropertyDescription).Value)
		if e.Id() != ical.UID("inc_01J9Z", late.Obligation) {
			if strings.Contains(summary+desc, "MET LATE") || len(e.Alarms()) != 1 {
				t.Errorf("%s: %q, %d alarms", e.Id(), summary, len(e.Alarms()))
			}
			continue
		}
		found = true
		if !strings.HasPrefix(summary, "MET LATE (+6y 5mo): Due: PH ") {
			t.Errorf("SUMMARY %q", summary)
		}
		if !strings.Contains(desc, "MET LATE (+6y 5mo): met 2026-11-16 19:00:00 UTC, late by P6Y5M3DT4H") {
			t.Errorf("DESCRIPTION lacks the lateness:\n%s", desc)
		}
		if len(e.Alarms()) != 0 {
			t.Errorf("%d alarms on a duty already met", len(e.Alarms()))
		}
	}
	if !found {
		t.Error("the duty met late left the feed")
	}
}
