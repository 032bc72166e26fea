package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/internal/testenv"
)

func TestObligationsCommand(t *testing.T) {
	d := testenv.SQLite(t)
	db := testenv.Open(t, d)
	malicious := true
	in, err := db.CreateIncident(testenv.Actor(candor.RoleComms), candor.Incident{Title: "Unauthorized access to Kawasaki Group",
		DiscoveredAt: time.Date(2020, 6, 10, 15, 0, 0, 0, time.UTC), Severity: "high", Malicious: &malicious,
		DataCategories: []string{"name", "national_id"}, ReportingEntity: &candor.ReportingEntity{Name: "KHI", Country: "JP"}})
	if err != nil {
		t.Fatal(err)
	}
	testenv.Customers(t, db, in.ID, "JP", "", "email", 3)
	testenv.Customers(t, db, in.ID, "PH", "", "email", 2)
	testenv.Customers(t, db, in.ID, "US", "US-TX", "email", 250)
	testenv.Customers(t, db, in.ID, "", "", "email", 1)
	reg, disc := testenv.Send(t, db, in.ID, "regulator_report", "")
	testenv.Deliveries(t, db, testenv.Delivery{SendID: reg, DisclosureID: disc, IncidentID: in.ID,
		RecipientKey: "regulator:PH", Status: "sent", SentAt: time.Date(2020, 6, 12, 3, 0, 0, 0, time.UTC)})
	// The full report to the NPC, due 2020-06-15, sent six years late.
	full, fullDisc := testenv.Send(t, db, in.ID, "regulator_report", "")
	testenv.Deliveries(t, db, testenv.Delivery{SendID: full, DisclosureID: fullDisc, IncidentID: in.ID,
		RecipientKey: "regulator:PH", Status: "sent", SentAt: time.Date(2026, 11, 16, 19, 0, 0, 0, time.UTC)})

	rulesDir := t.TempDir()
	override := `{"rules": [{"id": "us-tx-ag-2020", "code": "US-TX", "name": "Notice to the Attorney General",
		"law": "Tex. Bus. & Com. Code", "notify": "attorney_general", "deadline": {"amount": 60, "unit": "calendar_days"},
		"clock_starts": "determination", "soft": false, "threshold": {"op": ">=", "count": 300},
		"effective_from": "2020-01-01", "effective_to": "2023-09-01", "time_zone": "America/Chicago",
		"source": "our counsel", "confirmed": true}]}`
	if err := os.WriteFile(filepath.Join(rulesDir, "texas.json"), []byte(override), 0o600); err != nil {
		t.Fatal(err)
	}
	badDir := t.TempDir()
	os.WriteFile(filepath.Join(badDir, "bad.json"), []byte(`{"rules": [{"id": "x", "clock_start": "awareness"}]}`), 0o600)

	env := []string{"CANDOR_DATABASE_URL=" + d.URL}
	tests := []struct {
		name    string
		env     []string
		args    []string
		want    []string
		notWant []string
		fails   string // in stderr when the command must fail
	}{
		{
			name: "2020 rules",
			args: []string{"obligations", "--incident", in.ID},
			want: []string{"rules in force on 2020-06-10", "ph-dpa-npc-notice", "MET", "send " + reg, "us-tx-ag-2020", "OVERDUE", "CONDITIONAL",
				"if acquired", // no acquisition recorded: Texas and the Philippines wait on it
				"0 of 250 email customers notified", "1 customer has no country", "not legal advice", "2020-06-13 15:00"},
			notWant: []string{"jp-appi"},
		},
		{
			name: "a duty met six years late is met, and late, in the table and the count",
			args: []string{"obligations", "--incident", in.ID, "--at", "2026-12-01T00:00:00Z"},
			want: []string{"MET LATE +6y 5mo  PH", "send " + full + " at 2026-11-16 19:00",
				"7 obligations: 2 overdue, 0 open, 2 met (1 of them late), 3 conditional."},
		},
		{
			name:    "before the late report: conditional (acquisition unknown), and the on-time one is not late",
			args:    []string{"obligations", "--incident", in.ID, "--at", "2026-11-16T00:00:00Z"},
			want:    []string{"7 obligations: 2 overdue, 0 open, 1 met (none late), 4 conditional."},
			notWant: []string{"LATE"},
		},
		{
			name:    "today's rules",
			args:    []string{"obligations", "--incident", in.ID, "--as-of", "today"},
			want:    []string{"jp-appi-ppc-preliminary", "us-tx-ag ", "soft"},
			notWant: []string{"us-tx-ag-2020"},
		},
		{
			name: "status on the day before the report",
			args: []string{"obligations", "--incident", in.ID, "--at", "2020-06-12T00:00:00Z"},
			want: []string{"OPEN"},
		},
		{
			name:    "an override in CANDOR_RULES_DIR raises the Texas threshold",
			env:     []string{"CANDOR_RULES_DIR=" + rulesDir},
			args:    []string{"obligations", "--incident", in.ID},
			want:    []string{"us-tx-individuals"},
			notWant: []string{"us-tx-ag-2020"},
		},
		{name: "a bad rules file stops it", env: []string{"CANDOR_RULES_DIR=" + badDir}, args: []string{"obligations", "--incident", in.ID}, fails: "bad.json"},
		{name: "no incident", args: []string{"obligations"}, fails: "usage: candor obligations"},
		{name: "bad as-of", args: []string{"obligations", "--incident", in.ID, "--as-of", "soon"}, fails: "--as-of"},
		{name: "bad at", args: []string{"obligations", "--incident", in.ID, "--at", "2020-06-12"}, fails: "--at"},
		{name: "unknown incident", args: []string{"obligations", "--incident", "01a2000a-0000-7000-8000-000000000000"}, fails: "incident not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, stderr, err := runCLI(t, append(append([]string{}, env...), tt.env...), tt.args...)
			if tt.fails != "" {
				if err == nil || !strings.Contains(stderr, tt.fails) || strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
					t.Fatalf("want one line about %q, got err %v, stderr %q", tt.fails, err, stderr)
				}
				return
			}
			if err != nil {
				t.Fatalf("%v: %s", err, stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(out, w) {
					t.Errorf("output has %q:\n%s", w, out)
				}
			}
		})
	}
}
