package store

import (
	"context"
	"crypto/subtle"
	"fmt"
	"time"

	"github.com/candor-dev/candor"
)

// errUnknownNotice is the one answer for a reference that is not Candor's
// and for one whose incident has no published statement yet: the page must
// not tell the two apart.
var errUnknownNotice = candor.Errorf(candor.ENOTFOUND, "unknown reference")

// CheckNotice answers the public lookup page for reference ref (in
// ParseReference's grouped form): the notice it names, if its incident's
// statement is published as of now. When email is not "" it also says
// whether email is the recipient's (compared through the keyed hash, in
// constant time). A reference that is unknown, and one whose statement is
// not out yet, both give ENOTFOUND "unknown reference"; both run the same
// queries, so their timing tells little either.
func (db *DB) CheckNotice(ctx context.Context, ref, email string, now time.Time) (candor.NoticeCheck, error) {
	kr, err := db.keyring()
	if err != nil {
		return candor.NoticeCheck{}, err
	}
	// Both tables are read whatever the first finds.
	var hits []struct {
		IncidentID string
		SentAt     *time.Time
		MailedOn   *string
		EmailHash  *string
	}
	if err := db.gorm.WithContext(ctx).Raw(`SELECT d.incident_id, d.sent_at, c.email_hash FROM deliveries d
		LEFT JOIN customers c ON c.id = d.customer_id WHERE d.reference = ?`, ref).Scan(&hits).Error; err != nil {
		return candor.NoticeCheck{}, fmt.Errorf("check notice: %w", err)
	}
	channel := candor.ChannelEmail
	var letters []struct {
		IncidentID string
		SentAt     *time.Time
		MailedOn   *string
		EmailHash  *string
	}
	if err := db.gorm.WithContext(ctx).Raw(`SELECT l.incident_id, b.mailed_on, c.email_hash FROM letters l
		JOIN letter_batches b ON b.id = l.batch_id LEFT JOIN customers c ON c.id = l.customer_id
		WHERE l.reference = ?`, ref).Scan(&letters).Error; err != nil {
		return candor.NoticeCheck{}, fmt.Errorf("check notice: %w", err)
	}
	if len(hits) == 0 && len(letters) > 0 {
		hits, channel = letters, candor.ChannelLetter
	}
	found := len(hits) > 0
	var incidentID, mailedOn, emailHash string
	var sentAt *time.Time
	if found {
		h := hits[0]
		incidentID, sentAt = h.IncidentID, h.SentAt
		if h.MailedOn != nil {
			mailedOn = *h.MailedOn
		}
		if h.EmailHash != nil {
			emailHash = *h.EmailHash
		}
	}
	// The same work whether found or not: the statement's look-up and the
	// e-mail's hash.
	slug, publishAt, err := db.IncidentStatement(ctx, incidentID)
	if err != nil {
		return candor.NoticeCheck{}, err
	}
	matches := false
	if email != "" {
		norm, nerr := candor.NormalizeEmail(email)
		if nerr != nil {
			return candor.NoticeCheck{}, nerr
		}
		for _, h := range kr.EmailHashes(norm) {
			if subtle.ConstantTimeCompare([]byte(h), []byte(emailHash)) == 1 && emailHash != "" {
				matches = true
			}
		}
	}
	if !found || slug == "" || publishAt.After(now) {
		return candor.NoticeCheck{}, errUnknownNotice
	}
	in, err := db.GetIncident(ctx, incidentID)
	if err != nil {
		return candor.NoticeCheck{}, err
	}
	out := candor.NoticeCheck{Reference: ref, Channel: channel, MailedOn: mailedOn, Location: in.Location(),
		StatementSlug: slug, EmailChecked: email != "", EmailMatches: matches}
	if sentAt != nil {
		t := sentAt.UTC()
		out.SentAt = &t
	}
	return out, nil
}
