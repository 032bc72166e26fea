package console_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/api"
	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/store"
)

// as signs in a new person of role (their password set through a link).
func (e *env) as(t *testing.T, name string, role candor.Role, acceptLang string) (*browser, candor.Person) {
	t.Helper()
	email := strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "@example.com"
	p, err := e.db.CreatePerson(testenv.Actor(candor.RoleAdmin), candor.Person{Email: email, Name: name, Role: role})
	if err != nil {
		t.Fatal(err)
	}
	_, secret, err := e.db.CreatePasswordLink(testenv.Actor(candor.RoleAdmin), email, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.SetPassword(testenv.Actor(candor.RoleAdmin), secret, password); err != nil {
		t.Fatal(err)
	}
	b := e.browser(t, acceptLang)
	if res := b.signIn(email, password); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in %s: %d", name, res.StatusCode)
	}
	return b, p
}

// form posts a console form with the page's CSRF token.
func (b *browser) form(page, action string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	form.Set("csrf", b.csrf(page))
	return b.post(action, form)
}

func countIncidents(t *testing.T, db *store.DB) int64 {
	var n int64
	if err := db.Gorm().Table("incidents").Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func lastAudit(t *testing.T, db *store.DB, incidentID string) candor.AuditEntry {
	t.Helper()
	p, err := db.ListAudit(testenv.Actor(candor.RoleLegal), candor.AuditFilter{IncidentID: incidentID, Limit: 1})
	if err != nil || len(p.Items) == 0 {
		t.Fatalf("audit of %s: %v %d", incidentID, err, len(p.Items))
	}
	return p.Items[0]
}

func TestRoom(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e := setup(t, testenv.Open(t, d), api.RateLimits{}, false)
			comms, cp := e.as(t, "Chika Comms", candor.RoleComms, "en")
			viewer, _ := e.as(t, "Vic Viewer", candor.RoleViewer, "en")
			var id string
			t.Run("create", func(t *testing.T) { id = roomCreate(t, e, comms, cp) })
			t.Run("create bad input", func(t *testing.T) { roomCreateBad(t, e, comms) })
			t.Run("viewer sees only", func(t *testing.T) { roomViewer(t, e, viewer) })
			t.Run("edit", func(t *testing.T) { roomEdit(t, e, comms, id) })
			t.Run("events", func(t *testing.T) { roomEvents(t, e, comms, id) })
			t.Run("history", func(t *testing.T) { roomHistory(t, e, comms, id) })
		})
	}
}

func seedForm() url.Values {
	return url.Values{"title": {"Unauthorized access to Kawasaki Group"}, "summary": {"Line one.\r\nLine two."},
		"timezone": {"Asia/Tokyo"}, "discovered_at": {"2020-06-11T10:30"}, "language": {"en"}, "severity": {"high"},
		"cause": {"unauthorized_access"}, "malicious": {"true"}, "data_categories": {"name", "email"},
		"data_categories_other": {"customer_ids"}, "reporting_entity.name": {"Kawasaki Heavy Industries, Ltd."},
		"reporting_entity.country": {"jp"}, "new_lang": {"ja"}, "new.title": {"当社グループへの不正アクセスについて"},
		"new.summary": {"海外拠点から不正アクセス。"}, "new.reporting_entity": {"川崎重工業株式会社"}}
}

func roomCreate(t *testing.T, e *env, b *browser, p candor.Person) string {
	page(t, b, "/console/incidents", `href="/console/incidents/new"`)
	page(t, b, "/console/incidents/new", `type="datetime-local"`, "in the incident&#39;s time zone", `value="UTC"`,
		`<button type="submit">Create the incident</button>`)
	res, body := b.form("/console/incidents/new", "/console/incidents", seedForm())
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d %s", res.StatusCode, body)
	}
	id := strings.TrimPrefix(res.Header.Get("Location"), "/console/incidents/")
	in, err := e.db.GetIncident(testenv.Actor(candor.RoleViewer), id)
	if err != nil {
		t.Fatal(err)
	}
	// The wall time was read in the incident's zone: 10:30 JST.
	if want := time.Date(2020, 6, 11, 1, 30, 0, 0, time.UTC); !in.DiscoveredAt.Equal(want) {
		t.Errorf("discovered_at %v, want %v", in.DiscoveredAt, want)
	}
	if in.Summary != "Line one.\nLine two." || in.ReportingEntity == nil || in.ReportingEntity.Country != "JP" ||
		in.Translations["ja"].ReportingEntity != "川崎重工業株式会社" || in.Malicious == nil || !*in.Malicious ||
		strings.Join(in.DataCategories, ",") != "name,email,customer_ids" || in.Cause != "unauthorized_access" {
		t.Errorf("stored %+v", in)
	}
	a := lastAudit(t, e.db, id)
	if a.Action != "incident.create" || a.ActorID != store.PersonActorPrefix+p.ID || a.ActorName != "Chika Comms" {
		t.Errorf("audit entry %+v", a)
	}
	page(t, b, "/console/incidents/"+id, "Unauthorized access to Kawasaki Group", "当社グループへの不正アクセスについて",
		"11 June 2020 10:30 JST", "Who is on it", "<strong>Chika Comms</strong> <span class=\"tag\">comms</span>",
		`href="/console/incidents/`+id+`/edit"`)
	return id
}

func roomCreateBad(t *testing.T, e *env, b *browser) {
	before := countIncidents(t, e.db)
	f := seedForm()
	f.Set("title", "  ")
	f.Set("timezone", "Mars/Olympus")
	f.Set("discovered_at", "yesterday")
	f.Set("severity", "apocalyptic")
	f.Set("reporting_entity.country", "Japan")
	f.Set("new_lang", "zz-!!")
	res, body := b.form("/console/incidents/new", "/console/incidents", f)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad create: %d", res.StatusCode)
	}
	for _, w := range []string{
		`<p class="field-error" id="title-err">is required, at most 300 characters</p>`,
		`id="timezone-err">&#34;Mars/Olympus&#34; is not an IANA time zone`, `value="Mars/Olympus"`,
		`id="discovered_at-err">must be a date and time (YYYY-MM-DDTHH:MM)</p>`, `value="yesterday"`,
		`id="severity-err">must be one of low, medium, high, critical</p>`,
		`id="reporting_entity.country-err">must be an ISO 3166-1 alpha-2 code</p>`, `value="Japan"`,
		`id="new_lang-err">`, `value="zz-!!"`, `当社グループへの不正アクセスについて`, "Nothing was saved",
	} {
		if !strings.Contains(body, w) {
			t.Errorf("bad create lacks %q", w)
		}
	}
	if after := countIncidents(t, e.db); after != before {
		t.Errorf("%d incidents after a refused create, %d before", after, before)
	}
	// The domain's errors alone (the form could read everything).
	f = seedForm()
	f.Set("title", strings.Repeat("x", 301))
	res, body = b.form("/console/incidents/new", "/console/incidents", f)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="title-err">is required, at most 300 characters`) {
		t.Errorf("long title: %d", res.StatusCode)
	}
	if after := countIncidents(t, e.db); after != before {
		t.Errorf("stored a refused incident")
	}
}

func roomViewer(t *testing.T, e *env, b *browser) {
	body := page(t, b, "/console/incidents/"+e.incident.ID, "Internal audit found the connection.")
	for _, no := range []string{"/edit", `action="/console/incidents/` + e.incident.ID + `/events"`, "/history"} {
		if strings.Contains(body, no) {
			t.Errorf("a viewer's room shows %q", no)
		}
	}
	if strings.Contains(page(t, b, "/console/incidents"), "/console/incidents/new") {
		t.Error("a viewer is offered to create incidents")
	}
	before := countIncidents(t, e.db)
	for _, p := range []string{"/console/incidents/new", "/console/incidents/" + e.incident.ID + "/edit", "/console/incidents/" + e.incident.ID + "/history"} {
		if res, _ := b.get(p); res.StatusCode != http.StatusForbidden {
			t.Errorf("viewer GET %s: %d, want 403", p, res.StatusCode)
		}
	}
	csrf := b.csrf("/console/incidents")
	for _, p := range []string{"/console/incidents", "/console/incidents/" + e.incident.ID, "/console/incidents/" + e.incident.ID + "/events"} {
		f := seedForm()
		f.Set("csrf", csrf)
		f.Set("description", "x")
		f.Set("occurred_on", "2020-06-12")
		f.Set("public", "true")
		if res, _ := b.post(p, f); res.StatusCode != http.StatusForbidden {
			t.Errorf("viewer POST %s: %d, want 403", p, res.StatusCode)
		}
	}
	if countIncidents(t, e.db) != before {
		t.Error("a viewer created an incident")
	}
	in, _ := e.db.GetIncident(testenv.Actor(candor.RoleViewer), e.incident.ID)
	if in.Title != e.incident.Title {
		t.Error("a viewer changed an incident")
	}
}

func roomEdit(t *testing.T, e *env, b *browser, id string) {
	// Contacts are not on the form: they stay (PATCH semantics).
	if _, err := e.db.UpdateIncident(testenv.Actor(candor.RoleLegal), id, func(in *candor.Incident) error {
		in.LegalContacts = []string{"legal@example.com"}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	edit := "/console/incidents/" + id + "/edit"
	body := page(t, b, edit, `value="2020-06-11T10:30"`, `name="translations.ja.title"`, `value="当社グループへの不正アクセスについて"`,
		`value="Asia/Tokyo"`, `value="customer_ids"`)
	if !strings.Contains(body, `value="name" checked`) {
		t.Error("the name category is not ticked")
	}
	f := seedForm()
	f.Del("new_lang")
	f.Del("new.title")
	f.Del("new.summary")
	f.Del("new.reporting_entity")
	f.Set("translation", "ja")
	f.Set("translations.ja.title", "当社グループへの不正アクセスについて（第2報）")
	f.Set("translations.ja.summary", "海外拠点から不正アクセス。")
	f.Set("translations.ja.reporting_entity", "川崎重工業株式会社")
	f.Set("new_lang", "th")
	f.Set("new.title", "การเข้าถึงโดยไม่ได้รับอนุญาต")
	res, body := b.form(edit, "/console/incidents/"+id, f)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d %s", res.StatusCode, body)
	}
	in, _ := e.db.GetIncident(testenv.Actor(candor.RoleViewer), id)
	if in.Translations["ja"].Title != "当社グループへの不正アクセスについて（第2報）" || in.Translations["th"].Title != "การเข้าถึงโดยไม่ได้รับอนุญาต" ||
		len(in.LegalContacts) != 1 || !in.DiscoveredAt.Equal(time.Date(2020, 6, 11, 1, 30, 0, 0, time.UTC)) {
		t.Errorf("after edit: %+v", in)
	}
	// Only what changed is in the audit entry.
	var changed map[string]json.RawMessage
	json.Unmarshal(lastAudit(t, e.db, id).Summary, &changed)
	if len(changed) != 1 || changed["translations"] == nil {
		t.Errorf("audit of the edit: %v", changed)
	}
	// Bad input: the form comes back with the message beside the field,
	// the values kept, nothing stored.
	f.Set("translations.ja.title", "bad\u202etitle")
	f.Set("new_lang", "ja")
	f.Set("discovered_at", "2020-13-40T99:99")
	res, body = b.form(edit, "/console/incidents/"+id, f)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad edit: %d", res.StatusCode)
	}
	for _, w := range []string{`id="translations.ja.title-err">contains a bidirectional override (U&#43;202E)`,
		`id="new_lang-err">already has a translation above`, `id="discovered_at-err">must be a date and time`, `value="2020-13-40T99:99"`} {
		if !strings.Contains(body, w) {
			t.Errorf("bad edit lacks %q\n%s", w, body)
		}
	}
	f.Set("new_lang", "")
	f.Set("new.title", "")
	f.Set("discovered_at", "2020-06-11T10:30")
	if res, body = b.form(edit, "/console/incidents/"+id, f); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(body, `id="translations.ja.title-err">contains a bidirectional override`) {
		t.Errorf("domain error on edit: %d", res.StatusCode)
	}
	if after, _ := e.db.GetIncident(testenv.Actor(candor.RoleViewer), id); after.Translations["ja"].Title != in.Translations["ja"].Title ||
		!after.UpdatedAt.Equal(in.UpdatedAt) {
		t.Error("a refused edit was stored")
	}
	// A new zone reads the same wall time in it.
	f.Set("translations.ja.title", "当社グループへの不正アクセスについて（第2報）")
	f.Set("timezone", "Asia/Bangkok")
	if res, _ = b.form(edit, "/console/incidents/"+id, f); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("zone edit: %d", res.StatusCode)
	}
	in, _ = e.db.GetIncident(testenv.Actor(candor.RoleViewer), id)
	if !in.DiscoveredAt.Equal(time.Date(2020, 6, 11, 3, 30, 0, 0, time.UTC)) || in.Timezone != "Asia/Bangkok" {
		t.Errorf("after the zone changed: %v %s", in.DiscoveredAt, in.Timezone)
	}
	f.Set("timezone", "Asia/Tokyo")
	b.form(edit, "/console/incidents/"+id, f)
}

func roomEvents(t *testing.T, e *env, b *browser, id string) {
	room := "/console/incidents/" + id
	page(t, b, room, `name="translations.ja.description"`, `name="translations.th.description"`, "(Asia/Tokyo)")
	f := url.Values{"occurred_at": {"2020-06-12T09:00"}, "description": {"Servers isolated."}, "public": {"false"},
		"event_translation": {"ja", "th"}, "translations.ja.description": {"サーバーを隔離"}}
	res, body := b.form(room, room+"/events", f)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("event: %d %s", res.StatusCode, body)
	}
	evs, _ := e.db.ListEvents(testenv.Actor(candor.RoleViewer), id, false)
	if len(evs) != 1 || evs[0].OccurredAt == nil || !evs[0].OccurredAt.Equal(time.Date(2020, 6, 12, 0, 0, 0, 0, time.UTC)) ||
		evs[0].Public || evs[0].Translations["ja"].Description != "サーバーを隔離" || len(evs[0].Translations) != 1 {
		t.Fatalf("events %+v", evs)
	}
	page(t, b, room, "12 June 2020 09:00 JST", `<span class="tag">private</span> Servers isolated.`)
	// Bad input: public not chosen, both dates, a bad language.
	f = url.Values{"occurred_on": {"2020-06-13"}, "occurred_at": {"2020-06-13T10:00"}, "description": {"Typed text kept"},
		"event_new_lang": {"qq-!!"}, "event_new_text": {"x"}}
	res, body = b.form(room, room+"/events", f)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad event: %d", res.StatusCode)
	}
	for _, w := range []string{`id="public-err">is required: true if the event may appear in public statements`,
		`id="occurred_on-err">give occurred_on or occurred_at, not both`, "Typed text kept", `value="2020-06-13T10:00"`,
		`id="event_new_lang-err">&#34;qq-!!&#34; is not a BCP 47 language tag`, "<details class=\"card\" open>"} {
		if !strings.Contains(body, w) {
			t.Errorf("bad event lacks %q", w)
		}
	}
	if evs, _ := e.db.ListEvents(testenv.Actor(candor.RoleViewer), id, false); len(evs) != 1 {
		t.Errorf("%d events after a refused one", len(evs))
	}
	if res, body = b.form(room, room+"/events", url.Values{"description": {""}, "public": {"true"}}); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(body, `id="description-err">is required, at most 5000 characters`) ||
		!strings.Contains(body, `id="occurred_on-err">occurred_on (YYYY-MM-DD) or occurred_at (RFC 3339) is required`) {
		t.Errorf("empty event: %d", res.StatusCode)
	}
	// Scope learned from an event: Indonesia and the Philippines on 24 June.
	f = url.Values{"occurred_on": {"2020-06-24"}, "description": {"Access from Indonesia and the Philippines identified"},
		"public": {"true"}, "scope.jurisdictions": {"ID, PH"}}
	if res, body := b.form(room, room+"/events", f); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("event with scope: %d %s", res.StatusCode, body)
	}
	evs, _ = e.db.ListEvents(testenv.Actor(candor.RoleViewer), id, false)
	if len(evs) != 2 || evs[1].Scope == nil || strings.Join(evs[1].Scope.Jurisdictions, ",") != "ID,PH" {
		t.Fatalf("scope not stored: %+v", evs)
	}
	f.Set("scope.jurisdictions", "ZZ")
	f.Set("scope.data_categories", "gossip")
	res, body = b.form(room, room+"/events", f)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="scope.jurisdictions-err"`) ||
		!strings.Contains(body, `id="scope.data_categories-err"`) || !strings.Contains(body, `value="ZZ"`) {
		t.Errorf("bad scope: %d\n%s", res.StatusCode, body)
	}
	if evs, _ := e.db.ListEvents(testenv.Actor(candor.RoleViewer), id, false); len(evs) != 2 {
		t.Errorf("%d events after a refused scope", len(evs))
	}
}

func roomHistory(t *testing.T, e *env, comms *browser, id string) {
	if res, _ := comms.get("/console/incidents/" + id + "/history"); res.StatusCode != http.StatusForbidden {
		t.Errorf("comms history: %d, want 403 (GET /api/v1/audit is legal's)", res.StatusCode)
	}
	legal := signedIn(t, e, "ja")
	body := page(t, legal, "/console/incidents/"+id+"/history", "履歴", "event.create", "incident.update", "incident.create",
		"Chika Comms", strconv.Itoa(time.Now().Year())+"年", "JST", "当社グループへの不正アクセスについて（第2報）", "<del>")
	if i, j := strings.Index(body, "event.create"), strings.Index(body, "incident.create"); i > j {
		t.Error("history is not newest first")
	}
	page(t, legal, "/console/incidents/"+id, `href="/console/incidents/`+id+`/history"`, "担当者", "Rita Legal")
}
