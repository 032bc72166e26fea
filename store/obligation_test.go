package store_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/deadline"
	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/store"
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
			tp := testenv.Customers(t, db, id, "US", "US-TX", "postal", 3) // no e-mail: reached by letter
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
			// The postal Texans' letters, mailed on 2 March (the incident's
			// zone is UTC); the third comes back at hour 50.
			batch, paper := store.NewID(), testenv.ApprovedDisclosure(t, db, id, candor.KindCustomerNotice, nil).ID
			now := time.Now().UTC()
			for _, q := range []struct {
				sql  string
				args []any
			}{
				{`INSERT INTO letter_batches (id, disclosure_id, incident_id, revision, state, total, created_at, updated_at, mailed_on)
					VALUES (?, ?, ?, 1, 'mailed', 3, ?, ?, '2026-03-02')`, []any{batch, paper, id, now, now}},
			} {
				if err := db.Gorm().Exec(q.sql, q.args...).Error; err != nil {
					t.Fatal(err)
				}
			}
			for i, c := range tp {
				var returned any
				if i == 2 {
					returned = at(50)
				}
				if err := db.Gorm().Exec(`INSERT INTO letters (id, batch_id, disclosure_id, incident_id, customer_id, reference, status, returned_at, created_at)
					VALUES (?, ?, ?, ?, ?, ?, 'generated', ?, ?)`, store.NewID(), batch, paper, id, c, candor.NewReference(), returned, now).Error; err != nil {
					t.Fatal(err)
				}
			}

			tests := []struct {
				name      string
				until     time.Time
				area      string
				emails    int
				notified  int
				letters   int
				completed time.Time // zero: not complete
				sends     []string
				unreached map[string]int
			}{
				{"every Texan reached by one notice or a letter", at(40), "US-TX", 3, 3, 3, at(12), []string{n1}, nil},
				{"a letter came back since", at(100), "US-TX", 3, 3, 2, time.Time{}, []string{n1}, map[string]int{"US-TX": 1}},
				{"before the last Texan", at(11), "US-TX", 3, 2, 3, time.Time{}, []string{n1}, map[string]int{"US-TX": 1}},
				{"Californians by two disclosures: each counted once, at their first notice", at(100), "US-CA", 2, 2, 0, at(20), []string{n2, n1}, nil},
				{"the country holds its regions", at(40), "US", 5, 5, 3, at(20), []string{n2, n1}, nil},
				{"EU: one of two EEA customers (GB is not in the EEA)", at(100), "EU", 2, 1, 0, time.Time{}, []string{n2}, map[string]int{"FR": 1}},
				{"area with no customers", at(100), "JP", 0, 0, 0, time.Time{}, nil, nil},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					ev, err := db.ObligationEvidence(ctx, id, []string{tt.area}, tt.until)
					if err != nil {
						t.Fatal(err)
					}
					r := ev.Reach[tt.area]
					if r.EmailCustomers != tt.emails || r.Notified != tt.notified || r.Letters != tt.letters {
						t.Errorf("reach %d of %d and %d letters, want %d of %d and %d", r.Notified, r.EmailCustomers, r.Letters, tt.notified, tt.emails, tt.letters)
					}
					if len(r.Unreached) != len(tt.unreached) || fmt.Sprint(r.Unreached) != fmt.Sprint(tt.unreached) {
						t.Errorf("unreached %v, want %v", r.Unreached, tt.unreached)
					}
					if tt.letters > 0 && (len(r.LetterBatches) != 1 || r.LetterBatches[0].BatchID != batch || r.LetterBatches[0].MailedOn != "2026-03-02") {
						t.Errorf("letter batches %+v", r.LetterBatches)
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
