package store_test

import (
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/store"
)

// TestSendStartedOnce: a send paused and resumed before it is fully
// dispatched is dispatched again from its first step, and the audit log
// still says it started once (each resume wrote another send.started).
func TestSendStartedOnce(t *testing.T) {
	for name, db := range customerStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := testenv.Actor(candor.RoleLegal)
			in := incidentWithCustomers(t, db, 50)
			d := testenv.ApprovedDisclosure(t, db, in.ID, candor.KindCustomerNotice, nil).ID
			s, err := db.CreateSend(ctx, store.NewSend{DisclosureID: d, IncidentID: in.ID, Kind: "customer_notice",
				Revision: 1, SendAt: time.Now()})
			if err != nil {
				t.Fatal(err)
			}
			if ok, err := db.DispatchFirst(ctx, s.ID, "", "n.example.com", 10); !ok || err != nil {
				t.Fatalf("first step: %v %v", ok, err)
			}
			for i := range 3 {
				if _, err := db.ChangeSendState(ctx, s.ID, "pause"); err != nil {
					t.Fatal(err)
				}
				if _, err := db.ChangeSendState(ctx, s.ID, "resume"); err != nil {
					t.Fatal(err)
				}
				if ok, err := db.DispatchFirst(ctx, s.ID, "", "n.example.com", 10); !ok || err != nil {
					t.Fatalf("first step after resume %d: %v %v", i+1, ok, err)
				}
			}
			if _, err := db.DispatchRest(ctx, s.ID, "n.example.com", "", 0); err != nil {
				t.Fatal(err)
			}
			got, _ := db.GetSend(ctx, s.ID)
			if got.Total != 50 || got.State != candor.SendRunning || got.StartedAt == nil {
				t.Fatalf("resumed send: %+v", got)
			}
			p, err := db.ListAudit(ctx, candor.AuditFilter{IncidentID: in.ID, Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			var started, resumed int
			for _, e := range p.Items {
				if e.ResourceID != s.ID {
					continue
				}
				switch e.Action {
				case "send.started":
					started++
				case "send.resumed":
					resumed++
				}
			}
			if started != 1 || resumed != 3 {
				t.Fatalf("audit: send.started %d times, send.resumed %d times; want 1 and 3", started, resumed)
			}
		})
	}
}
