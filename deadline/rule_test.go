package deadline_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/deadline"
)

func TestRuleValidate(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*deadline.Rule)
		field string // "" when valid
	}{
		{"valid", func(*deadline.Rule) {}, ""},
		{"valid region code", func(r *deadline.Rule) { r.Jurisdiction = "US-TX" }, ""},
		{"valid federal regime", func(r *deadline.Rule) { r.Jurisdiction, r.Area = "US-SEC", "US" }, ""},
		{"upper-case id", func(r *deadline.Rule) { r.ID = "JP-Final" }, "id"},
		{"id with trailing dash", func(r *deadline.Rule) { r.ID = "jp-" }, "id"},
		{"lower-case code", func(r *deadline.Rule) { r.Jurisdiction = "jp" }, "code"},
		{"three-letter country", func(r *deadline.Rule) { r.Jurisdiction = "JPN" }, "code"},
		{"bad area", func(r *deadline.Rule) { r.Area = "america" }, "area"},
		{"no name", func(r *deadline.Rule) { r.Name = " " }, "name"},
		{"no source", func(r *deadline.Rule) { r.Source = "" }, "source"},
		{"no time zone", func(r *deadline.Rule) { r.TimeZone = "" }, "time_zone"},
		{"unknown audience", func(r *deadline.Rule) { r.Audience = "press" }, "notify"},
		{"zero amount", func(r *deadline.Rule) { r.Deadline.Amount = 0 }, "deadline.amount"},
		{"negative amount", func(r *deadline.Rule) { r.Deadline.Amount = -3 }, "deadline.amount"},
		{"unknown unit", func(r *deadline.Rule) { r.Deadline.Unit = "weeks" }, "deadline.unit"},
		{"unknown clock start", func(r *deadline.Rule) { r.ClockStart = "publication" }, "clock_starts"},
		{"unknown nexus", func(r *deadline.Rule) { r.Nexus = "anywhere" }, "nexus"},
		{"unknown condition", func(r *deadline.Rule) { r.Conditions = []string{"eu_listed"} }, "conditions"},
		{"negated unknown condition", func(r *deadline.Rule) { r.Conditions = []string{"!eu_listed"} }, "conditions"},
		{"threshold op", func(r *deadline.Rule) { r.Threshold = &deadline.Threshold{Op: "=>", Count: 250} }, "threshold.op"},
		{"threshold count", func(r *deadline.Rule) { r.Threshold = &deadline.Threshold{Op: ">=", Count: 0} }, "threshold.count"},
		{"threshold per", func(r *deadline.Rule) { r.Threshold = &deadline.Threshold{Op: ">", Count: 5, Per: "state"} }, "threshold.per"},
		{"threshold or", func(r *deadline.Rule) { r.Threshold = &deadline.Threshold{Op: ">", Count: 5, Or: []string{"x"}} }, "threshold.or"},
		{"no effective_from", func(r *deadline.Rule) { r.EffectiveFrom = candor.Date{} }, "effective_from"},
		{"effective_to before from", func(r *deadline.Rule) { r.EffectiveTo = candor.Date{Year: 1999, Month: 1, Day: 1} }, "effective_to"},
		{"effective_to equal to from", func(r *deadline.Rule) { r.EffectiveTo = r.EffectiveFrom }, "effective_to"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := testRule("jp-final", "JP", "Asia/Tokyo", tt.edit)
			err := r.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate() = %v", err)
				}
				return
			}
			if candor.ErrorCode(err) != candor.EINVALID {
				t.Fatalf("Validate() = %v, want EINVALID", err)
			}
			var fields []string
			for _, f := range candor.ErrorFields(err) {
				fields = append(fields, f.Field)
			}
			if len(fields) != 1 || fields[0] != tt.field {
				t.Errorf("fields = %v, want [%s]", fields, tt.field)
			}
		})
	}
}

func TestRuleJSON(t *testing.T) {
	const in = `{"id":"us-tx-ag","code":"US-TX","name":"AG","law":"Tex. Bus. & Com. Code","article":"§ 521.053(i)",
		"notify":"attorney_general","deadline":{"amount":30,"unit":"calendar_days"},"clock_starts":"determination",
		"soft":false,"threshold":{"op":">=","count":250},"effective_from":"2023-09-01",
		"time_zone":"America/Chicago","source":"statute","confirmed":true}`
	var r deadline.Rule
	if err := json.Unmarshal([]byte(in), &r); err != nil {
		t.Fatal(err)
	}
	if err := r.Validate(); err != nil {
		t.Fatal(err)
	}
	if r.EffectiveFrom != (candor.Date{Year: 2023, Month: 9, Day: 1}) || !r.EffectiveTo.IsZero() {
		t.Errorf("effective range = %v..%v", r.EffectiveFrom, r.EffectiveTo)
	}
	if r.Citation() != "Tex. Bus. & Com. Code § 521.053(i)" || r.HolidayCalendar() != "US" || r.AreaCode() != "US-TX" {
		t.Errorf("Citation %q, HolidayCalendar %q, AreaCode %q", r.Citation(), r.HolidayCalendar(), r.AreaCode())
	}
	out, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"effective_from":"2023-09-01"`, `"code":"US-TX"`, `"notify":"attorney_general"`, `"clock_starts":"determination"`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("JSON %s lacks %s", out, want)
		}
	}
	if strings.Contains(string(out), "effective_to") {
		t.Errorf("unset effective_to encoded: %s", out)
	}
	if err := json.Unmarshal([]byte(`{"effective_from":"2023-02-30"}`), &r); err == nil {
		t.Error("an impossible date decoded")
	}
}

func TestThresholdString(t *testing.T) {
	for _, tt := range []struct {
		th   deadline.Threshold
		want string
	}{
		{deadline.Threshold{Op: ">=", Count: 250}, "≥ 250"},
		{deadline.Threshold{Op: ">", Count: 500}, "> 500"},
		{deadline.Threshold{Op: "<", Count: 500}, "< 500"},
	} {
		t.Run(tt.want, func(t *testing.T) {
			if got := tt.th.String(); got != tt.want {
				t.Errorf("String() = %q", got)
			}
		})
	}
}

func TestDataCategoryConditions(t *testing.T) {
	for _, tt := range []struct {
		category string
		want     string
	}{
		{"health", "health_data sensitive_data"},
		{" Medical ", "health_data sensitive_data"},
		{"biometric", "sensitive_data"},
		{"payment-card", "financial_data"},
		{"Credit Card", "financial_data"},
		{"email", ""},
	} {
		t.Run(tt.category, func(t *testing.T) {
			if got := strings.Join(candor.DataCategoryConditions(tt.category), " "); got != tt.want {
				t.Errorf("DataCategoryConditions(%q) = %q, want %q", tt.category, got, tt.want)
			}
		})
	}
}
