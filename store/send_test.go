package store_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/mail"
	"github.com/candor-dev/candor/store"
)

func TestSendLifecycle(t *testing.T) {
	for name, db := range customerStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := testenv.Actor(candor.RoleLegal)
			in, _ := db.CreateIncident(ctx, newIncident("breach"))
			var csv strings.Builder
			csv.WriteString("external_id,email,country,locale\n")
			for i := range 450 {
				country := []string{"JP", "US", "TH"}[i%3]
				fmt.Fprintf(&csv, "c%d,p%d@example.com,%s,en\n", i, i, country)
			}
			csv.WriteString("postal,,JP,ja\n")
			if _, err := db.CreateSend(ctx, store.NewSend{DisclosureID: store.NewID(), IncidentID: in.ID, Kind: "customer_notice",
				Revision: 1, SendAt: time.Now()}); candor.ErrorCode(err) != candor.ECONFLICT {
				t.Fatalf("send of an unapproved disclosure: %v", err)
			}
			if _, err := importCSV(t, db, in.ID, csv.String()); err != nil {
				t.Fatal(err)
			}
			disclosure := testenv.ApprovedDisclosure(t, db, in.ID, candor.KindCustomerNotice, nil).ID
			s1, err := db.CreateSend(ctx, store.NewSend{DisclosureID: disclosure, IncidentID: in.ID, Kind: "customer_notice",
				Revision: 1, SendAt: time.Now(), Filter: candor.SendFilter{Countries: []string{"JP", "US"}}})
			if err != nil || s1.State != candor.SendScheduled {
				t.Fatalf("create: %+v %v", s1, err)
			}
			// Two dispatchers at once: one creates the deliveries.
			var wg sync.WaitGroup
			oks := make(chan bool, 2)
			for range 2 {
				wg.Go(func() {
					ok, err := db.Dispatch(ctx, s1.ID, "", "notify.example.com")
					if err != nil {
						t.Error(err)
					}
					oks <- ok
				})
			}
			wg.Wait()
			close(oks)
			n := 0
			for ok := range oks {
				if ok {
					n++
				}
			}
			got, _ := db.GetSend(ctx, s1.ID)
			if n != 1 || got.Total != 300 || got.Pending != 300 || got.State != candor.SendRunning {
				t.Fatalf("dispatch: %d dispatchers ran, send %+v", n, got)
			}
			// A second send of the same disclosure to everyone adds only the
			// customers the first did not reach (TH), never a second delivery.
			s2, _ := db.CreateSend(ctx, store.NewSend{DisclosureID: disclosure, IncidentID: in.ID, Kind: "customer_notice",
				Revision: 1, SendAt: time.Now()})
			db.Dispatch(ctx, s2.ID, "", "notify.example.com")
			if got, _ := db.GetSend(ctx, s2.ID); got.Total != 150 {
				t.Fatalf("overlapping send created %d deliveries, want 150", got.Total)
			}
			chunks, err := db.Chunks(ctx, s1.ID, 100)
			if err != nil || len(chunks) != 3 {
				t.Fatalf("chunks: %v %v", chunks, err)
			}
			claimed, err := db.Claim(ctx, s1.ID, chunks[0][0], chunks[0][1], store.Claimant{})
			if err != nil || len(claimed) != 100 {
				t.Fatalf("claim: %d %v", len(claimed), err)
			}
			if mail.MessageID(claimed[0].ID, "notify.example.com") != claimed[0].MessageID {
				t.Fatalf("message id %q is not mail.MessageID of %q", claimed[0].MessageID, claimed[0].ID)
			}
			if again, _ := db.Claim(ctx, s1.ID, chunks[0][0], chunks[0][1], store.Claimant{}); len(again) != 0 {
				t.Fatalf("second claim got %d rows", len(again))
			}
			if again, _ := db.Claim(ctx, s1.ID, chunks[0][0], chunks[0][1], store.Claimant{Reclaim: store.ReclaimAll}); len(again) != 100 || again[0].Attempts != 2 {
				t.Fatalf("reclaim after a crash got %d rows", len(again))
			}
			var outs []store.Outcome
			for i, c := range claimed {
				o := store.Outcome{ID: c.ID, SendID: s1.ID, CustomerID: c.CustomerID.String, Status: candor.DeliverySent, Response: "250 ok " + c.ID}
				if i%10 == 0 {
					o.Status, o.Error = candor.DeliveryFailed, "rcpt: 550 no such user"
				}
				outs = append(outs, o)
			}
			// An outcome for a delivery nobody claimed changes nothing.
			unclaimed, _ := db.ListDeliveries(ctx, s1.ID, "pending", "", 1)
			outs = append(outs, store.Outcome{ID: unclaimed.Items[0].ID, SendID: s1.ID, Status: candor.DeliverySent, Response: "250 ok"})
			if err := db.Record(ctx, outs); err != nil {
				t.Fatal(err)
			}
			got, _ = db.GetSend(ctx, s1.ID)
			if got.Sent != 90 || got.Failed != 10 || got.Pending != 200 {
				t.Fatalf("after one chunk: %+v", got.SendCounts)
			}
			checkCounts(t, db, s1.ID)
			if done, _ := db.FinishIfDone(ctx, s1.ID); done {
				t.Fatal("finished with pending deliveries")
			}
			if p, _ := db.ListCustomers(ctx, candor.CustomerFilter{IncidentID: in.ID, Status: "sent", Limit: 1000}); len(p.Items) != 90 {
				t.Fatalf("customers sent: %d", len(p.Items))
			}
			// Pause then cancel: pending deliveries become cancelled.
			if s, err := db.ChangeSendState(ctx, s1.ID, "pause"); err != nil || s.State != candor.SendPaused {
				t.Fatalf("pause: %+v %v", s, err)
			}
			if _, err := db.ChangeSendState(ctx, s1.ID, "pause"); candor.ErrorCode(err) != candor.ECONFLICT {
				t.Fatalf("pause twice: %v", err)
			}
			s, err := db.ChangeSendState(ctx, s1.ID, "cancel")
			if err != nil || s.State != candor.SendCancelled || s.Cancelled != 200 || s.Sent != 90 {
				t.Fatalf("cancel: %+v %v", s, err)
			}
			page, err := db.ListDeliveries(ctx, s1.ID, "sent", "", 1000)
			if err != nil || len(page.Items) != 90 || !strings.HasSuffix(page.Items[0].Email, "@example.com") || page.Items[0].SentAt == nil {
				t.Fatalf("deliveries: %d %v", len(page.Items), err)
			}
			for _, d := range page.Items {
				if d.Response != "250 ok "+d.ID || d.Attempts != 2 {
					t.Fatalf("delivery %s: response %q, %d attempts", d.ID, d.Response, d.Attempts)
				}
			}
			checkCounts(t, db, s1.ID)
			if err := db.MarkBounced(ctx, strings.Trim(page.Items[0].MessageID, "<>"), "hard"); err != nil {
				t.Fatal(err)
			}
			if s, _ := db.GetSend(ctx, s1.ID); s.Sent != 89 || s.Bounced != 1 {
				t.Fatalf("after a bounce: %+v", s.SendCounts)
			}
			checkCounts(t, db, s1.ID)
			// A Message-ID is the delivery's id at the message domain: the
			// id alone, or at another domain, is not one.
			for _, id := range []string{"<nope@x>", page.Items[1].ID, "<" + page.Items[1].ID + "@elsewhere.example>", "<@>", ""} {
				if err := db.MarkBounced(ctx, id, "hard"); candor.ErrorCode(err) != candor.ENOTFOUND {
					t.Fatalf("bounce of %q: %v", id, err)
				}
			}
			if n, err := db.VerifyAudit(ctx); err != nil {
				t.Fatalf("audit (%d): %v", n, err)
			}
		})
	}
}

// noticeSend approves a new customer notice of the incident and schedules
// its send to everyone, now.
func noticeSend(t testing.TB, db *store.DB, incidentID string) candor.Send {
	t.Helper()
	d := testenv.ApprovedDisclosure(t, db, incidentID, candor.KindCustomerNotice, nil).ID
	s, err := db.CreateSend(testenv.Actor(candor.RoleLegal), store.NewSend{DisclosureID: d, IncidentID: incidentID,
		Kind: "customer_notice", Revision: 1, SendAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// checkCounts compares the counts the send keeps with its deliveries.
func checkCounts(t *testing.T, db *store.DB, sendID string) {
	t.Helper()
	ctx := testenv.Actor(candor.RoleLegal)
	s, err := db.GetSend(ctx, sendID)
	if err != nil {
		t.Fatal(err)
	}
	want, err := db.CountDeliveries(ctx, sendID)
	if err != nil {
		t.Fatal(err)
	}
	if s.SendCounts != want {
		t.Fatalf("send counts %+v, deliveries %+v", s.SendCounts, want)
	}
}

// incidentWithCustomers makes an incident with n email customers (JP, ja).
func incidentWithCustomers(t *testing.T, db *store.DB, n int) candor.Incident {
	t.Helper()
	in, err := db.CreateIncident(testenv.Actor(candor.RoleLegal), newIncident("breach"))
	if err != nil {
		t.Fatal(err)
	}
	var csv strings.Builder
	csv.WriteString("external_id,email,country,locale\n")
	for i := range n {
		fmt.Fprintf(&csv, "c%d,p%d@example.com,JP,ja\n", i, i)
	}
	if _, err := importCSV(t, db, in.ID, csv.String()); err != nil {
		t.Fatal(err)
	}
	return in
}

// The dispatcher finds who has no delivery yet with a probe of the unique
// key per customer, whatever the planner's statistics say: an import just
// made and a send's own deliveries are not in them yet, and an anti-join
// planned from stale estimates read every delivery of the disclosure for
// every customer.
func TestDispatchProbesEachRecipient(t *testing.T) {
	for name, db := range customerStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := testenv.Actor(candor.RoleLegal)
			in := incidentWithCustomers(t, db, 200)
			s := noticeSend(t, db, in.ID)
			plan, err := db.DispatchPlan(ctx, s.ID, 50)
			if err != nil {
				t.Fatal(err)
			}
			probe := map[string]string{"sqlite": "deliveries_once", "postgres": "SubPlan"}[db.Dialect()]
			if !strings.Contains(plan, probe) || strings.Contains(plan, "Anti Join") {
				t.Fatalf("dispatch plan does not probe deliveries_once per customer (want %q, no anti-join):\n%s", probe, plan)
			}
			if db.Dialect() == "postgres" && !strings.Contains(plan, "deliveries_once") {
				t.Fatalf("the probe does not use the unique key:\n%s", plan)
			}
		})
	}
}

// A dispatch step marks its customers queued by primary key. Joined to the
// step's rows instead, the update was planned, from statistics that rightly
// count the incident's customers as pending, as a hash join over a scan of
// the whole customers table: every step of a send read every customer.
// (SQLite marks them in a statement of its own, a search by key.)
func TestDispatchQueuesByKey(t *testing.T) {
	for name, db := range customerStores(t) {
		if db.Dialect() != "postgres" {
			continue
		}
		t.Run(name, func(t *testing.T) {
			ctx := testenv.Actor(candor.RoleLegal)
			in := incidentWithCustomers(t, db, 3000)
			if err := db.Analyze(ctx); err != nil {
				t.Fatal(err)
			}
			s := noticeSend(t, db, in.ID)
			plan, err := db.DispatchPlan(ctx, s.ID, 100)
			if err != nil {
				t.Fatal(err)
			}
			_, update, _ := strings.Cut(plan, "Update on customers")
			if strings.Contains(plan, "Seq Scan on customers") || !strings.Contains(update, "Index Scan using customers_pkey") {
				t.Fatalf("the queued update does not find its customers by key:\n%s", plan)
			}
		})
	}
}

// TestDispatchInTwoSteps: the dispatcher's first step makes the first
// deliveries and starts the send; it cannot complete until the second step
// has made the rest; pause and cancel between the steps hold.
func TestDispatchInTwoSteps(t *testing.T) {
	for name, db := range customerStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := testenv.Actor(candor.RoleLegal)
			in := incidentWithCustomers(t, db, 50)
			sendAll := func(sendID string, chunks [][2]string) {
				t.Helper()
				for _, c := range chunks {
					claimed, err := db.Claim(ctx, sendID, c[0], c[1], store.Claimant{})
					if err != nil {
						t.Fatal(err)
					}
					var outs []store.Outcome
					for _, cl := range claimed {
						outs = append(outs, store.Outcome{ID: cl.ID, SendID: sendID, CustomerID: cl.CustomerID.String, Status: candor.DeliverySent, Response: "250 ok"})
					}
					if err := db.Record(ctx, outs); err != nil {
						t.Fatal(err)
					}
				}
			}
			newSend := func() string {
				d := testenv.ApprovedDisclosure(t, db, in.ID, candor.KindCustomerNotice, nil).ID
				s, err := db.CreateSend(ctx, store.NewSend{DisclosureID: d, IncidentID: in.ID, Kind: "customer_notice",
					Revision: 1, SendAt: time.Now()})
				if err != nil {
					t.Fatal(err)
				}
				return s.ID
			}

			// Both steps, with the first deliveries sent in between.
			id := newSend()
			if ok, err := db.DispatchFirst(ctx, id, "", "n.example.com", 10); !ok || err != nil {
				t.Fatalf("first step: %v %v", ok, err)
			}
			got, _ := db.GetSend(ctx, id)
			if got.State != candor.SendRunning || got.Total != 10 {
				t.Fatalf("after the first step: %s, total %d", got.State, got.Total)
			}
			first, _ := db.Chunks(ctx, id, 200)
			sendAll(id, first)
			if done, err := db.FinishIfDone(ctx, id); done || err != nil {
				t.Fatalf("completed before the rest was dispatched: %v %v", done, err)
			}
			// The rest in batches of 15: 15, 15, then 10 and done.
			after := ""
			for i, want := range []int{15, 15, 10} { // pending after each batch
				step, err := db.DispatchRest(ctx, id, "n.example.com", after, 15)
				if err != nil || step.More != (i < 2) || step.From <= first[0][1] {
					t.Fatalf("batch %d: %+v %v", i, step, err)
				}
				if got, _ := db.GetSend(ctx, id); got.Pending != want {
					t.Fatalf("batch %d: %d pending, want %d", i, got.Pending, want)
				}
				if done, _ := db.FinishIfDone(ctx, id); done {
					t.Fatalf("completed with pending deliveries after batch %d", i)
				}
				rest, _ := db.ChunksAfter(ctx, id, 200, step.From)
				sendAll(id, rest)
				after = step.Next
			}
			if step, _ := db.DispatchRest(ctx, id, "n.example.com", "", 15); step.From != "" || step.More {
				t.Fatalf("the rest was dispatched twice: %+v", step)
			}
			if done, err := db.FinishIfDone(ctx, id); !done || err != nil {
				t.Fatalf("not completed: %v %v", done, err)
			}
			got, _ = db.GetSend(ctx, id)
			if got.State != candor.SendCompleted || got.Total != 50 || got.Sent != 50 {
				t.Fatalf("completed send: %+v", got)
			}
			checkCounts(t, db, id)

			// Cancelled between the steps: no more deliveries.
			id = newSend()
			db.DispatchFirst(ctx, id, "", "n.example.com", 10)
			if _, err := db.ChangeSendState(ctx, id, "cancel"); err != nil {
				t.Fatal(err)
			}
			if step, _ := db.DispatchRest(ctx, id, "n.example.com", "", 0); step.From != "" {
				t.Fatal("second step ran for a cancelled send")
			}
			if got, _ := db.GetSend(ctx, id); got.Total != 10 || got.Cancelled != 10 {
				t.Fatalf("cancelled send: total %d, cancelled %d", got.Total, got.Cancelled)
			}

			// Paused between the steps: resume dispatches again, from where
			// the first step stopped.
			id = newSend()
			db.DispatchFirst(ctx, id, "", "n.example.com", 10)
			db.ChangeSendState(ctx, id, "pause")
			if step, _ := db.DispatchRest(ctx, id, "n.example.com", "", 0); step.From != "" {
				t.Fatal("second step ran for a paused send")
			}
			if s, err := db.ChangeSendState(ctx, id, "resume"); err != nil || s.State != candor.SendScheduled {
				t.Fatalf("resume before the send was dispatched: %+v %v", s, err)
			}
			if ok, err := db.DispatchFirst(ctx, id, "", "n.example.com", 10); !ok || err != nil {
				t.Fatalf("first step after resume: %v %v", ok, err)
			}
			db.DispatchRest(ctx, id, "n.example.com", "", 0)
			got, _ = db.GetSend(ctx, id)
			if got.Total != 50 || got.Pending != 50 || got.State != candor.SendRunning {
				t.Fatalf("resumed send: %+v", got)
			}
			checkCounts(t, db, id)
		})
	}
}

// The counts a send keeps stay exact while chunks are claimed and recorded
// by several workers at once, a duplicate claim and a crashed worker's
// reclaim race them, bounces arrive and the send is cancelled midway; and
// on PostgreSQL none of these deadlocks another (each moves deliveries
// first and the send's counts last).
func TestSendCountsUnderConcurrency(t *testing.T) {
	for name, db := range customerStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := testenv.Actor(candor.RoleLegal)
			s, chunks := dispatchedChunks(t, db, 600, 20)
			work := make(chan [2]string, len(chunks))
			for _, c := range chunks {
				work <- c
			}
			close(work)
			bounces := make(chan string, 100)
			var wg, workers sync.WaitGroup
			for w := range 4 {
				workers.Go(func() {
					for c := range work {
						// Half the workers claim each chunk twice, the second
						// time as a crashed worker's retry that reclaims what
						// is sending.
						claimed, err := db.Claim(ctx, s.ID, c[0], c[1], store.Claimant{})
						if err != nil {
							t.Error(err)
							return
						}
						if w%2 == 0 {
							again, err := db.Claim(ctx, s.ID, c[0], c[1], store.Claimant{Reclaim: store.ReclaimAll})
							if err != nil {
								t.Error(err)
								return
							}
							claimed = again
						}
						var outs []store.Outcome
						for i, cl := range claimed {
							o := store.Outcome{ID: cl.ID, SendID: s.ID, CustomerID: cl.CustomerID.String, Status: candor.DeliverySent, Response: "250 ok"}
							switch i % 7 {
							case 1:
								o.Status, o.Error = candor.DeliveryFailed, "550 no such user"
							case 2:
								o.Status, o.Error, o.Throttled = candor.DeliveryPending, "451 slow down", true
							case 3:
								select {
								case bounces <- cl.MessageID:
								default:
								}
							}
							outs = append(outs, o)
						}
						if err := db.Record(ctx, outs); err != nil {
							t.Error(err)
							return
						}
					}
				})
			}
			wg.Go(func() { // bounces, some before their delivery is recorded
				for id := range bounces {
					if err := db.MarkBounced(ctx, id, "hard"); err != nil {
						t.Error(err)
					}
				}
			})
			wg.Go(func() {
				time.Sleep(20 * time.Millisecond)
				if _, err := db.ChangeSendState(ctx, s.ID, "cancel"); err != nil {
					t.Error(err)
				}
			})
			workers.Wait()
			close(bounces)
			wg.Wait()
			checkCounts(t, db, s.ID)
			got, _ := db.GetSend(ctx, s.ID)
			if got.Total != 600 || got.Sending != 0 || got.Bounced == 0 || got.Sent+got.Failed+got.Bounced+got.Pending+got.Cancelled != 600 {
				t.Fatalf("counts after the race: %+v", got.SendCounts)
			}
		})
	}
}

// RecipientsOf reads each claimed delivery's customer, decrypted, with
// what a message needs: every one of a chunk, on both databases.
func TestRecipientsOfClaimedDeliveries(t *testing.T) {
	for name, db := range customerStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := testenv.Actor(candor.RoleLegal)
			s, chunks := dispatchedChunks(t, db, 250, 200)
			for _, c := range chunks {
				claimed, err := db.Claim(ctx, s.ID, c[0], c[1], store.Claimant{})
				if err != nil {
					t.Fatal(err)
				}
				got, err := db.RecipientsOf(ctx, claimed)
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != len(claimed) {
					t.Fatalf("%d recipients for %d claimed deliveries", len(got), len(claimed))
				}
				for _, cl := range claimed {
					cu, ok := got[cl.CustomerID.String]
					if !ok || !strings.HasPrefix(cu.Email, "p") || !strings.HasSuffix(cu.Email, "@example.com") ||
						cu.Country != "JP" || cu.Locale != "ja" || cu.ID != cl.CustomerID.String {
						t.Fatalf("recipient of %s: %+v", cl.ID, cu)
					}
				}
			}
			if got, err := db.RecipientsOf(ctx, nil); err != nil || len(got) != 0 {
				t.Fatalf("no claims: %v %v", got, err)
			}
		})
	}
}

// dispatchedChunks dispatches a notice to a new incident's n customers and
// returns the send and its chunks of size deliveries.
func dispatchedChunks(t *testing.T, db *store.DB, n, size int) (candor.Send, [][2]string) {
	t.Helper()
	ctx := testenv.Actor(candor.RoleLegal)
	s := noticeSend(t, db, incidentWithCustomers(t, db, n).ID)
	if ok, err := db.Dispatch(ctx, s.ID, "", "n.example.com"); !ok || err != nil {
		t.Fatalf("dispatch: %v %v", ok, err)
	}
	chunks, err := db.Chunks(ctx, s.ID, size)
	if want := (n + size - 1) / size; err != nil || len(chunks) != want {
		t.Fatalf("chunks: %d (want %d) %v", len(chunks), want, err)
	}
	return s, chunks
}

// Sends of one disclosure dispatched at the same time, step by step, give
// each customer one delivery between them, with no step refused: their
// steps take turns (the inserts have no ON CONFLICT to fall back on), and
// every customer dispatched shows as queued.
func TestOverlappingSendsDispatchTogether(t *testing.T) {
	for name, db := range customerStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := testenv.Actor(candor.RoleLegal)
			in := incidentWithCustomers(t, db, 300)
			d := testenv.ApprovedDisclosure(t, db, in.ID, candor.KindCustomerNotice, nil).ID
			var sends []string
			for range 4 {
				s, err := db.CreateSend(ctx, store.NewSend{DisclosureID: d, IncidentID: in.ID, Kind: "customer_notice",
					Revision: 1, SendAt: time.Now()})
				if err != nil {
					t.Fatal(err)
				}
				sends = append(sends, s.ID)
			}
			var wg sync.WaitGroup
			for _, id := range sends {
				wg.Go(func() {
					if _, err := db.DispatchFirst(ctx, id, "", "n.example.com", 40); err != nil {
						t.Error(err)
						return
					}
					for after := ""; ; {
						step, err := db.DispatchRest(ctx, id, "n.example.com", after, 40)
						if err != nil {
							t.Error(err)
							return
						}
						if !step.More {
							return
						}
						after = step.Next
					}
				})
			}
			wg.Wait()
			total := 0
			for _, id := range sends {
				s, err := db.GetSend(ctx, id)
				// A send whose dispatch ran after the others had taken every
				// recipient has nothing to send and is completed at once;
				// which sends those are depends on the scheduler.
				want := candor.SendRunning
				if err == nil && s.Total == 0 {
					want = candor.SendCompleted
				}
				if err != nil || s.State != want {
					t.Fatalf("send %s: %+v %v", id, s, err)
				}
				checkCounts(t, db, id)
				total += s.Total
			}
			if total != 300 {
				t.Fatalf("the sends made %d deliveries between them, want 300", total)
			}
			queued, err := db.ListCustomers(ctx, candor.CustomerFilter{IncidentID: in.ID, Status: "queued", Limit: 1000})
			if err != nil || len(queued.Items) != 300 {
				t.Fatalf("%d customers queued, want 300 (%v)", len(queued.Items), err)
			}
		})
	}
}

// A batch of sent outcomes moves only the deliveries still sending, their
// customers and the send's counts by as many; recording it again moves
// nothing. (On PostgreSQL such a batch is one statement.)
func TestRecordSentBatch(t *testing.T) {
	for name, db := range customerStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := testenv.Actor(candor.RoleLegal)
			s, chunks := dispatchedChunks(t, db, 30, 20)
			claimed, err := db.Claim(ctx, s.ID, chunks[0][0], chunks[0][1], store.Claimant{})
			if err != nil || len(claimed) != 20 {
				t.Fatalf("claim: %d %v", len(claimed), err)
			}
			var outs []store.Outcome
			for _, c := range claimed {
				outs = append(outs, store.Outcome{ID: c.ID, SendID: s.ID, CustomerID: c.CustomerID.String,
					Status: candor.DeliverySent, Response: "250 ok " + c.ID})
			}
			// A delivery nobody claimed: still pending, it does not move.
			pending, _ := db.ListDeliveries(ctx, s.ID, "pending", "", 1)
			outs = append(outs, store.Outcome{ID: pending.Items[0].ID, SendID: s.ID, CustomerID: *pending.Items[0].CustomerID,
				Status: candor.DeliverySent, Response: "250 ok"})
			for range 2 { // the second time nothing is sending any more
				if err := db.Record(ctx, outs); err != nil {
					t.Fatal(err)
				}
				got, _ := db.GetSend(ctx, s.ID)
				if got.Sent != 20 || got.Sending != 0 || got.Pending != 10 {
					t.Fatalf("counts: %+v", got.SendCounts)
				}
				checkCounts(t, db, s.ID)
				sent, _ := db.ListCustomers(ctx, candor.CustomerFilter{IncidentID: s.IncidentID, Status: "sent", Limit: 100})
				queued, _ := db.ListCustomers(ctx, candor.CustomerFilter{IncidentID: s.IncidentID, Status: "queued", Limit: 100})
				if len(sent.Items) != 20 || len(queued.Items) != 10 {
					t.Fatalf("customers: %d sent, %d queued", len(sent.Items), len(queued.Items))
				}
			}
			d, _ := db.ListDeliveries(ctx, s.ID, "sent", "", 100)
			if len(d.Items) != 20 || d.Items[0].Response == "" || d.Items[0].SentAt == nil {
				t.Fatalf("sent deliveries: %d, first %+v", len(d.Items), d.Items[0])
			}
		})
	}
}
