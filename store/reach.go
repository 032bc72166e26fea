package store

import (
	"context"

	"github.com/candor-dev/candor"
	"gorm.io/gorm"
)

// ReachRows reads, for proof of reach, every customer of the incident
// grouped by what decides their reach class (candor.ClassifyReach): the
// jurisdiction they count in, whether they have an e-mail and a postal
// address, whether they were erased, and the best progress of their
// customer-notice deliveries and of their letters. One pass over the
// incident's customers with two grouped joins; nothing is decrypted.
func (db *DB) ReachRows(ctx context.Context, incidentID string) ([]candor.ReachRow, error) {
	var rows []struct {
		Country, Region, Channel string
		HasAddress, Erased       bool
		EmailState, LetterState  int
		N                        int
	}
	err := db.boundedRead(ctx, "reach", func(tx *gorm.DB) error {
		return tx.Raw(`SELECT c.country, c.region, c.channel, c.has_address,
			CASE WHEN c.erased_at IS NULL THEN 0 ELSE 1 END = 1 AS erased,
			COALESCE(d.best, 0) AS email_state, COALESCE(l.best, 0) AS letter_state, COUNT(*) AS n
		FROM customers c
		LEFT JOIN (SELECT customer_id, MAX(CASE status WHEN 'sent' THEN 3 WHEN 'pending' THEN 2 WHEN 'sending' THEN 2
				WHEN 'failed' THEN 1 WHEN 'bounced' THEN 1 ELSE 0 END) AS best
			FROM deliveries WHERE incident_id = ? AND customer_id IS NOT NULL GROUP BY customer_id) d ON d.customer_id = c.id
		LEFT JOIN (SELECT lt.customer_id, MAX(CASE WHEN lt.returned_at IS NOT NULL THEN 1 WHEN b.mailed_on IS NOT NULL THEN 3 ELSE 2 END) AS best
			FROM letters lt JOIN letter_batches b ON b.id = lt.batch_id WHERE lt.incident_id = ? GROUP BY lt.customer_id) l ON l.customer_id = c.id
		WHERE c.incident_id = ?
		GROUP BY c.country, c.region, c.channel, c.has_address, CASE WHEN c.erased_at IS NULL THEN 0 ELSE 1 END,
			COALESCE(d.best, 0), COALESCE(l.best, 0)`, incidentID, incidentID, incidentID).Scan(&rows).Error
	})
	if err != nil {
		return nil, err
	}
	out := make([]candor.ReachRow, 0, len(rows))
	for _, r := range rows {
		out = append(out, candor.ReachRow{Jurisdiction: candor.ReachJurisdiction(r.Country, r.Region), N: r.N,
			Facts: candor.ReachFacts{HasEmail: r.Channel == candor.ChannelEmail, HasAddress: r.HasAddress, Erased: r.Erased,
				Email: r.EmailState, Letter: r.LetterState}})
	}
	return out, nil
}
