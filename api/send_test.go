package api_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/internal/testenv"
)

const bounceSecret = "whsec-test-secret"

func TestSendsAPI(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e := newEnv(t, d)
			id := e.incident()
			testenv.ImportCSV(t, e.db, id, "external_id,email,country\nc1,a@example.com,JP\nc2,b@example.com,US\n")
			notice := testenv.ApprovedDisclosure(t, e.db, id, candor.KindCustomerNotice, nil)
			draft, _ := e.db.CreateDisclosure(testenv.Actor(candor.RoleComms), id, candor.KindCustomerNotice, candor.DisclosureContent{Title: "x"}, true)
			statement := testenv.ApprovedDisclosure(t, e.db, id, candor.KindPublicStatement, nil)
			tests := []struct {
				name, disclosure, body string
				role                   candor.Role
				want                   int
			}{
				{"comms cannot send", notice.ID, `{}`, candor.RoleComms, 403},
				{"draft", draft.ID, `{}`, candor.RoleLegal, 409},
				{"public statement", statement.ID, `{}`, candor.RoleLegal, 409},
				{"unknown disclosure", "01a2000a-0000-7000-8000-000000000000", `{}`, candor.RoleLegal, 404},
				{"bad country", notice.ID, `{"filter":{"countries":["XX"]}}`, candor.RoleLegal, 422},
				{"bad send_at", notice.ID, `{"send_at":"tomorrow"}`, candor.RoleLegal, 422},
				{"unknown field", notice.ID, `{"when":"now"}`, candor.RoleLegal, 422},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					if r := e.do("POST", "/api/v1/disclosures/"+tt.disclosure+"/sends", tt.role, tt.body); r.Status != tt.want {
						t.Fatalf("%d %s", r.Status, r.Raw)
					}
				})
			}
			later := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
			r := e.do("POST", "/api/v1/disclosures/"+notice.ID+"/sends", candor.RoleLegal,
				`{"send_at":"`+later+`","filter":{"countries":["jp"]}}`)
			if r.Status != 201 || r.Body["state"] != "scheduled" || r.Body["send_at"] != later {
				t.Fatalf("create: %d %s", r.Status, r.Raw)
			}
			sid := r.Body["id"].(string)
			if r := e.do("GET", "/api/v1/sends/"+sid, candor.RoleViewer, nil); r.Status != 200 || r.Body["revision"] != 1.0 {
				t.Fatalf("get: %d %s", r.Status, r.Raw)
			}
			for _, step := range []struct {
				action string
				want   int
				state  string
			}{{"pause", 200, "paused"}, {"pause", 409, ""}, {"resume", 200, "scheduled"}, {"cancel", 200, "cancelled"}, {"resume", 409, ""}} {
				r := e.do("POST", "/api/v1/sends/"+sid+"/"+step.action, candor.RoleLegal, nil)
				if r.Status != step.want || (step.state != "" && r.Body["state"] != step.state) {
					t.Fatalf("%s: %d %s", step.action, r.Status, r.Raw)
				}
			}
			if r := e.do("GET", "/api/v1/sends/"+sid+"/deliveries", candor.RoleViewer, nil); r.Status != 200 {
				t.Fatalf("deliveries: %d %s", r.Status, r.Raw)
			}
			if r := e.do("GET", "/api/v1/sends/01a2000a-0000-7000-8000-000000000000", candor.RoleViewer, nil); r.Status != 404 {
				t.Fatalf("unknown send: %d", r.Status)
			}
		})
	}
}

func signBounce(ts, body string) string {
	mac := hmac.New(sha256.New, []byte(bounceSecret))
	mac.Write([]byte(ts + "." + body))
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

func TestBounceWebhook(t *testing.T) {
	e := newEnv(t, testenv.SQLite(t))
	id := e.incident()
	testenv.ImportCSV(t, e.db, id, "external_id,email\nc1,a@example.com\n")
	notice := testenv.ApprovedDisclosure(t, e.db, id, candor.KindCustomerNotice, nil)
	r := e.do("POST", "/api/v1/disclosures/"+notice.ID+"/sends", candor.RoleLegal, `{}`)
	sid := r.Body["id"].(string)
	if _, err := e.db.Dispatch(testenv.Actor(candor.RoleAdmin), sid, "", "notify.example.com"); err != nil {
		t.Fatal(err)
	}
	page, _ := e.db.ListDeliveries(testenv.Actor(candor.RoleViewer), sid, "", "", 10)
	msgID := page.Items[0].MessageID
	now := fmt.Sprint(time.Now().Unix())
	stale := fmt.Sprint(time.Now().Add(-10 * time.Minute).Unix())
	good := `{"message_id":"` + strings.Trim(msgID, "<>") + `","type":"hard"}`
	tests := []struct {
		name, body, ts, sig string
		want                int
	}{
		{"no signature", good, now, "", 401},
		{"wrong signature", good, now, signBounce(now, good+" "), 401},
		{"stale timestamp", good, stale, signBounce(stale, good), 401},
		{"bad type", `{"message_id":"x","type":"maybe"}`, now, signBounce(now, `{"message_id":"x","type":"maybe"}`), 422},
		{"unknown message", `[{"message_id":"<nope@x>","type":"soft"}]`, now, signBounce(now, `[{"message_id":"<nope@x>","type":"soft"}]`), 200},
		{"bounce", good, now, signBounce(now, good), 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/webhooks/bounces", strings.NewReader(tt.body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Candor-Timestamp", tt.ts)
			if tt.sig != "" {
				req.Header.Set("X-Candor-Signature", tt.sig)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tt.want {
				t.Fatalf("%d %s", res.StatusCode, b)
			}
		})
	}
	page, _ = e.db.ListDeliveries(testenv.Actor(candor.RoleViewer), sid, "", "", 10)
	if page.Items[0].Status != candor.DeliveryBounced {
		t.Fatalf("delivery after bounce: %+v", page.Items[0])
	}
	p, _ := e.db.ListCustomers(testenv.Actor(candor.RoleViewer), candor.CustomerFilter{IncidentID: id, Status: "bounced"})
	if len(p.Items) != 1 {
		t.Fatalf("customer status not bounced")
	}
}
