package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/compose"
	"github.com/candor-dev/candor/mail"
	"github.com/candor-dev/candor/store"
	"github.com/hibiken/asynq"
)

// handleChunk sends one chunk of a send's deliveries: claim them
// (pending → sending under a condition), render each customer's variant,
// send over the shared SMTP pool within the shared rate limit, and record
// every outcome in one transaction. A retry after a crash reclaims the rows
// left in sending and sends them again with the same Message-ID.
func (s *Sender) handleChunk(ctx context.Context, t *asynq.Task) error {
	var p chunkPayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return fmt.Errorf("%w: %v", asynq.SkipRetry, err)
	}
	send, err := s.store.GetSendState(ctx, p.SendID)
	if candor.ErrorCode(err) == candor.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	retry, _ := asynq.GetRetryCount(ctx)
	switch send.State {
	case candor.SendPaused, candor.SendScheduled:
		return nil // resume enqueues the chunks again
	case candor.SendCompleted:
		return nil
	}
	claimed, err := s.store.Claim(ctx, send.ID, p.From, p.To, retry > 0 || p.Reclaim)
	if err != nil {
		return err
	}
	if len(claimed) == 0 {
		_, err := s.store.FinishIfDone(ctx, send.ID)
		return err
	}
	if send.State == candor.SendCancelled {
		return s.record(ctx, send.ID, cancelAll(claimed), false)
	}
	msg, err := s.tpls.get(ctx, send)
	if err != nil {
		return err
	}
	recipients, err := s.store.RecipientsOf(ctx, claimed)
	if err != nil {
		return err
	}
	expired := send.StartedAt != nil && time.Since(*send.StartedAt) > s.cfg.RetryWindow
	outcomes := s.deliver(ctx, send, msg, claimed, recipients, expired)
	temporary := false
	for _, o := range outcomes {
		if o.Status == candor.DeliveryPending {
			temporary = true
		}
	}
	return s.record(ctx, send.ID, outcomes, temporary)
}

func (s *Sender) record(ctx context.Context, sendID string, outcomes []store.Outcome, retry bool) error {
	// The outcome must be written even when the task's context is ending
	// (shutdown): the messages were sent.
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := s.store.Record(wctx, outcomes); err != nil {
		return err
	}
	if retry {
		return errRetryLater
	}
	_, err := s.store.FinishIfDone(wctx, sendID)
	return err
}

func cancelAll(claimed []store.Claimed) []store.Outcome {
	out := make([]store.Outcome, len(claimed))
	for i, c := range claimed {
		out[i] = store.Outcome{ID: c.ID, CustomerID: c.CustomerID.String, Status: candor.DeliveryCancelled, Throttled: true}
	}
	return out
}

// deliver sends the claimed messages, Parallel at a time, each after the
// limiter allows it.
func (s *Sender) deliver(ctx context.Context, send candor.Send, msg *compiled, claimed []store.Claimed,
	recipients map[string]candor.Customer, expired bool) []store.Outcome {
	out := make([]store.Outcome, len(claimed))
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(s.cfg.Parallel, len(claimed)) {
		wg.Go(func() {
			for i := range work {
				out[i] = s.deliverOne(ctx, send, msg, claimed[i], recipients, expired)
			}
		})
	}
	for i := 0; i < len(claimed); {
		n, err := s.limiter.Acquire(ctx, len(claimed)-i)
		if err != nil {
			// Shutting down: what was not sent goes back to pending.
			for ; i < len(claimed); i++ {
				out[i] = store.Outcome{ID: claimed[i].ID, CustomerID: claimed[i].CustomerID.String,
					Status: candor.DeliveryPending, Error: "not sent: worker stopping", Throttled: true}
			}
			break
		}
		for end := i + n; i < end; i++ {
			work <- i
		}
	}
	close(work)
	wg.Wait()
	return out
}

func (s *Sender) deliverOne(ctx context.Context, send candor.Send, msg *compiled, c store.Claimed,
	recipients map[string]candor.Customer, expired bool) store.Outcome {
	o := store.Outcome{ID: c.ID, CustomerID: c.CustomerID.String}
	m, err := s.compose(ctx, send, msg, c, recipients)
	if err != nil {
		o.Status, o.Error = candor.DeliveryFailed, "render: "+candor.ErrorMessage(err)
		return o
	}
	start := time.Now()
	res, err := s.mail.Send(ctx, m)
	class := mail.Classify(err)
	if s.Sent != nil {
		defer func() { s.Sent(o.Status, time.Since(start), class) }()
	}
	switch {
	case err == nil:
		o.Status, o.Response = candor.DeliverySent, res.Response
	case class == mail.Permanent:
		o.Status, o.Error = candor.DeliveryFailed, mail.Explain(err).Reason
	case expired:
		o.Status, o.Error = candor.DeliveryFailed, "retry window over: "+mail.Explain(err).Reason
	default:
		o.Status, o.Error = candor.DeliveryPending, mail.Explain(err).Reason
		if class == mail.Throttled {
			o.Throttled = true
			s.limiter.Throttled(ctx)
		}
	}
	return o
}

// compose builds one recipient's message from the pinned revision.
func (s *Sender) compose(ctx context.Context, send candor.Send, msg *compiled, c store.Claimed,
	recipients map[string]candor.Customer) (*mail.Message, error) {
	data := msg.base
	to := mail.Address{}
	locale := ""
	if c.CustomerID.Valid {
		cu, ok := recipients[c.CustomerID.String]
		if !ok || cu.Email == "" {
			return nil, candor.Errorf(candor.ENOTFOUND, "the customer was erased or has no email")
		}
		to = mail.Address{Name: cu.Name, Email: cu.Email}
		locale = cu.Locale
		data.Customer = compose.Customer(&cu)
	} else if msg.regulator != nil {
		to = mail.Address{Email: msg.regulator.Email}
	}
	tpl, err := msg.template(locale)
	if err != nil {
		return nil, err
	}
	r, err := tpl.Execute(ctx, data)
	if err != nil {
		return nil, err
	}
	return &mail.Message{DeliveryID: c.ID, From: s.cfg.From, To: to, ReplyTo: s.cfg.ReplyTo, Subject: r.Subject,
		HTML: r.HTML, Text: r.Text, Locale: tpl.Locale(), Headers: map[string]string{"X-Candor-Send": send.ID}}, nil
}
