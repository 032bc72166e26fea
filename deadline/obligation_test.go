package deadline_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/deadline"
	"github.com/candor-dev/candor/holidays"
)

func TestClockStarts(t *testing.T) {
	clock := func(id string, cs deadline.ClockStart, d deadline.Deadline) deadline.Rule {
		return testRule(id, "US", "America/New_York", func(r *deadline.Rule) { r.ClockStart, r.Deadline = cs, d })
	}
	days30 := deadline.Deadline{Amount: 30, Unit: deadline.UnitCalendarDays}
	bd4 := deadline.Deadline{Amount: 4, Unit: deadline.UnitBusinessDays}
	tests := []struct {
		name    string
		rule    deadline.Rule
		edit    func(*deadline.ObligationInput)
		due     string // "" for no due date
		missing string
	}{
		{"discovery", clock("r", deadline.ClockDiscovery, days30), nil, "2024-05-31T23:59:59-04:00", ""},
		{"awareness is discovery", clock("r", deadline.ClockAwareness, days30), nil, "2024-05-31T23:59:59-04:00", ""},
		{"determination recorded", clock("r", deadline.ClockDetermination, days30), func(in *deadline.ObligationInput) {
			in.DeterminedAt = ptr(at(t, "2024-05-10T12:00:00Z"))
		}, "2024-06-09T23:59:59-04:00", ""},
		{"determination missing: counted from discovery", clock("r", deadline.ClockDetermination, days30), nil,
			"2024-05-31T23:59:59-04:00", "determined_at not recorded: counted from discovered_at"},
		{"materiality missing: no due date", clock("r", deadline.ClockMateriality, bd4), nil,
			"", "materiality_determined_at not recorded: due 4 business days after materiality is determined"},
		{"materiality recorded", clock("r", deadline.ClockMateriality, bd4), func(in *deadline.ObligationInput) {
			in.MaterialityDeterminedAt = ptr(at(t, "2024-11-27T15:00:00-05:00"))
		}, "2024-12-04T23:59:59-05:00", ""},
		{"notifiable assessment missing", clock("r", deadline.ClockNotifiableAssessment, days30), nil,
			"", "notifiable_assessed_at not recorded"},
		{"new information missing", clock("r", deadline.ClockNewInformation, bd4), nil, "", "new_information_at not recorded"},
		{"individuals not yet notified", clock("r", deadline.ClockIndividualsNotified, days30), nil,
			"", "individuals in US not yet notified: due 30 calendar days after they are"},
		{"individuals notified (case-insensitive code)", clock("r", deadline.ClockIndividualsNotified, days30), func(in *deadline.ObligationInput) {
			in.IndividualsNotifiedAt = map[string]time.Time{"us": at(t, "2024-06-01T12:00:00Z")}
		}, "2024-07-01T23:59:59-04:00", ""},
		{"year end of discovery", clock("r", deadline.ClockDiscoveryYearEnd, deadline.Deadline{Amount: 60, Unit: deadline.UnitCalendarDays}), nil,
			"2025-03-01T23:59:59-05:00", ""},
		{"discovery missing", clock("r", deadline.ClockDiscovery, days30), func(in *deadline.ObligationInput) {
			in.DiscoveredAt, in.AsOf = time.Time{}, at(t, "2024-05-01T12:00:00Z")
		}, "", "discovered_at not recorded"},
	}
	cal := holidays.New()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := deadline.ObligationInput{DiscoveredAt: at(t, "2024-05-01T12:00:00Z"), Countries: map[string]int{"US": 10}}
			if tt.edit != nil {
				tt.edit(&in)
			}
			obs := deadline.ComputeObligations(in, []deadline.Rule{tt.rule}, cal)
			if len(obs) != 1 {
				t.Fatalf("got %d obligations, want the rule listed", len(obs))
			}
			o := obs[0]
			switch {
			case tt.due == "" && o.DueAt != nil:
				t.Errorf("DueAt = %s, want none", o.DueAt)
			case tt.due != "" && (o.DueAt == nil || !o.DueAt.Equal(at(t, tt.due))):
				t.Errorf("DueAt = %v, want %s", o.DueAt, tt.due)
			}
			if (o.DueAt == nil) != (o.ClockAt == nil) {
				t.Errorf("DueAt %v and ClockAt %v must be set together", o.DueAt, o.ClockAt)
			}
			if !strings.Contains(o.Missing, tt.missing) || (tt.missing == "") != (o.Missing == "") {
				t.Errorf("Missing = %q, want %q", o.Missing, tt.missing)
			}
		})
	}
}

func TestStagesAndOrder(t *testing.T) {
	rules := []deadline.Rule{
		testRule("sec", "US-SEC", "America/New_York", func(r *deadline.Rule) {
			r.Area, r.Nexus, r.ClockStart, r.Stage = "US", deadline.NexusEntity, deadline.ClockMateriality, "8-K"
			r.Conditions = []string{deadline.CondUSListed}
		}),
		testRule("jp-final", "JP", "Asia/Tokyo", func(r *deadline.Rule) { r.Stage = "final" }),
		testRule("jp-preliminary", "JP", "Asia/Tokyo", func(r *deadline.Rule) {
			r.Stage, r.Soft, r.Deadline.Amount = "preliminary", true, 5
		}),
		testRule("eu", "EU", "Europe/Brussels", func(r *deadline.Rule) { r.Deadline = deadline.Deadline{Amount: 72, Unit: deadline.UnitHours} }),
		testRule("gb", "GB", "Europe/London", func(r *deadline.Rule) { r.Deadline = deadline.Deadline{Amount: 72, Unit: deadline.UnitHours} }),
	}
	in := deadline.ObligationInput{
		DiscoveredAt: at(t, "2020-06-11T00:00:00+09:00"),
		Countries:    map[string]int{"JP": 10, "DE": 1, "GB": 1},
	}
	obs := deadline.ComputeObligations(in, rules, holidays.New())
	// Same instant for EU and GB: by jurisdiction. Undated SEC filing last.
	want := []string{"eu", "gb", "jp-preliminary", "jp-final"}
	if got := ids(obs); !reflect.DeepEqual(got, want) {
		t.Fatalf("order = %v, want %v", got, want)
	}
	if prelim := find(t, obs, "jp-preliminary"); prelim.Stage != "preliminary" || !prelim.Soft ||
		!prelim.DueAt.Equal(at(t, "2020-06-16T23:59:59+09:00")) {
		t.Errorf("preliminary = %+v", prelim)
	}
	if final := find(t, obs, "jp-final"); final.Stage != "final" || final.Soft {
		t.Errorf("final = %+v", final)
	}
	in.ListedUS = true
	obs = deadline.ComputeObligations(in, rules, holidays.New())
	if last := obs[len(obs)-1]; last.RuleID != "sec" || last.DueAt != nil {
		t.Errorf("undated obligation not last: %v", ids(obs))
	}
}

// Map iteration order must not leak into results.
func TestDeterministic(t *testing.T) {
	var rules []deadline.Rule
	for _, code := range []string{"US-CA", "US-TX", "US-NY", "JP", "EU", "US"} {
		rules = append(rules, testRule(strings.ToLower(code)+"-r", code, "UTC", func(r *deadline.Rule) {
			r.Threshold = &deadline.Threshold{Op: ">", Count: 1, Per: "region", Or: []string{deadline.CondHighRisk, deadline.CondMalicious}}
		}))
	}
	in := deadline.ObligationInput{
		DiscoveredAt: at(t, "2024-05-01T12:00:00Z"),
		Countries:    map[string]int{"JP": 1, "DE": 1, "FR": 1, "US": 3},
		Regions:      map[string]int{"US-CA": 1, "US-TX": 1, "US-NY": 1},
	}
	first := deadline.ComputeObligations(in, rules, holidays.New())
	for range 50 {
		if again := deadline.ComputeObligations(in, rules, holidays.New()); !reflect.DeepEqual(first, again) {
			t.Fatalf("results differ between runs:\n%+v\n%+v", first, again)
		}
	}
}

func TestStatus(t *testing.T) {
	o := deadline.Obligation{DueAt: ptr(at(t, "2024-06-30T23:59:59Z"))}
	tests := []struct {
		name  string
		o     deadline.Obligation
		now   string
		metAt *time.Time
		want  string
	}{
		{"before due", o, "2024-06-01T00:00:00Z", nil, deadline.StatusOpen},
		{"at the last second", o, "2024-06-30T23:59:59Z", nil, deadline.StatusOpen},
		{"one second late", o, "2024-07-01T00:00:00Z", nil, deadline.StatusOverdue},
		{"met on time", o, "2024-07-10T00:00:00Z", ptr(at(t, "2024-06-20T00:00:00Z")), deadline.StatusMet},
		{"met late is met", o, "2024-07-10T00:00:00Z", ptr(at(t, "2024-07-05T00:00:00Z")), deadline.StatusMet},
		{"evidence after now does not count yet", o, "2024-07-01T00:00:00Z", ptr(at(t, "2024-07-05T00:00:00Z")), deadline.StatusOverdue},
		{"no due date stays open", deadline.Obligation{}, "2030-01-01T00:00:00Z", nil, deadline.StatusOpen},
		{"soft targets go overdue too", deadline.Obligation{Soft: true, DueAt: o.DueAt}, "2024-07-02T00:00:00Z", nil, deadline.StatusOverdue},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.o.Status(at(t, tt.now), tt.metAt); got != tt.want {
				t.Errorf("Status = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestReminderMarks(t *testing.T) {
	// 100 hours from clock to due: marks at 50 h, 80 h and 100 h.
	o := deadline.Obligation{ClockAt: ptr(at(t, "2024-06-01T00:00:00Z")), DueAt: ptr(at(t, "2024-06-05T04:00:00Z"))}
	tests := []struct {
		name string
		o    deadline.Obligation
		now  string
		want []int
	}{
		{"before the clock", o, "2024-05-31T00:00:00Z", nil},
		{"just started", o, "2024-06-01T01:00:00Z", nil},
		{"a second before half", o, "2024-06-03T01:59:59Z", nil},
		{"half", o, "2024-06-03T02:00:00Z", []int{50}},
		{"80 percent", o, "2024-06-04T08:00:00Z", []int{50, 80}},
		{"due", o, "2024-06-05T04:00:00Z", []int{50, 80, 100}},
		{"overdue", o, "2024-07-01T00:00:00Z", []int{50, 80, 100}},
		{"no due date", deadline.Obligation{}, "2024-07-01T00:00:00Z", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.o.ReminderMarks(at(t, tt.now)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ReminderMarks = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestObligationInputValidate(t *testing.T) {
	tests := []struct {
		name  string
		in    deadline.ObligationInput
		field string
	}{
		{"valid", deadline.ObligationInput{DiscoveredAt: time.Now(), Regions: map[string]int{"US-TX": 1}}, ""},
		{"no discovery", deadline.ObligationInput{}, "discovered_at"},
		{"negative count", deadline.ObligationInput{DiscoveredAt: time.Now(), Countries: map[string]int{"JP": -1}}, "countries"},
		{"region without country", deadline.ObligationInput{DiscoveredAt: time.Now(), Regions: map[string]int{"TX": 1}}, "regions"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.in.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate() = %v", err)
				}
				return
			}
			if candor.ErrorCode(err) != candor.EINVALID || candor.ErrorFields(err)[0].Field != tt.field {
				t.Errorf("Validate() = %v, want EINVALID on %s", err, tt.field)
			}
		})
	}
	if obs := deadline.ComputeObligations(deadline.ObligationInput{}, []deadline.Rule{testRule("r", "JP", "UTC", nil)}, holidays.New()); obs != nil {
		t.Errorf("no discovery and no as-of: got %v, want nothing", obs)
	}
}
