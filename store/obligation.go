package store

import (
	"cmp"
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/candor-dev/candor"
)

// Send kinds and the delivery status the obligation evidence reads. The
// sends and deliveries tables are described in migration 0004.
const (
	kindCustomerNotice  = "customer_notice"
	kindRegulatorReport = "regulator_report"
	deliverySent        = "sent"
	regulatorKeyPrefix  = "regulator:"
)

// CustomerPlaceCounts counts the incident's customers per ISO 3166-1
// country and per ISO 3166-2 region; a customer with a region counts in
// both. Customers with no country are counted under countries[""] (the
// engine ignores that key; the obligations report shows it). Erased
// customers count: erasure removes a person's data, not the fact that they
// were affected, and the thresholds are about the people affected. Postal
// customers count too. One GROUP BY over customers_country (index only on
// PostgreSQL: about 0.1 s for a million customers).
func (db *DB) CustomerPlaceCounts(ctx context.Context, incidentID string) (countries, regions map[string]int, err error) {
	var rows []struct {
		Country string
		Region  string
		N       int
	}
	err = db.gorm.WithContext(ctx).Raw(`SELECT country, region, COUNT(*) AS n FROM customers
		WHERE incident_id = ? GROUP BY country, region`, incidentID).Scan(&rows).Error
	if err != nil {
		return nil, nil, fmt.Errorf("count customers per place: %w", err)
	}
	countries, regions = map[string]int{}, map[string]int{}
	for _, r := range rows {
		countries[r.Country] += r.N
		if r.Region != "" {
			regions[r.Region] += r.N
		}
	}
	return countries, regions, nil
}

// ObligationEvidence gathers what can meet the incident's obligations, as
// of until (later deliveries do not count; zero: no limit):
//
//   - every sent regulator-report delivery (recipient key "regulator:J"),
//     found through the incident's regulator-report sends and
//     deliveries_send_status;
//   - for each of areas (a region "US-TX", a country "JP", or "EU" for the
//     EEA), how many email customers it has and how many had a customer
//     notice delivered, with the sends that did it.
//
// The send ids are read first (an incident has a handful), so the planner
// sees literal ids rather than guessing how many deliveries a join to
// sends yields. Each area is then one aggregate: its email customers
// LEFT JOIN their sent notice deliveries, grouped by send. The group with
// no send counts the customers never reached. Before any customer notice
// is sent, an area costs one COUNT. Measured on PostgreSQL 15 with a
// million customers and deliveries (two busy cores): about 0.3 s for an
// area of 100,000 and 0.5 s for all million.
func (db *DB) ObligationEvidence(ctx context.Context, incidentID string, areas []string, until time.Time) (candor.Evidence, error) {
	ev := candor.Evidence{Reach: map[string]candor.AreaReach{}}
	var sends []struct {
		ID   string
		Kind string
	}
	err := db.gorm.WithContext(ctx).Raw(`SELECT id, kind FROM sends WHERE incident_id = ? AND kind IN (?, ?)`,
		incidentID, kindCustomerNotice, kindRegulatorReport).Scan(&sends).Error
	if err != nil {
		return ev, fmt.Errorf("obligation evidence: sends: %w", err)
	}
	var reports, notices []string
	for _, s := range sends {
		if s.Kind == kindRegulatorReport {
			reports = append(reports, s.ID)
		} else {
			notices = append(notices, s.ID)
		}
	}
	if ev.Reports, err = db.regulatorReports(ctx, reports, until); err != nil {
		return ev, err
	}
	for _, area := range areas {
		r, err := db.areaReach(ctx, incidentID, area, notices, until)
		if err != nil {
			return ev, err
		}
		ev.Reach[area] = r
	}
	return ev, nil
}

func (db *DB) regulatorReports(ctx context.Context, sendIDs []string, until time.Time) ([]candor.RegulatorReport, error) {
	if len(sendIDs) == 0 {
		return nil, nil
	}
	var rows []struct {
		RecipientKey string
		SendID       string
		DisclosureID string
		SentAt       dbTime
	}
	q := `SELECT recipient_key, send_id, disclosure_id, sent_at FROM deliveries
		WHERE send_id IN ? AND status = ? AND recipient_key LIKE ? AND sent_at IS NOT NULL`
	args := []any{sendIDs, deliverySent, regulatorKeyPrefix + "%"}
	if !until.IsZero() {
		q += ` AND sent_at <= ?`
		args = append(args, until.UTC())
	}
	if err := db.gorm.WithContext(ctx).Raw(q+` ORDER BY sent_at, id`, args...).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("obligation evidence: regulator reports: %w", err)
	}
	out := make([]candor.RegulatorReport, 0, len(rows))
	for _, r := range rows {
		out = append(out, candor.RegulatorReport{Jurisdiction: strings.TrimPrefix(r.RecipientKey, regulatorKeyPrefix),
			SendID: r.SendID, DisclosureID: r.DisclosureID, SentAt: r.SentAt.T})
	}
	return out, nil
}

// areaFilter is the WHERE fragment selecting an area's customers (alias c).
// A region also names its country, so customers_country serves it.
func areaFilter(area string) (string, []any) {
	switch {
	case area == "EU":
		return "c.country IN ?", []any{candor.EEACountries()}
	case strings.Contains(area, "-"):
		country, _, _ := strings.Cut(area, "-")
		return "c.country = ? AND c.region = ?", []any{country, area}
	}
	return "c.country = ?", []any{area}
}

// areaReach counts an area's email customers and how far the customer
// notices among noticeIDs reached them.
func (db *DB) areaReach(ctx context.Context, incidentID, area string, noticeIDs []string, until time.Time) (candor.AreaReach, error) {
	where, whereArgs := areaFilter(strings.ToUpper(area))
	base := append([]any{incidentID, candor.ChannelEmail}, whereArgs...)
	g := db.gorm.WithContext(ctx)
	if len(noticeIDs) == 0 {
		var n int
		err := g.Raw(`SELECT COUNT(*) FROM customers c WHERE c.incident_id = ? AND c.channel = ? AND `+where, base...).Scan(&n).Error
		if err != nil {
			return candor.AreaReach{}, fmt.Errorf("obligation evidence: customers of %s: %w", area, err)
		}
		return candor.AreaReach{EmailCustomers: n}, nil
	}
	join := `LEFT JOIN deliveries d ON d.customer_id = c.id AND d.status = ? AND d.send_id IN ?`
	joinArgs := []any{deliverySent, noticeIDs}
	if !until.IsZero() {
		join += ` AND d.sent_at <= ?`
		joinArgs = append(joinArgs, until.UTC())
	}
	args := append(joinArgs, base...)
	var rows []struct {
		SendID       sql.NullString
		DisclosureID sql.NullString
		N            int
		LastAt       dbTime
	}
	err := g.Raw(`SELECT d.send_id, d.disclosure_id, COUNT(*) AS n, MAX(d.sent_at) AS last_at
		FROM customers c `+join+`
		WHERE c.incident_id = ? AND c.channel = ? AND `+where+`
		GROUP BY d.send_id, d.disclosure_id`, args...).Scan(&rows).Error
	if err != nil {
		return candor.AreaReach{}, fmt.Errorf("obligation evidence: reach of %s: %w", area, err)
	}
	var r candor.AreaReach
	var last time.Time
	disclosures := map[string]bool{}
	for _, row := range rows {
		r.EmailCustomers += row.N
		if !row.SendID.Valid {
			continue // customers no notice reached
		}
		r.Notified += row.N
		disclosures[row.DisclosureID.String] = true
		r.Sends = append(r.Sends, candor.SendRef{SendID: row.SendID.String, DisclosureID: row.DisclosureID.String,
			Delivered: row.N, At: row.LastAt.T})
		if row.LastAt.T.After(last) {
			last = row.LastAt.T
		}
	}
	slices.SortFunc(r.Sends, func(a, b candor.SendRef) int { return cmp.Or(b.At.Compare(a.At), cmp.Compare(a.SendID, b.SendID)) })
	if len(disclosures) > 1 {
		// A customer may have notices of several disclosures: count each
		// customer once, reached at their first notice.
		return db.areaReachExact(ctx, join, args, where, r.Sends, area)
	}
	// One disclosure reaches a customer at most once (deliveries_once), so
	// the groups count customers exactly and the last delivery completed it.
	if r.EmailCustomers > 0 && r.Notified == r.EmailCustomers {
		r.CompletedAt = &last
	}
	return r, nil
}

func (db *DB) areaReachExact(ctx context.Context, join string, args []any, where string, sends []candor.SendRef, area string) (candor.AreaReach, error) {
	var row struct {
		N        int
		Notified int
		LastAt   dbTime
	}
	err := db.gorm.WithContext(ctx).Raw(`SELECT COUNT(*) AS n, COUNT(first_at) AS notified, MAX(first_at) AS last_at FROM (
			SELECT c.id, MIN(d.sent_at) AS first_at FROM customers c `+join+`
			WHERE c.incident_id = ? AND c.channel = ? AND `+where+` GROUP BY c.id) x`, args...).Scan(&row).Error
	if err != nil {
		return candor.AreaReach{}, fmt.Errorf("obligation evidence: reach of %s: %w", area, err)
	}
	r := candor.AreaReach{EmailCustomers: row.N, Notified: row.Notified, Sends: sends}
	if r.EmailCustomers > 0 && r.Notified == r.EmailCustomers && !row.LastAt.T.IsZero() {
		at := row.LastAt.T
		r.CompletedAt = &at
	}
	return r, nil
}

// dbTime scans a timestamp that SQLite may return as text: an aggregate
// such as MAX(sent_at) has no declared type, so the driver does not
// convert it. NULL scans as the zero time.
type dbTime struct{ T time.Time }

// Value makes dbTime a column type to GORM, which reads a struct field
// without it as a relation.
func (t dbTime) Value() (driver.Value, error) {
	if t.T.IsZero() {
		return nil, nil
	}
	return t.T, nil
}

var sqliteLayouts = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05",
	time.RFC3339Nano,
}

func (t *dbTime) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		t.T = time.Time{}
		return nil
	case time.Time:
		t.T = v.UTC()
		return nil
	case []byte:
		return t.parse(string(v))
	case string:
		return t.parse(v)
	}
	return fmt.Errorf("dbTime: cannot scan %T", src)
}

func (t *dbTime) parse(s string) error {
	s = strings.TrimSuffix(strings.TrimSpace(s), "Z")
	for _, layout := range sqliteLayouts {
		if v, err := time.Parse(layout, s); err == nil {
			t.T = v.UTC()
			return nil
		}
	}
	return fmt.Errorf("dbTime: cannot parse %q", s)
}
