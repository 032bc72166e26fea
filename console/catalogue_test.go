package console_test

import (
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/api"
	"github.com/candor-dev/candor/internal/testenv"
)

// TestDeadlineBoardConditional: a duty whose conditions are not known yet
// (issue 21: US state laws cover only defined data) is "conditional" on
// the board, in English and Japanese, with what would decide it, and never
// OVERDUE; recording the data and the acquisition decides it.
func TestDeadlineBoardConditional(t *testing.T) {
	d := testenv.SQLite(t)
	e := setup(t, testenv.Open(t, d), api.RateLimits{}, false)
	inc, err := e.db.CreateIncident(testenv.Actor(candor.RoleComms), candor.Incident{
		Title: "Stolen backup", DiscoveredAt: time.Date(2020, 6, 11, 1, 30, 0, 0, time.UTC), Timezone: "Asia/Tokyo",
		Severity: "high", Translations: map[string]candor.IncidentText{"ja": {Title: "バックアップの盗難"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	testenv.Customers(t, e.db, inc.ID, "US", "US-CA", "email", 3)
	path := "/console/incidents/" + inc.ID + "/deadlines"

	en := signedIn(t, e, "en-GB,en;q=0.8")
	body := page(t, en, path, "US-CA", ">conditional<", "Applies only if the data include a name with a national ID or Social Security number",
		"and the data were acquired by an unauthorized person, not only accessed")
	if strings.Contains(body, "OVERDUE") {
		t.Errorf("a conditional duty shown overdue:\n%s", body)
	}
	ja := signedIn(t, e, "ja-JP,ja;q=0.9")
	if body := page(t, ja, path, `<html lang="ja">`, ">条件付き<", "2020年7月", "次の場合に限り適用：漏えいしたデータが当該法の対象となる情報に当たること",
		"かつデータが権限のない者に取得されたこと"); strings.Contains(body, "期限超過") || strings.Contains(body, "applies only if") {
		t.Errorf("a conditional duty shown overdue in Japanese:\n%s", body)
	}

	yes := true
	if _, err := e.db.UpdateIncident(testenv.Actor(candor.RoleLegal), inc.ID, func(in *candor.Incident) error {
		in.DataCategories, in.Acquired = []string{"name", "national_id"}, &yes
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if body := page(t, en, path, "OVERDUE"); strings.Contains(body, ">conditional<") {
		t.Errorf("still conditional once the facts are recorded:\n%s", body)
	}
}
