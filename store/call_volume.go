package store

import (
	"context"
	"fmt"
	"time"

	"github.com/candor-dev/candor/faq"
	"gorm.io/gorm"
)

// NoticeArrivals is when the incident's notices reach people, for the call
// centre's estimate (package faq): e-mails by the hour they were sent;
// e-mails still to send at their send's start (or now, when it has begun);
// letters on their batch's mailing day plus postDays (a batch not yet
// mailed: tomorrow plus postDays), less those returned.
func (db *DB) NoticeArrivals(ctx context.Context, incidentID string, postDays int, now time.Time) ([]faq.Arrival, error) {
	var out []faq.Arrival
	err := db.boundedRead(ctx, "notice arrivals", func(tx *gorm.DB) error {
		var err error
		out, err = db.arrivals(tx, incidentID, postDays, now)
		return err
	})
	return out, err
}

func (db *DB) arrivals(tx *gorm.DB, incidentID string, postDays int, now time.Time) ([]faq.Arrival, error) {
	hour := "strftime('%Y-%m-%dT%H:00:00Z', d.sent_at)"
	if db.dialect == Postgres {
		hour = `to_char(d.sent_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:00:00"Z"')`
	}
	var sent []struct {
		Hour string
		N    int
	}
	if err := tx.Raw(`SELECT `+hour+` AS hour, count(*) AS n FROM deliveries d
		WHERE d.incident_id = ? AND d.sent_at IS NOT NULL AND d.customer_id IS NOT NULL GROUP BY 1`, incidentID).
		Scan(&sent).Error; err != nil {
		return nil, fmt.Errorf("notice arrivals: %w", err)
	}
	var out []faq.Arrival
	for _, s := range sent {
		t, err := time.Parse(time.RFC3339, s.Hour)
		if err != nil {
			return nil, fmt.Errorf("notice arrivals: hour %q: %w", s.Hour, err)
		}
		out = append(out, faq.Arrival{At: t, Email: s.N})
	}
	var pending []struct {
		SendAt time.Time
		N      int
	}
	if err := tx.Raw(`SELECT s.send_at AS send_at, count(*) AS n FROM deliveries d JOIN sends s ON s.id = d.send_id
		WHERE d.incident_id = ? AND d.sent_at IS NULL AND d.status = 'pending' AND s.state NOT IN ('cancelled', 'completed')
		AND d.customer_id IS NOT NULL GROUP BY s.id, s.send_at`, incidentID).Scan(&pending).Error; err != nil {
		return nil, fmt.Errorf("notice arrivals: pending: %w", err)
	}
	for _, p := range pending {
		at := p.SendAt
		if at.Before(now) {
			at = now
		}
		out = append(out, faq.Arrival{At: at, Email: p.N})
	}
	var batches []struct {
		MailedOn  *string
		CreatedAt time.Time
		Total     int
		Returned  int
	}
	if err := tx.Raw(`SELECT mailed_on, created_at, total, returned FROM letter_batches WHERE incident_id = ?`, incidentID).
		Scan(&batches).Error; err != nil {
		return nil, fmt.Errorf("notice arrivals: letters: %w", err)
	}
	for _, b := range batches {
		mailed := now.AddDate(0, 0, 1)
		if b.MailedOn != nil && *b.MailedOn != "" {
			d, err := time.Parse("2006-01-02", *b.MailedOn)
			if err != nil {
				return nil, fmt.Errorf("notice arrivals: mailed_on %q: %w", *b.MailedOn, err)
			}
			mailed = d.Add(12 * time.Hour) // midday: the day, wherever the zone
		}
		if n := b.Total - b.Returned; n > 0 {
			out = append(out, faq.Arrival{At: mailed.AddDate(0, 0, postDays), Letters: n})
		}
	}
	return out, nil
}
