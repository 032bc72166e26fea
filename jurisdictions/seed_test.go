package jurisdictions_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/holidays"
	"github.com/candor-dev/candor/jurisdictions"
)

// kawasaki is the seed case (shared/seeds): unauthorized access found by an
// internal audit in Japan on 2020-06-11, through offices in Thailand,
// Indonesia, the Philippines and the United States; first public statement
// 2020-12-28. The press release gives a date, not a time, so discovery is
// taken as the first instant of that date in Tokyo, where the audit ran;
// that instant is still 10 June in the Americas. The customer counts are
// illustrative (the real ones were never published); the determination
// date is left unrecorded, as the statement gives none, so Texas counts
// from discovery. Malicious: the access came from outside, deliberately.
// HighRisk: never assessed in public, so left unknown.
func kawasaki(t *testing.T) candor.ObligationInput {
	return candor.ObligationInput{
		DiscoveredAt:   at(t, "2020-06-11T00:00:00+09:00"),
		DataCategories: []string{"contact_details", "business_records"},
		Countries:      map[string]int{"JP": 1200, "TH": 150, "ID": 80, "PH": 60, "US": 700},
		Regions:        map[string]int{"US-CA": 300, "US-NY": 120, "US-TX": 280},
		EntityCountry:  "JP",
		ListedUS:       false,
		Malicious:      ptr(true),
	}
}

// statementDay is the morning of Kawasaki's statement in Tokyo.
const statementDay = "2020-12-28T00:00:00+09:00"

func computeAll(t *testing.T, in candor.ObligationInput) map[string]candor.Obligation {
	t.Helper()
	rules, err := jurisdictions.Load()
	if err != nil {
		t.Fatal(err)
	}
	obs := candor.ComputeObligations(in, rules, holidays.New())
	out := map[string]candor.Obligation{}
	for _, o := range obs {
		out[o.RuleID] = o
	}
	return out
}

func TestSeedCase(t *testing.T) {
	today := at(t, "2026-11-21T09:00:00Z")
	eu := func(in *candor.ObligationInput) { in.Countries["DE"] = 40 }
	tests := []struct {
		name  string
		asOf  time.Time
		edit  func(*candor.ObligationInput)
		want  map[string]string // rule ID → due date
		soft  []string
		condl []string // listed, but only if high risk
	}{
		{
			name: "rules in force on 2020-06-11: no Japanese, Thai or Indonesian regime yet",
			want: map[string]string{
				"ph-dpa-npc-notice":       "2020-06-14T00:00:00+09:00",
				"ph-dpa-data-subjects":    "2020-06-14T00:00:00+09:00",
				"ph-dpa-npc-full-report":  "2020-06-15T23:59:59+08:00",
				"us-ca-residents-pre2026": "2020-07-10T23:59:59-07:00",
				"us-ny-residents-pre2024": "2020-07-10T23:59:59-04:00",
				"us-ny-regulators":        "2020-07-10T23:59:59-04:00",
				"us-tx-individuals":       "2020-08-09T23:59:59-05:00",
				"us-tx-ag-2020":           "2020-08-09T23:59:59-05:00", // 280 Texans ≥ 250
			},
			soft:  []string{"us-ca-residents-pre2026", "us-ny-residents-pre2024", "us-ny-regulators"},
			condl: []string{"ph-dpa-npc-notice", "ph-dpa-data-subjects", "ph-dpa-npc-full-report"},
		},
		{
			name: "today's rules (as of 2026-11-21)",
			asOf: today,
			want: map[string]string{
				"jp-appi-ppc-preliminary":     "2020-06-16T23:59:59+09:00",
				"jp-appi-ppc-final-malicious": "2020-08-10T23:59:59+09:00", // the 60-day final report
				"jp-appi-individuals":         "2020-06-16T23:59:59+09:00",
				"th-pdpa-office":              "2020-06-14T00:00:00+09:00",
				"th-pdpa-office-late":         "2020-06-25T23:59:59+07:00",
				"th-pdpa-individuals":         "2020-06-14T00:00:00+09:00",
				"ph-dpa-npc-notice":           "2020-06-14T00:00:00+09:00",
				"ph-dpa-data-subjects":        "2020-06-14T00:00:00+09:00",
				"ph-dpa-npc-full-report":      "2020-06-15T23:59:59+08:00",
				"id-pdp-subjects":             "2020-06-14T00:00:00+09:00",
				"id-pdp-authority":            "2020-06-14T00:00:00+09:00",
				"us-ca-residents":             "2020-07-10T23:59:59-07:00", // 30-day states: July 2020
				"us-ny-residents":             "2020-07-10T23:59:59-04:00",
				"us-ny-regulators":            "2020-07-10T23:59:59-04:00",
				"us-tx-ag":                    "2020-07-10T23:59:59-05:00",
				"us-tx-individuals":           "2020-08-09T23:59:59-05:00",
			},
			soft:  []string{"jp-appi-ppc-preliminary", "jp-appi-individuals", "th-pdpa-individuals", "us-ny-regulators"},
			condl: []string{"th-pdpa-individuals", "ph-dpa-npc-notice", "ph-dpa-data-subjects", "ph-dpa-npc-full-report"},
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
				if want := slices.Contains(tt.condl, id); slices.Contains(o.DependsOn, candor.CondHighRisk) != want {
					t.Errorf("%s DependsOn = %v, conditional on high risk want %v", id, o.DependsOn, want)
				}
			}
		})
	}
}

// TestSeedCaseStatementMissedEverything: by the 2020-12-28 statement every
// duty, under 2020's rules and under today's, was overdue.
func TestSeedCaseStatementMissedEverything(t *testing.T) {
	statement := at(t, statementDay)
	for _, tt := range []struct {
		name string
		asOf string
		want int
	}{
		{"2020 rules", "", 8},
		{"today's rules", "2026-11-21T09:00:00Z", 16},
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
				if got := o.Status(statement, nil); got != candor.StatusOverdue {
					t.Errorf("%s on %s: %s, want overdue (due %v)", id, statementDay, got, o.DueAt)
					continue
				}
				missed = append(missed, fmt.Sprintf("%s by %.0f days", id, statement.Sub(*o.DueAt).Hours()/24))
			}
			slices.Sort(missed)
			t.Logf("missed at the %s statement: %s", statementDay, strings.Join(missed, ", "))
		})
	}
}
