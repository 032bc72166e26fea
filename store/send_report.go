package store

import (
	"context"
	"fmt"
	"time"

	"github.com/candor-dev/candor"
	"gorm.io/gorm"
)

// What the console shows of a send and a statement beyond the API's
// answers: a disclosure's sends, why deliveries failed, one customer's
// delivery, and an incident's publications.

// maxListed bounds the sends of a disclosure and the publications of an
// incident read at once: a notice is sent a handful of times.
const maxListed = 200

// ListSends returns a disclosure's sends, newest first.
func (db *DB) ListSends(ctx context.Context, disclosureID string) ([]candor.Send, error) {
	if !validID(disclosureID) {
		return nil, candor.Errorf(candor.ENOTFOUND, "disclosure not found")
	}
	var rows []sendRow
	if err := db.gorm.WithContext(ctx).Where("disclosure_id = ?", disclosureID).
		Order("created_at DESC, id DESC").Limit(maxListed).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list sends: %w", err)
	}
	out := make([]candor.Send, len(rows))
	for i, r := range rows {
		out[i] = toSend(r)
	}
	return out, nil
}

// FailureGroup is the deliveries of a send that ended failed or bounced
// with the same reason (the relay's last answer, or the bounce's kind).
type FailureGroup struct {
	Status string
	Reason string
	Count  int
}

// SendFailures groups a send's failed and bounced deliveries by status and
// reason, the largest groups first, at most n groups. The send's own counts
// say whether there are any: a caller with none need not ask (the query
// reads every delivery of the send, the deliveries' status having no index
// of its own; see migration 0008).
func (db *DB) SendFailures(ctx context.Context, sendID string, n int) ([]FailureGroup, error) {
	if !validID(sendID) {
		return nil, candor.Errorf(candor.ENOTFOUND, "send not found")
	}
	var out []FailureGroup
	err := db.boundedRead(ctx, "send failures", func(tx *gorm.DB) error {
		return tx.Raw(`SELECT status, last_error AS reason, count(*) AS count FROM deliveries
			WHERE send_id = ? AND status IN (?, ?) GROUP BY status, last_error ORDER BY count(*) DESC, status, last_error LIMIT ?`,
			sendID, candor.DeliveryFailed, candor.DeliveryBounced, n).Scan(&out).Error
	})
	if err != nil {
		return nil, fmt.Errorf("send failures: %w", err)
	}
	return out, nil
}

// SendRecipients finds the customers of the send's incident whose
// e-mail (exactly, through its keyed hash) or external_id is q, each with
// their delivery of the send's disclosure: the one this send made, or an
// earlier send's (a disclosure reaches a customer once; SendID tells
// which), or none yet (Delivery nil: not dispatched to them yet, or
// outside the send's filter).
func (db *DB) SendRecipients(ctx context.Context, s candor.Send, q string) ([]SendRecipient, error) {
	page, err := db.ListCustomers(ctx, candor.CustomerFilter{IncidentID: s.IncidentID, Q: q, Limit: 10})
	if err != nil {
		return nil, err
	}
	out := make([]SendRecipient, 0, len(page.Items))
	for _, c := range page.Items {
		cd := SendRecipient{Customer: c}
		// deliveries_once (disclosure_id, recipient_key): a customer's
		// recipient_key is their id.
		var rows []sendRecipientRow
		if err := db.gorm.WithContext(ctx).Raw(`SELECT d.id, d.send_id, d.customer_id, d.locale, d.status, d.attempts,
			d.last_error, d.message_id, d.response, d.sent_at, d.possible_duplicate FROM deliveries d
			WHERE d.disclosure_id = ? AND d.recipient_key = ?`, s.DisclosureID, c.ID).Scan(&rows).Error; err != nil {
			return nil, fmt.Errorf("customer delivery: %w", err)
		}
		if len(rows) > 0 {
			r := rows[0]
			cd.Delivery = &candor.Delivery{ID: r.ID, SendID: r.SendID, CustomerID: r.CustomerID, Email: c.Email,
				Locale: r.Locale, Status: r.Status, Attempts: r.Attempts, LastError: r.LastError, MessageID: r.MessageID,
				Response: r.Response, SentAt: utcPtr(r.SentAt), PossibleDuplicate: r.PossibleDuplicate}
		}
		out = append(out, cd)
	}
	return out, nil
}

type sendRecipientRow struct {
	ID                string
	SendID            string
	CustomerID        *string
	Locale            string
	Status            string
	Attempts          int
	LastError         string
	MessageID         string
	Response          string
	SentAt            *time.Time
	PossibleDuplicate bool
}

// SendRecipient is a customer with their delivery of a disclosure.
type SendRecipient struct {
	Customer candor.Customer
	Delivery *candor.Delivery
}

// ListPublications returns an incident's publications, without their
// content, as of now (a due one is published), oldest first.
func (db *DB) ListPublications(ctx context.Context, incidentID string, now time.Time) ([]candor.Publication, error) {
	if _, err := db.GetIncident(ctx, incidentID); err != nil {
		return nil, err
	}
	var rows []publicationRow
	if err := db.gorm.WithContext(ctx).Select("id, disclosure_id, incident_id, slug, revision, state, publish_at, marked_at, "+
		"cancelled_at, retracted_at, created_by, created_at").Where("incident_id = ?", incidentID).
		Order("publish_at, id").Limit(maxListed).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list publications: %w", err)
	}
	out := make([]candor.Publication, len(rows))
	for i, r := range rows {
		out[i] = toPublication(r, false).AsOf(now)
	}
	return out, nil
}
