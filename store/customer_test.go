package store_test

import (
	"strings"
	"testing"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/roster"
	"github.com/candor-dev/candor/store"
)

func importCSV(t testing.TB, db *store.DB, incidentID, csv string) (candor.ImportReport, error) {
	t.Helper()
	rd, err := roster.NewReader("text/csv", strings.NewReader(csv), roster.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return db.ImportCustomers(testenv.Actor(candor.RoleComms), incidentID, rd, nil)
}

func customerStores(t *testing.T) map[string]*store.DB {
	stores := testenv.Stores(t)
	for _, db := range stores {
		db.SetKeyring(testenv.Keyring(t))
	}
	return stores
}

const roster1 = "\ufeffExternal_ID,Email,Name,Country,Region,Locale,data_categories,extra,Postal_Address\r\n" +
	"c1,Ann@Example.COM,Ann Tanaka,jp,,ja,name;email,x,\r\n" +
	"c2,bob@example.com,Bob Smith,US,us-tx,en-us,email,x,\"1 Main St\nAustin TX\"\r\n" +
	"\r\n" +
	"c3,,Chai Postal,TH,,th,name,x,Bangkok\r\n" +
	"c4,a@b,Bad Email,JP,,ja,,x,\r\n" +
	",dup@example.com,No Id,PH,,fil,,x,\r\n" +
	"c6,eve@example.com,Eve,XX,,en,,x,\r\n" +
	"c7,zed@example.com,Zed,US,JP-13,en,,x,\r\n" +
	"c8,liz@example.com,Liz,US,,zz-ZZ-xyz,,x,\r\n"

func TestImportCustomers(t *testing.T) {
	for name, db := range customerStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := testenv.Actor(candor.RoleComms)
			in, _ := db.CreateIncident(ctx, newIncident("breach"))
			rep, err := importCSV(t, db, in.ID, roster1)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Accepted != 4 || rep.Rejected != 4 {
				t.Fatalf("report %+v", rep)
			}
			lines := map[int]string{}
			for _, e := range rep.Errors {
				lines[e.Line] += e.Field + " "
			}
			for line, field := range map[int]string{7: "email", 9: "country", 10: "region", 11: "locale"} {
				if !strings.Contains(lines[line], field) {
					t.Errorf("line %d: errors %q, want field %s (all: %+v)", line, lines[line], field, rep.Errors)
				}
			}
			// The same file again changes nothing.
			rep, err = importCSV(t, db, in.ID, roster1)
			if err != nil || rep.Accepted != 0 || rep.Unchanged != 4 || rep.Updated != 0 {
				t.Fatalf("re-import: %+v %v", rep, err)
			}
			// A changed row updates; a row without external_id dedupes by email.
			rep, err = importCSV(t, db, in.ID, "external_id,email,name,country,locale\nc1,ann@example.com,Ann T.,JP,ja\n,DUP@example.com,No Id Again,PH,fil\n")
			if err != nil || rep.Updated != 2 || rep.Accepted != 0 {
				t.Fatalf("update import: %+v %v", rep, err)
			}
			page, err := db.ListCustomers(ctx, candor.CustomerFilter{IncidentID: in.ID})
			if err != nil || len(page.Items) != 4 {
				t.Fatalf("list: %d %v", len(page.Items), err)
			}
			byExt := map[string]candor.Customer{}
			for _, c := range page.Items {
				byExt[c.ExternalID] = c
			}
			if c := byExt["c1"]; c.Email != "Ann@example.com" && c.Email != "ann@example.com" || c.Name != "Ann T." || c.Locale != "ja" {
				t.Errorf("c1 = %+v", c)
			}
			if c := byExt["c2"]; c.PostalAddress != "1 Main St\nAustin TX" || c.Region != "US-TX" || c.Locale != "en-US" {
				t.Errorf("c2 = %+v", c)
			}
			if c := byExt["c3"]; c.Channel != candor.ChannelPostal || c.Status != candor.CustomerPostal {
				t.Errorf("postal customer = %+v", c)
			}
			// Filters.
			for _, f := range []struct {
				filter candor.CustomerFilter
				want   int
			}{
				{candor.CustomerFilter{Country: "us"}, 1},
				{candor.CustomerFilter{Region: "US-TX"}, 1},
				{candor.CustomerFilter{Locale: "JA"}, 1},
				{candor.CustomerFilter{Status: "postal"}, 1},
				{candor.CustomerFilter{Q: "BOB@example.com"}, 1},
				{candor.CustomerFilter{Q: "c3"}, 1},
				{candor.CustomerFilter{Limit: 2}, 2},
			} {
				f.filter.IncidentID = in.ID
				p, err := db.ListCustomers(ctx, f.filter)
				if err != nil || len(p.Items) != f.want {
					t.Errorf("filter %+v: %d items, %v", f.filter, len(p.Items), err)
				}
			}
			if n, err := db.VerifyAudit(ctx); err != nil {
				t.Fatalf("audit after imports (%d): %v", n, err)
			}
		})
	}
}

// A database dump alone reveals no personal data.
func TestPersonalDataEncryptedAtRest(t *testing.T) {
	for name, db := range customerStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := testenv.Actor(candor.RoleComms)
			in, _ := db.CreateIncident(ctx, newIncident("breach"))
			if _, err := importCSV(t, db, in.ID, "external_id,name,email\nx1,Hanako Yamada,hanako.yamada@example.jp\n"); err != nil {
				t.Fatal(err)
			}
			var rows []map[string]any
			db.Gorm().Raw("SELECT * FROM customers").Scan(&rows)
			var audit []map[string]any
			db.Gorm().Raw("SELECT * FROM audit_log").Scan(&audit)
			dump := strings.ToLower(fmtAll(rows) + fmtAll(audit))
			for _, secret := range []string{"hanako", "yamada", "example.jp"} {
				if strings.Contains(dump, secret) {
					t.Errorf("%q readable in the database", secret)
				}
			}
		})
	}
}

func fmtAll(rows []map[string]any) string {
	var sb strings.Builder
	for _, r := range rows {
		for _, v := range r {
			switch x := v.(type) {
			case string:
				sb.WriteString(x)
			case []byte:
				sb.Write(x)
			}
			sb.WriteByte(' ')
		}
	}
	return sb.String()
}

func TestEraseKeepsEvidence(t *testing.T) {
	for name, db := range customerStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := testenv.Actor(candor.RoleLegal)
			in, _ := db.CreateIncident(ctx, newIncident("breach"))
			importCSV(t, db, in.ID, "external_id,name,email,country\nx1,Ann,ann@example.com,JP\n")
			p, _ := db.ListCustomers(ctx, candor.CustomerFilter{IncidentID: in.ID})
			id := p.Items[0].ID
			c, err := db.EraseCustomer(ctx, id)
			if err != nil || c.Name != "" || c.Email != "" || c.ErasedAt == nil || c.Country != "JP" || c.ExternalID != "x1" {
				t.Fatalf("erase: %+v %v", c, err)
			}
			if _, err := db.EraseCustomer(ctx, id); candor.ErrorCode(err) != candor.ECONFLICT {
				t.Fatalf("second erase: %v", err)
			}
			if _, err := db.UpdateCustomer(ctx, id, func(*candor.CustomerInput) error { return nil }); candor.ErrorCode(err) != candor.ECONFLICT {
				t.Fatalf("update erased: %v", err)
			}
			// The erased person is no longer found by email, and a new
			// import of them is a new customer, not a resurrection.
			if p, _ := db.ListCustomers(ctx, candor.CustomerFilter{IncidentID: in.ID, Q: "ann@example.com"}); len(p.Items) != 0 {
				t.Fatalf("erased customer still found by email")
			}
		})
	}
}

func TestUpdateCustomerValidates(t *testing.T) {
	for name, db := range customerStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := testenv.Actor(candor.RoleComms)
			in, _ := db.CreateIncident(ctx, newIncident("breach"))
			importCSV(t, db, in.ID, "external_id,name,email,country\nx1,Ann,ann@example.com,JP\nx2,Bob,bob@example.com,JP\n")
			p, _ := db.ListCustomers(ctx, candor.CustomerFilter{IncidentID: in.ID})
			id := p.Items[0].ID
			_, err := db.UpdateCustomer(ctx, id, func(c *candor.CustomerInput) error { c.Country = "XX"; return nil })
			if candor.ErrorCode(err) != candor.EINVALID {
				t.Fatalf("bad country: %v", err)
			}
			_, err = db.UpdateCustomer(ctx, id, func(c *candor.CustomerInput) error { c.ExternalID = "x2"; return nil })
			if candor.ErrorCode(err) != candor.ECONFLICT {
				t.Fatalf("duplicate external id: %v", err)
			}
			c, err := db.UpdateCustomer(ctx, id, func(c *candor.CustomerInput) error { c.Email = ""; return nil })
			if err != nil || c.Channel != candor.ChannelPostal || c.Status != candor.CustomerPostal {
				t.Fatalf("email removed: %+v %v", c, err)
			}
		})
	}
}

func TestRekey(t *testing.T) {
	d := testenv.SQLite(t)
	db := testenv.Open(t, d)
	old := testenv.Keyring(t)
	db.SetKeyring(old)
	ctx := testenv.Actor(candor.RoleAdmin)
	in, _ := db.CreateIncident(ctx, newIncident("breach"))
	importCSV(t, db, in.ID, "external_id,name,email\nx1,Ann,ann@example.com\nx2,Bob,bob@example.com\n")
	if n, err := db.Rekey(ctx, nil); err != nil || n != 0 {
		t.Fatalf("rekey with the same key changed %d: %v", n, err)
	}
	fresh := testenv.Keyring(t)
	both, err := fresh.WithOld(old)
	if err != nil {
		t.Fatal(err)
	}
	db.SetKeyring(both)
	if n, err := db.Rekey(ctx, nil); err != nil || n != 2 {
		t.Fatalf("rekey: %d, %v", n, err)
	}
	db.SetKeyring(fresh)
	p, err := db.ListCustomers(ctx, candor.CustomerFilter{IncidentID: in.ID, Q: "ann@example.com"})
	if err != nil || len(p.Items) != 1 || p.Items[0].Name != "Ann" {
		t.Fatalf("after rekey, new key alone: %+v %v", p.Items, err)
	}
	if rep, err := importCSV(t, db, in.ID, "external_id,name,email\nx1,Ann,ann@example.com\n"); err != nil || rep.Unchanged != 1 {
		t.Fatalf("re-import after rekey: %+v %v", rep, err)
	}

}
