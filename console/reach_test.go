package console_test

import (
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/api"
	"github.com/candor-dev/candor/internal/testenv"
)

// TestReachPage: the console shows the API's reach counts per
// jurisdiction, in English and Japanese, on both databases.
func TestReachPage(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e := setup(t, testenv.Open(t, d), api.RateLimits{}, false)
			inc, err := e.db.CreateIncident(testenv.Actor(candor.RoleComms), candor.Incident{
				Title: "Unauthorized access", DiscoveredAt: time.Date(2020, 6, 11, 0, 0, 0, 0, time.UTC), Timezone: "Asia/Tokyo",
				Severity: "high", Translations: map[string]candor.IncidentText{"ja": {Title: "不正アクセス"}},
			})
			if err != nil {
				t.Fatal(err)
			}
			path := "/console/incidents/" + inc.ID + "/reach"
			en := signedIn(t, e, "en-GB,en;q=0.8")
			page(t, en, path, "Proof of reach", "No customers imported yet.")

			jp := testenv.Customers(t, e.db, inc.ID, "JP", "", "email", 3)
			testenv.Customers(t, e.db, inc.ID, "TH", "", "postal", 2)
			notice := testenv.ApprovedDisclosure(t, e.db, inc.ID, candor.KindCustomerNotice, nil)
			sendID, disc := testenv.Send(t, e.db, inc.ID, "customer_notice", notice.ID)
			testenv.Deliveries(t, e.db, testenv.NoticeTo(sendID, disc, inc.ID, time.Now(), jp...)...)

			body := page(t, en, path, "Japan (JP)", "Thailand (TH)", "everyone reached or covered", "no e-mail and no address: 2")
			if strings.Count(body, "everyone reached or covered") != 1 {
				t.Errorf("only Japan is complete:\n%s", body)
			}
			ja := signedIn(t, e, "ja-JP,ja;q=0.9")
			page(t, ja, path, `<html lang="ja">`, "通知の到達状況", "日本 (JP)", "タイ (TH)", "全員に到達または代替措置済み", "メールアドレスも住所もなし: 2")
			if res, _ := en.get("/console/incidents/no-such/reach"); res.StatusCode != 404 {
				t.Errorf("unknown incident: %d", res.StatusCode)
			}
		})
	}
}
