package api_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/api"
	"github.com/candor-dev/candor/compose"
	"github.com/candor-dev/candor/internal/testenv"
)

// clock is a settable time for the public pages' embargo checks.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time)     { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *clock) Add(d time.Duration) { c.Set(c.Now().Add(d)) }

// queue records what the API asks the worker to do.
type queue struct {
	mu                   sync.Mutex
	scheduled, retracted []string
}

func (q *queue) SchedulePublication(_ context.Context, p candor.Publication) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.scheduled = append(q.scheduled, p.ID)
	return nil
}

func (q *queue) PublicationRetracted(_ context.Context, p candor.Publication) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.retracted = append(q.retracted, p.ID)
	return nil
}

// pubEnv is env with the public pages configured, a movable clock and a
// recording queue.
type pubEnv struct {
	*env
	clock *clock
	queue *queue
}

func newPubEnv(t *testing.T, d testenv.DB) *pubEnv {
	t.Helper()
	e := newEnv(t, d) // tokens and database; its server is replaced below
	ck := &clock{t: time.Now().UTC()}
	q := &queue{}
	srv := httptest.NewUnstartedServer(nil)
	s := api.New(api.Config{MaxBodyBytes: 64 << 10, Logger: quiet, BaseURL: "http://" + srv.Listener.Addr().String(),
		Org:    compose.Org("Kawasaki Heavy Industries", "privacy@example.com", "", ""),
		Public: api.Public{Location: time.FixedZone("JST", 9*3600), Queue: q, Now: ck.Now}}, e.db)
	srv.Config.Handler = s
	srv.Start()
	t.Cleanup(srv.Close)
	e.srv, e.api = srv, s
	return &pubEnv{env: e, clock: ck, queue: q}
}

// page fetches a public path with the given request headers.
func (e *pubEnv) page(path string, headers ...string) (int, http.Header, string) {
	e.t.Helper()
	req, _ := http.NewRequest("GET", e.srv.URL+path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(b)
}

// statementFixture creates an incident with a public timeline and an
// approved public statement (the default templates, en and ja only).
func (e *pubEnv) statementFixture(kind candor.DisclosureKind) (incidentID string, d candor.Disclosure) {
	e.t.Helper()
	r := e.do("POST", "/api/v1/incidents", candor.RoleComms, seedIncident)
	if r.Status != 201 {
		e.t.Fatalf("incident: %d %s", r.Status, r.Raw)
	}
	incidentID = r.Body["id"].(string)
	for _, ev := range []map[string]any{
		{"occurred_on": "2020-06-11", "description": "Identified unauthorized access from an overseas office in Thailand", "public": true},
		{"occurred_on": "2020-06-12", "description": "Internal: forensic vendor engaged", "public": false},
		{"occurred_on": "2020-07-08", "description": "Confirmed suspicious access from the United States office", "public": true},
	} {
		if r := e.do("POST", "/api/v1/incidents/"+incidentID+"/events", candor.RoleComms, ev); r.Status != 201 {
			e.t.Fatalf("event: %d %s", r.Status, r.Raw)
		}
	}
	d = e.approve(incidentID, "", kind, nil)
	return incidentID, d
}

// approve creates (id == "") or edits a disclosure and has it approved:
// comms writes and submits, legal approves (four eyes).
func (e *pubEnv) approve(incidentID, id string, kind candor.DisclosureKind, variants map[string]candor.Variant) candor.Disclosure {
	e.t.Helper()
	comms, legal := testenv.Actor(candor.RoleComms), testenv.Actor(candor.RoleLegal)
	var d candor.Disclosure
	var err error
	if id == "" {
		d, err = e.db.CreateDisclosure(comms, incidentID, kind, candor.DisclosureContent{}, true)
		if err == nil && kind == candor.KindPublicStatement {
			c := d.DisclosureContent.Clone()
			c.Variants = map[string]candor.Variant{"en": c.Variants["en"], "ja": c.Variants["ja"]}
			d, err = e.db.EditDisclosure(comms, d.ID, c, d.Revision)
		}
	} else {
		d, err = e.db.GetDisclosure(context.Background(), id)
		if err == nil {
			c := d.DisclosureContent.Clone()
			c.Variants = variants
			d, err = e.db.EditDisclosure(comms, id, c, d.Revision)
		}
	}
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.db.SubmitDisclosure(comms, d.ID, d.Revision); err != nil {
		e.t.Fatal(err)
	}
	if d, err = e.db.ApproveDisclosure(legal, d.ID, d.Revision); err != nil {
		e.t.Fatal(err)
	}
	return d
}

func (e *pubEnv) publish(disclosureID string, body any) response {
	e.t.Helper()
	return e.do("POST", "/api/v1/disclosures/"+disclosureID+"/publications", candor.RoleLegal, body)
}

func TestPublicStatementLifecycle(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e := newPubEnv(t, d)
			incidentID, disc := e.statementFixture(candor.KindPublicStatement)
			at := e.clock.Now().Add(time.Hour).Truncate(time.Second)
			r := e.publish(disc.ID, map[string]any{"slug": "kawasaki-2020", "publish_at": at})
			if r.Status != 201 || r.Body["state"] != "scheduled" || r.Body["url"] != e.srv.URL+"/statements/kawasaki-2020" {
				t.Fatalf("schedule: %d %s", r.Status, r.Raw)
			}
			id := r.Body["id"].(string)
			if len(e.queue.scheduled) != 1 || e.queue.scheduled[0] != id {
				t.Errorf("queue: %v", e.queue.scheduled)
			}

			// Embargo: the slug answers exactly as an unknown one does.
			for _, accept := range []string{"text/html", "application/json"} {
				s1, h1, b1 := e.page("/statements/kawasaki-2020", "Accept", accept)
				s2, h2, b2 := e.page("/statements/never-used", "Accept", accept)
				b1 = strings.ReplaceAll(b1, "kawasaki-2020", "never-used")
				if s1 != 404 || s2 != 404 || stripRequestID(b1) != stripRequestID(b2) || h1.Get("Content-Type") != h2.Get("Content-Type") ||
					h1.Get("Cache-Control") != "no-store" {
					t.Errorf("embargoed %s: %d %q vs unknown %d %q", accept, s1, b1, s2, b2)
				}
			}
			if res, err := http.Head(e.srv.URL + "/statements/kawasaki-2020"); err != nil || res.StatusCode != 404 {
				t.Errorf("HEAD under embargo: %v %v", res, err)
			}
			for _, p := range []string{"/statements", "/statements/feed.atom", "/statements/kawasaki-2020/v/1"} {
				if _, _, body := e.page(p); strings.Contains(body, "Kawasaki Heavy Industries has identified") || strings.Contains(body, "/statements/kawasaki-2020\"") {
					t.Errorf("%s shows the embargoed statement:\n%s", p, body)
				}
			}

			// At publish_at it is public, whether or not the worker ran.
			e.clock.Set(at)
			status, h, body := e.page("/statements/kawasaki-2020")
			if status != 200 || !strings.Contains(body, `<html lang="en"`) || !strings.Contains(body, "Kawasaki Heavy Industries has identified") ||
				strings.Contains(body, "forensic vendor") || !strings.HasPrefix(h.Get("Content-Security-Policy"), "default-src 'none'") ||
				h.Get("Content-Language") != "en" {
				t.Fatalf("published: %d %v\n%s", status, h, body)
			}
			if _, h, body := e.page("/statements/kawasaki-2020?lang=ja"); !strings.Contains(body, `<html lang="ja"`) || h.Get("Content-Language") != "ja" ||
				!strings.Contains(body, "2020年6月11日") {
				t.Errorf("?lang=ja:\n%s", body)
			}
			if _, _, body := e.page("/statements/kawasaki-2020", "Accept-Language", "ja-JP,ja;q=0.9,en;q=0.8"); !strings.Contains(body, `<html lang="ja"`) {
				t.Errorf("Accept-Language ja: %s", body[:200])
			}
			if _, _, body := e.page("/statements/kawasaki-2020?lang=de", "Accept-Language", "fr"); !strings.Contains(body, `<html lang="en"`) {
				t.Errorf("fallback to default: %s", body[:200])
			}
			_, jh, js := e.page("/statements/kawasaki-2020?lang=ja", "Accept", "application/json")
			var doc struct {
				Lang, Title, HTML, State string
				Events                   []map[string]any
			}
			if err := json.Unmarshal([]byte(js), &doc); err != nil || doc.Lang != "ja" || doc.State != "published" ||
				!strings.Contains(doc.HTML, "2020年6月11日") || len(doc.Events) != 2 || !strings.HasPrefix(jh.Get("Content-Type"), "application/json") {
				t.Errorf("JSON: %v %s", err, js)
			}
			if _, _, idx := e.page("/statements"); !strings.Contains(idx, "/statements/kawasaki-2020?lang=en") {
				t.Errorf("index lacks the statement:\n%s", idx)
			}
			if _, fh, feed := e.page("/statements/feed.atom"); !strings.Contains(feed, "<id>"+e.srv.URL+"/statements/kawasaki-2020</id>") ||
				!strings.HasPrefix(fh.Get("Content-Type"), "application/atom+xml") {
				t.Errorf("feed:\n%s", feed)
			}

			// Revalidation.
			etag, lm := h.Get("ETag"), h.Get("Last-Modified")
			if etag == "" || lm == "" {
				t.Fatalf("validators: %v", h)
			}
			if s, _, _ := e.page("/statements/kawasaki-2020", "If-None-Match", etag); s != 304 {
				t.Errorf("If-None-Match: %d", s)
			}
			if s, _, _ := e.page("/statements/kawasaki-2020", "If-Modified-Since", lm); s != 304 {
				t.Errorf("If-Modified-Since: %d", s)
			}
			if s, _, _ := e.page("/statements/kawasaki-2020?lang=ja", "If-None-Match", etag); s != 200 {
				t.Errorf("another language revalidated as the same: %d", s)
			}
			if res, err := http.Head(e.srv.URL + "/statements/kawasaki-2020"); err != nil || res.StatusCode != 200 || res.Header.Get("ETag") != etag {
				t.Errorf("HEAD: %v %v", res, err)
			}
			if r := e.do("GET", "/api/v1/publications/"+id, candor.RoleViewer, nil); r.Status != 200 || r.Body["state"] != "published" ||
				r.Body["published_at"] == nil {
				t.Errorf("get: %d %s", r.Status, r.Raw)
			}

			// An update: a new approved revision at the same slug.
			e.clock.Add(24 * time.Hour)
			disc = e.approve(incidentID, disc.ID, "", map[string]candor.Variant{
				"en": {Subject: "Update on the unauthorized access", Body: "<p>All connections were restored on 30 November.</p>"},
				"ja": {Subject: "不正アクセスに関する続報", Body: "<p>11月30日に全ての接続を復旧しました。</p>"},
			})
			if r := e.publish(disc.ID, map[string]any{"slug": "kawasaki-2020"}); r.Status != 201 || r.Body["state"] != "published" {
				t.Fatalf("update: %d %s", r.Status, r.Raw)
			}
			_, h2, body := e.page("/statements/kawasaki-2020")
			if !strings.Contains(body, "All connections were restored") || !strings.Contains(body, "Earlier versions") ||
				!strings.Contains(body, `/statements/kawasaki-2020/v/1?lang=en">Version 1</a>`) || !strings.Contains(body, "Last updated") ||
				!strings.Contains(body, "Confirmed suspicious access from the United States office") {
				t.Errorf("updated page:\n%s", body)
			}
			if s, _, _ := e.page("/statements/kawasaki-2020", "If-None-Match", etag); s != 200 || h2.Get("ETag") == etag {
				t.Errorf("old ETag still matches after an update: %d", s)
			}
			if _, _, v1 := e.page("/statements/kawasaki-2020/v/1?lang=ja"); !strings.Contains(v1, "これは") || !strings.Contains(v1, "2020年6月11日") {
				t.Errorf("version 1:\n%s", v1)
			}
			for _, p := range []string{"/statements/kawasaki-2020/v/3", "/statements/kawasaki-2020/v/0", "/statements/kawasaki-2020/v/01", "/statements/kawasaki-2020/v/x"} {
				if s, _, _ := e.page(p); s != 404 {
					t.Errorf("%s: %d", p, s)
				}
			}

			// Retract the update, then the first version: the page says so.
			r = e.do("GET", "/api/v1/audit?incident="+incidentID, candor.RoleLegal, nil)
			var upd string
			for _, it := range r.Body["items"].([]any) {
				m := it.(map[string]any)
				if m["action"] == "publication.scheduled" && upd == "" {
					upd = m["resource_id"].(string)
				}
			}
			for _, pid := range []string{upd, id} {
				if r := e.do("DELETE", "/api/v1/publications/"+pid, candor.RoleLegal, nil); r.Status != 200 || r.Body["state"] != "retracted" {
					t.Fatalf("retract %s: %d %s", pid, r.Status, r.Raw)
				}
			}
			if r := e.do("DELETE", "/api/v1/publications/"+id, candor.RoleLegal, nil); r.Status != 409 || r.ContentType != api.ProblemContentType {
				t.Errorf("retract twice: %d %s", r.Status, r.Raw)
			}
			_, _, body = e.page("/statements/kawasaki-2020")
			if !strings.Contains(body, "Statement withdrawn") || !strings.Contains(body, "was withdrawn on") || strings.Contains(body, "All connections") {
				t.Errorf("withdrawn page:\n%s", body)
			}
			if len(e.queue.retracted) != 2 {
				t.Errorf("retraction webhooks: %v", e.queue.retracted)
			}
			var actions []string
			r = e.do("GET", "/api/v1/audit?incident="+incidentID, candor.RoleLegal, nil)
			for _, it := range r.Body["items"].([]any) {
				if m := it.(map[string]any); m["resource"] == "publication" {
					actions = append(actions, m["action"].(string))
				}
			}
			if strings.Join(actions, ",") != "publication.retracted,publication.retracted,publication.scheduled,publication.scheduled" {
				t.Errorf("audit: %v", actions)
			}
		})
	}
}

var requestIDMember = regexp.MustCompile(`"request_id":"[0-9a-f]+"`)

func stripRequestID(s string) string { return requestIDMember.ReplaceAllString(s, "") }

func TestPublicationBadInput(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e := newPubEnv(t, d)
			incidentID, disc := e.statementFixture(candor.KindPublicStatement)
			_, other := e.statementFixture(candor.KindPublicStatement)
			if r := e.publish(other.ID, map[string]any{"slug": "taken"}); r.Status != 201 {
				t.Fatalf("other incident: %d %s", r.Status, r.Raw)
			}
			notice := e.approve(incidentID, "", candor.KindCustomerNotice, nil)
			comms := testenv.Actor(candor.RoleComms)
			draft, err := e.db.CreateDisclosure(comms, incidentID, candor.KindPublicStatement, candor.DisclosureContent{}, true)
			if err != nil {
				t.Fatal(err)
			}
			audit := e.auditCount()
			tests := []struct {
				name, disclosure string
				body             any
				status           int
				field            string
			}{
				{"slash", disc.ID, map[string]any{"slug": "a/b"}, 422, "slug"},
				{"dot dot", disc.ID, map[string]any{"slug": ".."}, 422, "slug"},
				{"traversal", disc.ID, map[string]any{"slug": "../../etc/passwd"}, 422, "slug"},
				{"spaces", disc.ID, map[string]any{"slug": "kawasaki 2020"}, 422, "slug"},
				{"101 characters", disc.ID, map[string]any{"slug": strings.Repeat("k", 101)}, 422, "slug"},
				{"upper case", disc.ID, map[string]any{"slug": "Kawasaki"}, 422, "slug"},
				{"no slug", disc.ID, map[string]any{}, 422, "slug"},
				{"slug not a string", disc.ID, `{"slug": 7}`, 422, "slug"},
				{"bad publish_at", disc.ID, `{"slug": "x", "publish_at": "tomorrow"}`, 422, "publish_at"},
				{"unknown field", disc.ID, `{"slug": "x", "lang": "en"}`, 422, "lang"},
				{"not JSON", disc.ID, `{"slug":`, 400, ""},
				{"another incident's slug", disc.ID, map[string]any{"slug": "taken"}, 409, "slug"},
				{"unapproved", draft.ID, map[string]any{"slug": "draft"}, 409, ""},
				{"customer notice", notice.ID, map[string]any{"slug": "notice"}, 422, "disclosure"},
				{"unknown disclosure", "01a2000a-0000-7000-8000-000000000000", map[string]any{"slug": "x"}, 404, ""},
				{"malformed disclosure id", "not-an-id", map[string]any{"slug": "x"}, 404, ""},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					r := e.do("POST", "/api/v1/disclosures/"+tt.disclosure+"/publications", candor.RoleLegal, tt.body)
					if r.Status != tt.status || r.ContentType != api.ProblemContentType || r.Body["detail"] == "" {
						t.Fatalf("%d %s, want %d problem", r.Status, r.Raw, tt.status)
					}
					if tt.field != "" {
						errs, _ := r.Body["errors"].([]any)
						if len(errs) == 0 || errs[0].(map[string]any)["field"] != tt.field {
							t.Errorf("errors %v, want field %s", errs, tt.field)
						}
					}
				})
			}
			if n := e.auditCount(); n != audit {
				t.Errorf("refused requests wrote %d audit entries", n-audit)
			}
			if r := e.do("POST", "/api/v1/disclosures/"+disc.ID+"/publications", candor.RoleComms, map[string]any{"slug": "comms"}); r.Status != 403 {
				t.Errorf("comms may not publish: %d", r.Status)
			}

			// publish_at in the past means now: public at once.
			past := e.clock.Now().Add(-72 * time.Hour)
			r := e.publish(disc.ID, map[string]any{"slug": "past", "publish_at": past})
			if r.Status != 201 || r.Body["state"] != "published" {
				t.Fatalf("past: %d %s", r.Status, r.Raw)
			}
			if got, _ := time.Parse(time.RFC3339Nano, r.Body["publish_at"].(string)); got.Before(e.clock.Now().Add(-time.Second)) {
				t.Errorf("publish_at %v kept in the past", got)
			}
			if s, _, _ := e.page("/statements/past"); s != 200 {
				t.Errorf("past publish_at not public: %d", s)
			}
			if r := e.publish(disc.ID, map[string]any{"slug": "past"}); r.Status != 409 {
				t.Errorf("same revision twice at one slug: %d %s", r.Status, r.Raw)
			}

			// DELETE of a scheduled one cancels it: never public.
			r = e.publish(disc.ID, map[string]any{"slug": "later", "publish_at": e.clock.Now().Add(time.Hour)})
			if r.Status != 201 {
				t.Fatal(r.Status)
			}
			later := r.Body["id"].(string)
			if r := e.do("DELETE", "/api/v1/publications/"+later, candor.RoleLegal, nil); r.Status != 200 || r.Body["state"] != "cancelled" {
				t.Fatalf("cancel: %d %s", r.Status, r.Raw)
			}
			if r := e.do("DELETE", "/api/v1/publications/"+later, candor.RoleLegal, nil); r.Status != 409 {
				t.Errorf("cancel twice: %d", r.Status)
			}
			e.clock.Add(2 * time.Hour)
			if s, _, _ := e.page("/statements/later"); s != 404 {
				t.Errorf("cancelled publication is public: %d", s)
			}
			if r := e.do("DELETE", "/api/v1/publications/01a2000a-0000-7000-8000-000000000000", candor.RoleLegal, nil); r.Status != 404 {
				t.Errorf("unknown publication: %d", r.Status)
			}
			for _, p := range []string{"/statements/a..b", "/statements/%2e%2e", "/statements/UPPER", "/statements/" + strings.Repeat("a", 101)} {
				if s, _, _ := e.page(p); s != 404 {
					t.Errorf("%s: %d", p, s)
				}
			}
		})
	}
}
