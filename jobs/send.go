package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/compose"
	"github.com/candor-dev/candor/mail"
	"github.com/candor-dev/candor/store"
	"github.com/hibiken/asynq"
)

// Task types of the send pipeline. Payloads carry ids only; handlers re-read
// the send and its deliveries, so a repeated task does nothing twice.
const (
	TypeSendDispatch = "send:dispatch"
	TypeSendChunk    = "send:chunk"
)

type dispatchPayload struct {
	SendID string `json:"send_id"`
}

type chunkPayload struct {
	SendID string `json:"send_id"`
	From   string `json:"from"`
	To     string `json:"to"`
	// Reclaim also takes deliveries left in sending: set by the reconciler
	// for work whose task was lost.
	Reclaim bool `json:"reclaim,omitempty"`
}

// SendStore is what the send pipeline needs of storage (*store.DB).
type SendStore interface {
	// GetSend is one row (the send keeps its own counts).
	GetSend(ctx context.Context, id string) (candor.Send, error)
	SendState(ctx context.Context, id string) (candor.SendState, error)
	DispatchFirst(ctx context.Context, sendID, regulatorJurisdiction, msgDomain string, limit int) (bool, error)
	DispatchRest(ctx context.Context, sendID, msgDomain, afterCustomer string, limit int) (store.DispatchStep, error)
	ChunksAfter(ctx context.Context, sendID string, size int, after string) ([][2]string, error)
	Claim(ctx context.Context, sendID, from, to string, c store.Claimant) ([]store.Claimed, error)
	RecipientsOf(ctx context.Context, claimed []store.Claimed) (map[string]candor.Customer, error)
	Record(ctx context.Context, outcomes []store.Outcome) error
	FinishIfDone(ctx context.Context, sendID string) (bool, error)
	GetIncident(ctx context.Context, id string) (candor.Incident, error)
	ListEvents(ctx context.Context, incidentID string, publicOnly bool) ([]candor.Event, error)
	GetRevision(ctx context.Context, disclosureID string, number int) (candor.Revision, error)
}

// SenderConfig is how messages are addressed.
type SenderConfig struct {
	From        mail.Address
	ReplyTo     mail.Address
	Org         compose.Organisation
	BaseURL     string        // the public statement's URL is built from it
	MsgDomain   string        // right-hand side of Message-IDs
	ChunkSize   int           // deliveries per task; 0: 200
	Parallel    int           // messages in flight in the process, all tasks together; 0: 8
	RetryWindow time.Duration // temporary failures retried this long; 0: 24h
	// Memory bounds the bytes of composed messages not yet sent, all
	// tasks of the process together (CANDOR_SEND_MEMORY); 0: DefaultSendMemory.
	Memory int64
	Logger *slog.Logger
}

// Sender runs the send pipeline: the dispatcher that creates deliveries and
// the chunk handler that sends them.
type Sender struct {
	cfg     SenderConfig
	store   SendStore
	client  *asynq.Client
	mail    mail.Sender
	limiter *Limiter
	tpls    *templateCache
	run     *runners   // render and send every chunk's messages
	mem     *memBudget // composed messages waiting to be sent
	rec     *recorder  // writes every chunk's outcomes, a transaction for several
	states  *sendStates
	// Sent, when set, is told of every outcome (metrics).
	Sent func(status string, rtt time.Duration, class mail.Class)
	// Completed, when set, is told of each send this process completes,
	// once its state is committed (the benchmark's clock stops there);
	// not of a send with no recipient at all, which its dispatcher
	// completes in the same statement that starts it.
	Completed func(sendID string)
}

// finish completes the send if nothing of it is left to send.
func (s *Sender) finish(ctx context.Context, sendID string) error {
	done, err := s.store.FinishIfDone(ctx, sendID)
	if err != nil || !done {
		return err
	}
	s.cfg.Logger.Info("send completed", "send", sendID)
	if s.Completed != nil {
		s.Completed(sendID)
	}
	return nil
}

// NewSender wires the pipeline.
func NewSender(cfg SenderConfig, st SendStore, client *asynq.Client, m mail.Sender, l *Limiter) *Sender {
	if cfg.ChunkSize == 0 {
		cfg.ChunkSize = 200
	}
	if cfg.Parallel == 0 {
		cfg.Parallel = 8
	}
	if cfg.RetryWindow == 0 {
		cfg.RetryWindow = 24 * time.Hour
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Sender{cfg: cfg, store: st, client: client, mail: m, limiter: l, tpls: newTemplateCache(st, cfg.Org, cfg.BaseURL),
		run: newRunners(cfg.Parallel), mem: newMemBudget(cfg.Memory), rec: newRecorder(st.Record), states: newSendStates(st.SendState)}
}

// Handlers returns the task handlers to register on the worker.
func (s *Sender) Handlers() []Handler {
	return []Handler{{TypeSendDispatch, s.handleDispatch}, {TypeSendChunk, s.handleChunk},
		{TypeSendReconcile, s.handleReconcile}}
}

// Schedule enqueues a send's dispatcher at its send_at. The task id makes
// scheduling twice (a retried request, a resume) harmless.
func (s *Sender) Schedule(ctx context.Context, send candor.Send, generation int) error {
	p, _ := json.Marshal(dispatchPayload{SendID: send.ID})
	_, err := s.client.EnqueueContext(ctx, asynq.NewTask(TypeSendDispatch, p), asynq.Queue("critical"),
		asynq.ProcessAt(send.SendAt), asynq.TaskID(fmt.Sprintf("dispatch:%s:%d", send.ID, generation)),
		asynq.MaxRetry(50), asynq.Retention(24*time.Hour))
	if errors.Is(err, asynq.ErrTaskIDConflict) || errors.Is(err, asynq.ErrDuplicateTask) {
		return nil
	}
	return err
}

// Resume re-enqueues the work of a resumed send: its dispatcher if it never
// started, else a task per chunk of what is still pending.
func (s *Sender) Resume(ctx context.Context, send candor.Send) error {
	gen := int(time.Now().UnixMilli())
	if send.State == candor.SendScheduled {
		return s.Schedule(ctx, send, gen)
	}
	_, err := s.enqueueChunks(ctx, send.ID, gen, false, "")
	return err
}

func (s *Sender) handleDispatch(ctx context.Context, t *asynq.Task) error {
	var p dispatchPayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return fmt.Errorf("%w: %v", asynq.SkipRetry, err)
	}
	send, err := s.store.GetSend(ctx, p.SendID)
	if candor.ErrorCode(err) == candor.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	if send.State != candor.SendScheduled {
		// Paused or cancelled before it was due; resume schedules again.
		// A running send whose dispatcher stopped after its first step
		// is dispatched to the end, and its chunks enqueued again.
		if send.State == candor.SendRunning {
			if _, err := s.enqueueChunks(ctx, send.ID, 0, false, ""); err != nil {
				return err
			}
			return s.dispatchRest(ctx, send.ID)
		}
		return nil
	}
	if wait := time.Until(send.SendAt); wait > time.Second {
		return s.Schedule(ctx, send, int(send.SendAt.Unix()))
	}
	jurisdiction := ""
	if send.Kind == string(candor.KindRegulatorReport) {
		rev, err := s.store.GetRevision(ctx, send.DisclosureID, send.Revision)
		if err != nil {
			return err
		}
		if rev.Content.Regulator == nil {
			return fmt.Errorf("%w: regulator report without a regulator", asynq.SkipRetry)
		}
		jurisdiction = rev.Content.Regulator.Jurisdiction
	}
	// Two steps: the first chunks' deliveries, enqueued at once, then the
	// rest, while the first are being sent.
	if _, err := s.store.DispatchFirst(ctx, send.ID, jurisdiction, s.cfg.MsgDomain, dispatchFirst*s.cfg.ChunkSize); err != nil {
		return err
	}
	if _, err := s.enqueueChunks(ctx, send.ID, 0, false, ""); err != nil {
		return err
	}
	return s.dispatchRest(ctx, send.ID)
}

// dispatchRest makes the rest of a running send's deliveries, a batch per
// transaction, and enqueues each batch's chunks as soon as it is
// committed. (A batch's ids share a prefix that sorts after every id made
// before it in this process; its chunks are those after the prefix.)
func (s *Sender) dispatchRest(ctx context.Context, sendID string) error {
	after := ""
	for batch := dispatchFirst; ; batch = min(2*batch, dispatchBatch) {
		step, err := s.store.DispatchRest(ctx, sendID, s.cfg.MsgDomain, after, batch*s.cfg.ChunkSize)
		if err != nil {
			return err
		}
		if step.From != "" {
			if _, err := s.enqueueChunks(ctx, sendID, 0, false, step.From); err != nil {
				return err
			}
		} else if err := s.finish(ctx, sendID); err != nil {
			return err
		}
		if !step.More {
			return nil
		}
		after = step.Next
	}
}

// dispatchFirst is how many chunks' deliveries the dispatcher's first step
// makes; each later step makes twice as many as the one before, up to
// dispatchBatch chunks' (each step's chunks are enqueued as it commits).
// On SQLite the first chunks' claims take turns with the steps for the one
// writer: small first steps let them in early (a first step of 8 chunks,
// then 25 at once, held the first claims back 70 ms; the sink saw the
// first message 140-220 ms after the send was created), and large later
// ones keep the steps few.
const (
	dispatchFirst = 2
	dispatchBatch = 25
)

// enqueueChunks enqueues one task per chunk of pending deliveries (those
// with an id after after, if it is not ""), and returns the last id
// enqueued (after itself when there was none). Task ids name the chunk and
// a generation, so a re-run dispatcher adds nothing while the first tasks
// still exist.
func (s *Sender) enqueueChunks(ctx context.Context, sendID string, gen int, reclaim bool, after string) (string, error) {
	chunks, err := s.store.ChunksAfter(ctx, sendID, s.cfg.ChunkSize, after)
	if err != nil {
		return after, err
	}
	for _, c := range chunks {
		p, _ := json.Marshal(chunkPayload{SendID: sendID, From: c[0], To: c[1], Reclaim: reclaim})
		_, err := s.client.EnqueueContext(ctx, asynq.NewTask(TypeSendChunk, p), asynq.Queue("critical"),
			asynq.TaskID(fmt.Sprintf("chunk:%s:%s:%d", sendID, c[0], gen)), asynq.MaxRetry(100000),
			asynq.Timeout(10*time.Minute))
		if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
			return after, fmt.Errorf("enqueue chunk: %w", err)
		}
	}
	if len(chunks) == 0 {
		return after, s.finish(ctx, sendID)
	}
	return chunks[len(chunks)-1][1], nil
}

// errRetryLater asks Asynq to run a chunk again after the backoff.
var errRetryLater = errors.New("temporary failures; will retry")

// RetryDelay is the worker's backoff: exponential from 5 seconds, capped at
// 10 minutes, as the API contract says.
func RetryDelay(n int, err error, t *asynq.Task) time.Duration {
	d := 5 * time.Second << min(n, 10)
	if d > 10*time.Minute || d <= 0 {
		d = 10 * time.Minute
	}
	return d
}

// TypeSendReconcile is the periodic check for work the queue lost.
const TypeSendReconcile = "send:reconcile"

// ReconcileStore is what the reconciler needs beyond SendStore.
type ReconcileStore interface {
	StaleSends(ctx context.Context, age time.Duration) ([]candor.Send, []string, error)
}

// Periodic returns the reconciler's schedule: once a minute (the scheduler
// enqueues each tick once however many workers run it).
func (s *Sender) Periodic() []Periodic {
	return []Periodic{{Cron: "@every 1m", Task: asynq.NewTask(TypeSendReconcile, nil),
		Opts: []asynq.Option{asynq.Queue("low")}}}
}

// handleReconcile re-schedules past-due sends that were never dispatched and
// re-enqueues chunks of running sends whose deliveries have not moved for
// 15 minutes (longer than the 10-minute backoff cap), and completes sends
// with nothing left. Claims are conditional, so an extra task costs a query,
// never a second message.
func (s *Sender) handleReconcile(ctx context.Context, t *asynq.Task) error {
	rs, ok := s.store.(ReconcileStore)
	if !ok {
		return nil
	}
	due, stuck, err := rs.StaleSends(ctx, 15*time.Minute)
	if err != nil {
		return err
	}
	gen := int(time.Now().Unix() / 60)
	for _, send := range due {
		if err := s.Schedule(ctx, send, gen); err != nil {
			return err
		}
	}
	for _, id := range stuck {
		if _, err := s.enqueueChunks(ctx, id, gen, true, ""); err != nil {
			return err
		}
	}
	return nil
}
