package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/deadline"
)

// place is a customer's country and region, as counted.
type place struct{ Country, Region string }

// letterGroup is the customers of one place whose first reach is a letter
// of one mailed batch (and whom no e-mail reached).
type letterGroup struct {
	Country, Region, BatchID, DisclosureID, MailedOn string
	N                                                int
}

// inPerson completes each area's reach with what e-mail alone does not
// tell (issue 22): every customer of the area whatever their channel, those
// a mailed letter reached and no e-mail did (each customer once, at their
// first mailed letter; a returned letter reached nobody), and, per reach
// jurisdiction, those neither reached. An area is complete when everyone
// was reached in person, at the last one's first reach; a letter counts
// from the first instant of its batch's mailing day in the incident's
// zone. email gives the e-mail customers each place's notices reached.
func (db *DB) inPerson(ctx context.Context, incidentID string, areas []string, notices noticeSends, until time.Time,
	email map[place]int, ev *deadline.Evidence) error {
	inc, err := db.GetIncident(ctx, incidentID)
	if err != nil {
		return err
	}
	loc := incidentZone(inc)
	where, whereArgs := areasFilter(areas)
	var totals []struct {
		Country, Region string
		N               int
	}
	if err := db.gorm.WithContext(ctx).Raw(`SELECT c.country, c.region, COUNT(*) AS n FROM customers c
		WHERE c.incident_id = ? AND `+where+` GROUP BY c.country, c.region`, append([]any{incidentID}, whereArgs...)...).Scan(&totals).Error; err != nil {
		return fmt.Errorf("obligation evidence: customers per place: %w", err)
	}
	letters, err := db.letterGroups(ctx, incidentID, where, whereArgs, notices, until)
	if err != nil {
		return err
	}
	for _, area := range areas {
		r := ev.Reach[area]
		r.Customers, r.Letters, r.Unreached = 0, 0, map[string]int{}
		left := map[place]int{}
		for _, t := range totals {
			if inArea(strings.ToUpper(area), t.Country, t.Region) {
				r.Customers += t.N
				left[place{t.Country, t.Region}] += t.N - email[place{t.Country, t.Region}]
			}
		}
		var last time.Time
		if r.ReachedAt != nil {
			last = *r.ReachedAt
		}
		batches := map[string]*deadline.LetterBatchRef{}
		for _, g := range letters {
			if !inArea(strings.ToUpper(area), g.Country, g.Region) {
				continue
			}
			day, err := time.ParseInLocation(candor.DateLayout, g.MailedOn, loc)
			if err != nil || !until.IsZero() && day.After(until) {
				continue
			}
			r.Letters += g.N
			left[place{g.Country, g.Region}] -= g.N
			if day.After(last) {
				last = day
			}
			b := batches[g.BatchID]
			if b == nil {
				b = &deadline.LetterBatchRef{BatchID: g.BatchID, DisclosureID: g.DisclosureID, MailedOn: g.MailedOn, At: day.UTC()}
				batches[g.BatchID] = b
			}
			b.Letters += g.N
		}
		for p, n := range left {
			if n > 0 {
				r.Unreached[candor.ReachJurisdiction(p.Country, p.Region)] += n
			}
		}
		r.LetterBatches = nil
		for _, b := range batches {
			r.LetterBatches = append(r.LetterBatches, *b)
		}
		slices.SortFunc(r.LetterBatches, func(a, b deadline.LetterBatchRef) int {
			return cmp.Or(b.At.Compare(a.At), cmp.Compare(a.BatchID, b.BatchID))
		})
		r.ReachedAt, r.CompletedAt = nil, nil
		if !last.IsZero() {
			at := last.UTC()
			r.ReachedAt = &at
			if r.Customers > 0 && r.Notified+r.Letters == r.Customers {
				r.CompletedAt = &at
			}
		}
		ev.Reach[area] = r
	}
	return nil
}

// letterGroups reads the letters that reached someone no e-mail did: in a
// mailed batch, not returned (by until), each customer at their first
// mailed batch, grouped by place and batch.
func (db *DB) letterGroups(ctx context.Context, incidentID, where string, whereArgs []any, notices noticeSends, until time.Time) ([]letterGroup, error) {
	// Most incidents have no mailed batch: then there is nothing to read.
	var mailed int64
	if err := db.gorm.WithContext(ctx).Raw(`SELECT COUNT(*) FROM letter_batches WHERE incident_id = ? AND mailed_on IS NOT NULL`,
		incidentID).Scan(&mailed).Error; err != nil || mailed == 0 {
		return nil, err
	}
	// CROSS JOIN keeps SQLite's join order (batches, their letters, their
	// customers) rather than every customer of the areas probing letters;
	// PostgreSQL plans it as the inner join it is.
	q := `SELECT country, region, batch_id, disclosure_id, mailed_on, COUNT(*) AS n FROM (
		SELECT c.country, c.region, b.id AS batch_id, b.disclosure_id, b.mailed_on,
			ROW_NUMBER() OVER (PARTITION BY c.id ORDER BY b.mailed_on, b.id) AS k
		FROM letter_batches b CROSS JOIN letters l CROSS JOIN customers c
		WHERE l.batch_id = b.id AND c.id = l.customer_id AND b.incident_id = ? AND b.mailed_on IS NOT NULL AND `
	args := []any{incidentID}
	if until.IsZero() {
		q += `l.returned_at IS NULL`
	} else {
		q += `(l.returned_at IS NULL OR l.returned_at > ?)`
		args = append(args, until.UTC())
	}
	q += ` AND ` + where
	args = append(args, whereArgs...)
	if len(notices.sends) > 0 {
		q += ` AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.disclosure_id IN ? AND d.recipient_key = c.id AND d.status = ? AND d.send_id IN ?`
		args = append(args, notices.disclosures, deliverySent, notices.sends)
		if !until.IsZero() {
			q += ` AND d.sent_at <= ?`
			args = append(args, until.UTC())
		}
		q += `)`
	}
	q += `) x WHERE k = 1 GROUP BY country, region, batch_id, disclosure_id, mailed_on`
	var out []letterGroup
	if err := db.gorm.WithContext(ctx).Raw(q, args...).Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("obligation evidence: letters: %w", err)
	}
	return out, nil
}

// emailPlaces counts, per place, the e-mail customers a notice reached:
// from the reach groups when one disclosure's notices reached the areas
// (a customer at most once), else by one exact count.
func (db *DB) emailPlaces(ctx context.Context, incidentID string, areas []string, notices noticeSends, until time.Time,
	groups []placeGroup, multi bool) (map[place]int, error) {
	out := map[place]int{}
	if !multi {
		for _, g := range groups {
			if g.SendID.Valid {
				out[place{g.Country, g.Region}] += g.N
			}
		}
		return out, nil
	}
	where, whereArgs := areasFilter(areas)
	args := append([]any{notices.disclosures, deliverySent, notices.sends}, incidentID, candor.ChannelEmail)
	q := `SELECT c.country, c.region, COUNT(*) AS n FROM customers c
		WHERE EXISTS (SELECT 1 FROM deliveries d WHERE d.disclosure_id IN ? AND d.recipient_key = c.id AND d.status = ? AND d.send_id IN ?`
	if !until.IsZero() {
		q += ` AND d.sent_at <= ?`
		args = append(args[:3:3], until.UTC(), incidentID, candor.ChannelEmail)
	}
	q += `) AND c.incident_id = ? AND c.channel = ? AND ` + where + ` GROUP BY c.country, c.region`
	var rows []struct {
		Country, Region string
		N               int
	}
	if err := db.gorm.WithContext(ctx).Raw(q, append(args, whereArgs...)...).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("obligation evidence: e-mail reach per place: %w", err)
	}
	for _, r := range rows {
		out[place{r.Country, r.Region}] += r.N
	}
	return out, nil
}
