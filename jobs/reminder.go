package jobs

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/candor-dev/candor"
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
	candor.ObligationSource
	ListIncidents(ctx context.Context, f candor.IncidentFilter) (store.Page[candor.Incident], error)
	ListReminders(ctx context.Context, incidentID string) ([]candor.Reminder, error)
	ClaimReminder(ctx context.Context, r candor.Reminder, now time.Time, staleAfter time.Duration) (bool, error)
	MarkReminderSent(ctx context.Context, r candor.Reminder, at time.Time) error
	ReleaseReminder(ctx context.Context, r candor.Reminder) error
}

// ReminderConfig configures the reminder task.
type ReminderConfig struct {
	Rules    []candor.Rule // the catalogue, loaded once at start
	Calendar candor.BusinessCalendar
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
}

// Reminder emails the owner and legal contacts of each incident at 50%, 80%
// and 100% of each open obligation's time (candor.ObligationState.ReminderMark),
// once per obligation, mark and person: the row is claimed in
// obligation_reminders before the message goes out and marked sent after,
// so repeated, overlapping or concurrent runs never send twice. A failed
// send gives its claim back; the next run (a minute later) tries again.
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
	Sent      int // messages the relay accepted
	Failed    int // messages that failed, left for the next run
}

// Run sends the reminders due at now. It fails only when storage does;
// mail failures are logged and counted, and retried next run.
func (r *Reminder) Run(ctx context.Context, now time.Time) (RunStats, error) {
	var stats RunStats
	cursor := ""
	for {
		page, err := r.store.ListIncidents(ctx, candor.IncidentFilter{Cursor: cursor, Limit: 1000})
		if err != nil {
			return stats, fmt.Errorf("remind: list incidents: %w", err)
		}
		for _, inc := range page.Items {
			stats.Incidents++
			if err := r.remindIncident(ctx, inc, now, &stats); err != nil {
				return stats, fmt.Errorf("remind: incident %s: %w", inc.ID, err)
			}
		}
		if page.NextCursor == nil {
			break
		}
		cursor = *page.NextCursor
	}
	if stats.Sent+stats.Failed > 0 {
		r.cfg.Logger.Info("deadline reminders", "sent", stats.Sent, "failed", stats.Failed, "incidents", stats.Incidents)
	}
	return stats, nil
}

// remindIncident sends one incident's due reminders. The evidence (which
// duties are met) costs an aggregate over the incident's customers once
// notices have gone out, so it is read only when some reminder may be due
// or a duty waits for the notice to start its clock.
func (r *Reminder) remindIncident(ctx context.Context, inc candor.Incident, now time.Time, stats *RunStats) error {
	recipients := inc.ReminderRecipients()
	if len(recipients) == 0 {
		return nil
	}
	done, err := r.store.ListReminders(ctx, inc.ID)
	if err != nil {
		return err
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
		return err
	}
	// First without evidence: every duty counts as unmet.
	obs := candor.ComputeObligations(inc.ObligationInput(countries, regions), r.cfg.Rules, r.cfg.Calendar)
	if !r.anyDue(candor.ResolveObligations(obs, r.cfg.Rules, candor.Evidence{}, now), recipients, seen, now) && !followsNotice(obs) {
		return nil
	}
	rep, err := candor.AssessObligations(ctx, r.store, inc.ID, r.cfg.Rules, r.cfg.Calendar, time.Time{}, now)
	if err != nil {
		return err
	}
	for _, st := range rep.Items {
		mark, ok := st.ReminderMark(now, r.cfg.StaleAfter)
		if !ok {
			continue
		}
		for _, to := range recipients {
			rem := candor.Reminder{IncidentID: inc.ID, ObligationKey: st.RuleID, Mark: mark,
				Recipient: candor.RecipientKey(to), DueAt: *st.DueAt}
			if seen[reminderKey(rem.ObligationKey, mark, rem.Recipient)] {
				continue
			}
			if err := r.send(ctx, rep.Incident, st, rem, to, now, stats); err != nil {
				return err
			}
		}
	}
	return nil
}

func (r *Reminder) anyDue(states []candor.ObligationState, recipients []string, seen map[string]bool, now time.Time) bool {
	for _, st := range states {
		if mark, ok := st.ReminderMark(now, r.cfg.StaleAfter); ok {
			for _, to := range recipients {
				if !seen[reminderKey(st.RuleID, mark, candor.RecipientKey(to))] {
					return true
				}
			}
		}
	}
	return false
}

// followsNotice reports whether a duty's clock waits for the customer
// notice (its due date comes only with the evidence).
func followsNotice(obs []candor.Obligation) bool {
	for _, o := range obs {
		if o.ClockStart == candor.ClockIndividualsNotified {
			return true
		}
	}
	return false
}

func reminderKey(rule string, mark int, recipient string) string {
	return rule + "\x00" + strconv.Itoa(mark) + "\x00" + recipient
}

// send claims, sends and marks one reminder. Only storage errors are
// returned; a mail failure releases the claim for the next run.
func (r *Reminder) send(ctx context.Context, inc candor.Incident, st candor.ObligationState, rem candor.Reminder, to string, now time.Time, stats *RunStats) error {
	ok, err := r.store.ClaimReminder(ctx, rem, now, r.cfg.ClaimTimeout)
	if err != nil || !ok {
		return err
	}
	msg, err := r.message(inc, st, rem, to, now)
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
			// again: keep the claim, so it is retried only once the claim
			// goes stale, not every minute.
			r.cfg.Logger.Warn("deadline reminder refused; retrying after the claim timeout", "incident_id", inc.ID,
				"obligation", rem.ObligationKey, "mark", rem.Mark, "error", reason)
			return nil
		}
		r.cfg.Logger.Warn("deadline reminder not sent; retrying next run", "incident_id", inc.ID,
			"obligation", rem.ObligationKey, "mark", rem.Mark, "error", reason)
		return r.store.ReleaseReminder(context.WithoutCancel(ctx), rem)
	}
	stats.Sent++
	return r.store.MarkReminderSent(context.WithoutCancel(ctx), rem, r.cfg.Now())
}

// deliveryID is stable for a reminder, so a message sent again after a
// crash carries the same Message-ID and mail systems can spot the repeat.
func deliveryID(rem candor.Reminder) string {
	sum := sha256.Sum256([]byte(rem.IncidentID + "\x00" + reminderKey(rem.ObligationKey, rem.Mark, rem.Recipient)))
	return "reminder-" + hex.EncodeToString(sum[:16])
}
