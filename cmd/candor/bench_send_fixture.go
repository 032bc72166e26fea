package main

// The send benchmark's fixture: a fresh incident with its customers and an
// approved notice, the pipeline run against it, and the sink's check.

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/compose"
	"github.com/candor-dev/candor/internal/synth"
	"github.com/candor-dev/candor/jobs"
	"github.com/candor-dev/candor/mail"
	"github.com/candor-dev/candor/render"
	"github.com/candor-dev/candor/roster"
	"github.com/candor-dev/candor/store"
)

// sendFixture is one run's incident, approved notice and the ceiling's
// pre-rendered messages.
type sendFixture struct {
	incidentID string
	disclosure candor.Disclosure
	comms      context.Context
	n          int
	// The ceiling's messages: one rendered notice per locale variant, and
	// for message i the variant order[i] (the customers' own sequence of
	// locales), so both parts send the same mix.
	rendered []*mail.Message
	order    []uint8
}

// message is the ceiling's message i: the pre-rendered variant of the i-th
// customer's locale, to its own recipient, with its own delivery id.
func (fx *sendFixture) message(i int) *mail.Message {
	m := *fx.rendered[fx.order[i]]
	m.DeliveryID = fmt.Sprintf("%032x", i)
	m.To.Email = "bench." + strconv.Itoa(i) + "@example.com"
	m.Headers = map[string]string{"X-Candor-Send": m.Headers["X-Candor-Send"]}
	return &m
}

// prepareSendRun makes a run's incident, customers and approved notice;
// nothing of it is timed.
func prepareSendRun(ctx context.Context, cfg Config, db *store.DB, n int, seed uint64) (*sendFixture, error) {
	// Two people: comms writes and submits, legal approves (four eyes).
	comms := candor.NewContextWithActor(ctx, candor.Actor{TokenID: "bench-comms", Name: "bench comms", Role: candor.RoleComms})
	legal := candor.NewContextWithActor(ctx, candor.Actor{TokenID: "bench-legal", Name: "bench legal", Role: candor.RoleLegal})

	in, err := db.CreateIncident(comms, seedIncident())
	if err != nil {
		return nil, err
	}
	for _, e := range seedEvents {
		ev := candor.Event{OccurredOn: e.on.Format(candor.DateLayout), Description: e.description, Public: true}
		if _, err := db.CreateEvent(comms, in.ID, ev); err != nil {
			return nil, err
		}
	}

	// Every 50th synthetic customer is postal: import enough that exactly
	// n have an email address.
	total := n
	for total-total/50 < n {
		total++
	}
	var buf bytes.Buffer
	if err := synth.WriteCSV(&buf, total, seed); err != nil {
		return nil, err
	}
	fx := &sendFixture{incidentID: in.ID, comms: comms, n: n, order: make([]uint8, 0, n)}
	var locales []string
	r := csv.NewReader(bytes.NewReader(buf.Bytes()))
	r.ReuseRecord = true
	if _, err := r.Read(); err != nil { // synth.Header
		return nil, err
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		} else if err != nil {
			return nil, err
		}
		if rec[2] == "" { // email
			continue
		}
		k := slices.Index(locales, rec[6])
		if k < 0 {
			k = len(locales)
			locales = append(locales, rec[6])
		}
		fx.order = append(fx.order, uint8(k))
	}
	if len(fx.order) != n {
		return nil, fmt.Errorf("%d synthetic customers with email, want %d", len(fx.order), n)
	}
	rd, err := roster.NewReader("text/csv", &buf, roster.Options{})
	if err != nil {
		return nil, err
	}
	rep, err := db.ImportCustomers(comms, in.ID, rd, nil)
	if err != nil {
		return nil, fmt.Errorf("import customers: %w", err)
	}
	if rep.Accepted != total {
		return nil, fmt.Errorf("imported %d of %d customers (%d rejected)", rep.Accepted, total, rep.Rejected)
	}

	d, err := db.CreateDisclosure(comms, in.ID, candor.KindCustomerNotice, candor.DisclosureContent{Title: "Notice"}, true)
	if err != nil {
		return nil, err
	}
	if d, err = db.SubmitDisclosure(comms, d.ID, d.Revision); err != nil {
		return nil, err
	}
	if d, err = db.ApproveDisclosure(legal, d.ID, d.Revision); err != nil {
		return nil, err
	}
	fx.disclosure = d

	// The ceiling's messages, rendered as the sender renders them: the
	// same data (compose.Base + the customer), the same variant choice and
	// compiled template, the same addressing.
	facts, err := compose.Load(ctx, db, in.ID, cfg.organisation(), cfg.BaseURL, time.Now())
	if err != nil {
		return nil, err
	}
	for _, loc := range locales {
		page, err := db.ListCustomers(ctx, candor.CustomerFilter{IncidentID: in.ID, Locale: loc, Limit: 1})
		if err != nil {
			return nil, err
		}
		if len(page.Items) == 0 {
			return nil, fmt.Errorf("no customer of locale %s", loc)
		}
		c := page.Items[0]
		vloc, v := render.PickVariantFor(d.Variants, d.DefaultLocale, c.Locale, c.Country, c.Region)
		data := facts.Data(vloc)
		data.Customer = compose.Customer(&c)
		tpl, err := render.Compile(vloc, v)
		if err != nil {
			return nil, err
		}
		res, err := tpl.Execute(ctx, data)
		if err != nil {
			return nil, err
		}
		res = render.Letter(res, tpl.Locale(), data.Org.Name)
		fx.rendered = append(fx.rendered, &mail.Message{From: mailFrom(cfg), To: mail.Address{Name: c.Name, Email: c.Email},
			ReplyTo: mail.Address{Name: cfg.OrgName, Email: cfg.OrgContactEmail}, Subject: res.Subject,
			HTML: res.HTML, Text: res.Text, Locale: tpl.Locale(),
			Headers: map[string]string{"X-Candor-Send": store.NewID()}})
	}
	return fx, nil
}

// runPipeline creates and schedules the send, then waits for the worker to
// report it completed (checking its state once a second besides), and
// checks its counts.
func runPipeline(ctx context.Context, fx *sendFixture, sends *jobs.Sender, db *store.DB, completed <-chan string) error {
	send, err := db.CreateSend(fx.comms, store.NewSend{DisclosureID: fx.disclosure.ID, IncidentID: fx.incidentID,
		Kind: string(fx.disclosure.Kind), Revision: fx.disclosure.ApprovedRevision, SendAt: time.Now()})
	if err != nil {
		return err
	}
	if err := sends.Schedule(ctx, send, 0); err != nil {
		return err
	}
	// Generous: a stall fails the benchmark rather than hanging it.
	deadline := time.Now().Add(max(2*time.Minute, time.Duration(fx.n)*2*time.Millisecond))
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
wait:
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case id := <-completed:
			if id == send.ID {
				break wait
			}
			continue
		case <-tick.C:
		}
		st, err := db.GetSend(ctx, send.ID)
		if err != nil {
			return err
		}
		if st.State == candor.SendCompleted {
			break
		}
		if st.State != candor.SendRunning && st.State != candor.SendScheduled {
			return fmt.Errorf("send %s is %s", st.ID, st.State)
		}
		if time.Now().After(deadline) {
			s, err := db.GetSend(ctx, send.ID)
			if err != nil {
				return err
			}
			return fmt.Errorf("send %s not completed in time: %d of %d sent, %d pending, %d sending",
				s.ID, s.Sent, s.Total, s.Pending, s.Sending)
		}
	}
	s, err := db.GetSend(ctx, send.ID)
	if err != nil {
		return err
	}
	if s.Total != fx.n || s.Sent != fx.n {
		return fmt.Errorf("send %s completed with total %d, sent %d, failed %d, want %d sent",
			s.ID, s.Total, s.Sent, s.Failed, fx.n)
	}
	return nil
}

// verifySink checks the sink accepted exactly n messages (and, for the
// pipeline, each recipient once).
func verifySink(sink benchSink, n int, once bool) error {
	if got := sink.Count(); got != n {
		return fmt.Errorf("the sink accepted %d messages, want %d", got, n)
	}
	if once {
		if d := sink.Duplicates(); d != 0 {
			return fmt.Errorf("the sink saw %d duplicate messages", d)
		}
	}
	return nil
}
