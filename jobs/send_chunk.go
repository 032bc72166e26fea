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
	"github.com/candor-dev/candor/render"
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
	send, err := s.store.GetSend(ctx, p.SendID)
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
	// A retry takes back only what this task claimed (its id is the same
	// on every retry); the reconciler's tasks take back anything.
	claimant := store.Claimant{}
	claimant.Task, _ = asynq.GetTaskID(ctx)
	switch {
	case p.Reclaim:
		claimant.Reclaim = store.ReclaimAll
	case retry > 0:
		claimant.Reclaim = store.ReclaimOwn
	}
	claimed, err := s.store.Claim(ctx, send.ID, p.From, p.To, claimant)
	if err != nil {
		return err
	}
	if len(claimed) == 0 {
		return s.finish(ctx, send.ID)
	}
	if send.State == candor.SendCancelled {
		return s.record(ctx, send.ID, cancelAll(send.ID, claimed), false)
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
	temporary, err := s.deliver(ctx, send, msg, claimed, recipients, expired)
	if err != nil {
		return err
	}
	return s.record(ctx, send.ID, nil, temporary)
}

func (s *Sender) record(ctx context.Context, sendID string, outcomes []store.Outcome, retry bool) error {
	// Recorded even when the task's context is ending (a shutdown): the
	// messages were sent, and that must not be forgotten.
	if err := s.rec.record(outcomes); err != nil {
		return err
	}
	if retry {
		return errRetryLater
	}
	// Completion must be checked even when the task's context is ending.
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	return s.finish(wctx, sendID)
}

func cancelAll(sendID string, claimed []store.Claimed) []store.Outcome {
	out := make([]store.Outcome, len(claimed))
	for i, c := range claimed {
		out[i] = store.Outcome{ID: c.ID, SendID: sendID, CustomerID: c.CustomerID.String, Status: candor.DeliveryCancelled, Throttled: true}
	}
	return out
}

// deliver sends the claimed messages in batches of at most 4×Parallel, on
// the process's runners, within the rate limit, and hands each batch to the
// recorder as soon as it is done, sending the next meanwhile: a crash can
// repeat at most the batch being sent and the one being recorded, and a
// pause or cancel (checked at most every 250 ms) releases what is not sent
// yet. It reports whether any delivery failed temporarily.
func (s *Sender) deliver(ctx context.Context, send candor.Send, msg *compiled, claimed []store.Claimed,
	recipients map[string]candor.Customer, expired bool) (temporary bool, err error) {
	release := func(rest []store.Claimed, status, why string) error {
		out := make([]store.Outcome, len(rest))
		for i, c := range rest {
			// Throttled: the attempt counted at claim did not happen.
			out[i] = store.Outcome{ID: c.ID, SendID: send.ID, CustomerID: c.CustomerID.String, Status: status, Error: why, Throttled: true}
		}
		return s.rec.record(out)
	}
	checked := time.Now()
	tokens := 0 // messages the rate limit has allowed and not yet sent
	var wg sync.WaitGroup
	// The batch last handed to the recorder, until its commit is seen:
	// whatever happens below, it is committed (or has failed) before the
	// task returns.
	var recorded <-chan error
	wait := func() error {
		if recorded == nil {
			return nil
		}
		e := s.rec.wait(recorded)
		recorded = nil
		return e
	}
	defer func() {
		if e := wait(); e != nil && err == nil {
			err = e
		}
	}()
	for i := 0; i < len(claimed); {
		rest := claimed[i:]
		if time.Since(checked) > stateCheck {
			checked = time.Now()
			switch st, err := s.states.get(ctx, send.ID); {
			case err == nil && st == candor.SendPaused:
				// Retried, not done: if a cancel commits while these rows
				// are being released, it does not see them pending, and
				// the retry (which re-reads the state) cancels them.
				return true, release(rest, candor.DeliveryPending, "")
			case err == nil && st == candor.SendCancelled:
				return temporary, release(rest, candor.DeliveryCancelled, "")
			}
		}
		if tokens == 0 {
			if tokens, err = s.limiter.Acquire(ctx, min(len(rest), s.limiter.grant(4*s.cfg.Parallel))); err != nil {
				return true, release(rest, candor.DeliveryPending, "not sent: worker stopping")
			}
		}
		n := min(tokens, 4*s.cfg.Parallel)
		tokens -= n
		batch := rest[:n]
		msgs, out, held := s.composeBatch(ctx, send, msg, batch, recipients)
		if len(msgs) < n { // the memory budget is full: send these first
			tokens += n - len(msgs)
			n = len(msgs)
			batch = batch[:n]
		}
		for j := range batch {
			if msgs[j] == nil {
				continue
			}
			wg.Add(1)
			s.run.do(func() {
				defer wg.Done()
				out[j] = s.deliverOne(ctx, out[j], msgs[j], expired)
			})
		}
		wg.Wait()
		s.mem.release(held)
		throttled := false
		for _, o := range out {
			temporary = temporary || o.Status == candor.DeliveryPending
			throttled = throttled || o.Throttled
		}
		if throttled {
			tokens = 0 // the limiter is slower now: ask it again
		}
		// The previous batch must be committed before this one is handed
		// over: at most two batches of a task are ever unrecorded.
		if err := wait(); err != nil {
			recorded = s.rec.start(out) // still try: these were sent
			return temporary, err
		}
		recorded = s.rec.start(out)
		i += n
	}
	return temporary, nil
}

// composeBatch composes the messages of batch here, one after another, so
// that the runners only send them: rendering them in turn keeps the
// template, its skeleton and the render buffers in this core's cache,
// where a render between two SMTP exchanges found them cold. A message
// that cannot be composed is nil, and its outcome says why; every other
// outcome has only its delivery's ids set.
//
// Each composed message takes its bytes from the process's memory budget
// (held, for the caller to release once the batch is sent). When the
// budget is full the batch ends early: the messages and outcomes returned
// are those of batch's first len(msgs) deliveries, and the rest are left
// for the caller's next batch.
func (s *Sender) composeBatch(ctx context.Context, send candor.Send, msg *compiled, batch []store.Claimed,
	recipients map[string]candor.Customer) (msgs []*mail.Message, out []store.Outcome, held int64) {
	msgs, out = make([]*mail.Message, len(batch)), make([]store.Outcome, len(batch))
	for j, c := range batch {
		out[j] = store.Outcome{ID: c.ID, SendID: send.ID, CustomerID: c.CustomerID.String}
		m, err := s.compose(ctx, send, msg, c, recipients)
		if err == nil && s.mem != nil {
			n := s.mem.take(ctx, m, held == 0)
			switch {
			case n == 0 && held > 0:
				return msgs[:j], out[:j], held
			case n == 0:
				err = ctx.Err() // it waited with nothing held: only stopping ends that
			}
			held += n
		}
		switch {
		case err != nil && ctx.Err() != nil:
			// Stopping: the render was cut short, not wrong. The
			// delivery is retried, and the attempt did not happen.
			out[j].Status, out[j].Error, out[j].Throttled = candor.DeliveryPending, "not sent: worker stopping", true
		case err != nil:
			out[j].Status, out[j].Error = candor.DeliveryFailed, "render: "+candor.ErrorMessage(err)
		default:
			msgs[j] = m
		}
	}
	return msgs, out, held
}

// deliverOne sends m and fills in outcome o (its delivery's ids set).
func (s *Sender) deliverOne(ctx context.Context, o store.Outcome, m *mail.Message, expired bool) store.Outcome {
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
	var cv render.CustomerView
	to := mail.Address{}
	locale, country, region := "", "", ""
	if c.CustomerID.Valid {
		cu, ok := recipients[c.CustomerID.String]
		if !ok || cu.Email == "" {
			return nil, candor.Errorf(candor.ENOTFOUND, "the customer was erased or has no email")
		}
		to = mail.Address{Name: cu.Name, Email: cu.Email}
		locale, country, region = cu.Locale, cu.Country, cu.Region
		cv = compose.Customer(&cu)
	} else if msg.regulator != nil {
		to = mail.Address{Email: msg.regulator.Email}
		locale = candor.AuthorityOf(msg.regulator.Jurisdiction).Language       // the regulator's language's variant
		country, region = candor.JurisdictionPlace(msg.regulator.Jurisdiction) // and its jurisdiction's, if any
	}
	tpl, err := msg.template(locale, country, region)
	if err != nil {
		return nil, err
	}
	r, err := tpl.ExecuteNotice(ctx, cv, c.Reference)
	if err != nil {
		return nil, err
	}
	if send.Kind != string(candor.KindPublicStatement) { // only notices and reports are sent: a letter
		r = render.Letter(r, tpl.Template().Locale(), tpl.Data().Org.Name)
	}
	return &mail.Message{DeliveryID: c.ID, From: s.cfg.From, To: to, ReplyTo: s.cfg.ReplyTo, Subject: r.Subject,
		HTML: r.HTML, Text: r.Text, Locale: tpl.Template().Locale(), Headers: map[string]string{"X-Candor-Send": send.ID}}, nil
}
