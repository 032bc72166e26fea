package store_test

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/store"
)

// BenchmarkSendPath measures the database's share of a send, per message:
// what the pipeline asks of the store for n recipients (the dispatcher's
// steps, and per chunk of 200 its claim, its recipients, its outcomes in
// batches of 160 as the recorder merges them, and the completion check),
// with no rendering, SMTP or queue. One goroutine, so the figure is the
// statements' own cost; CANDOR_BENCH_CUSTOMERS sets n (default 20,000).
//
//	go test ./store -run - -bench SendPath -benchtime 3x
func BenchmarkSendPath(b *testing.B) {
	n := 20_000
	if v, err := strconv.Atoi(os.Getenv("CANDOR_BENCH_CUSTOMERS")); err == nil && v > 0 {
		n = v
	}
	for name, db := range testenv.Stores(b) {
		db.SetKeyring(testenv.Keyring(b))
		b.Run(name, func(b *testing.B) {
			ctx := testenv.Actor(candor.RoleLegal)
			in, err := db.CreateIncident(ctx, newIncident("bench"))
			if err != nil {
				b.Fatal(err)
			}
			var csv strings.Builder
			csv.WriteString("external_id,email,name,country,locale,data_categories\n")
			for i := range n {
				fmt.Fprintf(&csv, "c%d,p%d@example.com,Person %d,JP,ja,name;email\n", i, i, i)
			}
			if _, err := importCSV(b, db, in.ID, csv.String()); err != nil {
				b.Fatal(err)
			}
			var perMsg []float64
			for b.Loop() {
				// Each send is a new disclosure's, to customers not yet
				// queued or sent by the one before.
				if err := db.Gorm().Exec("UPDATE customers SET status = 'pending' WHERE incident_id = ?", in.ID).Error; err != nil {
					b.Fatal(err)
				}
				s := noticeSend(b, db, in.ID)
				start := time.Now()
				sendPath(b, db, s.ID, n)
				perMsg = append(perMsg, float64(time.Since(start).Microseconds())/float64(n))
			}
			b.ReportMetric(median(perMsg), "µs/msg")
		})
	}
}

// sendPath is one send's store calls, in the pipeline's order.
func sendPath(b *testing.B, db *store.DB, sendID string, n int) {
	ctx := testenv.Actor(candor.RoleLegal) // the audit's actor, as the worker's system actor
	if ok, err := db.DispatchFirst(ctx, sendID, "", "n.example.com", 1000); !ok || err != nil {
		b.Fatalf("dispatch: %v %v", ok, err)
	}
	for after := ""; ; {
		step, err := db.DispatchRest(ctx, sendID, "n.example.com", after, 5000)
		if err != nil {
			b.Fatal(err)
		}
		if !step.More {
			break
		}
		after = step.Next
	}
	chunks, err := db.Chunks(ctx, sendID, 200)
	if err != nil {
		b.Fatal(err)
	}
	var pending []store.Outcome
	for _, c := range chunks {
		claimed, err := db.Claim(ctx, sendID, c[0], c[1], store.Claimant{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := db.RecipientsOf(ctx, claimed); err != nil {
			b.Fatal(err)
		}
		for _, cl := range claimed {
			pending = append(pending, store.Outcome{ID: cl.ID, SendID: sendID, CustomerID: cl.CustomerID.String,
				Status: candor.DeliverySent, Response: "250 2.0.0 Ok: queued as " + cl.ID[:12]})
			if len(pending) == 160 {
				if err := db.Record(ctx, pending); err != nil {
					b.Fatal(err)
				}
				pending = pending[:0]
			}
		}
		if _, err := db.FinishIfDone(ctx, sendID); err != nil {
			b.Fatal(err)
		}
	}
	if err := db.Record(ctx, pending); err != nil {
		b.Fatal(err)
	}
	if _, err := db.FinishIfDone(ctx, sendID); err != nil {
		b.Fatal(err)
	}
	if s, _ := db.GetSend(ctx, sendID); s.Sent != n || s.State != candor.SendCompleted {
		b.Fatalf("%s, sent %d of %d", s.State, s.Sent, n)
	}
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}
