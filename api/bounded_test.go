package api_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/internal/testenv"
)

// GET .../events is a page of at most ?limit= entries (default 50, at most
// 1000) with an opaque ?cursor=: at 10,000 events the bare list was 3.9 MB.
func TestEventsArePaged(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e := newEnv(t, d)
			id := e.incident()
			for i := range 60 {
				ev := map[string]any{"occurred_on": fmt.Sprintf("2020-06-%02d", 1+i%20), "description": fmt.Sprint("event ", i), "public": true}
				if r := e.do("POST", "/api/v1/incidents/"+id+"/events", candor.RoleComms, ev); r.Status != 201 {
					t.Fatalf("event: %d %s", r.Status, r.Raw)
				}
			}
			path := "/api/v1/incidents/" + id + "/events"
			r := e.do("GET", path, candor.RoleViewer, nil)
			first, _ := r.Body["items"].([]any)
			cursor, _ := r.Body["next_cursor"].(string)
			if r.Status != 200 || len(first) != 50 || cursor == "" {
				t.Fatalf("first page: %d, %d items, cursor %q", r.Status, len(first), cursor)
			}
			r = e.do("GET", path+"?limit=50&cursor="+url.QueryEscape(cursor), candor.RoleViewer, nil)
			rest, _ := r.Body["items"].([]any)
			if r.Status != 200 || len(rest) != 10 || r.Body["next_cursor"] != nil {
				t.Fatalf("second page: %d %s", r.Status, r.Raw)
			}
			last := first[49].(map[string]any)["occurred_on"].(string)
			if next := rest[0].(map[string]any)["occurred_on"].(string); next < last {
				t.Errorf("second page starts at %s, before the first page's end %s", next, last)
			}
			for _, tt := range []struct{ query, field string }{
				{"limit=1001", "limit"}, {"limit=0", "limit"}, {"limit=x", "limit"}, {"cursor=abcd", "cursor"},
			} {
				r := e.do("GET", path+"?"+tt.query, candor.RoleViewer, nil)
				if r.Status != 422 || !strings.Contains(string(r.Raw), `"field":"`+tt.field+`"`) {
					t.Errorf("?%s: %d %s", tt.query, r.Status, r.Raw)
				}
			}
		})
	}
}

// A customer search that outruns the query timeout is stopped and answers
// 503 saying so, never a 500, and the next search works. On PostgreSQL the
// search is made slow for real: another transaction holds the customers
// table, and statement_timeout (which counts the wait) stops it; SQLite's
// deadline is the context's.
func TestCustomerSearchTimesOut(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e := newEnv(t, d)
			r := e.do("POST", "/api/v1/incidents", candor.RoleComms, seedIncident)
			if r.Status != 201 {
				t.Fatalf("create: %d %s", r.Status, r.Raw)
			}
			path := "/api/v1/incidents/" + r.Body["id"].(string) + "/customers?q=rita%40example.com"
			if d.Name == "postgres" {
				e.db.SetQueryTimeout(200 * time.Millisecond)
				tx := e.db.Gorm().WithContext(context.Background()).Begin()
				if err := tx.Exec("LOCK TABLE customers IN ACCESS EXCLUSIVE MODE").Error; err != nil {
					t.Fatal(err)
				}
				start := time.Now()
				r = e.do("GET", path, candor.RoleViewer, nil)
				took := time.Since(start)
				tx.Rollback()
				if took > 10*time.Second {
					t.Errorf("the search took %s; the timeout is 200ms", took)
				}
			} else {
				e.db.SetQueryTimeout(time.Nanosecond)
				r = e.do("GET", path, candor.RoleViewer, nil)
			}
			if r.Status != 503 || r.ContentType != "application/problem+json" || !strings.Contains(r.Body["detail"].(string), "took longer than") {
				t.Fatalf("slow search: %d %s", r.Status, r.Raw)
			}
			e.db.SetQueryTimeout(5 * time.Second)
			if r := e.do("GET", path, candor.RoleViewer, nil); r.Status != 200 {
				t.Fatalf("search after the timeout: %d %s", r.Status, r.Raw)
			}
		})
	}
}
