package api_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/api"
	"github.com/candor-dev/candor/compose"
	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/roster"
	"github.com/candor-dev/candor/store"
)

// checkEnv is pubEnv with the rate limits on (Redis).
func newCheckEnv(t *testing.T, d testenv.DB) *pubEnv {
	t.Helper()
	_, rc := redisClient(t)
	e := newEnv(t, d)
	ck := &clock{t: time.Now().UTC()}
	q := &queue{}
	srv := httptest.NewUnstartedServer(nil)
	s := api.New(api.Config{MaxBodyBytes: 64 << 10, Logger: quiet, BaseURL: "http://" + srv.Listener.Addr().String(),
		Org: compose.Org("Kawasaki Heavy Industries", "privacy@example.com", "", ""), Redis: rc,
		Rates:  api.RateLimits{Public: 1000},
		Public: api.Public{Location: time.FixedZone("JST", 9*3600), Queue: q, Now: ck.Now}}, e.db)
	srv.Config.Handler = s
	srv.Start()
	t.Cleanup(srv.Close)
	e.srv, e.api = srv, s
	return &pubEnv{env: e, clock: ck, queue: q}
}

// sentReference sends the incident's notice to its one customer (the
// store's steps, as a worker takes them) and returns the delivery's
// reference.
func sentReference(t *testing.T, db *store.DB, incidentID, disclosureID string, sentAt time.Time) string {
	t.Helper()
	ctx := testenv.Actor(candor.RoleLegal)
	s, err := db.CreateSend(ctx, store.NewSend{DisclosureID: disclosureID, IncidentID: incidentID, Kind: "customer_notice", Revision: 1, SendAt: sentAt})
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := db.Dispatch(ctx, s.ID, "", "n.example.com"); !ok || err != nil {
		t.Fatalf("dispatch: %v %v", ok, err)
	}
	chunks, _ := db.Chunks(ctx, s.ID, 10)
	claimed, err := db.Claim(ctx, s.ID, chunks[0][0], chunks[0][1], store.Claimant{})
	if err != nil || len(claimed) != 1 {
		t.Fatalf("claim: %v %v", claimed, err)
	}
	if err := db.Record(ctx, []store.Outcome{{ID: claimed[0].ID, SendID: s.ID, CustomerID: claimed[0].CustomerID.String, Status: candor.DeliverySent}}); err != nil {
		t.Fatal(err)
	}
	return claimed[0].Reference
}

// requestID is the part of a problem that differs per request.
var requestID = regexp.MustCompile(`"request_id":"[^"]*"`)

func TestNoticeCheck(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e := newCheckEnv(t, d)
			incidentID, statement := e.statementFixture(candor.KindPublicStatement)
			rd, _ := roster.NewReader("text/csv", strings.NewReader("external_id,name,email,country,locale\nc1,Hana Sato,hana@example.com,JP,ja\n"), roster.Options{})
			if _, err := e.db.ImportCustomers(testenv.Actor(candor.RoleComms), incidentID, rd, nil); err != nil {
				t.Fatal(err)
			}
			notice := e.approve(incidentID, "", candor.KindCustomerNotice, nil)
			ref := sentReference(t, e.db, incidentID, notice.ID, time.Now())
			guessed := candor.NewReference()
			check := func(ref string, headers ...string) (int, string) {
				t.Helper()
				status, _, body := e.page("/notices/check?ref="+url.QueryEscape(ref), headers...)
				return status, requestID.ReplaceAllString(body, "")
			}

			// Before the statement is out, a real reference is as unknown
			// as a guessed one, byte for byte.
			s1, real := check(ref, "Accept", "application/json")
			s2, guess := check(guessed, "Accept", "application/json")
			if s1 != 404 || real != guess || !strings.Contains(real, "unknown reference") {
				t.Fatalf("before the statement: %d %s / %d %s", s1, real, s2, guess)
			}
			_, realHTML := check(ref, "Accept-Language", "ja")
			_, guessHTML := check(guessed, "Accept-Language", "ja")
			if strings.ReplaceAll(realHTML, ref, guessed) != guessHTML {
				t.Fatalf("the pages for a real and a guessed reference differ before the statement")
			}

			if r := e.publish(statement.ID, map[string]any{"slug": "kawasaki-2020", "publish_at": e.clock.Now().Add(-time.Minute)}); r.Status != 201 {
				t.Fatalf("publish: %d %s", r.Status, r.Raw)
			}
			// Typed as a reader types it: lower case, no dashes.
			status, body := check(strings.ToLower(strings.ReplaceAll(ref, "-", "")), "Accept", "application/json")
			if status != 200 || !strings.Contains(body, `"genuine":true`) || !strings.Contains(body, `"channel":"email"`) ||
				!strings.Contains(body, "+09:00") || !strings.Contains(body, "/statements/kawasaki-2020") ||
				strings.Contains(body, "hana") || strings.Contains(body, "Sato") {
				t.Fatalf("genuine: %d %s", status, body)
			}
			if s, b := check(guessed, "Accept", "application/json"); s != 404 || b != guess {
				t.Fatalf("guessed after the statement: %d %s", s, b)
			}
			for lang, want := range map[string]string{"en": "This notice is genuine.", "ja": "正規の通知です", "th": "หนังสือแจ้งฉบับนี้ออกโดยบริษัทฯ จริง"} {
				s, page := check(ref, "Accept-Language", lang)
				if s != 200 || !strings.Contains(page, want) || !strings.Contains(page, `lang="`+lang+`"`) {
					t.Errorf("%s page: %d, want %q in\n%s", lang, s, want, page)
				}
				s, page = check(guessed, "Accept-Language", lang)
				if s != 404 || strings.Contains(page, "genuine") || strings.Contains(page, want) {
					t.Errorf("%s page of a guessed reference: %d", lang, s)
				}
			}

			// Was I affected? Yes or no, nothing more.
			for email, want := range map[string]string{"Hana@Example.com": `"affected":true`, "other@example.com": `"affected":false`} {
				r := e.do("POST", "/notices/check", "", map[string]string{"ref": ref, "email": email})
				if r.Status != 200 || !strings.Contains(string(r.Raw), want) || strings.Contains(string(r.Raw), "hana@") {
					t.Errorf("%s: %d %s", email, r.Status, r.Raw)
				}
			}
			form := url.Values{"ref": {ref}, "email": {"hana@example.com"}}
			req, _ := http.NewRequest("POST", e.srv.URL+"/notices/check?lang=th", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			page, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != 200 || !strings.Contains(string(page), "ท่านเป็นผู้ได้รับผลกระทบ") || !strings.Contains(res.Header.Get("Content-Security-Policy"), "form-action 'self'") {
				t.Errorf("form: %d %s", res.StatusCode, page)
			}

			// Malformed references get ParseReference's message.
			for bad, want := range map[string]string{"K7QM0-XR2TD-9HWPA": `contains \"0\"`, "K7QM4-XR2TD": "15 characters", "K7QM4-XR2TD-9HWP!": "may hold only"} {
				if s, b := check(bad, "Accept", "application/json"); s != 422 || !strings.Contains(b, want) || !strings.Contains(b, `"ref"`) {
					t.Errorf("%s: %d %s", bad, s, b)
				}
				s, page := check(bad, "Accept-Language", "en")
				if s != 422 || !strings.Contains(page, "role=\"alert\"") {
					t.Errorf("%s page: %d", bad, s)
				}
			}

			// The statement page links the lookup.
			if _, _, page := e.page("/statements/kawasaki-2020?lang=ja"); !strings.Contains(page, "/notices/check?lang=ja") {
				t.Errorf("the statement does not link the lookup page")
			}

			// One reference answers checkPerReference (30) lookups a minute.
			limited := false
			for range 40 {
				if s, _ := check(guessed, "Accept", "application/json"); s == 429 {
					limited = true
					break
				}
			}
			if !limited {
				t.Errorf("a reference checked 40 times in a row was never refused")
			}
		})
	}
}
