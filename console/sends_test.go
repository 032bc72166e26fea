package console_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/api"
	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/store"
)

// addPerson makes a person of role with a console password.
func (e *env) addPerson(t *testing.T, email, name string, role candor.Role) {
	t.Helper()
	ctx := testenv.Actor(candor.RoleAdmin)
	if _, err := e.db.CreatePerson(ctx, candor.Person{Email: email, Name: name, Role: role}); err != nil {
		t.Fatal(err)
	}
	_, secret, err := e.db.CreatePasswordLink(ctx, email, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.SetPassword(ctx, secret, password); err != nil {
		t.Fatal(err)
	}
}

func (e *env) signedInAs(t *testing.T, email, acceptLang string) *browser {
	t.Helper()
	b := e.browser(t, acceptLang)
	if res := b.signIn(email, password); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in %s: %d", email, res.StatusCode)
	}
	return b
}

func TestConsoleSends(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e := setup(t, testenv.Open(t, d), api.RateLimits{}, true)
			e.addPerson(t, "carl@example.com", "Carl Comms", candor.RoleComms)
			t.Run("send", func(t *testing.T) { consoleSend(t, e) })
			t.Run("statement", func(t *testing.T) { consoleStatement(t, e) })
		})
	}
}

func consoleSend(t *testing.T, e *env) {
	// An incident of its own, with customers who have e-mail addresses.
	in, err := e.db.CreateIncident(testenv.Actor(candor.RoleComms), candor.Incident{Title: "Mailbox breach",
		DiscoveredAt: time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC), Timezone: "Asia/Tokyo", Severity: "high"})
	if err != nil {
		t.Fatal(err)
	}
	id := in.ID
	testenv.ImportCSV(t, e.db, id, "external_id,email,country,locale\nk-1,aiko@example.jp,JP,ja\nk-2,ben@example.jp,JP,en\n"+
		"k-3,chika@example.jp,JP,ja\nk-4,dado@example.ph,PH,en\n")
	notice := testenv.ApprovedDisclosure(t, e.db, id, candor.KindCustomerNotice, nil)
	legal, comms := signedIn(t, e, "en"), e.signedInAs(t, "carl@example.com", "en")
	list := "/console/incidents/" + id + "/sends"
	page(t, legal, list, "Sends", "New send", `action="/console/disclosures/`+notice.ID+`/sends"`, "revision 1")
	body := page(t, comms, list, "Only a legal person")
	if strings.Contains(body, "New send") {
		t.Error("comms sees the send form")
	}
	page(t, legal, "/console/incidents/"+id, `href="/console/incidents/`+id+`/sends"`)
	action := "/console/disclosures/" + notice.ID + "/sends"

	// Bad input: each message beside its field, what was typed kept,
	// nothing stored.
	for name, c := range map[string]struct {
		form url.Values
		want []string
	}{
		"time":    {url.Values{"send_at": {"tomorrow"}, "countries": {"JP"}}, []string{"Give a date and time", `value="tomorrow"`, `value="JP"`}},
		"country": {url.Values{"countries": {"JP, XX"}, "locales": {"ja"}}, []string{`&#34;XX&#34; is not an ISO 3166-1 alpha-2 code`, `value="JP, XX"`, `value="ja"`}},
		"locale":  {url.Values{"locales": {"not a tag!"}}, []string{"is not a BCP 47 tag"}},
	} {
		res, body := legal.form(list, action, c.form)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d, want 422", name, res.StatusCode)
		}
		for _, w := range c.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s: page lacks %q", name, w)
			}
		}
	}
	if res, _ := comms.form(list, action, url.Values{}); res.StatusCode != http.StatusForbidden {
		t.Errorf("comms starts a send: %d, want 403", res.StatusCode)
	}
	if res, _ := legal.post(action, url.Values{}); res.StatusCode != http.StatusForbidden {
		t.Errorf("no csrf: %d, want 403", res.StatusCode)
	}
	if sends, _ := e.db.ListSends(testenv.Actor(candor.RoleViewer), notice.ID); len(sends) != 0 {
		t.Fatalf("refused forms stored %d sends", len(sends))
	}

	// A send to Japan, at 09:30 Tokyo time a year from now.
	at := time.Now().In(tokyo(t)).AddDate(1, 0, 0)
	typed := at.Format("2006-01-02") + "T09:30"
	res, _ := legal.form(list, action, url.Values{"send_at": {typed}, "countries": {"jp"}})
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/console/sends/") {
		t.Fatalf("start send: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	view := res.Header.Get("Location")
	sendID := strings.TrimPrefix(view, "/console/sends/")
	s, err := e.db.GetSend(testenv.Actor(candor.RoleViewer), sendID)
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(at.Year(), at.Month(), at.Day(), 9, 30, 0, 0, tokyo(t))
	if s.State != candor.SendScheduled || !s.SendAt.Equal(want) || strings.Join(s.Filter.Countries, ",") != "JP" {
		t.Fatalf("stored send %+v, want scheduled at %v to JP", s, want)
	}
	page(t, legal, view, "scheduled", "09:30 JST", `action="`+view+`/pause"`, `src="/console/sends.js"`, `href="`+view+`" id="refresh"`)
	page(t, comms, view, "scheduled", "Only a legal person")
	p := progressJSON(t, legal, view)
	if p.State != "scheduled" || p.Final {
		t.Errorf("progress %+v", p)
	}

	// Pause, resume, the refusals.
	if res, _ := comms.form(view, view+"/pause", url.Values{}); res.StatusCode != http.StatusForbidden {
		t.Errorf("comms pauses: %d", res.StatusCode)
	}
	if res, _ := legal.form(view, view+"/pause", url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("pause: %d", res.StatusCode)
	}
	if p := progressJSON(t, legal, view); p.State != "paused" {
		t.Errorf("after pause: %s", p.State)
	}
	if res, body := legal.form(view, view+"/pause", url.Values{}); res.StatusCode != http.StatusConflict || !strings.Contains(body, "cannot be paused") {
		t.Errorf("pause twice: %d", res.StatusCode)
	}
	if res, _ := legal.form(view, view+"/resume", url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("resume: %d", res.StatusCode)
	}

	// It runs: three Japanese customers, one delivery failed.
	ctx := testenv.Actor(candor.RoleLegal)
	e.db.Gorm().Exec("UPDATE sends SET send_at = ? WHERE id = ?", time.Now().UTC(), sendID)
	if ok, err := e.db.Dispatch(ctx, sendID, "", "test.example"); err != nil || !ok {
		t.Fatalf("dispatch: %v %v", ok, err)
	}
	chunks, err := e.db.Chunks(ctx, sendID, 10)
	if err != nil || len(chunks) != 1 {
		t.Fatalf("chunks %v %v", chunks, err)
	}
	claimed, err := e.db.Claim(ctx, sendID, chunks[0][0], chunks[0][1], store.Claimant{})
	if err != nil || len(claimed) != 3 {
		t.Fatalf("claimed %d: %v", len(claimed), err)
	}
	outs := []store.Outcome{{ID: claimed[0].ID, SendID: sendID, CustomerID: claimed[0].CustomerID.String, Status: "failed", Error: "550 5.1.1 mailbox unavailable"},
		{ID: claimed[1].ID, SendID: sendID, CustomerID: claimed[1].CustomerID.String, Status: "sent", Response: "250 ok"}}
	if err := e.db.Record(ctx, outs); err != nil {
		t.Fatal(err)
	}
	p = progressJSON(t, legal, view)
	if p.State != "running" || p.Sent != 1 || p.Failed != 1 || p.Pending != 1 || p.Total != 3 || len(p.Failures) != 1 ||
		p.Failures[0].Reason != "550 5.1.1 mailbox unavailable" || p.Failures[0].Count != 1 || p.Percent != 66 || !strings.HasSuffix(p.Rate, "per minute") {
		t.Errorf("progress %+v", p)
	}
	page(t, legal, view, "running", "550 5.1.1 mailbox unavailable", "per minute", "Expected end")

	// The per-customer lookup, by e-mail and by external id.
	var failed, sent candor.Customer
	for _, c := range claimed[:2] {
		cu, err := e.db.GetCustomer(ctx, c.CustomerID.String)
		if err != nil {
			t.Fatal(err)
		}
		if c.ID == claimed[0].ID {
			failed = cu
		} else {
			sent = cu
		}
	}
	page(t, legal, view+"?q="+url.QueryEscape(strings.ToUpper(failed.Email)), failed.Email, "<strong>failed</strong>", "550 5.1.1")
	page(t, legal, view+"?q="+url.QueryEscape(sent.ExternalID), sent.Email, "<strong>sent</strong>")
	page(t, legal, view+"?q=nobody%40example.com", "No customer of this incident")
	// The Philippine customers are outside the filter: no delivery.
	var ph []string
	e.db.Gorm().Raw("SELECT external_id FROM customers WHERE incident_id = ? AND country = 'PH'", id).Scan(&ph)
	page(t, legal, view+"?q="+url.QueryEscape(ph[0]), "no delivery yet")

	// Cancel; twice is refused.
	if res, _ := legal.form(view, view+"/cancel", url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("cancel: %d", res.StatusCode)
	}
	if p := progressJSON(t, legal, view); p.State != "cancelled" || !p.Final || p.Cancelled != 0 {
		t.Errorf("after cancel %+v", p) // the third delivery is claimed (sending): it finishes
	}
	if res, _ := legal.form(view, view+"/cancel", url.Values{}); res.StatusCode != http.StatusConflict {
		t.Errorf("cancel twice: %d", res.StatusCode)
	}

	// Japanese.
	ja := signedIn(t, e, "ja")
	page(t, ja, view, `<html lang="ja">`, "送信の進捗", "取消済み", "失敗の理由別件数", "550 5.1.1")
	page(t, ja, list, "送信", "新しい送信")
	if res, _ := legal.get("/console/sends/00000000-0000-7000-8000-000000000000"); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown send: %d", res.StatusCode)
	}
}

type progressBody struct {
	State                                            string
	Final                                            bool
	Total, Sent, Failed, Bounced, Pending, Cancelled int
	Percent                                          int
	Rate, ETA                                        string
	Failures                                         []struct {
		Status, Reason string
		Count          int
	}
}

func progressJSON(t *testing.T, b *browser, view string) progressBody {
	t.Helper()
	res, body := b.get(view + "/progress")
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("progress: %d %s", res.StatusCode, body)
	}
	var p progressBody
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func tokyo(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
