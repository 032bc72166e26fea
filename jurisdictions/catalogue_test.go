package jurisdictions_test

import (
	"testing"
	"time"

	"github.com/candor-dev/candor/deadline"
	"github.com/candor-dev/candor/holidays"
	"github.com/candor-dev/candor/jurisdictions"
)

func at(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatalf("parse %q: %v", s, err)
	}
	return v
}

func ptr[T any](v T) *T { return &v }

// everyFact is an incident that every rule can apply to: customers
// everywhere, names with SSNs, health data and cards with their codes,
// acquired, a US-listed entity acting as a processor, every clock date.
// Discovered on Tuesday 2024-06-11 00:00 in Tokyo, which is still Monday
// 2024-06-10 in the Americas.
func everyFact(t *testing.T) deadline.ObligationInput {
	countries := map[string]int{"US": 30000}
	for _, c := range []string{"DE", "GB", "JP", "TH", "PH", "ID", "SG", "AU", "CA"} {
		countries[c] = 2000
	}
	regions := map[string]int{}
	for _, r := range []string{"US-CA", "US-CO", "US-FL", "US-NY", "US-TX", "US-WA"} {
		regions[r] = 2000
	}
	regions["US-NY"], regions["US-TX"] = 6000, 11000 // over the credit-bureau thresholds
	return deadline.ObligationInput{
		DiscoveredAt:            at(t, "2024-06-11T00:00:00+09:00"),
		DeterminedAt:            ptr(at(t, "2024-06-14T14:00:00Z")),      // Friday morning in the US
		MaterialityDeterminedAt: ptr(at(t, "2024-07-01T10:00:00-04:00")), // Monday before 4 July
		NotifiableAssessedAt:    ptr(at(t, "2024-06-20T10:00:00+08:00")),
		NewInformationAt:        ptr(at(t, "2024-08-15T12:00:00-04:00")),
		IndividualsNotifiedAt:   map[string]time.Time{"US-CA": at(t, "2024-07-05T12:00:00-07:00")},
		DataCategories:          []string{"name", "national_id", "health", "payment_card", "account_with_code"},
		Countries:               countries,
		Regions:                 regions,
		EntityCountry:           "JP",
		ListedUS:                true,
		Malicious:               ptr(true),
		HighRisk:                ptr(true),
		Acquired:                ptr(true),
		Processor:               true,
	}
}

// TestEveryRuleDueDate computes each catalogue rule alone against
// everyFact and checks its due date by hand-counted calendar. A rule added
// to rules.json without a case here fails the test.
func TestEveryRuleDueDate(t *testing.T) {
	notMalicious := func(in *deadline.ObligationInput) { in.Malicious = ptr(false) }
	fewUS := func(in *deadline.ObligationInput) { in.Countries["US"], in.Regions = 120, nil }
	cases := map[string]struct {
		due  string
		edit func(*deadline.ObligationInput)
	}{
		"eu-gdpr-33-authority":        {due: "2024-06-13T17:00:00+02:00"}, // 72 h exactly
		"eu-gdpr-34-individuals":      {due: "2024-06-13T17:00:00+02:00"},
		"gb-ukgdpr-33-ico":            {due: "2024-06-13T16:00:00+01:00"},
		"gb-ukgdpr-34-individuals":    {due: "2024-06-13T16:00:00+01:00"},
		"jp-appi-ppc-preliminary":     {due: "2024-06-16T23:59:59+09:00"},                     // 11 June + 5
		"jp-appi-ppc-final":           {due: "2024-07-10T23:59:59+09:00", edit: notMalicious}, // 11 June is day 1 of 30
		"jp-appi-ppc-final-malicious": {due: "2024-08-09T23:59:59+09:00"},                     // day 60, a Friday
		"jp-appi-individuals":         {due: "2024-06-16T23:59:59+09:00"},
		"jp-ppc-notice-2017":          {due: "2024-06-16T23:59:59+09:00"},
		"eu-gdpr-33-processor":        {due: "2024-06-11T17:00:00+02:00"}, // 24 h target
		"gb-ukgdpr-33-processor":      {due: "2024-06-11T16:00:00+01:00"},
		"th-pdpa-processor":           {due: "2024-06-11T22:00:00+07:00"},
		"sg-pdpa-intermediary":        {due: "2024-06-11T23:00:00+08:00"},
		"ph-dpa-npc-annual":           {due: "2025-03-31T23:59:59+08:00"}, // 31 Dec + 3 months
		"id-pdp-public":               {due: "2024-06-13T22:00:00+07:00"},
		"id-kominfo-owners":           {due: "2024-06-24T23:59:59+07:00"}, // 10 June in Jakarta + 14
		"us-ca-processor":             {due: "2024-06-11T08:00:00-07:00"},
		"us-co-cra":                   {due: "2024-07-14T23:59:59-06:00"},
		"us-fl-cra":                   {due: "2024-07-14T23:59:59-04:00"},
		"us-fl-processor":             {due: "2024-06-24T23:59:59-04:00"}, // determined 14 June + 10
		"us-ny-regulators-pre2024":    {due: "2024-07-10T23:59:59-04:00"},
		"us-ny-cra":                   {due: "2024-07-10T23:59:59-04:00"},
		"us-ny-processor":             {due: "2024-06-11T11:00:00-04:00"},
		"us-tx-cra":                   {due: "2024-08-13T23:59:59-05:00"},
		"us-tx-processor":             {due: "2024-06-15T09:00:00-05:00"}, // determined + 24 h
		"us-wa-processor":             {due: "2024-06-11T08:00:00-07:00"},
		"th-pdpa-office":              {due: "2024-06-13T22:00:00+07:00"},
		"th-pdpa-office-late":         {due: "2024-06-25T23:59:59+07:00"}, // 10 June in Bangkok + 15
		"th-pdpa-individuals":         {due: "2024-06-13T22:00:00+07:00"},
		"ph-dpa-npc-notice":           {due: "2024-06-13T23:00:00+08:00"},
		"ph-dpa-npc-full-report":      {due: "2024-06-15T23:59:59+08:00"},
		"ph-dpa-data-subjects":        {due: "2024-06-13T23:00:00+08:00"},
		"id-pdp-subjects":             {due: "2024-06-13T22:00:00+07:00"},
		"id-pdp-authority":            {due: "2024-06-13T22:00:00+07:00"},
		"sg-pdpa-assessment":          {due: "2024-07-10T23:59:59+08:00"},
		"sg-pdpa-pdpc":                {due: "2024-06-23T23:59:59+08:00"}, // assessed 20 June + 3
		"sg-pdpa-individuals":         {due: "2024-06-23T23:59:59+08:00"},
		"au-ndb-assessment":           {due: "2024-07-11T23:59:59+10:00"}, // 11 June in Sydney + 30
		"au-ndb-oaic":                 {due: "2024-07-11T23:59:59+10:00"},
		"au-ndb-individuals":          {due: "2024-07-11T23:59:59+10:00"},
		"ca-pipeda-opc":               {due: "2024-07-14T23:59:59-04:00"}, // determined 14 June + 30
		"ca-pipeda-individuals":       {due: "2024-07-14T23:59:59-04:00"},
		"us-sec-8k":                   {due: "2024-07-08T23:59:59-04:00"}, // 2, 3, (4 July), 5, 8
		"us-sec-8k-amendment":         {due: "2024-08-21T23:59:59-04:00"}, // 16, 19, 20, 21
		"us-hipaa-individuals":        {due: "2024-08-09T23:59:59-04:00"}, // 10 June in New York + 60
		"us-hipaa-hhs":                {due: "2024-08-09T23:59:59-04:00"},
		"us-hipaa-media":              {due: "2024-08-09T23:59:59-04:00"},
		"us-hipaa-hhs-annual":         {due: "2025-03-01T23:59:59-05:00", edit: fewUS}, // 31 Dec + 60
		"us-ca-residents":             {due: "2024-07-10T23:59:59-07:00"},
		"us-ca-residents-pre2026":     {due: "2024-07-10T23:59:59-07:00"},
		"us-ca-ag":                    {due: "2024-07-20T23:59:59-07:00"}, // notified 5 July + 15
		"us-ca-ag-pre2026":            {due: "2024-07-20T23:59:59-07:00"},
		"us-co-residents":             {due: "2024-07-14T23:59:59-06:00"},
		"us-co-ag":                    {due: "2024-07-14T23:59:59-06:00"},
		"us-fl-individuals":           {due: "2024-07-14T23:59:59-04:00"},
		"us-fl-dla":                   {due: "2024-07-14T23:59:59-04:00"},
		"us-ny-residents":             {due: "2024-07-10T23:59:59-04:00"},
		"us-ny-residents-pre2024":     {due: "2024-07-10T23:59:59-04:00"},
		"us-ny-regulators":            {due: "2024-07-10T23:59:59-04:00"},
		"us-tx-individuals":           {due: "2024-08-13T23:59:59-05:00"}, // determined 14 June + 60
		"us-tx-ag-2020":               {due: "2024-08-13T23:59:59-05:00"},
		"us-tx-ag":                    {due: "2024-07-14T23:59:59-05:00"},
		"us-wa-residents":             {due: "2024-07-10T23:59:59-07:00"},
		"us-wa-residents-2015":        {due: "2024-07-25T23:59:59-07:00"}, // 10 June + 45
		"us-wa-ag":                    {due: "2024-07-10T23:59:59-07:00"},
		"us-wa-ag-2015":               {due: "2024-07-25T23:59:59-07:00"},
	}
	rules, err := jurisdictions.Load()
	if err != nil {
		t.Fatal(err)
	}
	cal := holidays.New()
	seen := map[string]bool{}
	for _, r := range rules {
		seen[r.ID] = true
		t.Run(r.ID, func(t *testing.T) {
			c, ok := cases[r.ID]
			if !ok {
				t.Fatalf("catalogue rule %s has no due-date case", r.ID)
			}
			in := everyFact(t)
			if c.edit != nil {
				c.edit(&in)
			}
			// Choose rules in force on a day inside the rule's range; the
			// deadline still runs from the 2024 clock dates.
			in.AsOf = at(t, "2026-11-21T12:00:00Z")
			if !r.EffectiveTo.IsZero() {
				loc, _ := cal.Location(r.TimeZone)
				in.AsOf = r.EffectiveTo.In(loc).Add(-12 * time.Hour)
			}
			obs := deadline.ComputeObligations(in, []deadline.Rule{r}, cal)
			if len(obs) != 1 {
				t.Fatalf("rule did not apply to an incident meeting all its conditions")
			}
			o := obs[0]
			if o.DueAt == nil {
				t.Fatalf("no due date: %s", o.Missing)
			}
			if want := at(t, c.due); !o.DueAt.Equal(want) {
				t.Errorf("due %s, want %s", o.DueAt.Format(time.RFC3339), c.due)
			}
			if len(o.DependsOn) != 0 || o.Missing != "" {
				t.Errorf("with every fact known: DependsOn %v, Missing %q", o.DependsOn, o.Missing)
			}
		})
	}
	for id := range cases {
		if !seen[id] {
			t.Errorf("case %s names no catalogue rule", id)
		}
	}
}
