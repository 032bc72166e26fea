package console_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/internal/testenv"
)

func consoleStatement(t *testing.T, e *env) {
	id := e.incident.ID
	st := testenv.ApprovedDisclosure(t, e.db, id, candor.KindPublicStatement, nil)
	legal, comms := signedIn(t, e, "en"), e.signedInAs(t, "carl@example.com", "en")
	pg := "/console/incidents/" + id + "/statement"
	action := "/console/disclosures/" + st.ID + "/publications"
	page(t, legal, pg, "Public statement", "Nothing is public.", "Nothing is scheduled.", `action="`+action+`"`, "Asia/Tokyo")
	if body := page(t, comms, pg, "Only a legal person"); strings.Contains(body, `action="`+action+`"`) {
		t.Error("comms sees the publish form")
	}

	// Bad input.
	for name, c := range map[string]struct {
		form url.Values
		want []string
	}{
		"slug":  {url.Values{"slug": {"Bad Slug"}, "publish_at": {"2040-01-01T10:00"}}, []string{"must not contain spaces", `value="Bad Slug"`, `value="2040-01-01T10:00"`}},
		"empty": {url.Values{"slug": {""}}, []string{"is required"}},
		"time":  {url.Values{"slug": {"breach-2020"}, "publish_at": {"2040-13-01T10:00"}}, []string{"Give a date and time", `value="breach-2020"`}},
	} {
		res, body := legal.form(pg, action, c.form)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d, want 422", name, res.StatusCode)
		}
		for _, w := range c.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s: page lacks %q", name, w)
			}
		}
	}
	if res, _ := comms.form(pg, action, url.Values{"slug": {"breach-2020"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("comms publishes: %d, want 403", res.StatusCode)
	}
	if pubs, _ := e.db.ListPublications(testenv.Actor(candor.RoleViewer), id, time.Now()); len(pubs) != 0 {
		t.Fatalf("refused forms stored %d publications", len(pubs))
	}

	// Scheduled for 1 January 2040, 10:00 in Tokyo: embargoed until then.
	if res, _ := legal.form(pg, action, url.Values{"slug": {"breach-2020"}, "publish_at": {"2040-01-01T10:00"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("schedule: %d", res.StatusCode)
	}
	body := page(t, legal, pg, "Embargoed", "1 January 2040 10:00 JST", `data-until="2040-01-01T01:00:00Z"`, "Nothing is public.", "Cancel the publication")
	if !strings.Contains(body, "in &#43;") {
		t.Error("no countdown text")
	}
	page(t, signedIn(t, e, "ja"), pg, "公開前（エンバーゴ）", "2040年1月1日 10:00 JST")
	if res, _ := legal.get("/statements/breach-2020"); res.StatusCode != http.StatusNotFound {
		t.Fatalf("embargoed page public: %d", res.StatusCode)
	}
	pubs, _ := e.db.ListPublications(testenv.Actor(candor.RoleViewer), id, time.Now())
	scheduled := pubs[0].ID
	withdraw := "/console/publications/" + scheduled + "/withdraw"

	// Withdrawing needs a reason and the legal role.
	if res, body := legal.form(pg, withdraw, url.Values{"reason": {"  "}}); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Say why it is withdrawn.") {
		t.Errorf("withdraw without a reason: %d", res.StatusCode)
	}
	if res, body := legal.form(pg, withdraw, url.Values{"reason": {"bad\x01reason"}}); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "control character") {
		t.Errorf("withdraw with a control character: %d", res.StatusCode)
	}
	if res, _ := comms.form(pg, withdraw, url.Values{"reason": {"x"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("comms withdraws: %d", res.StatusCode)
	}
	if res, _ := legal.form(pg, withdraw, url.Values{"reason": {"Date moved: publish at once"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("withdraw: %d", res.StatusCode)
	}
	if res, _ := legal.form(pg, withdraw, url.Values{"reason": {"again"}}); res.StatusCode != http.StatusConflict {
		t.Errorf("withdraw twice: %d, want 409", res.StatusCode)
	}

	// Published now: live, version 1, and the public page shows it.
	if res, _ := legal.form(pg, action, url.Values{"slug": {"breach-2020"}, "publish_at": {"2040-01-01T10:00"}, "now": {"1"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish now: %d", res.StatusCode)
	}
	page(t, legal, pg, "Live now", "/statements/breach-2020", "Nothing is scheduled.", "Revision 1 is already scheduled or public", "cancelled")
	if res, _ := legal.get("/statements/breach-2020"); res.StatusCode != 200 {
		t.Fatalf("public page: %d", res.StatusCode)
	}
	// The same revision twice is a conflict, shown on the form.
	if res, body := legal.form(pg, action, url.Values{"slug": {"breach-2020"}, "now": {"1"}}); res.StatusCode != http.StatusConflict || !strings.Contains(body, "already") {
		t.Errorf("same revision again: %d", res.StatusCode)
	}

	// An update: a new approved revision, published at the same address.
	ctx := testenv.Actor(candor.RoleComms)
	d, err := e.db.GetDisclosure(ctx, st.ID)
	if err != nil {
		t.Fatal(err)
	}
	d.DisclosureContent.Title = "Statement, updated"
	if d, err = e.db.EditDisclosure(ctx, st.ID, d.DisclosureContent, d.Revision); err != nil {
		t.Fatal(err)
	}
	if d, err = e.db.SubmitDisclosure(ctx, st.ID, d.Revision); err != nil {
		t.Fatal(err)
	}
	if _, err = e.db.ApproveDisclosure(testenv.Actor(candor.RoleLegal), st.ID, d.Revision); err != nil {
		t.Fatal(err)
	}
	page(t, legal, pg, "Publish the update now", `value="breach-2020"`, "The address is already in use")
	if res, _ := legal.form(pg, action, url.Values{"slug": {"breach-2020"}, "now": {"1"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish update: %d", res.StatusCode)
	}
	body = page(t, legal, pg, "revision 2", "Retract")
	if !strings.Contains(body, "<dd>2 · revision 2</dd>") {
		t.Errorf("live version is not 2 · revision 2")
	}
	if res, _ := legal.get("/statements/breach-2020/v/2"); res.StatusCode != 200 {
		t.Errorf("version 2: %d", res.StatusCode)
	}

	// Retracted, with the reason in the audit trail.
	pubs, _ = e.db.ListPublications(testenv.Actor(candor.RoleViewer), id, time.Now())
	last := ""
	for _, p := range pubs {
		if p.Revision == 2 {
			last = p.ID
		}
	}
	if res, _ := legal.form(pg, "/console/publications/"+last+"/withdraw", url.Values{"reason": {"Superseded by the regulator's notice"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("retract: %d", res.StatusCode)
	}
	page(t, legal, pg, "retracted", "Withdrawn")
	var n int64
	e.db.Gorm().Raw("SELECT count(*) FROM audit_log WHERE action = 'publication.retracted' AND summary LIKE ?", "%Superseded by the regulator%").Scan(&n)
	if n != 1 {
		t.Errorf("audit entries with the reason: %d", n)
	}
}
