package console_test

import (
	"net/url"
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

// TestSubstituteForm: legal records a substitute notice on the reach
// page; bad fields come back beside the fields with the typed values kept
// (422) and nothing stored; a viewer sees no form and is refused; once a
// substitute_notice decision on Japan's duty to individuals is approved,
// Japan's customers not reached in person count as covered. English and Japanese.
func TestSubstituteForm(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e := setup(t, testenv.Open(t, d), api.RateLimits{}, false)
			id := e.incident.ID
			testenv.Customers(t, e.db, id, "JP", "", "postal", 2) // no address: unreachable in person
			path := "/console/incidents/" + id + "/reach"
			legal, _ := e.as(t, "Lena Legal", candor.RoleLegal, "en-GB,en;q=0.8")
			page(t, legal, path, "Substitute notices", "No substitute notice recorded.", "Record a substitute notice", `name="published_on"`, "(Asia/Tokyo)")

			count := func() int64 {
				var n int64
				e.db.Gorm().Raw("SELECT count(*) FROM substitute_notices").Scan(&n)
				return n
			}
			form := url.Values{"kind": {"media"}, "jurisdictions": {"JP, XX"}, "published_on": {"2199-01-01"}, "outlet": {"Nikkei"},
				"description": {"   "}, "url": {"javascript:alert(1)"}}
			res, body := legal.form(path, path[:len(path)-len("reach")]+"substitute-notices", form)
			if res.StatusCode != 422 {
				t.Fatalf("bad form: %d", res.StatusCode)
			}
			for _, want := range []string{`&#34;XX&#34; is not a jurisdiction`, "is in the future", "is required: what was published",
				"must be an http or https address", `value="JP, XX"`, `value="Nikkei"`, `<option value="media" selected>`} {
				if !strings.Contains(body, want) {
					t.Errorf("the form again lacks %q", want)
				}
			}
			if count() != 0 {
				t.Fatal("a refused notice was stored")
			}

			viewer, _ := e.as(t, "Vic Viewer", candor.RoleViewer, "en-GB,en;q=0.8")
			if body := page(t, viewer, path, "Only legal can record substitute notices."); strings.Contains(body, `name="published_on"`) {
				t.Error("a viewer is shown the form")
			}
			form = url.Values{"kind": {"media"}, "jurisdictions": {"jp"}, "published_on": {time.Now().In(reachTokyo(t)).Format("2006-01-02")},
				"outlet": {"Nikkei"}, "description": {"Notice on page 3 of the morning edition, with the inquiry desk's number."}}
			if res, _ := viewer.form(path, "/console/incidents/"+id+"/substitute-notices", form); res.StatusCode != 403 || count() != 0 {
				t.Errorf("viewer records: %d", res.StatusCode)
			}
			res, _ = legal.form(path, "/console/incidents/"+id+"/substitute-notices", form)
			if res.StatusCode != 303 || count() != 1 {
				t.Fatalf("record: %d, %d stored", res.StatusCode, count())
			}
			if a := lastAudit(t, e.db, id); a.Action != "substitute_notice.create" {
				t.Errorf("audit %s", a.Action)
			}
			page(t, legal, path, "Press or broadcast · Nikkei", "Notice on page 3", "Lena Legal")

			// The decision makes the notice cover Japan's customers not reached in person.
			dec, err := e.db.CreateDecision(testenv.Actor(candor.RoleComms), candor.Decision{IncidentID: id, ObligationID: "jp-appi-individuals",
				Decision: candor.DecisionSubstituteNotice, Rationale: "A public announcement with an inquiry desk."})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.db.ApproveDecision(testenv.Actor(candor.RoleLegal), dec.ID); err != nil {
				t.Fatal(err)
			}
			body = page(t, legal, path, "Japan (JP)")
			if !strings.Contains(body, `<td class="num">5</td><td class="num">0</td><td class="num">0</td><td class="num">5</td>`) {
				// The three e-mail customers no send has reached yet are covered too.
				t.Errorf("Japan: 5 customers, all covered by the notice:\n%s", body)
			}
			ja, _ := e.as(t, "Ken Houmu", candor.RoleLegal, "ja-JP,ja;q=0.9")
			page(t, ja, path, `<html lang="ja">`, "代替措置（公表）", "報道・放送 · Nikkei", "代替措置を記録", "公表日 (Asia/Tokyo)")
		})
	}
}

func reachTokyo(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
