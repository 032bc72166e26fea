package jobs

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/deadline"
	"github.com/candor-dev/candor/mail"
	"github.com/candor-dev/candor/store"
	"github.com/hibiken/asynq"
)

// TypeRemind is the periodic task that emails deadline reminders.
const TypeRemind = "obligations:remind"

// RemindPeriodic is the scheduler entry for TypeRemind: every minute (the
// scheduler enqueues each tick once, however many workers run it, under the
// task id TickID), no retries (the next minute is the retry) and a timeout
// well inside the claim's stale time, so overlapping runs are rare; the
// claims make them harmless besides.
func RemindPeriodic() Periodic {
	return Periodic{Cron: "@every 1m", Task: asynq.NewTask(TypeRemind, nil), Opts: []asynq.Option{
		asynq.Queue("default"), asynq.MaxRetry(0), asynq.Timeout(4 * time.Minute)}}
}

// ReminderStore is what the reminder task reads and writes; *store.DB
// provides it.
type ReminderStore interface {
	deadline.ObligationSource
	ListIncidents(ctx context.Context, f candor.IncidentFilter) (store.Page[candor.Incident], error)
	ListReminders(ctx context.Context, incidentID string) ([]deadline.Reminder, error)
	ClaimReminder(ctx context.Context, r deadline.Reminder, now time.Time, staleAfter time.Duration) (bool, error)
	MarkReminderSent(ctx context.Context, r deadline.Reminder, at time.Time) error
	ReleaseReminder(ctx context.Context, r deadline.Reminder) error
}

// ReminderConfig configures the reminder task.
type ReminderConfig struct {
	Rules    []deadline.Rule // the catalogue, loaded once at start
	Calendar deadline.BusinessCalendar
	From     mail.Address // the sender: the organisation's name and CANDOR_MAIL_FROM
	BaseURL  string       // links to the API
	// StaleAfter: no reminder for a deadline that passed longer ago
	// (default 7 days); the obligations list shows it overdue.
	StaleAfter time.Duration
	// ClaimTimeout: a claim not marked sent after this long is taken again
	// (default 10 minutes, well above a send's SMTP timeouts).
	ClaimTimeout time.Duration
	Logger       *slog.Logger
	Now          func() time.Time // default time.Now
	// Limiter is the mail rate limit the sends share (CANDOR_MAIL_RATE):
	// each digest waits for its turn like a notice does. nil sends
	// unlimited (tests of the content only).
	Limiter *Limiter
	// ContactDomains, when set (CANDOR_CONTACT_DOMAINS), is where reminders
	// may go: an owner or contact stored before the setting, outside it,
	// is skipped (and logged), not mailed.
	ContactDomains candor.ContactDomains
}

// maxDigestItems bounds one digest: a contact with more due reminders in
// a tick gets the most urgent ones, the rest in the next tick's digest.
const maxDigestItems = 200

// Reminder emails the owner and legal contacts of each incident at 50%, 80%
// and 100% of each open obligation's time (deadline.ObligationState.ReminderMark),
// once per obligation, mark and person. Each run sends one digest per
// person, listing everything due for them across incidents, through the
// shared mail rate limit: a person on many incidents, or an incident with
// many duties, is one message a minute, not one per duty. Every reminder
// in a digest is claimed in obligation_reminders before the message goes
// out and marked sent after, so repeated, overlapping or concurrent runs
// never send one twice. A failed send gives its claims back; the next run
// (a minute later) tries again.
type Reminder struct {
	cfg    ReminderConfig
	store  ReminderStore
	sender mail.Sender
}

// NewReminder builds the task handler.
func NewReminder(cfg ReminderConfig, st ReminderStore, sender mail.Sender) *Reminder {
	if cfg.StaleAfter == 0 {
		cfg.StaleAfter = 7 * 24 * time.Hour
	}
	if cfg.ClaimTimeout == 0 {
		cfg.ClaimTimeout = 10 * time.Minute
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Reminder{cfg: cfg, store: st, sender: sender}
}

// Handler is the worker's entry for TypeRemind.
func (r *Reminder) Handler() Handler {
	return Handler{Type: TypeRemind, Func: func(ctx context.Context, _ *asynq.Task) error {
		_, err := r.Run(ctx, r.cfg.Now())
		return err
	}}
}

// RunStats counts what one run did.
type RunStats struct {
	Incidents int // incidents looked at
	Sent      int // messages (digests) the relay accepted
	Failed    int // messages that failed, left for the next run
	Reminders int // reminders (obligation, mark, person) the sent digests held
}

// dueReminder is one reminder due for one person.
type dueReminder struct {
	rem deadline.Reminder
	inc candor.Incident
	st  deadline.ObligationState
}

// digest is what one person is sent in one run.
type digest struct {
	to    string
	items []dueReminder
}

// Run sends the reminders due at now. It fails only when storage does (or
// ctx ends while waiting for the rate limit); mail failures are logged and
// counted, and retried next run.
func (r *Reminder) Run(ctx context.Context, now time.Time) (RunStats, error) {
	var stats RunStats
	digests := map[string]*digest{}
	var order []string // recipients in the order first seen, for stable runs
	cursor := ""
	for {
		page, err := r.store.ListIncidents(ctx, candor.IncidentFilter{Cursor: cursor, Limit: 1000})
		if err != nil {
			return stats, fmt.Errorf("remind: list incidents: %w", err)
		}
		for _, inc := range page.Items {
			stats.Incidents++
			due, err := r.dueFor(ctx, inc, now)
			if err != nil {
				return stats, fmt.Errorf("remind: incident %s: %w", inc.ID, err)
			}
			for to, items := range due {
				k := deadline.RecipientKey(to)
				d := digests[k]
				if d == nil {
					d = &digest{to: to}
					digests[k] = d
					order = append(order, k)
				}
				d.items = append(d.items, items...)
			}
		}
		if page.NextCursor == nil {
			break
		}
		cursor = *page.NextCursor
	}
	for _, k := range order {
		if err := r.sendDigest(ctx, digests[k], now, &stats); err != nil {
			return stats, fmt.Errorf("remind: %w", err)
		}
	}
	if stats.Sent+stats.Failed > 0 {
		r.cfg.Logger.Info("deadline reminders", "messages", stats.Sent, "reminders", stats.Reminders, "failed", stats.Failed, "incidents", stats.Incidents)
	}
	return stats, nil
}

// dueFor returns one incident's due reminders by recipient address. The
// evidence (which duties are met) costs an aggregate over the incident's
// customers once notices have gone out, so it is read only when some
// reminder may be due or a duty waits for the notice to start its clock.
func (r *Reminder) dueFor(ctx context.Context, inc candor.Incident, now time.Time) (map[string][]dueReminder, error) {
	var recipients []string
	for _, to := range inc.ReminderRecipients() {
		if !r.cfg.ContactDomains.Allows(to) {
			// Stored before CANDOR_CONTACT_DOMAINS was set (or changed):
			// the address is not logged, only that one was skipped.
			r.cfg.Logger.Warn("deadline reminder recipient outside CANDOR_CONTACT_DOMAINS; skipped", "incident_id", inc.ID,
				"recipient", deadline.RecipientKey(to))
			continue
		}
		recipients = append(recipients, to)
	}
	if len(recipients) == 0 {
		return nil, nil
	}
	done, err := r.store.ListReminders(ctx, inc.ID)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, d := range done {
		// A claim gone stale is not done: ClaimReminder takes it over.
		if d.SentAt != nil || now.Sub(d.ClaimedAt) < r.cfg.ClaimTimeout {
			seen[reminderKey(d.ObligationKey, d.Mark, d.Recipient)] = true
		}
	}
	countries, regions, err := r.store.CustomerPlaceCounts(ctx, inc.ID)
	if err != nil {
		return nil, err
	}
	// First without evidence: every duty counts as unmet.
	obs := deadline.ComputeObligations(deadline.IncidentInput(inc, countries, regions), r.cfg.Rules, r.cfg.Calendar)
	if !r.anyDue(deadline.ResolveObligations(obs, r.cfg.Rules, deadline.Evidence{}, now), recipients, seen, now) && !followsNotice(obs) {
		return nil, nil
	}
	rep, err := deadline.AssessObligations(ctx, r.store, inc.ID, r.cfg.Rules, r.cfg.Calendar, time.Time{}, now)
	if err != nil {
		return nil, err
	}
	out := map[string][]dueReminder{}
	for _, st := range rep.Items {
		mark, ok := st.ReminderMark(now, r.cfg.StaleAfter)
		if !ok {
			continue
		}
		for _, to := range recipients {
			rem := deadline.Reminder{IncidentID: inc.ID, ObligationKey: st.RuleID, Mark: mark,
				Recipient: deadline.RecipientKey(to), DueAt: *st.DueAt}
			if !seen[reminderKey(rem.ObligationKey, mark, rem.Recipient)] {
				out[to] = append(out[to], dueReminder{rem: rem, inc: rep.Incident, st: st})
			}
		}
	}
	return out, nil
}

func (r *Reminder) anyDue(states []deadline.ObligationState, recipients []string, seen map[string]bool, now time.Time) bool {
	for _, st := range states {
		if mark, ok := st.ReminderMark(now, r.cfg.StaleAfter); ok {
			for _, to := range recipients {
				if !seen[reminderKey(st.RuleID, mark, deadline.RecipientKey(to))] {
					return true
				}
			}
		}
	}
	return false
}

// followsNotice reports whether a duty's clock waits for the customer
// notice (its due date comes only with the evidence).
func followsNotice(obs []deadline.Obligation) bool {
	for _, o := range obs {
		if o.ClockStart == deadline.ClockIndividualsNotified {
			return true
		}
	}
	return false
}

func reminderKey(rule string, mark int, recipient string) string {
	return rule + "\x00" + strconv.Itoa(mark) + "\x00" + recipient
}

// sendDigest claims the digest's reminders (the most urgent
// maxDigestItems), waits for the shared rate limit, sends one message and
// marks them all. Only storage errors and the end of ctx are returned; a
// mail failure releases the claims for the next run.
func (r *Reminder) sendDigest(ctx context.Context, d *digest, now time.Time, stats *RunStats) error {
	slices.SortStableFunc(d.items, func(a, b dueReminder) int {
		return cmp.Or(a.rem.DueAt.Compare(b.rem.DueAt), cmp.Compare(a.inc.ID, b.inc.ID), cmp.Compare(a.rem.ObligationKey, b.rem.ObligationKey))
	})
	var claimed []dueReminder
	for _, it := range d.items {
		if len(claimed) == maxDigestItems {
			break
		}
		ok, err := r.store.ClaimReminder(ctx, it.rem, now, r.cfg.ClaimTimeout)
		if err != nil {
			return errors.Join(err, r.release(ctx, claimed))
		}
		if ok {
			claimed = append(claimed, it)
		}
	}
	if len(claimed) == 0 {
		return nil
	}
	if r.cfg.Limiter != nil {
		if _, err := r.cfg.Limiter.Acquire(ctx, 1); err != nil {
			return errors.Join(err, r.release(ctx, claimed))
		}
	}
	msg, err := r.message(d.to, claimed, now)
	if err == nil {
		_, err = r.sender.Send(ctx, msg)
	}
	if err != nil {
		stats.Failed++
		// The reason never holds the message; a relay may echo the address.
		reason := err.Error()
		var me *mail.Error
		if errors.As(err, &me) {
			reason = me.Reason
		}
		if mail.Classify(err) == mail.Permanent {
			// A refused address or a message that cannot be built will fail
			// again: keep the claims, so it is retried only once they go
			// stale, not every minute.
			r.cfg.Logger.Warn("deadline reminders refused; retrying after the claim timeout", "recipient", claimed[0].rem.Recipient,
				"reminders", len(claimed), "error", reason)
			return nil
		}
		r.cfg.Logger.Warn("deadline reminders not sent; retrying next run", "recipient", claimed[0].rem.Recipient,
			"reminders", len(claimed), "error", reason)
		return r.release(ctx, claimed)
	}
	stats.Sent++
	stats.Reminders += len(claimed)
	at := r.cfg.Now()
	for _, it := range claimed {
		if err := r.store.MarkReminderSent(context.WithoutCancel(ctx), it.rem, at); err != nil {
			return err
		}
	}
	return nil
}

// release gives claims back, also when ctx has ended.
func (r *Reminder) release(ctx context.Context, items []dueReminder) error {
	var errs []error
	for _, it := range items {
		errs = append(errs, r.store.ReleaseReminder(context.WithoutCancel(ctx), it.rem))
	}
	return errors.Join(errs...)
}

// deliveryID is stable for a digest's reminders, so a message sent again
// after a crash (its claims gone stale, the same reminders claimed again)
// carries the same Message-ID and mail systems can spot the repeat.
func deliveryID(items []dueReminder) string {
	keys := make([]string, len(items))
	for i, it := range items {
		keys[i] = it.rem.IncidentID + "\x00" + reminderKey(it.rem.ObligationKey, it.rem.Mark, it.rem.Recipient)
	}
	slices.Sort(keys)
	sum := sha256.Sum256([]byte(strings.Join(keys, "\x01")))
	return "reminder-" + hex.EncodeToString(sum[:16])
}
