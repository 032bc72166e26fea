package store_test

import (
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/deadline"
	"github.com/candor-dev/candor/internal/testenv"
)

func TestCustomerPlaceCounts(t *testing.T) {
	ctx := testenv.Actor(candor.RoleComms)
	for name, db := range testenv.Stores(t) {
		t.Run(name, func(t *testing.T) {
			in, err := db.CreateIncident(ctx, newIncident("counts"))
			if err != nil {
				t.Fatal(err)
			}
			other, _ := db.CreateIncident(ctx, newIncident("other"))
			jp := testenv.Customers(t, db, in.ID, "JP", "", "email", 3)
			testenv.Customers(t, db, in.ID, "JP", "", "postal", 1)
			testenv.Customers(t, db, in.ID, "US", "US-TX", "email", 2)
			testenv.Customers(t, db, in.ID, "US", "US-CA", "email", 1)
			testenv.Customers(t, db, in.ID, "", "", "email", 1)
			testenv.Customers(t, db, other.ID, "JP", "", "email", 5)
			testenv.EraseCustomer(t, db, jp[0]) // erased customers were still affected

			countries, regions, err := db.CustomerPlaceCounts(ctx, in.ID)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]int{"JP": 4, "US": 3, "": 1}
			for k, n := range want {
				if countries[k] != n {
					t.Errorf("countries[%q] = %d, want %d (%v)", k, countries[k], n, countries)
				}
			}
			if len(countries) != len(want) || len(regions) != 2 || regions["US-TX"] != 2 || regions["US-CA"] != 1 {
				t.Errorf("countries %v regions %v", countries, regions)
			}
			if c, r, err := db.CustomerPlaceCounts(ctx, "01a2000a-0000-7000-8000-000000000000"); err != nil || len(c)+len(r) != 0 {
				t.Errorf("unknown incident: %v %v %v", c, r, err)
			}
		})
	}
}

func TestObligationEvidence(t *testing.T) {
	ctx := testenv.Actor(candor.RoleComms)
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
	for name, db := range testenv.Stores(t) {
		t.Run(name, func(t *testing.T) {
			in, err := db.CreateIncident(ctx, newIncident("evidence"))
			if err != nil {
				t.Fatal(err)
			}
			id := in.ID
			tx := testenv.Customers(t, db, id, "US", "US-TX", "email", 3)
			testenv.Customers(t, db, id, "US", "US-TX", "postal", 2) // no email: outside the evidence
			ca := testenv.Customers(t, db, id, "US", "US-CA", "email", 2)
			de := testenv.Customers(t, db, id, "DE", "", "email", 1)
			fr := testenv.Customers(t, db, id, "FR", "", "email", 1)
			gb := testenv.Customers(t, db, id, "GB", "", "email", 1)
			testenv.EraseCustomer(t, db, tx[2]) // erased but reached: still counts

			areas := []string{"US-TX", "US-CA", "US", "EU", "JP"}
			ev, err := db.ObligationEvidence(ctx, id, areas, at(100))
			if err != nil {
				t.Fatal(err)
			}
			if len(ev.Reports) != 0 || ev.Reach["US-TX"].EmailCustomers != 3 || ev.Reach["US"].EmailCustomers != 5 ||
				ev.Reach["EU"].EmailCustomers != 2 || ev.Reach["JP"].EmailCustomers != 0 || ev.Reach["US-TX"].Notified != 0 {
				t.Fatalf("before any send: %+v", ev)
			}

			// A regulator report to PH, one that failed, and one to another incident.
			reg, regDisc := testenv.Send(t, db, id, "regulator_report", "")
			otherInc, _ := db.CreateIncident(ctx, newIncident("other"))
			otherReg, otherDisc := testenv.Send(t, db, otherInc.ID, "regulator_report", "")
			failed, failedDisc := testenv.Send(t, db, id, "regulator_report", "")
			testenv.Deliveries(t, db,
				testenv.Delivery{SendID: reg, DisclosureID: regDisc, IncidentID: id, RecipientKey: "regulator:PH", Status: "sent", SentAt: at(5)},
				testenv.Delivery{SendID: failed, DisclosureID: failedDisc, IncidentID: id, RecipientKey: "regulator:JP", Status: "failed"},
				testenv.Delivery{SendID: otherReg, DisclosureID: otherDisc, IncidentID: otherInc.ID, RecipientKey: "regulator:TH", Status: "sent", SentAt: at(1)},
			)
			// Notice 1 reaches every Texan and one Californian; notice 2
			// (another disclosure) reaches the other Californian, then the
			// first one again later, and one EU customer.
			n1, d1 := testenv.Send(t, db, id, "customer_notice", "")
			n2, d2 := testenv.Send(t, db, id, "customer_notice", "")
			testenv.Deliveries(t, db, testenv.NoticeTo(n1, d1, id, at(10), tx[0], tx[1])...)
			testenv.Deliveries(t, db, testenv.NoticeTo(n1, d1, id, at(12), tx[2], ca[0])...)
			testenv.Deliveries(t, db, testenv.NoticeTo(n2, d2, id, at(20), ca[1], de[0])...)
			testenv.Deliveries(t, db, testenv.NoticeTo(n2, d2, id, at(30), ca[0])...)
			_ = fr
			_ = gb

			tests := []struct {
				name      string
				until     time.Time
				area      string
				emails    int
				notified  int
				completed time.Time // zero: not complete
				sends     []string
			}{
				{"every Texan reached by one notice", at(100), "US-TX", 3, 3, at(12), []string{n1}},
				{"before the last Texan", at(11), "US-TX", 3, 2, time.Time{}, []string{n1}},
				{"Californians by two disclosures: each counted once, at their first notice", at(100), "US-CA", 2, 2, at(20), []string{n2, n1}},
				{"the country holds its regions", at(100), "US", 5, 5, at(20), []string{n2, n1}},
				{"EU: one of two EEA customers (GB is not in the EEA)", at(100), "EU", 2, 1, time.Time{}, []string{n2}},
				{"area with no customers", at(100), "JP", 0, 0, time.Time{}, nil},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					ev, err := db.ObligationEvidence(ctx, id, []string{tt.area}, tt.until)
					if err != nil {
						t.Fatal(err)
					}
					r := ev.Reach[tt.area]
					if r.EmailCustomers != tt.emails || r.Notified != tt.notified {
						t.Errorf("reach %d of %d, want %d of %d", r.Notified, r.EmailCustomers, tt.notified, tt.emails)
					}
					switch {
					case tt.completed.IsZero() && (r.CompletedAt != nil || r.Complete()):
						t.Errorf("completed at %v, want not complete", r.CompletedAt)
					case !tt.completed.IsZero() && (r.CompletedAt == nil || !r.CompletedAt.Equal(tt.completed) || !r.Complete()):
						t.Errorf("completed at %v, want %v", r.CompletedAt, tt.completed)
					}
					var got []string
					for _, s := range r.Sends {
						got = append(got, s.SendID)
					}
					if len(got) != len(tt.sends) {
						t.Fatalf("sends %v, want %v", got, tt.sends)
					}
					for i := range got {
						if got[i] != tt.sends[i] {
							t.Errorf("sends %v, want %v", got, tt.sends)
						}
					}
				})
			}

			ev, err = db.ObligationEvidence(ctx, id, nil, at(100))
			if err != nil {
				t.Fatal(err)
			}
			if len(ev.Reports) != 1 || ev.Reports[0].Jurisdiction != "PH" || ev.Reports[0].SendID != reg ||
				ev.Reports[0].DisclosureID != regDisc || !ev.Reports[0].SentAt.Equal(at(5)) {
				t.Errorf("reports: %+v", ev.Reports)
			}
			if ev, _ := db.ObligationEvidence(ctx, id, nil, at(4)); len(ev.Reports) != 0 {
				t.Errorf("a report sent after until counts: %+v", ev.Reports)
			}
		})
	}
}

func TestReminderClaims(t *testing.T) {
	ctx := testenv.Actor(candor.RoleComms)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for name, db := range testenv.Stores(t) {
		t.Run(name, func(t *testing.T) {
			in, _ := db.CreateIncident(ctx, newIncident("reminders"))
			r := deadline.Reminder{IncidentID: in.ID, ObligationKey: "us-tx-ag", Mark: 50,
				Recipient: deadline.RecipientKey("Legal@example.com"), DueAt: now.Add(24 * time.Hour)}
			claim := func(at time.Time) bool {
				t.Helper()
				ok, err := db.ClaimReminder(ctx, r, at, 10*time.Minute)
				if err != nil {
					t.Fatal(err)
				}
				return ok
			}
			if !claim(now) {
				t.Fatal("first claim refused")
			}
			if claim(now.Add(time.Minute)) {
				t.Fatal("a fresh claim was taken twice")
			}
			if !claim(now.Add(11 * time.Minute)) {
				t.Fatal("a stale unsent claim was not taken over")
			}
			if err := db.ReleaseReminder(ctx, r); err != nil {
				t.Fatal(err)
			}
			if !claim(now.Add(12 * time.Minute)) {
				t.Fatal("a released claim could not be taken")
			}
			if err := db.MarkReminderSent(ctx, r, now.Add(12*time.Minute)); err != nil {
				t.Fatal(err)
			}
			if claim(now.Add(24 * time.Hour)) {
				t.Fatal("a sent reminder was claimed again")
			}
			if err := db.ReleaseReminder(ctx, r); err != nil {
				t.Fatal(err)
			}
			list, err := db.ListReminders(ctx, in.ID)
			if err != nil || len(list) != 1 || list[0].SentAt == nil || list[0].Recipient != deadline.RecipientKey("legal@example.com") {
				t.Fatalf("release removed a sent reminder, or list is wrong: %+v %v", list, err)
			}
		})
	}
}
