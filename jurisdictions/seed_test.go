package jurisdictions_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor/deadline"
	"github.com/candor-dev/candor/holidays"
	"github.com/candor-dev/candor/jurisdictions"
)

// kawasaki is the seed case (shared/seeds): unauthorized access found by an
// internal audit in Japan on 2020-06-11, through offices in Thailand,
// Indonesia, the Philippines and the United States; first public statement
// 2020-12-28. The data were names and e-mail addresses (the demo's and the
// issue's reading). The press release gives a date, not a time, so discovery is
// taken as the first instant of that date in Tokyo, where the audit ran;
// that instant is still 10 June in the Americas. The customer counts are
// illustrative (the real ones were never published); the determination
// date is left unrecorded, as the statement gives none, so Texas counts
// from discovery. Malicious: the access came from outside, deliberately.
// HighRisk: never assessed in public, so left unknown.
func kawasaki(t *testing.T) deadline.ObligationInput {
	return deadline.ObligationInput{
		DiscoveredAt:   at(t, "2020-06-11T00:00:00+09:00"),
		DataCategories: []string{"name", "email"},
		Countries:      map[string]int{"JP": 1200, "TH": 150, "ID": 80, "PH": 60, "US": 700},
		Regions:        map[string]int{"US-CA": 300, "US-NY": 120, "US-TX": 280},
		EntityCountry:  "JP",
		ListedUS:       false,
		Malicious:      ptr(true),
	}
}

// statementDay is the morning of Kawasaki's statement in Tokyo.
const statementDay = "2020-12-28T00:00:00+09:00"

func computeAll(t *testing.T, in deadline.ObligationInput) map[string]deadline.Obligation {
	t.Helper()
	rules, err := jurisdictions.Load()
	if err != nil {
		t.Fatal(err)
	}
	obs := deadline.ComputeObligations(in, rules, holidays.New())
	out := map[string]deadline.Obligation{}
	for _, o := range obs {
		out[o.RuleID] = o
	}
	return out
}

func TestSeedCase(t *testing.T) {
	today := at(t, "2026-11-21T09:00:00Z")
	eu := func(in *deadline.ObligationInput) { in.Countries["DE"] = 40 }
	tests := []struct {
		name  string
		asOf  time.Time
		edit  func(*deadline.ObligationInput)
		want  map[string]string // rule ID → due date
		soft  []string
		condl []string // listed, but only if high risk
	}{
		{
			// Names and e-mail addresses are no US state's defined data and
			// no Philippine notifiable breach: only the PPC's best-effort
			// report, Indonesia's 14 days and the NPC's yearly summary.
			name: "rules in force on 2020-06-11: no Japanese, Thai or Indonesian PDP regime yet",
			want: map[string]string{
				"jp-ppc-notice-2017": "2020-06-16T23:59:59+09:00",
				"id-kominfo-owners":  "2020-06-24T23:59:59+07:00", // 10 June in Jakarta + 14
				"ph-dpa-npc-annual":  "2021-03-31T23:59:59+08:00",
			},
			soft: []string{"jp-ppc-notice-2017"},
		},
		{
			name: "today's rules (as of 2026-11-21)",
			asOf: today,
			want: map[string]string{
				"jp-appi-ppc-preliminary":     "2020-06-16T23:59:59+09:00",
				"jp-appi-ppc-final-malicious": "2020-08-11T23:59:59+09:00", // day 60 a Sunday, 10 August Mountain Day
				"jp-appi-individuals":         "2020-06-16T23:59:59+09:00",
				"th-pdpa-office":              "2020-06-14T00:00:00+09:00",
				"th-pdpa-office-late":         "2020-06-25T23:59:59+07:00",
				"th-pdpa-individuals":         "2020-06-14T00:00:00+09:00",
				"ph-dpa-npc-annual":           "2021-03-31T23:59:59+08:00",
				"id-pdp-subjects":             "2020-06-14T00:00:00+09:00",
				"id-pdp-authority":            "2020-06-14T00:00:00+09:00",
				"id-pdp-public":               "2020-06-14T00:00:00+09:00",
			},
			soft:  []string{"jp-appi-ppc-preliminary", "jp-appi-individuals", "th-pdpa-individuals", "id-pdp-public"},
			condl: []string{"th-pdpa-individuals", "id-pdp-public"},
		},
		{
			name: "with an EU customer, today's rules: GDPR 72 hours fall on 2020-06-14",
			asOf: today, edit: eu,
			want: map[string]string{
				"eu-gdpr-33-authority":   "2020-06-14T00:00:00+09:00",
				"eu-gdpr-34-individuals": "2020-06-14T00:00:00+09:00",
			},
			soft:  []string{"eu-gdpr-34-individuals"},
			condl: []string{"eu-gdpr-34-individuals"},
		},
		{
			name: "with an EU customer, 2020 rules: the GDPR already applied",
			edit: eu,
			want: map[string]string{"eu-gdpr-33-authority": "2020-06-14T00:00:00+09:00"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := kawasaki(t)
			in.AsOf = tt.asOf
			if tt.edit != nil {
				tt.edit(&in)
			}
			got := computeAll(t, in)
			if tt.edit == nil { // the full set, not just the rules the variant adds
				gotIDs, wantIDs := slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(tt.want))
				if !slices.Equal(gotIDs, wantIDs) {
					t.Fatalf("obligations:\n got %v\nwant %v", gotIDs, wantIDs)
				}
			}
			for id, due := range tt.want {
				o, ok := got[id]
				if !ok {
					t.Errorf("%s missing", id)
					continue
				}
				if o.DueAt == nil || !o.DueAt.Equal(at(t, due)) {
					t.Errorf("%s due %v, want %s", id, o.DueAt, due)
				}
				if want := slices.Contains(tt.soft, id); o.Soft != want {
					t.Errorf("%s soft = %v, want %v", id, o.Soft, want)
				}
				if want := slices.Contains(tt.condl, id); slices.Contains(o.DependsOn, deadline.CondHighRisk) != want {
					t.Errorf("%s DependsOn = %v, conditional on high risk want %v", id, o.DependsOn, want)
				}
			}
		})
	}
}

// TestSeedCaseStatementMissedEverything: by the 2020-12-28 statement every
// duty that certainly applied and had fallen due, under 2020's rules and
// under today's, was overdue; the NPC's yearly summary was not due yet and
// duties that wait on a harm assessment are conditional, never overdue.
func TestSeedCaseStatementMissedEverything(t *testing.T) {
	statement := at(t, statementDay)
	for _, tt := range []struct {
		name        string
		asOf        string
		want        int
		open, condl []string
	}{
		{"2020 rules", "", 3, []string{"ph-dpa-npc-annual"}, nil},
		{"today's rules", "2026-11-21T09:00:00Z", 10, []string{"ph-dpa-npc-annual"}, []string{"id-pdp-public", "th-pdpa-individuals"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := kawasaki(t)
			if tt.asOf != "" {
				in.AsOf = at(t, tt.asOf)
			}
			obs := computeAll(t, in)
			if len(obs) != tt.want {
				t.Errorf("%d obligations, want %d", len(obs), tt.want)
			}
			var missed []string
			for id, o := range obs {
				want := deadline.StatusOverdue
				switch {
				case slices.Contains(tt.open, id):
					want = deadline.StatusOpen
				case slices.Contains(tt.condl, id):
					want = deadline.StatusConditional
				}
				if got := o.Status(statement, nil); got != want || want != deadline.StatusOverdue {
					if got != want {
						t.Errorf("%s on %s: %s, want %s (due %v)", id, statementDay, got, want, o.DueAt)
					}
					continue
				}
				missed = append(missed, fmt.Sprintf("%s by %.0f days", id, statement.Sub(*o.DueAt).Hours()/24))
			}
			slices.Sort(missed)
			t.Logf("missed at the %s statement: %s", statementDay, strings.Join(missed, ", "))
		})
	}
}
