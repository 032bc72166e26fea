package store_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/internal/testenv"
)

const addressRoster = "external_id,name,email,country,region,locale,address_lines,city,postal_code,phone\n" +
	"j1,山田太郎,,JP,JP-13,ja,丸の内1-1-1|丸の内ビル 5階,千代田区,1000001,03-1234-5678\n" +
	"u1,Ann Lee,ann@example.com,US,CA,en,1 Market St|Suite 200,San Francisco,94105,+1 415 555 0100\n" +
	"t1,สมชาย ใจดี,,TH,TH-10,th,999 ถนนพระราม 1,เขตปทุมวัน,10330,\n" +
	"bad1,No City,,US,CA,en,1 Main St,,94105,\n" +
	"bad2,Nowhere,,ZZ,,en,1 Main St,Paris,75001,\n"

// TestCustomerAddress checks that the structured postal address is
// imported, stored sealed (no column holds it in clear), read back, and
// that rows with missing fields or unknown countries are refused by line.
func TestCustomerAddress(t *testing.T) {
	for name, db := range customerStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := testenv.Actor(candor.RoleComms)
			in, _ := db.CreateIncident(ctx, newIncident("breach"))
			rep, err := importCSV(t, db, in.ID, addressRoster)
			if err != nil || rep.Accepted != 3 || rep.Rejected != 2 {
				t.Fatalf("import: %+v %v", rep, err)
			}
			got := fmt.Sprint(rep.Errors)
			for _, want := range []string{"{5 city is required", "{6 country \"ZZ\" is not an ISO 3166-1"} {
				if !strings.Contains(got, want) {
					t.Errorf("errors %s: missing %q", got, want)
				}
			}
			var raw []map[string]any
			db.Gorm().Raw("SELECT * FROM customers").Scan(&raw)
			for _, r := range raw {
				for col, v := range r {
					s := fmt.Sprint(v)
					for _, clear := range []string{"丸の内", "Market", "千代田", "1000001", "100-0001", "San Francisco", "415 555", "03-1234", "ถนน"} {
						if strings.Contains(s, clear) {
							t.Errorf("column %s holds %q in clear", col, clear)
						}
					}
				}
			}
			page, err := db.ListCustomers(ctx, candor.CustomerFilter{IncidentID: in.ID, Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			by := map[string]candor.Customer{}
			for _, c := range page.Items {
				by[c.ExternalID] = c
			}
			if j := by["j1"]; strings.Join(j.AddressLines, "|") != "丸の内1-1-1|丸の内ビル 5階" || j.City != "千代田区" ||
				j.PostalCode != "100-0001" || j.Phone != "03-1234-5678" || !j.HasAddress() || j.Channel != candor.ChannelPostal {
				t.Errorf("j1: %+v", j)
			}
			// Re-importing the same rows changes nothing.
			rep, err = importCSV(t, db, in.ID, addressRoster)
			if err != nil || rep.Unchanged != 3 {
				t.Fatalf("re-import: %+v %v", rep, err)
			}
			erased, err := db.EraseCustomer(testenv.Actor(candor.RoleLegal), by["u1"].ID)
			if err != nil || erased.HasAddress() || erased.Phone != "" {
				t.Fatalf("erase: %+v %v", erased, err)
			}
		})
	}
}
