package api_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/api"
	"github.com/candor-dev/candor/internal/testenv"
	"github.com/redis/go-redis/v9"
)

// postBounce sends body signed at ts (or with sig when given).
func (e *env) postBounce(ts, body, sig string) (int, string) {
	e.t.Helper()
	if sig == "" {
		sig = signBounce(ts, body)
	}
	req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/webhooks/bounces", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Candor-Timestamp", ts)
	req.Header.Set("X-Candor-Signature", sig)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// bounceSetup dispatches a send to two customers and returns their
// message ids (without angle brackets) and the send's id.
func bounceSetup(t *testing.T, e *env) ([]string, string) {
	t.Helper()
	id := e.incident()
	testenv.ImportCSV(t, e.db, id, "external_id,email\nc1,a@example.com\nc2,b@example.com\n")
	notice := testenv.ApprovedDisclosure(t, e.db, id, candor.KindCustomerNotice, nil)
	r := e.do("POST", "/api/v1/disclosures/"+notice.ID+"/sends", candor.RoleLegal, `{}`)
	sid := r.Body["id"].(string)
	if _, err := e.db.Dispatch(testenv.Actor(candor.RoleAdmin), sid, "", "notify.example.com"); err != nil {
		t.Fatal(err)
	}
	page, _ := e.db.ListDeliveries(testenv.Actor(candor.RoleViewer), sid, "", "", 10)
	var ids []string
	for _, d := range page.Items {
		ids = append(ids, strings.Trim(d.MessageID, "<>"))
	}
	return ids, sid
}

func (e *env) bounced(sid string) int {
	e.t.Helper()
	page, _ := e.db.ListDeliveries(testenv.Actor(candor.RoleViewer), sid, string(candor.DeliveryBounced), "", 10)
	return len(page.Items)
}

// TestBounceBatchAllOrNothing: one bad item refuses the whole batch, naming
// the item, and marks nobody.
func TestBounceBatchAllOrNothing(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e := newEnv(t, d)
			ids, sid := bounceSetup(t, e)
			now := fmt.Sprint(time.Now().Unix())
			for _, bad := range []string{`{"message_id":"` + ids[1] + `","type":"maybe"}`, `{"message_id":"a\u0000b","type":"hard"}`,
				`{"message_id":"","type":"hard"}`} {
				body := `[{"message_id":"` + ids[0] + `","type":"hard"},` + bad + `]`
				if s, b := e.postBounce(now, body, ""); s != 422 || !strings.Contains(b, `"[1]`) {
					t.Fatalf("%s: %d %s", bad, s, b)
				}
				if n := e.bounced(sid); n != 0 {
					t.Fatalf("%s: %d deliveries marked by a refused batch", bad, n)
				}
			}
			if s, b := e.postBounce(now, `[{"message_id":"`+ids[0]+`","type":"hard"},{"message_id":"`+ids[1]+`","type":"soft"}]`, ""); s != 200 {
				t.Fatalf("good batch: %d %s", s, b)
			}
			if n := e.bounced(sid); n != 2 {
				t.Fatalf("%d deliveries marked, want 2", n)
			}
		})
	}
}

// TestBounceReplay: a signed notification taken once is refused (409)
// within its window, by this process and by another sharing Redis; one that
// was refused for its content may come again.
func TestBounceReplay(t *testing.T) {
	t.Run("in process", func(t *testing.T) {
		e := newEnv(t, testenv.SQLite(t))
		ids, _ := bounceSetup(t, e)
		now := fmt.Sprint(time.Now().Unix())
		body := `{"message_id":"` + ids[0] + `","type":"hard"}`
		if s, b := e.postBounce(now, body, ""); s != 200 {
			t.Fatalf("first: %d %s", s, b)
		}
		if s, b := e.postBounce(now, body, ""); s != 409 {
			t.Fatalf("replay: %d %s", s, b)
		}
		bad := `{"message_id":"x","type":"maybe"}`
		for i := range 2 {
			if s, b := e.postBounce(now, bad, ""); s != 422 {
				t.Fatalf("refused %d: %d %s", i, s, b)
			}
		}
	})
	t.Run("shared through redis", func(t *testing.T) {
		r := testenv.StartRedis(t)
		rc := redis.NewClient(&redis.Options{Addr: r.Addr()})
		defer rc.Close()
		db := testenv.Open(t, testenv.SQLite(t))
		a := cfgEnv(t, db, api.Config{Redis: rc}, nil)
		b := cfgEnv(t, db, api.Config{Redis: rc}, a.tokens)
		ids, _ := bounceSetup(t, a)
		now := fmt.Sprint(time.Now().Unix())
		body := `{"message_id":"` + ids[0] + `","type":"hard"}`
		if s, out := a.postBounce(now, body, ""); s != 200 {
			t.Fatalf("first: %d %s", s, out)
		}
		if s, out := b.postBounce(now, body, ""); s != 409 {
			t.Fatalf("replay on another server: %d %s", s, out)
		}
		if ttl := rc.TTL(t.Context(), "candor:bounce:seen:"+signBounce(now, body)).Val(); ttl <= 10*time.Minute || ttl > 11*time.Minute {
			t.Fatalf("remembered for %s", ttl)
		}
	})
}
