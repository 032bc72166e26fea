package deadline_test

import (
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/deadline"
	"github.com/candor-dev/candor/holidays"
	"github.com/candor-dev/candor/jurisdictions"
)

// seedScope is the seed case's timeline as scope: Thailand on 11 June,
// Indonesia and the Philippines on 24 June, the United States on 8 July
// 2020, each a date-only event read in Tokyo, where Kawasaki found them.
func seedScope(t *testing.T) []candor.ScopeChange {
	t.Helper()
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	var out []candor.ScopeChange
	for _, ev := range []struct {
		on    string
		codes []string
	}{{"2020-06-11", []string{"TH"}}, {"2020-06-24", []string{"ID", "PH"}}, {"2020-07-08", []string{"US"}}} {
		e := candor.Event{ID: "ev-" + ev.on, IncidentID: "i", OccurredOn: ev.on, Scope: &candor.EventScope{Jurisdictions: ev.codes}}
		out = append(out, e.ScopeChanges(tokyo)...)
	}
	return out
}

// seedInput is the seed case with every fact that makes the Philippine,
// Thai and US duties apply (high risk, identity data), so that the start
// times are tested whatever conditions the catalogue gives those duties.
func seedInput(t *testing.T) deadline.ObligationInput {
	return deadline.ObligationInput{
		DiscoveredAt:   at(t, "2020-06-11T00:00:00+09:00"),
		DataCategories: []string{"name", "email", "national_id", "credentials", "health"},
		Countries:      map[string]int{"JP": 1200, "TH": 150, "ID": 80, "PH": 60, "US": 700},
		Regions:        map[string]int{"US-CA": 300, "US-NY": 120, "US-TX": 280},
		EntityCountry:  "JP",
		Malicious:      ptr(true),
		HighRisk:       ptr(true),
		Scope:          seedScope(t),
		AsOf:           at(t, "2026-11-21T09:00:00Z"),
	}
}

// Each jurisdiction's duties run from when it entered the scope: the
// Philippines' 72 hours from 24 June (Tokyo), not from 11 June.
func TestSeedCaseStartTimes(t *testing.T) {
	rules, err := jurisdictions.Load()
	if err != nil {
		t.Fatal(err)
	}
	in := seedInput(t)
	obs := deadline.ComputeObligations(in, rules, holidays.New())
	starts := map[string]string{ // area → when its clocks start
		"JP": "2020-06-11T00:00:00+09:00", // the entity's country: from discovery
		"TH": "2020-06-11T00:00:00+09:00", // in scope on the day of discovery
		"ID": "2020-06-24T00:00:00+09:00",
		"PH": "2020-06-24T00:00:00+09:00",
		"US": "2020-07-08T00:00:00+09:00", // US-CA, US-NY, US-TX through their country
	}
	seen := map[string]int{}
	for _, o := range obs {
		if o.ClockAt == nil || (o.ClockStart != deadline.ClockAwareness && o.ClockStart != deadline.ClockDiscovery &&
			o.ClockStart != deadline.ClockDetermination) {
			continue
		}
		area, _, _ := strings.Cut(o.Jurisdiction, "-")
		want, ok := starts[area]
		if !ok {
			continue
		}
		t.Run(o.RuleID, func(t *testing.T) {
			seen[area]++
			if !o.ClockAt.Equal(at(t, want)) {
				t.Errorf("runs from %s, want %s (%s)", o.ClockAt.UTC(), want, o.ClockReason)
			}
			if o.ClockReason == "" {
				t.Error("no clock_reason")
			}
			if area != "JP" && area != "TH" && (o.ClockScope == nil || o.ClockScope.Source != candor.ScopeFromEvent) {
				t.Errorf("clock_scope %+v, want the timeline event", o.ClockScope)
			}
		})
	}
	for _, area := range []string{"JP", "TH", "ID", "PH", "US"} {
		if seen[area] == 0 {
			t.Errorf("no duty of %s with a knowledge clock: the test no longer covers it", area)
		}
	}
	for _, o := range obs {
		if o.RuleID == "ph-dpa-npc-notice" {
			if want := at(t, "2020-06-27T00:00:00+09:00"); !o.DueAt.Equal(want) {
				t.Errorf("NPC notice due %s, want 72 hours from 24 June (%s)", o.DueAt, want)
			}
			if !strings.Contains(o.ClockReason, "PH entered the scope at 2020-06-23 23:00 +08:00 with a timeline event") {
				t.Errorf("reason %q", o.ClockReason)
			}
		}
	}
}

// The engine's floor rules, on a catalogue of its own so that the
// catalogue's corrections cannot change what is tested.
func TestScopeFloor(t *testing.T) {
	rule := func(id, code string, mod func(*deadline.Rule)) deadline.Rule {
		r := deadline.Rule{ID: id, Jurisdiction: code, Name: id, Law: "law", Audience: deadline.AudienceRegulator,
			Deadline: deadline.Deadline{Amount: 72, Unit: deadline.UnitHours}, ClockStart: deadline.ClockAwareness,
			EffectiveFrom: candor.Date{Year: 2000, Month: 1, Day: 1}, TimeZone: "UTC", Source: "s"}
		if mod != nil {
			mod(&r)
		}
		return r
	}
	rules := []deadline.Rule{
		rule("ph", "PH", nil),
		rule("us-ca", "US-CA", nil),
		rule("eu", "EU", nil),
		rule("jp-sensitive", "JP", func(r *deadline.Rule) { r.Conditions = []string{deadline.CondSensitiveData} }),
		rule("jp-threshold", "JP", func(r *deadline.Rule) {
			r.Threshold = &deadline.Threshold{Op: ">", Count: 1000, Or: []string{deadline.CondSensitiveData}}
		}),
		rule("ph-determination", "PH", func(r *deadline.Rule) { r.ClockStart = deadline.ClockDetermination }),
	}
	discovered := at(t, "2020-06-11T00:00:00Z")
	change := func(kind, code, when, source string) candor.ScopeChange {
		return candor.ScopeChange{Kind: kind, Code: code, At: at(t, when), Source: source}
	}
	j, dc := candor.ScopeJurisdiction, candor.ScopeDataCategory
	tests := []struct {
		name   string
		scope  []candor.ScopeChange
		cats   []string
		entity string
		want   map[string]string // rule → clock start; "" not listed
		reason map[string]string // rule → part of its clock_reason
	}{
		{name: "no scope changes: everything from discovery",
			want: map[string]string{"ph": "2020-06-11T00:00:00Z", "us-ca": "2020-06-11T00:00:00Z", "eu": "2020-06-11T00:00:00Z",
				"jp-sensitive": "", "jp-threshold": ""},
			reason: map[string]string{"ph": "discovered_at"}},
		{name: "a country entered later", scope: []candor.ScopeChange{change(j, "PH", "2020-06-24T03:00:00Z", "event")},
			want:   map[string]string{"ph": "2020-06-24T03:00:00Z", "ph-determination": "2020-06-24T03:00:00Z", "us-ca": "2020-06-11T00:00:00Z"},
			reason: map[string]string{"ph": "PH entered the scope at 2020-06-24 03:00 +00:00 with a timeline event"}},
		{name: "never before discovery", scope: []candor.ScopeChange{change(j, "PH", "2020-06-01T00:00:00Z", "event")},
			want:   map[string]string{"ph": "2020-06-11T00:00:00Z"},
			reason: map[string]string{"ph": "no later than discovery"}},
		{name: "the earliest of an event and an import", scope: []candor.ScopeChange{
			change(j, "PH", "2026-12-07T10:00:00Z", "import"), change(j, "PH", "2020-06-24T00:00:00Z", "event")},
			want: map[string]string{"ph": "2020-06-24T00:00:00Z"}},
		{name: "an import alone says so", scope: []candor.ScopeChange{change(j, "PH", "2026-12-07T10:00:00Z", "import")},
			want:   map[string]string{"ph": "2026-12-07T10:00:00Z"},
			reason: map[string]string{"ph": "with a customer import"}},
		{name: "a region through its country", scope: []candor.ScopeChange{change(j, "US", "2020-07-08T00:00:00Z", "event")},
			want: map[string]string{"us-ca": "2020-07-08T00:00:00Z"}},
		{name: "a region named before its country", scope: []candor.ScopeChange{
			change(j, "US", "2020-07-08T00:00:00Z", "event"), change(j, "US-CA", "2020-07-01T00:00:00Z", "event")},
			want: map[string]string{"us-ca": "2020-07-01T00:00:00Z"}},
		{name: "the EU through a member", scope: []candor.ScopeChange{change(j, "DE", "2020-06-20T00:00:00Z", "event")},
			want: map[string]string{"eu": "2020-06-20T00:00:00Z"}},
		{name: "the entity's country is in scope from discovery", entity: "PH",
			scope: []candor.ScopeChange{change(j, "PH", "2020-06-24T00:00:00Z", "import")},
			want:  map[string]string{"ph": "2020-06-11T00:00:00Z"}},
		{name: "a data category re-evaluates conditions from its time",
			scope: []candor.ScopeChange{change(dc, "health", "2020-07-01T00:00:00Z", "event")},
			want: map[string]string{"jp-sensitive": "2020-07-01T00:00:00Z", "jp-threshold": "2020-07-01T00:00:00Z",
				"ph": "2020-06-11T00:00:00Z"},
			reason: map[string]string{"jp-sensitive": "data categories health entered the scope"}},
		{name: "a category known from discovery on the incident", cats: []string{"health"},
			want: map[string]string{"jp-sensitive": "2020-06-11T00:00:00Z"}},
		{name: "a category named by an event after the incident listed it: the event dates it", cats: []string{"health"},
			scope: []candor.ScopeChange{change(dc, "health", "2020-07-01T00:00:00Z", "event")},
			want:  map[string]string{"jp-sensitive": "2020-07-01T00:00:00Z"}},
		{name: "the later of area and category",
			scope: []candor.ScopeChange{change(dc, "health", "2020-07-01T00:00:00Z", "event"), change(j, "JP", "2020-08-01T00:00:00Z", "event")},
			want:  map[string]string{"jp-sensitive": "2020-08-01T00:00:00Z"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := deadline.ObligationInput{DiscoveredAt: discovered, Countries: map[string]int{"PH": 5, "JP": 5, "US": 5, "DE": 5},
				Regions: map[string]int{"US-CA": 5}, DataCategories: tt.cats, EntityCountry: tt.entity, Scope: tt.scope}
			got := map[string]deadline.Obligation{}
			for _, o := range deadline.ComputeObligations(in, rules, holidays.New()) {
				got[o.RuleID] = o
			}
			for id, want := range tt.want {
				o, ok := got[id]
				switch {
				case want == "" && ok:
					t.Errorf("%s listed, want not", id)
				case want == "":
				case !ok:
					t.Errorf("%s not listed", id)
				case !o.ClockAt.Equal(at(t, want)):
					t.Errorf("%s runs from %s, want %s (%s)", id, o.ClockAt.UTC().Format(time.RFC3339), want, o.ClockReason)
				}
			}
			for id, part := range tt.reason {
				if !strings.Contains(got[id].ClockReason, part) {
					t.Errorf("%s reason %q, want it to say %q", id, got[id].ClockReason, part)
				}
			}
		})
	}
}
