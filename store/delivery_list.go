package store

// Reading deliveries: the API's list, the recipients of a claimed chunk,
// and bounces reported later.

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/candor-dev/candor"
	"gorm.io/gorm"
)

type deliveryRow struct {
	ID           string
	CustomerID   *string
	RecipientKey string
	Locale       string
	Status       string
	Attempts     int
	LastError    string
	MessageID    string
	Response     string
	SentAt       *time.Time
	EmailEnc     *string
	// PossibleDuplicate: claimed again after a crash (flagRepeats).
	PossibleDuplicate bool
}

// ListDeliveries pages through a send's deliveries with each recipient's
// email (decrypted; empty once the customer was erased).
func (db *DB) ListDeliveries(ctx context.Context, sendID, status, cursor string, n int) (Page[candor.Delivery], error) {
	kr, err := db.keyring()
	if err != nil {
		return Page[candor.Delivery]{}, err
	}
	if _, err := db.GetSend(ctx, sendID); err != nil {
		return Page[candor.Delivery]{}, err
	}
	after := ""
	if cursor != "" {
		b, err := decodeOpaque(cursor)
		if err != nil {
			return Page[candor.Delivery]{}, err
		}
		after = b
	}
	n = limit(n)
	q := `SELECT d.id, d.customer_id, d.recipient_key, d.locale, d.status, d.attempts, d.last_error, d.message_id,
		d.response, d.sent_at, c.email_enc, d.possible_duplicate FROM deliveries d LEFT JOIN customers c ON c.id = d.customer_id
		WHERE d.send_id = ? AND d.id > ?`
	args := []any{sendID, after}
	if status != "" {
		q += " AND d.status = ?"
		args = append(args, status)
	}
	var rows []deliveryRow
	if err := db.gorm.WithContext(ctx).Raw(q+" ORDER BY d.id LIMIT ?", append(args, n+1)...).Scan(&rows).Error; err != nil {
		return Page[candor.Delivery]{}, fmt.Errorf("list deliveries: %w", err)
	}
	p := Page[candor.Delivery]{Items: []candor.Delivery{}}
	for i, r := range rows {
		if i == n {
			p.NextCursor = encodeOpaque(rows[n-1].ID)
			break
		}
		d := candor.Delivery{ID: r.ID, SendID: sendID, CustomerID: r.CustomerID, Locale: r.Locale, Status: r.Status,
			Attempts: r.Attempts, LastError: r.LastError, MessageID: r.MessageID, Response: r.Response, SentAt: utcPtr(r.SentAt),
			PossibleDuplicate: r.PossibleDuplicate}
		if r.EmailEnc != nil && *r.EmailEnc != "" {
			if d.Email, err = kr.Decrypt(*r.EmailEnc); err != nil {
				return p, err
			}
		}
		p.Items = append(p.Items, d)
	}
	return p, nil
}

// RecipientsOf returns the customers of claimed deliveries, decrypted, by
// id, with what a message needs of them: name, email, country, region,
// locale and data categories (not their timestamps, hashes or postal
// address, which cost a send a column read or a decryption per recipient).
func (db *DB) RecipientsOf(ctx context.Context, claimed []Claimed) (map[string]candor.Customer, error) {
	ctx = db.sendPath(ctx)
	kr, err := db.keyring()
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(claimed))
	for _, c := range claimed {
		if c.CustomerID.Valid {
			ids = append(ids, c.CustomerID.String)
		}
	}
	out := make(map[string]candor.Customer, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	sqlDB, err := db.gorm.DB()
	if err != nil {
		return nil, err
	}
	// Read with database/sql, not gorm: gorm's reflection cost more than
	// the query for 200 rows, and it would spread a slice into a list. On
	// PostgreSQL the ids go as one array: one statement text for every
	// chunk size, and one parameter to bind instead of hundreds.
	q := "SELECT id, name_enc, email_enc, country, region, locale, data_categories FROM customers WHERE "
	var args []any
	if db.dialect == Postgres {
		q += "id = ANY($1::text[])"
		args = []any{ids}
	} else {
		q += "id IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ") + ")"
		args = make([]any, len(ids))
		for i, id := range ids {
			args[i] = id
		}
	}
	rs, err := sqlDB.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("read recipients: %w", err)
	}
	defer rs.Close()
	var rows []customerRow
	for rs.Next() {
		var r customerRow
		if err := rs.Scan(&r.ID, &r.NameEnc, &r.EmailEnc, &r.Country, &r.Region, &r.Locale, &r.DataCategories); err != nil {
			return nil, fmt.Errorf("read recipients: %w", err)
		}
		rows = append(rows, r)
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("read recipients: %w", err)
	}
	for _, r := range rows {
		c, err := unseal(kr, r)
		if err != nil {
			return nil, err
		}
		out[c.ID] = c
	}
	return out, nil
}

// MarkBounced records a bounce reported for a Message-ID (with or without
// angle brackets). A Message-ID is the delivery's id at the message domain,
// so the delivery is found by its id, and the whole Message-ID must match
// it. It returns ENOTFOUND for an unknown Message-ID.
func (db *DB) MarkBounced(ctx context.Context, messageID, kind string) error {
	id := strings.TrimSpace(messageID)
	if !strings.HasPrefix(id, "<") {
		id = "<" + id + ">"
	}
	deliveryID, _, _ := strings.Cut(strings.TrimPrefix(id, "<"), "@")
	notFound := candor.Errorf(candor.ENOTFOUND, "no delivery has that message_id")
	if deliveryID == "" || len(deliveryID) > 64 {
		return notFound
	}
	type delivery struct {
		ID         string
		SendID     string
		CustomerID *string
		Status     string
	}
	// The row is locked as it is read (PostgreSQL): an outcome being
	// recorded for it is waited for, so the status moved is the current one.
	lock := ""
	if db.dialect == Postgres {
		lock = " FOR UPDATE"
	}
	now := db.now()
	return db.transaction(ctx, func(tx *gorm.DB) error {
		var d delivery
		if err := tx.Raw("SELECT id, send_id, customer_id, status FROM deliveries WHERE id = ? AND message_id = ?"+lock,
			deliveryID, id).Scan(&d).Error; err != nil {
			return err
		}
		if d.ID == "" {
			return notFound
		}
		if err := tx.Exec("UPDATE deliveries SET status = 'bounced', last_error = ?, updated_at = ? WHERE id = ?",
			"bounce: "+kind, now, d.ID).Error; err != nil {
			return err
		}
		if d.CustomerID != nil {
			if err := tx.Exec("UPDATE customers SET status = 'bounced', updated_at = ? WHERE id = ?", now, *d.CustomerID).Error; err != nil {
				return err
			}
		}
		m := countMove{}
		m.move(d.Status, candor.DeliveryBounced, 1)
		return addCounts(tx, d.SendID, m, now) // the send's row last (send_counts.go)
	})
}
