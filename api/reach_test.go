package api_test

import (
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/store"
)

// TestReach: each customer is counted once per jurisdiction, in the class
// their deliveries and letters put them in, with why the unreachable are.
func TestReach(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e := newEnv(t, d)
			id := e.createIncident(seedIncident)
			jp := testenv.Customers(t, e.db, id, "JP", "JP-13", "email", 4)
			ca := testenv.Customers(t, e.db, id, "US", "US-CA", "postal", 3)
			caMail := testenv.Customers(t, e.db, id, "US", "US-CA", "email", 1)
			testenv.Customers(t, e.db, id, "TH", "", "postal", 1)
			exec := func(q string, args ...any) {
				t.Helper()
				if err := e.db.Gorm().Exec(q, args...).Error; err != nil {
					t.Fatal(err)
				}
			}
			// Addresses for California's postal customers and the Californian
			// whose e-mail will bounce; the Thai postal customer has none.
			for _, c := range append(append([]string{}, ca...), caMail...) {
				exec("UPDATE customers SET has_address = ? WHERE id = ?", true, c)
			}
			notice := testenv.ApprovedDisclosure(t, e.db, id, candor.KindCustomerNotice, nil)
			sendID, disc := testenv.Send(t, e.db, id, "customer_notice", notice.ID)
			at := time.Date(2020, 12, 28, 1, 0, 0, 0, time.UTC)
			ds := testenv.NoticeTo(sendID, disc, id, at, jp[0], jp[1])
			ds = append(ds, testenv.Delivery{SendID: sendID, DisclosureID: disc, IncidentID: id, RecipientKey: jp[2], CustomerID: jp[2], Status: "bounced"},
				testenv.Delivery{SendID: sendID, DisclosureID: disc, IncidentID: id, RecipientKey: jp[3], CustomerID: jp[3], Status: "pending"},
				testenv.Delivery{SendID: sendID, DisclosureID: disc, IncidentID: id, RecipientKey: caMail[0], CustomerID: caMail[0], Status: "failed"})
			testenv.Deliveries(t, e.db, ds...)
			// Two letter batches: one mailed (one letter in it came back), one not yet.
			now := time.Now().UTC()
			mailed, unmailed := store.NewID(), store.NewID()
			exec(`INSERT INTO letter_batches (id, disclosure_id, incident_id, revision, state, total, created_at, updated_at, mailed_on)
				VALUES (?, ?, ?, 1, 'mailed', 2, ?, ?, '2020-12-29')`, mailed, disc, id, now, now)
			exec(`INSERT INTO letter_batches (id, disclosure_id, incident_id, revision, state, total, created_at, updated_at)
				VALUES (?, ?, ?, 1, 'generated', 1, ?, ?)`, unmailed, disc, id, now, now)
			letter := func(batch, customer string, returned any) {
				exec(`INSERT INTO letters (id, batch_id, disclosure_id, incident_id, customer_id, reference, status, returned_at, created_at)
					VALUES (?, ?, ?, ?, ?, ?, 'generated', ?, ?)`, store.NewID(), batch, disc, id, customer, candor.NewReference(), returned, now)
			}
			letter(mailed, ca[0], nil)
			letter(mailed, ca[1], now)
			letter(unmailed, ca[2], nil)

			if r := e.do("GET", "/api/v1/incidents/"+id+"/reach", "", nil); r.Status != 401 {
				t.Errorf("without a token: %d", r.Status)
			}
			r := e.do("GET", "/api/v1/incidents/"+id+"/reach", candor.RoleViewer, nil)
			if r.Status != 200 {
				t.Fatalf("reach: %d %s", r.Status, r.Raw)
			}
			got := map[string]map[string]any{}
			for _, j := range r.Body["jurisdictions"].([]any) {
				m := j.(map[string]any)
				got[m["jurisdiction"].(string)] = m
			}
			want := map[string]map[string]float64{
				// JP (JP-13 counts in JP): 2 e-mailed, 1 pending, 1 bounced without an address.
				"JP": {"customers": 4, "email": 2, "letter": 0, "pending": 1, "unreachable": 1},
				// US-CA: a letter mailed, one returned, one printed not mailed, an e-mail failed with an address (next batch).
				"US-CA": {"customers": 4, "email": 0, "letter": 1, "pending": 2, "unreachable": 1},
				// TH: postal without an address.
				"TH": {"customers": 1, "pending": 0, "unreachable": 1},
			}
			for j, fields := range want {
				for k, v := range fields {
					if got[j][k] != v {
						t.Errorf("%s %s = %v, want %v (%v)", j, k, got[j][k], v, got[j])
					}
				}
			}
			why := func(j, reason string) float64 {
				w, _ := got[j]["unreachable_why"].(map[string]any)
				n, _ := w[reason].(float64)
				return n
			}
			if why("JP", candor.WhyEmailFailed) != 1 || why("US-CA", candor.WhyReturnedMail) != 1 || why("TH", candor.WhyNoContact) != 1 {
				t.Errorf("reasons: %s", r.Raw)
			}
			if total := r.Body["total"].(map[string]any); total["customers"] != float64(9) {
				t.Errorf("total: %v", total)
			}
			if r := e.do("GET", "/api/v1/incidents/no-such/reach", candor.RoleViewer, nil); r.Status != 404 {
				t.Errorf("unknown incident: %d", r.Status)
			}
		})
	}
}
