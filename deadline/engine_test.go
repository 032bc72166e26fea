package deadline_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/deadline"
	"github.com/candor-dev/candor/holidays"
)

// testRule is a valid 30-day rule for code; edit applies the case's changes.
func testRule(id, code, zone string, edit func(*deadline.Rule)) deadline.Rule {
	r := deadline.Rule{
		ID: id, Jurisdiction: code, Name: "Notice", Law: "Test Act", Audience: deadline.AudienceIndividuals,
		Deadline:   deadline.Deadline{Amount: 30, Unit: deadline.UnitCalendarDays},
		ClockStart: deadline.ClockDiscovery, EffectiveFrom: candor.Date{Year: 2000, Month: 1, Day: 1},
		TimeZone: zone, Source: "test",
	}
	if edit != nil {
		edit(&r)
	}
	return r
}

func ids(obs []deadline.Obligation) []string {
	out := make([]string, len(obs))
	for i, o := range obs {
		out[i] = o.RuleID
	}
	return out
}

func find(t *testing.T, obs []deadline.Obligation, id string) deadline.Obligation {
	t.Helper()
	for _, o := range obs {
		if o.RuleID == id {
			return o
		}
	}
	t.Fatalf("no obligation %s in %v", id, ids(obs))
	return deadline.Obligation{}
}

func TestThresholds(t *testing.T) {
	txAG := testRule("tx-ag", "US-TX", "America/Chicago", func(r *deadline.Rule) {
		r.Threshold = &deadline.Threshold{Op: ">=", Count: 250}
	})
	caAG := testRule("ca-ag", "US-CA", "America/Los_Angeles", func(r *deadline.Rule) {
		r.Threshold = &deadline.Threshold{Op: ">", Count: 500}
	})
	small := testRule("annual", "US", "America/New_York", func(r *deadline.Rule) {
		r.Threshold = &deadline.Threshold{Op: "<", Count: 500}
	})
	media := testRule("media", "US", "America/New_York", func(r *deadline.Rule) {
		r.Threshold = &deadline.Threshold{Op: ">", Count: 500, Per: "region"}
	})
	tests := []struct {
		name      string
		rule      deadline.Rule
		countries map[string]int
		regions   map[string]int
		applies   bool
		basis     string
	}{
		{"249 Texans: no AG notice", txAG, nil, map[string]int{"US-TX": 249}, false, ""},
		{"250 Texans: AG notice", txAG, nil, map[string]int{"US-TX": 250}, true, "250 residents of US-TX ≥ 250"},
		{"312 Texans", txAG, nil, map[string]int{"US-TX": 312}, true, "312 residents of US-TX ≥ 250"},
		{"lower-case region key", txAG, nil, map[string]int{"us-tx": 250}, true, "250 residents of US-TX ≥ 250"},
		{"500 Californians is not more than 500", caAG, nil, map[string]int{"US-CA": 500}, false, ""},
		{"501 Californians", caAG, nil, map[string]int{"US-CA": 501}, true, "501 residents of US-CA > 500"},
		{"499 in the US: small-breach duty", small, map[string]int{"US": 499}, nil, true, "499 residents of US < 500"},
		{"500 in the US: no small-breach duty", small, map[string]int{"US": 500}, nil, false, ""},
		{"country counted from regions when larger", small, nil, map[string]int{"US-TX": 300, "US-CA": 300}, false, ""},
		{"501 in one state: media", media, map[string]int{"US": 900}, map[string]int{"US-CA": 501, "US-TX": 399}, true, "501 residents of US-CA > 500"},
		{"900 spread over two states: no media", media, map[string]int{"US": 900}, map[string]int{"US-CA": 450, "US-TX": 450}, false, ""},
	}
	cal := holidays.New()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := deadline.ObligationInput{
				DiscoveredAt: at(t, "2024-05-01T12:00:00Z"),
				Countries:    tt.countries, Regions: tt.regions,
			}
			obs := deadline.ComputeObligations(in, []deadline.Rule{tt.rule}, cal)
			if got := len(obs) == 1; got != tt.applies {
				t.Fatalf("applies = %v, want %v (%v)", got, tt.applies, ids(obs))
			}
			if tt.applies && !strings.Contains(obs[0].Basis, tt.basis) {
				t.Errorf("basis %q does not say %q", obs[0].Basis, tt.basis)
			}
		})
	}
}

func TestThresholdOrConditions(t *testing.T) {
	jp := testRule("jp", "JP", "Asia/Tokyo", func(r *deadline.Rule) {
		r.Threshold = &deadline.Threshold{Op: ">", Count: 1000, Or: []string{deadline.CondMalicious, deadline.CondSensitiveData}}
	})
	tests := []struct {
		name       string
		count      int
		malicious  *bool
		categories []string
		applies    bool
		depends    []string
	}{
		{"over 1000", 1001, ptr(false), nil, true, nil},
		{"1000 is not over 1000", 1000, ptr(false), nil, false, nil},
		{"few but malicious", 10, ptr(true), nil, true, nil},
		{"few but health data is sensitive", 10, ptr(false), []string{"Health"}, true, nil},
		{"few, malice unknown: conditional", 10, nil, nil, true, []string{"malicious"}},
	}
	cal := holidays.New()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := deadline.ObligationInput{
				DiscoveredAt: at(t, "2024-05-01T12:00:00Z"), Countries: map[string]int{"JP": tt.count},
				Malicious: tt.malicious, DataCategories: tt.categories,
			}
			obs := deadline.ComputeObligations(in, []deadline.Rule{jp}, cal)
			if got := len(obs) == 1; got != tt.applies {
				t.Fatalf("applies = %v, want %v", got, tt.applies)
			}
			if tt.applies && !reflect.DeepEqual(obs[0].DependsOn, tt.depends) {
				t.Errorf("DependsOn = %v, want %v", obs[0].DependsOn, tt.depends)
			}
		})
	}
}

func TestConditions(t *testing.T) {
	individuals := testRule("eu-34", "EU", "Europe/Brussels", func(r *deadline.Rule) { r.Conditions = []string{deadline.CondHighRisk} })
	notMalicious := testRule("jp-30", "JP", "Asia/Tokyo", func(r *deadline.Rule) { r.Conditions = []string{"!malicious"} })
	sec := testRule("sec", "US-SEC", "America/New_York", func(r *deadline.Rule) {
		r.Area, r.Nexus, r.Conditions = "US", deadline.NexusEntity, []string{deadline.CondUSListed}
	})
	hipaa := testRule("hipaa", "US-HIPAA", "America/New_York", func(r *deadline.Rule) {
		r.Area, r.Conditions = "US", []string{deadline.CondHealthData}
	})
	tests := []struct {
		name    string
		rule    deadline.Rule
		edit    func(*deadline.ObligationInput)
		applies bool
		depends []string
		basis   string
	}{
		{"high risk unknown: listed as conditional", individuals, nil, true, []string{"high_risk"}, ""},
		{"high risk assessed true", individuals, func(in *deadline.ObligationInput) { in.HighRisk = ptr(true) }, true, nil, "assessed as high risk"},
		{"high risk assessed false", individuals, func(in *deadline.ObligationInput) { in.HighRisk = ptr(false) }, false, nil, ""},
		{"negated condition, unknown", notMalicious, nil, true, []string{"!malicious"}, ""},
		{"negated condition, malicious", notMalicious, func(in *deadline.ObligationInput) { in.Malicious = ptr(true) }, false, nil, ""},
		{"negated condition, not malicious", notMalicious, func(in *deadline.ObligationInput) { in.Malicious = ptr(false) }, true, nil, "breach marked not malicious"},
		{"SEC: not listed", sec, nil, false, nil, ""},
		{"SEC: listed, no US customers", sec, func(in *deadline.ObligationInput) { in.ListedUS = true }, true, nil, "entity is US-listed"},
		{"HIPAA: no health data", hipaa, func(in *deadline.ObligationInput) { in.Countries["US"] = 5 }, false, nil, ""},
		{"HIPAA: health data, US customers", hipaa, func(in *deadline.ObligationInput) {
			in.Countries["US"], in.DataCategories = 5, []string{"medical"}
		}, true, nil, "health data involved"},
		{"HIPAA: health data, no US nexus", hipaa, func(in *deadline.ObligationInput) { in.DataCategories = []string{"health"} }, false, nil, ""},
	}
	cal := holidays.New()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := deadline.ObligationInput{
				DiscoveredAt: at(t, "2024-05-01T12:00:00Z"),
				Countries:    map[string]int{"FR": 3, "JP": 3}, EntityCountry: "JP",
			}
			if tt.edit != nil {
				tt.edit(&in)
			}
			obs := deadline.ComputeObligations(in, []deadline.Rule{tt.rule}, cal)
			if got := len(obs) == 1; got != tt.applies {
				t.Fatalf("applies = %v, want %v", got, tt.applies)
			}
			if !tt.applies {
				return
			}
			if !reflect.DeepEqual(obs[0].DependsOn, tt.depends) {
				t.Errorf("DependsOn = %v, want %v", obs[0].DependsOn, tt.depends)
			}
			if !strings.Contains(obs[0].Basis, tt.basis) {
				t.Errorf("basis %q does not say %q", obs[0].Basis, tt.basis)
			}
		})
	}
}

func TestNexus(t *testing.T) {
	eu := testRule("eu", "EU", "Europe/Brussels", nil)
	jp := testRule("jp", "JP", "Asia/Tokyo", nil)
	tx := testRule("tx", "US-TX", "America/Chicago", nil)
	rules := []deadline.Rule{eu, jp, tx}
	tests := []struct {
		name      string
		countries map[string]int
		regions   map[string]int
		entity    string
		want      []string
		basis     map[string]string
	}{
		{"customers in an EEA country", map[string]int{"DE": 4}, nil, "", []string{"eu"}, map[string]string{"eu": "4 affected customers in the EU/EEA"}},
		{"Norway is in the EEA", map[string]int{"NO": 1}, nil, "", []string{"eu"}, nil},
		{"the UK is not", map[string]int{"GB": 10}, nil, "", nil, nil},
		{"EEA customers summed", map[string]int{"DE": 4, "fr": 6, "JP": 1}, nil, "", []string{"eu", "jp"}, map[string]string{"eu": "10 affected customers in the EU/EEA"}},
		{"entity in Japan, no Japanese customers", map[string]int{"TH": 5}, nil, "jp", []string{"jp"}, map[string]string{"jp": "reporting entity established in JP"}},
		{"entity in Ireland brings the GDPR", nil, nil, "IE", []string{"eu"}, map[string]string{"eu": "reporting entity established in IE"}},
		{"a US entity does not bring state law", map[string]int{"US": 3}, map[string]int{"US-CA": 3}, "US", nil, nil},
		{"Texans bring Texas law", map[string]int{"US": 3}, map[string]int{"US-TX": 3}, "", []string{"tx"}, map[string]string{"tx": "3 affected customers in US-TX"}},
		{"zero counts are no nexus", map[string]int{"JP": 0}, map[string]int{"US-TX": 0}, "", nil, nil},
	}
	cal := holidays.New()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := deadline.ObligationInput{
				DiscoveredAt: at(t, "2024-05-01T12:00:00Z"),
				Countries:    tt.countries, Regions: tt.regions, EntityCountry: tt.entity,
			}
			obs := deadline.ComputeObligations(in, rules, cal)
			got := ids(obs)
			slices.Sort(got)
			if len(got) == 0 {
				got = nil
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("rules = %v, want %v", got, tt.want)
			}
			for id, basis := range tt.basis {
				if o := find(t, obs, id); !strings.Contains(o.Basis, basis) {
					t.Errorf("%s basis %q does not say %q", id, o.Basis, basis)
				}
			}
		})
	}
}

func TestEffectiveDates(t *testing.T) {
	caFrom := candor.Date{Year: 2026, Month: 1, Day: 1}
	ca := []deadline.Rule{
		testRule("ca-30", "US-CA", "America/Los_Angeles", func(r *deadline.Rule) { r.EffectiveFrom = caFrom }),
		testRule("ca-soft", "US-CA", "America/Los_Angeles", func(r *deadline.Rule) { r.EffectiveTo, r.Soft = caFrom, true }),
	}
	jp := []deadline.Rule{testRule("jp", "JP", "Asia/Tokyo", func(r *deadline.Rule) { r.EffectiveFrom = candor.Date{Year: 2022, Month: 4, Day: 1} })}
	tests := []struct {
		name       string
		rules      []deadline.Rule
		discovered string
		asOf       string
		want       []string
	}{
		{"US-CA on 2025-12-31: soft rule", ca, "2025-12-31T12:00:00-08:00", "", []string{"ca-soft"}},
		{"US-CA on 2026-01-01: 30 days", ca, "2026-01-01T00:00:00-08:00", "", []string{"ca-30"}},
		{"US-CA: 2026-01-01 in UTC is still 2025 in California", ca, "2026-01-01T05:00:00Z", "", []string{"ca-soft"}},
		{"US-CA 2025 incident under today's rules", ca, "2025-06-01T12:00:00Z", "2026-11-21T00:00:00Z", []string{"ca-30"}},
		{"JP on 2022-03-31: not mandatory", jp, "2022-03-31T12:00:00+09:00", "", nil},
		{"JP on 2022-04-01: mandatory", jp, "2022-04-01T00:00:00+09:00", "", []string{"jp"}},
		{"JP: 2022-03-31 in UTC is 2022-04-01 in Tokyo", jp, "2022-03-31T16:00:00Z", "", []string{"jp"}},
		{"JP 2020 incident under today's rules", jp, "2020-06-11T00:00:00+09:00", "2026-11-21T00:00:00Z", []string{"jp"}},
	}
	cal := holidays.New()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := deadline.ObligationInput{
				DiscoveredAt: at(t, tt.discovered),
				Countries:    map[string]int{"JP": 5, "US": 5}, Regions: map[string]int{"US-CA": 5},
			}
			if tt.asOf != "" {
				in.AsOf = at(t, tt.asOf)
			}
			obs := deadline.ComputeObligations(in, tt.rules, cal)
			got := ids(obs)
			if len(got) == 0 {
				got = nil
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("rules = %v, want %v", got, tt.want)
			}
			for _, o := range obs { // deadlines run from the incident, whatever the rule set
				if want := at(t, tt.discovered); !o.ClockAt.Equal(want) {
					t.Errorf("%s clock at %s, want discovery %s", o.RuleID, o.ClockAt, want)
				}
			}
		})
	}
}
