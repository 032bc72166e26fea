package store

import (
	"context"
	"fmt"
	"time"

	"github.com/candor-dev/candor/deadline"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

type reminderRow struct {
	IncidentID    string `gorm:"primaryKey"`
	ObligationKey string `gorm:"primaryKey"`
	Mark          int    `gorm:"primaryKey;autoIncrement:false"`
	Recipient     string `gorm:"primaryKey"`
	DueAt         time.Time
	ClaimedAt     time.Time
	SentAt        *time.Time
}

func (reminderRow) TableName() string { return "obligation_reminders" }

func toReminderRow(r deadline.Reminder) reminderRow {
	return reminderRow{IncidentID: r.IncidentID, ObligationKey: r.ObligationKey, Mark: r.Mark,
		Recipient: r.Recipient, DueAt: r.DueAt.UTC(), ClaimedAt: r.ClaimedAt.UTC(), SentAt: utcPtr(r.SentAt)}
}

func toReminder(r reminderRow) deadline.Reminder {
	return deadline.Reminder{IncidentID: r.IncidentID, ObligationKey: r.ObligationKey, Mark: r.Mark,
		Recipient: r.Recipient, DueAt: r.DueAt.UTC(), ClaimedAt: r.ClaimedAt.UTC(), SentAt: utcPtr(r.SentAt)}
}

// whereReminder selects r's row by its key.
func whereReminder(r deadline.Reminder) (string, []any) {
	return "incident_id = ? AND obligation_key = ? AND mark = ? AND recipient = ?",
		[]any{r.IncidentID, r.ObligationKey, r.Mark, r.Recipient}
}

// ListReminders returns the reminders claimed or sent for an incident.
func (db *DB) ListReminders(ctx context.Context, incidentID string) ([]deadline.Reminder, error) {
	var rows []reminderRow
	if err := db.gorm.WithContext(ctx).Where("incident_id = ?", incidentID).
		Order("obligation_key, mark, recipient").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list reminders: %w", err)
	}
	out := make([]deadline.Reminder, len(rows))
	for i, r := range rows {
		out[i] = toReminder(r)
	}
	return out, nil
}

// ClaimReminder records that r is about to be sent, at now. It returns
// false when r was sent already, or is claimed by a run that may still be
// sending it. A claim older than staleAfter that was never marked sent
// (its worker died between claiming and marking) is taken over: in that
// one case the person may get the reminder twice, which beats never.
func (db *DB) ClaimReminder(ctx context.Context, r deadline.Reminder, now time.Time, staleAfter time.Duration) (bool, error) {
	r.ClaimedAt, r.SentAt = now, nil
	row := toReminderRow(r)
	claimed := false
	err := db.transaction(ctx, func(g *gorm.DB) error {
		res := g.Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
		if res.Error != nil {
			return translate("claim reminder", "incident", res.Error)
		}
		if res.RowsAffected == 1 {
			claimed = true
			return nil
		}
		where, args := whereReminder(r)
		res = g.Model(&reminderRow{}).Where(where, args...).
			Where("sent_at IS NULL AND claimed_at < ?", now.UTC().Add(-staleAfter)).
			Updates(map[string]any{"claimed_at": now.UTC(), "due_at": r.DueAt.UTC()})
		if res.Error != nil {
			return fmt.Errorf("claim reminder: %w", res.Error)
		}
		claimed = res.RowsAffected == 1
		return nil
	})
	return claimed, err
}

// MarkReminderSent records that r was sent at at.
func (db *DB) MarkReminderSent(ctx context.Context, r deadline.Reminder, at time.Time) error {
	where, args := whereReminder(r)
	if err := db.transaction(ctx, func(tx *gorm.DB) error {
		return tx.Model(&reminderRow{}).Where(where, args...).Update("sent_at", at.UTC()).Error
	}); err != nil {
		return fmt.Errorf("mark reminder sent: %w", err)
	}
	return nil
}

// ReleaseReminder drops the claim on an unsent r, so that the next run
// tries again (after a failed send).
func (db *DB) ReleaseReminder(ctx context.Context, r deadline.Reminder) error {
	where, args := whereReminder(r)
	if err := db.transaction(ctx, func(tx *gorm.DB) error {
		return tx.Where(where, args...).Where("sent_at IS NULL").Delete(&reminderRow{}).Error
	}); err != nil {
		return fmt.Errorf("release reminder: %w", err)
	}
	return nil
}
