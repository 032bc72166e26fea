package jurisdictions_test

import (
	"slices"
	"testing"
	"time"

	"github.com/candor-dev/candor/deadline"
)

// Outcomes of a correction case besides a due date.
const (
	notApplicable = "not applicable"
	conditional   = "conditional"
)

// TestCatalogueCorrections covers each correction of issue 21 item 6 with
// the seed case (names and e-mail addresses, found 2020-06-11 in Tokyo)
// changed as each case says: the rule's due date, or that it does not
// apply, or that it is conditional and on what. Each rule's source field
// cites where the correction comes from.
func TestCatalogueCorrections(t *testing.T) {
	cats := func(c ...string) func(*deadline.ObligationInput) {
		return func(in *deadline.ObligationInput) { in.DataCategories = c }
	}
	acquired := func(v bool) func(*deadline.ObligationInput) {
		return func(in *deadline.ObligationInput) { in.Acquired = &v }
	}
	place := func(region string, n int) func(*deadline.ObligationInput) {
		return func(in *deadline.ObligationInput) { in.Regions[region] = n }
	}
	malicious := func(v bool) func(*deadline.ObligationInput) {
		return func(in *deadline.ObligationInput) { in.Malicious = &v }
	}
	highRisk := func(v bool) func(*deadline.ObligationInput) {
		return func(in *deadline.ObligationInput) { in.HighRisk = &v }
	}
	discovered := func(s string) func(*deadline.ObligationInput) {
		return func(in *deadline.ObligationInput) { in.DiscoveredAt = at(t, s) }
	}
	countries := func(c map[string]int) func(*deadline.ObligationInput) {
		return func(in *deadline.ObligationInput) { in.Countries, in.Regions = c, map[string]int{} }
	}
	processor := func(in *deadline.ObligationInput) { in.Processor = true }
	ssn := cats("name", "national_id")
	const today = "2026-11-21T09:00:00Z"

	tests := []struct {
		name, rule, asOf string
		edits            []func(*deadline.ObligationInput)
		want             string   // a due instant, notApplicable or conditional
		depends          []string // for conditional
	}{
		// US states apply only to their defined data, most only to acquisition.
		{name: "CA: name and e-mail are not personal information", rule: "us-ca-residents-pre2026", want: notApplicable},
		{name: "NY: name and e-mail are not private information", rule: "us-ny-residents-pre2024", want: notApplicable},
		{name: "NY regulators: not told when no resident is", rule: "us-ny-regulators-pre2024", want: notApplicable},
		{name: "TX: name and e-mail are not sensitive personal information", rule: "us-tx-ag-2020", want: notApplicable},
		{name: "CA: no categories recorded", rule: "us-ca-residents-pre2026", edits: fns(cats()),
			want: conditional, depends: []string{deadline.CondAcquired, deadline.DependsOnData}},
		{name: "NY: no categories recorded, access suffices", rule: "us-ny-residents-pre2024", edits: fns(cats()),
			want: conditional, depends: []string{deadline.DependsOnData}},
		{name: "CA: SSN, acquisition unknown", rule: "us-ca-residents-pre2026", edits: fns(ssn),
			want: conditional, depends: []string{deadline.CondAcquired}},
		{name: "CA: SSN acquired", rule: "us-ca-residents-pre2026", edits: fns(ssn, acquired(true)), want: "2020-07-10T23:59:59-07:00"},
		{name: "CA: SSN only accessed", rule: "us-ca-residents-pre2026", edits: fns(ssn, acquired(false)), want: notApplicable},
		{name: "NY: SSN accessed is enough", rule: "us-ny-residents-pre2024", edits: fns(ssn, acquired(false)), want: "2020-07-10T23:59:59-04:00"},
		{name: "CA: a card number, its code unknown", rule: "us-ca-residents-pre2026", edits: fns(cats("name", "payment_card"), acquired(true)),
			want: conditional, depends: []string{deadline.DependsOnData}},
		{name: "CA: credentials without a name", rule: "us-ca-residents-pre2026", edits: fns(cats("credentials"), acquired(true)), want: "2020-07-10T23:59:59-07:00"},
		{name: "TX: credentials are not covered", rule: "us-tx-individuals", edits: fns(cats("credentials"), acquired(true)), want: notApplicable},
		{name: "TX: health data", rule: "us-tx-individuals", edits: fns(cats("health"), acquired(true)), want: "2020-08-09T23:59:59-05:00"},
		{name: "NY before 2025: health data not covered", rule: "us-ny-residents-pre2024", edits: fns(cats("name", "health")), want: notApplicable},
		{name: "NY today: health data covered", rule: "us-ny-residents", asOf: today, edits: fns(cats("name", "health")), want: "2020-07-10T23:59:59-04:00"},
		{name: "CO: a card with its code, no name", rule: "us-co-residents", edits: fns(place("US-CO", 10), cats("account_with_code"), acquired(true)),
			want: "2020-07-10T23:59:59-06:00"},
		{name: "FL: unauthorized access is enough", rule: "us-fl-individuals", edits: fns(place("US-FL", 10), ssn, acquired(false)),
			want: "2020-07-10T23:59:59-04:00"},
		{name: "WA: passport number", rule: "us-wa-residents", edits: fns(place("US-WA", 10), cats("name", "passport"), acquired(true)),
			want: "2020-07-10T23:59:59-07:00"},

		// Japan: day 1 is the day of awareness; closed days move the deadline.
		{name: "JP final, seed: day 60 Sunday, 10 August Mountain Day", rule: "jp-appi-ppc-final-malicious", asOf: today, want: "2020-08-11T23:59:59+09:00"},
		{name: "JP final 30 days: day 30 is 10 July", rule: "jp-appi-ppc-final", asOf: today, edits: fns(malicious(false)), want: "2020-07-10T23:59:59+09:00"},
		{name: "JP final: day 30 on 30 December moves past the year-end closure", rule: "jp-appi-ppc-final", asOf: today,
			edits: fns(malicious(false), discovered("2022-12-01T10:00:00+09:00")), want: "2023-01-04T23:59:59+09:00"},
		{name: "JP: over 1,000 affected counts non-residents", rule: "jp-appi-ppc-final", asOf: today,
			edits: fns(malicious(false), countries(map[string]int{"JP": 600, "US": 700})), want: "2020-07-10T23:59:59+09:00"},
		{name: "JP: 1,000 or fewer in all", rule: "jp-appi-ppc-final", asOf: today,
			edits: fns(malicious(false), countries(map[string]int{"JP": 600, "TH": 400})), want: notApplicable},
		{name: "JP before 2022: best-effort report", rule: "jp-ppc-notice-2017", want: "2020-06-16T23:59:59+09:00"},
		{name: "JP today: the best-effort report is gone", rule: "jp-ppc-notice-2017", asOf: today, want: notApplicable},

		// Effective dates.
		{name: "TH late notice not before 2022-12-15", rule: "th-pdpa-office-late", asOf: "2022-12-14T12:00:00+07:00", want: notApplicable},
		{name: "TH late notice from 2022-12-15", rule: "th-pdpa-office-late", asOf: "2022-12-15T12:00:00+07:00", want: "2020-06-25T23:59:59+07:00"},
		{name: "NY regulators without DFS until 2024-12-20", rule: "us-ny-regulators-pre2024", asOf: "2024-12-20T12:00:00-05:00",
			edits: fns(ssn), want: "2020-07-10T23:59:59-04:00"},
		{name: "NY regulators with DFS not before December 2024", rule: "us-ny-regulators", asOf: "2024-12-20T12:00:00-05:00",
			edits: fns(ssn), want: notApplicable},
		{name: "NY regulators with DFS from 2024-12-21", rule: "us-ny-regulators", asOf: "2024-12-21T12:00:00-05:00",
			edits: fns(ssn), want: "2020-07-10T23:59:59-04:00"},

		// The Philippines: sensitive or identity-fraud data, acquired, real risk of serious harm.
		{name: "PH: name and e-mail", rule: "ph-dpa-npc-notice", edits: fns(acquired(true), highRisk(true)), want: notApplicable},
		{name: "PH: SSN acquired, harm not assessed", rule: "ph-dpa-npc-notice", edits: fns(ssn, acquired(true)),
			want: conditional, depends: []string{deadline.CondHighRisk}},
		{name: "PH: SSN only accessed", rule: "ph-dpa-data-subjects", edits: fns(ssn, acquired(false), highRisk(true)), want: notApplicable},
		{name: "PH: age (date of birth) is sensitive", rule: "ph-dpa-npc-full-report", edits: fns(cats("name", "date_of_birth"), acquired(true), highRisk(true)),
			want: "2020-06-15T23:59:59+08:00"},
		{name: "PH: the yearly summary takes every incident", rule: "ph-dpa-npc-annual", want: "2021-03-31T23:59:59+08:00"},

		// Missing duties: credit bureaus.
		{name: "CO bureaus over 1,000", rule: "us-co-cra", edits: fns(place("US-CO", 1001), ssn, acquired(true)), want: "2020-07-10T23:59:59-06:00"},
		{name: "CO bureaus not at 1,000", rule: "us-co-cra", edits: fns(place("US-CO", 1000), ssn, acquired(true)), want: notApplicable},
		{name: "FL bureaus over 1,000", rule: "us-fl-cra", edits: fns(place("US-FL", 1001), ssn), want: "2020-07-10T23:59:59-04:00"},
		{name: "NY bureaus over 5,000", rule: "us-ny-cra", edits: fns(place("US-NY", 5001), ssn), want: "2020-07-10T23:59:59-04:00"},
		{name: "NY bureaus not at 5,000", rule: "us-ny-cra", edits: fns(place("US-NY", 5000), ssn), want: notApplicable},
		{name: "TX bureaus over 10,000", rule: "us-tx-cra", edits: fns(place("US-TX", 10001), ssn, acquired(true)), want: "2020-08-09T23:59:59-05:00"},
		{name: "TX bureaus not at 10,000", rule: "us-tx-cra", edits: fns(place("US-TX", 10000), ssn, acquired(true)), want: notApplicable},

		// Missing duties: Indonesia.
		{name: "ID before the PDP law: 14 days", rule: "id-kominfo-owners", want: "2020-06-24T23:59:59+07:00"},
		{name: "ID today: the 14 days gave way to 3 x 24 hours", rule: "id-kominfo-owners", asOf: today, want: notApplicable},
		{name: "ID public notice in serious cases", rule: "id-pdp-public", asOf: today,
			want: conditional, depends: []string{deadline.CondHighRisk}},

		// Missing duties: processors.
		{name: "EU processor tells the controller", rule: "eu-gdpr-33-processor", edits: fns(place("DE-BE", 1), processor),
			want: "2020-06-11T17:00:00+02:00"},
		{name: "EU controller owes no processor notice", rule: "eu-gdpr-33-processor", edits: fns(place("DE-BE", 1)), want: notApplicable},
		{name: "FL third-party agent: 10 days", rule: "us-fl-processor", edits: fns(place("US-FL", 3), ssn, processor),
			want: "2020-06-20T23:59:59-04:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := kawasaki(t)
			if tt.asOf != "" {
				in.AsOf = at(t, tt.asOf)
			}
			for _, e := range tt.edits {
				e(&in)
			}
			for r, n := range in.Regions { // a region's customers are in its country too
				if c := r[:2]; in.Countries[c] < n {
					in.Countries[c] += n
				}
			}
			o, ok := computeAll(t, in)[tt.rule]
			switch {
			case tt.want == notApplicable:
				if ok {
					t.Fatalf("applies: due %v, basis %q, depends on %v", o.DueAt, o.Basis, o.DependsOn)
				}
				return
			case !ok:
				t.Fatalf("does not apply, want %s", tt.want)
			case tt.want == conditional:
				got := slices.Sorted(slices.Values(o.DependsOn))
				if !slices.Equal(got, tt.depends) {
					t.Errorf("depends on %v, want %v", got, tt.depends)
				}
				if st := o.Status(at(t, statementDay), nil); st != deadline.StatusConditional {
					t.Errorf("status at the statement %s, want conditional", st)
				}
				if o.Condition == "" {
					t.Errorf("no condition text")
				}
				t.Logf("condition: %s", o.Condition)
				return
			}
			if len(o.DependsOn) != 0 {
				t.Errorf("depends on %v, want none", o.DependsOn)
			}
			if o.DueAt == nil || !o.DueAt.Equal(at(t, tt.want)) {
				t.Errorf("due %v, want %s", o.DueAt, tt.want)
			} else if o.DueAt.Format(time.RFC3339) != tt.want {
				t.Errorf("due %s, want it in the rule's zone: %s", o.DueAt.Format(time.RFC3339), tt.want)
			}
		})
	}
}

func fns(f ...func(*deadline.ObligationInput)) []func(*deadline.ObligationInput) { return f }
