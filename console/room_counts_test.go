package console_test

import (
	"testing"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/api"
	"github.com/candor-dev/candor/internal/testenv"
)

// TestRoomCustomerCounts: the room's "Affected customers" table is read
// from the counts the customers' triggers keep (no scan of the
// customers); it follows an import, a customer who changes channel and an
// erasure (which keeps the customer counted), in English and Japanese.
func TestRoomCustomerCounts(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e := setup(t, testenv.Open(t, d), api.RateLimits{}, false)
			en, _ := e.as(t, "Lee Legal", candor.RoleLegal, "en")
			ja, _ := e.as(t, "Jun Legal", candor.RoleLegal, "ja")
			room := "/console/incidents/" + e.incident.ID
			row := func(ch string, n string) string { return `<td>` + ch + `</td><td class="num">` + n + `</td>` }
			total := func(word, n string) string {
				return `<th scope="row">` + word + `</th><td class="num">` + n + `</td>`
			}
			// setup stored 3 JP and 2 PH e-mail customers.
			page(t, en, room, row("email", "5"), total("Total", "5"))

			testenv.ImportCSV(t, e.db, e.incident.ID, "external_id,email,name,country,region,locale,postal_address\n"+
				"t1,,Somchai,TH,,th,\"99 Sukhumvit Road\nBangkok\"\n"+
				"u1,ann@example.com,Ann,US,US-CA,en,\n")
			page(t, en, room, row("email", "6"), row("postal", "1"), total("Total", "7"))

			ctx := testenv.Actor(candor.RoleLegal)
			us, err := e.db.ListCustomers(ctx, candor.CustomerFilter{IncidentID: e.incident.ID, Q: "u1"})
			if err != nil || len(us.Items) != 1 {
				t.Fatalf("u1: %v %v", us, err)
			}
			if _, err := e.db.UpdateCustomer(ctx, us.Items[0].ID, func(c *candor.CustomerInput) error {
				c.Email, c.PostalAddress = "", "1 Main St\nSan Jose CA"
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			th, err := e.db.ListCustomers(ctx, candor.CustomerFilter{IncidentID: e.incident.ID, Q: "t1"})
			if err != nil || len(th.Items) != 1 {
				t.Fatalf("t1: %v %v", th, err)
			}
			if _, err := e.db.EraseCustomer(ctx, th.Items[0].ID); err != nil {
				t.Fatal(err)
			}
			page(t, en, room, row("email", "5"), row("postal", "2"), total("Total", "7"))
			page(t, ja, room, "影響を受けた顧客", row("email", "5"), row("postal", "2"), total("合計", "7"))
		})
	}
}
