package api_test

import (
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/internal/testenv"
)

func (e *env) upload(path, contentType, body string, role candor.Role) response {
	e.t.Helper()
	req, _ := http.NewRequest("POST", e.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Authorization", "Bearer "+e.tokens[role])
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	r := response{Status: res.StatusCode, ContentType: res.Header.Get("Content-Type"), Raw: raw}
	jsonUnmarshal(raw, &r.Body)
	return r
}

func (e *env) incident() string {
	r := e.do("POST", "/api/v1/incidents", candor.RoleComms, seedIncident)
	return r.Body["id"].(string)
}

func TestCustomersEndToEnd(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e := newEnv(t, d)
			id := e.incident()
			path := "/api/v1/incidents/" + id + "/customers"
			csvBody := "email,name,country,locale,external_id\n" +
				"ann@example.com,\"=HYPERLINK(\"\"http://evil\"\")\",JP,ja,c1\n" +
				"bob@example.com,+Bob,US,en,c2\n" +
				",Postal Pat,TH,th,c3\n" +
				"bad@@example.com,X,JP,ja,c4\n"
			r := e.upload(path+"/import", "text/csv; charset=utf-8", csvBody, candor.RoleComms)
			if r.Status != 200 || r.Body["accepted"] != 3.0 || r.Body["rejected"] != 1.0 {
				t.Fatalf("import: %d %s", r.Status, r.Raw)
			}
			r = e.upload(path+"/import", "application/json",
				`[{"external_id":"c5","email":"Eve@Example.com","country":"ph","locale":"fil","data_categories":["name","email"]},{"external_id":"c6","email":5}]`, candor.RoleComms)
			if r.Status != 200 || r.Body["accepted"] != 1.0 || r.Body["rejected"] != 1.0 {
				t.Fatalf("json import: %d %s", r.Status, r.Raw)
			}
			r = e.do("GET", path+"?country=JP", candor.RoleViewer, nil)
			items := r.Body["items"].([]any)
			if r.Status != 200 || len(items) != 1 || items[0].(map[string]any)["email"] != "ann@example.com" {
				t.Fatalf("list JP: %d %s", r.Status, r.Raw)
			}
			cid := items[0].(map[string]any)["id"].(string)
			if r := e.do("PATCH", "/api/v1/customers/"+cid, candor.RoleComms, `{"locale":"en"}`); r.Status != 200 || r.Body["locale"] != "en" {
				t.Fatalf("patch: %d %s", r.Status, r.Raw)
			}
			if r := e.do("PATCH", "/api/v1/customers/"+cid, candor.RoleComms, `{"region":"US-CA"}`); r.Status != 422 {
				t.Fatalf("patch region of another country: %d %s", r.Status, r.Raw)
			}
			// Export: every customer, formula cells escaped.
			req, _ := http.NewRequest("GET", e.srv.URL+path+"/export.csv", nil)
			req.Header.Set("Authorization", "Bearer "+e.tokens[candor.RoleComms])
			res, err := http.DefaultClient.Do(req)
			if err != nil || res.StatusCode != 200 {
				t.Fatalf("export: %v %v", res, err)
			}
			recs, err := csv.NewReader(res.Body).ReadAll()
			res.Body.Close()
			if err != nil || len(recs) != 5 {
				t.Fatalf("export rows: %d %v", len(recs), err)
			}
			all := fmt.Sprint(recs)
			if !strings.Contains(all, `'=HYPERLINK`) || !strings.Contains(all, "'+Bob") || strings.Contains(all, " =HYPERLINK") {
				t.Errorf("formula cells not escaped: %s", all)
			}
			if r := e.do("DELETE", "/api/v1/customers/"+cid, candor.RoleComms, nil); r.Status != 403 {
				t.Fatalf("comms erasing: %d", r.Status)
			}
			if r := e.do("DELETE", "/api/v1/customers/"+cid, candor.RoleLegal, nil); r.Status != 200 || r.Body["email"] != "" || r.Body["erased_at"] == nil {
				t.Fatalf("erase: %d %s", r.Status, r.Raw)
			}
			if r := e.do("DELETE", "/api/v1/customers/"+cid, candor.RoleLegal, nil); r.Status != 409 {
				t.Fatalf("erase twice: %d", r.Status)
			}
		})
	}
}

func TestImportBadInput(t *testing.T) {
	e := newEnv(t, testenv.SQLite(t))
	id := e.incident()
	path := "/api/v1/incidents/" + id + "/customers/import"
	var many strings.Builder
	many.WriteString("external_id,email\n")
	for i := range 2500 {
		fmt.Fprintf(&many, "x%d,p%d@example.com\n", i, i)
	}
	many.WriteString("x9999,\xff\xfe@example.com\n")
	tests := []struct {
		name, ct, body string
		want           int
	}{
		{"not CSV", "text/csv", "\x00\x01\x02binary", 400},
		{"missing email column", "text/csv", "name,country\nAnn,JP\n", 400},
		{"duplicate headers", "text/csv", "email,email\na@example.com,b@example.com\n", 400},
		{"wrong media type", "application/xml", "<x/>", 415},
		{"JSON not an array", "application/json", `{"email":"a@example.com"}`, 400},
		{"unknown incident", "text/csv", "email\na@example.com\n", 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := path
			if tt.want == 404 {
				p = "/api/v1/incidents/01a2000a-0000-7000-8000-000000000000/customers/import"
			}
			r := e.upload(p, tt.ct, tt.body, candor.RoleComms)
			if r.Status != tt.want || r.ContentType != "application/problem+json" {
				t.Fatalf("%d %s %s", r.Status, r.ContentType, r.Raw)
			}
		})
	}
	if n := e.rowCount("customers"); n != 0 {
		t.Fatalf("refused imports stored %d customers", n)
	}
	// Invalid UTF-8 at line 2502 stops the request: the rows read before it
	// landed (two full batches and the last partial one, each atomic), and
	// the problem says so.
	r := e.upload(path, "text/csv", many.String(), candor.RoleComms)
	if r.Status != 400 || r.Body["landed"] == nil {
		t.Fatalf("invalid UTF-8 late in the file: %d %s", r.Status, r.Raw)
	}
	landed := r.Body["landed"].(map[string]any)["accepted"].(float64)
	if got := e.rowCount("customers"); float64(got) != landed || landed != 2500 || r.Body["landed_through_line"] != 2501.0 {
		t.Fatalf("stored %d customers, problem says %v landed", got, landed)
	}
}
