package jurisdictions_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/deadline"
	"github.com/candor-dev/candor/jurisdictions"
)

func byID(rules []deadline.Rule) map[string]deadline.Rule {
	m := make(map[string]deadline.Rule, len(rules))
	for _, r := range rules {
		m[r.ID] = r
	}
	return m
}

// TestCatalogueCoversResearch checks that every row of
// shared/design/jurisdictions.md has rules, and the effective dates the
// engine's history depends on.
func TestCatalogueCoversResearch(t *testing.T) {
	rules, err := jurisdictions.Load()
	if err != nil {
		t.Fatal(err)
	}
	codes := map[string]int{}
	for _, r := range rules {
		codes[r.Jurisdiction]++
	}
	for _, code := range []string{"EU", "GB", "JP", "TH", "PH", "ID", "SG", "AU", "CA",
		"US-SEC", "US-HIPAA", "US-CA", "US-CO", "US-FL", "US-NY", "US-TX", "US-WA"} {
		t.Run("code "+code, func(t *testing.T) {
			if codes[code] == 0 {
				t.Errorf("no rule for %s", code)
			}
		})
	}
	m := byID(rules)
	for _, tt := range []struct {
		id, from, to string
		deadline     string
		soft         bool
	}{
		{"jp-appi-ppc-preliminary", "2022-04-01", "", "5 calendar days", true},
		{"jp-appi-ppc-final", "2022-04-01", "", "30 calendar days", false},
		{"jp-appi-ppc-final-malicious", "2022-04-01", "", "60 calendar days", false},
		{"th-pdpa-office", "2022-06-01", "", "72 hours", false},
		{"id-pdp-authority", "2024-10-17", "", "72 hours", false},
		{"us-ca-residents", "2026-01-01", "", "30 calendar days", false},
		{"us-ca-residents-pre2026", "2003-07-01", "2026-01-01", "30 calendar days", true},
		{"us-ny-residents", "2024-12-21", "", "30 calendar days", false},
		{"us-ny-residents-pre2024", "2005-12-07", "2024-12-21", "30 calendar days", true},
		{"us-tx-ag", "2023-09-01", "", "30 calendar days", false},
		{"us-tx-ag-2020", "2020-01-01", "2023-09-01", "60 calendar days", false},
		{"us-tx-individuals", "2020-01-01", "", "60 calendar days", false},
		{"us-sec-8k", "2023-12-18", "", "4 business days", false},
		{"eu-gdpr-33-authority", "2018-05-25", "", "72 hours", false},
		{"eu-gdpr-34-individuals", "2018-05-25", "", "72 hours", true},
	} {
		t.Run(tt.id, func(t *testing.T) {
			r, ok := m[tt.id]
			if !ok {
				t.Fatalf("no rule %s", tt.id)
			}
			if r.EffectiveFrom.String() != tt.from || r.EffectiveTo.String() != tt.to {
				t.Errorf("effective %s..%s, want %s..%s", r.EffectiveFrom, r.EffectiveTo, tt.from, tt.to)
			}
			if r.Deadline.String() != tt.deadline || r.Soft != tt.soft {
				t.Errorf("deadline %s soft %v, want %s soft %v", r.Deadline, r.Soft, tt.deadline, tt.soft)
			}
		})
	}
	if th := m["us-tx-ag"].Threshold; th == nil || th.Op != ">=" || th.Count != 250 {
		t.Errorf("us-tx-ag threshold = %+v, want >= 250", th)
	}
	if th := m["us-ca-ag"].Threshold; th == nil || th.Op != ">" || th.Count != 500 {
		t.Errorf("us-ca-ag threshold = %+v, want > 500", th)
	}
	if r := m["us-sec-8k"]; r.HolidayCalendar() != "US" || r.TimeZone != "America/New_York" {
		t.Errorf("us-sec-8k counts in %s/%s, want US federal days in New York", r.HolidayCalendar(), r.TimeZone)
	}
}

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const extraRule = `{"id": "kr-pipc", "code": "KR", "name": "PIPC report", "law": "PIPA", "notify": "regulator",
  "deadline": {"amount": 72, "unit": "hours"}, "clock_starts": "awareness", "soft": false,
  "effective_from": "2023-09-15", "time_zone": "Asia/Seoul", "source": "counsel memo", "confirmed": false}`

const stricterTexas = `{"id": "us-tx-ag", "code": "US-TX", "name": "AG (company policy)", "law": "Tex. Bus. & Com. Code",
  "notify": "attorney_general", "deadline": {"amount": 15, "unit": "calendar_days"}, "clock_starts": "determination",
  "soft": false, "threshold": {"op": ">=", "count": 250}, "effective_from": "2023-09-01",
  "time_zone": "America/Chicago", "source": "internal policy", "confirmed": true}`

func TestLoadDir(t *testing.T) {
	base, err := jurisdictions.Load()
	if err != nil {
		t.Fatal(err)
	}
	t.Run("empty dir name means the embedded catalogue", func(t *testing.T) {
		rules, err := jurisdictions.LoadDir("")
		if err != nil || len(rules) != len(base) {
			t.Fatalf("LoadDir(\"\") = %d rules, %v", len(rules), err)
		}
	})
	t.Run("override replaces in place, addition appends", func(t *testing.T) {
		dir := writeFiles(t, map[string]string{
			"10-texas.json":    `{"about": "stricter than the law", "rules": [` + stricterTexas + `]}`,
			"20-korea.json":    `{"rules": [` + extraRule + `]}`,
			"README.md":        "not a rules file",
			"old/ignored.json": "not even JSON",
		})
		rules, err := jurisdictions.LoadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(rules) != len(base)+1 || rules[len(rules)-1].ID != "kr-pipc" {
			t.Fatalf("got %d rules ending %s, want %d ending kr-pipc", len(rules), rules[len(rules)-1].ID, len(base)+1)
		}
		for i, r := range rules[:len(base)] {
			if r.ID != base[i].ID {
				t.Fatalf("rule %d is %s, want %s in catalogue order", i, r.ID, base[i].ID)
			}
		}
		if tx := byID(rules)["us-tx-ag"]; tx.Deadline.Amount != 15 || tx.Source != "internal policy" {
			t.Errorf("us-tx-ag not replaced: %+v", tx)
		}
	})
	t.Run("later files win", func(t *testing.T) {
		later := strings.Replace(stricterTexas, `"amount": 15`, `"amount": 10`, 1)
		dir := writeFiles(t, map[string]string{
			"a.json": `{"rules": [` + stricterTexas + `]}`,
			"b.json": `{"rules": [` + later + `]}`,
		})
		rules, err := jurisdictions.LoadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		if got := byID(rules)["us-tx-ag"].Deadline.Amount; got != 10 {
			t.Errorf("us-tx-ag amount = %d, want b.json's 10", got)
		}
	})
	t.Run("missing dir", func(t *testing.T) {
		if _, err := jurisdictions.LoadDir(filepath.Join(t.TempDir(), "nope")); err == nil {
			t.Error("LoadDir of a missing dir succeeded")
		}
	})
}

func TestLoadDirRejectsBadFiles(t *testing.T) {
	tests := []struct {
		name string
		body string
		want []string // every string must appear in the error
	}{
		{"not JSON", `{"rules": [`, []string{"bad.json"}},
		{"no rules list", `{"about": "x"}`, []string{"bad.json", `no "rules" list`}},
		{"misspelt field", `{"rules": [` + strings.Replace(extraRule, "clock_starts", "clock_start", 1) + `]}`,
			[]string{"bad.json", `unknown field "clock_start"`}},
		{"unknown unit", `{"rules": [` + strings.Replace(extraRule, `"hours"`, `"weeks"`, 1) + `]}`,
			[]string{"bad.json", "rule kr-pipc", "deadline.unit"}},
		{"zero amount", `{"rules": [` + strings.Replace(extraRule, `"amount": 72`, `"amount": 0`, 1) + `]}`,
			[]string{"bad.json", "rule kr-pipc", "deadline.amount"}},
		{"unknown clock start", `{"rules": [` + strings.Replace(extraRule, `"awareness"`, `"publication"`, 1) + `]}`,
			[]string{"rule kr-pipc", "clock_starts"}},
		{"effective range reversed", `{"rules": [` + strings.Replace(extraRule, `"effective_from": "2023-09-15"`,
			`"effective_from": "2023-09-15", "effective_to": "2020-01-01"`, 1) + `]}`, []string{"rule kr-pipc", "effective_to"}},
		{"bad date", `{"rules": [` + strings.Replace(extraRule, "2023-09-15", "15/09/2023", 1) + `]}`, []string{"bad.json", "YYYY-MM-DD"}},
		{"unknown zone", `{"rules": [` + strings.Replace(extraRule, "Asia/Seoul", "Asia/Gotham", 1) + `]}`,
			[]string{"rule kr-pipc", "time_zone", "Asia/Gotham"}},
		{"Local zone", `{"rules": [` + strings.Replace(extraRule, "Asia/Seoul", "Local", 1) + `]}`, []string{"rule kr-pipc", "time_zone"}},
		{"duplicate id in one file", `{"rules": [` + extraRule + `,` + extraRule + `]}`, []string{"rule kr-pipc", "duplicate id"}},
		{"rule without id", `{"rules": [` + strings.Replace(extraRule, `"kr-pipc"`, `""`, 1) + `]}`, []string{"rule #1", "id"}},
		{"every bad rule reported", `{"rules": [` + strings.Replace(extraRule, `"amount": 72`, `"amount": 0`, 1) + `,` +
			strings.Replace(stricterTexas, `">="`, `"=>"`, 1) + `]}`, []string{"rule kr-pipc", "rule us-tx-ag", "threshold.op"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeFiles(t, map[string]string{"good.json": `{"rules": []}`, "bad.json": tt.body})
			rules, err := jurisdictions.LoadDir(dir)
			if err == nil {
				t.Fatalf("LoadDir accepted a bad file (%d rules)", len(rules))
			}
			if candor.ErrorCode(err) != candor.EINVALID {
				t.Errorf("error code %s, want %s: %v", candor.ErrorCode(err), candor.EINVALID, err)
			}
			for _, want := range tt.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not mention %q", err, want)
				}
			}
		})
	}
}
