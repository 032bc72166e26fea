package store

import (
	"cmp"
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/deadline"
)

// What the obligation evidence reads of sends and deliveries (migration
// 0004, store/delivery.go): the two kinds of send, the one delivery status
// that counts, and the recipient key of a regulator report.
const (
	kindCustomerNotice  = string(candor.KindCustomerNotice)
	kindRegulatorReport = string(candor.KindRegulatorReport)
	deliverySent        = candor.DeliverySent
	regulatorKeyPrefix  = "regulator:"
)

// CustomerPlaceCounts counts the incident's customers per ISO 3166-1
// country and per ISO 3166-2 region; a customer with a region counts in
// both. Customers with no country are counted under countries[""] (the
// engine ignores that key; the obligations report shows it). Erased
// customers count: erasure removes a person's data, not the fact that they
// were affected, and the thresholds are about the people affected. Postal
// customers count too. Read from the counts the customers' triggers keep
// (the customer_counts migration): a row per place and language, whatever the
// incident's size, where a GROUP BY over the customers took 0.1 s a
// million rows and far more while a send rewrote them.
func (db *DB) CustomerPlaceCounts(ctx context.Context, incidentID string) (countries, regions map[string]int, err error) {
	var rows []struct {
		Country string
		Region  string
		N       int
	}
	err = db.gorm.WithContext(ctx).Raw(`SELECT country, region, CAST(SUM(n) AS BIGINT) AS n FROM customer_counts
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
//     deliveries_send_order (one delivery each);
//   - for each of areas (a region "US-TX", a country "JP", or "EU" for the
//     EEA), how many email customers it has and how many had a customer
//     notice delivered, with the sends that did it; then how many
//     customers it has in all, how many a mailed letter reached instead,
//     and who is left per jurisdiction (inPerson, obligation_reach.go);
//   - the incident's substitute notices.
//
// The send ids are read first (an incident has a handful), so the planner
// sees literal ids rather than guessing how many deliveries a join to
// sends yields. Then one aggregate covers every area at once: the email
// customers of the areas (through customers_country) LEFT JOIN their sent
// notice deliveries (deliveries_once), grouped by place and send; the
// group with no send counts the customers never reached, and each area
// sums the places it holds, so overlapping areas (US and US-TX) cost one
// pass. Before any customer notice is sent it is a plain COUNT per place.
// See BenchmarkObligationEvidence for its cost.
func (db *DB) ObligationEvidence(ctx context.Context, incidentID string, areas []string, until time.Time) (deadline.Evidence, error) {
	ev := deadline.Evidence{Reach: map[string]deadline.AreaReach{}}
	var sends []struct {
		ID           string
		Kind         string
		DisclosureID string
	}
	err := db.gorm.WithContext(ctx).Raw(`SELECT id, kind, disclosure_id FROM sends WHERE incident_id = ? AND kind IN (?, ?)`,
		incidentID, kindCustomerNotice, kindRegulatorReport).Scan(&sends).Error
	if err != nil {
		return ev, fmt.Errorf("obligation evidence: sends: %w", err)
	}
	var reports []string
	var notices noticeSends
	for _, s := range sends {
		if s.Kind == kindRegulatorReport {
			reports = append(reports, s.ID)
		} else {
			notices.sends = append(notices.sends, s.ID)
			if !slices.Contains(notices.disclosures, s.DisclosureID) {
				notices.disclosures = append(notices.disclosures, s.DisclosureID)
			}
		}
	}
	if ev.Reports, err = db.regulatorReports(ctx, reports, until); err != nil {
		return ev, err
	}
	if ev.Filings, err = db.filedReports(ctx, incidentID, until); err != nil {
		return ev, err
	}
	if len(areas) == 0 {
		return ev, nil
	}
	groups, err := db.placeGroups(ctx, incidentID, areas, notices, until)
	if err != nil {
		return ev, err
	}
	anyMulti := false
	for _, area := range areas {
		r, multi := reachOf(strings.ToUpper(area), groups)
		if multi {
			// A customer may have notices of several disclosures: count
			// each customer once, reached at their first notice.
			if r, err = db.areaReachExact(ctx, incidentID, strings.ToUpper(area), notices, until, r.Sends); err != nil {
				return ev, err
			}
		}
		anyMulti = anyMulti || multi
		ev.Reach[area] = r
	}
	email, err := db.emailPlaces(ctx, incidentID, areas, notices, until, groups, anyMulti)
	if err != nil {
		return ev, err
	}
	if err := db.inPerson(ctx, incidentID, areas, notices, until, email, &ev); err != nil {
		return ev, err
	}
	if ev.Substitutes, err = db.ListSubstituteNotices(ctx, incidentID); err != nil {
		return ev, err
	}
	return ev, nil
}

func (db *DB) regulatorReports(ctx context.Context, sendIDs []string, until time.Time) ([]deadline.RegulatorReport, error) {
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
	out := make([]deadline.RegulatorReport, 0, len(rows))
	for _, r := range rows {
		out = append(out, deadline.RegulatorReport{Jurisdiction: strings.TrimPrefix(r.RecipientKey, regulatorKeyPrefix),
			SendID: r.SendID, DisclosureID: r.DisclosureID, SentAt: r.SentAt.T})
	}
	return out, nil
}

// placeGroup is one row of the reach query: the email customers of one
// place that one send reached, or (no send) that no notice reached.
type placeGroup struct {
	Country      string
	Region       string
	SendID       sql.NullString
	DisclosureID sql.NullString
	N            int
	LastAt       dbTime
}

// inArea reports whether a customer of country and region is in area.
func inArea(area, country, region string) bool {
	switch {
	case area == "EU":
		return candor.IsEEA(country)
	case strings.Contains(area, "-"):
		return region == area
	}
	return country == area
}

// areasFilter is the WHERE fragment selecting the customers (alias c) of
// any of areas. Regions are matched with their country, so that
// customers_country (incident_id, country, region) serves every branch.
func areasFilter(areas []string) (string, []any) {
	var countries []string
	regions := map[string][]string{}
	for _, a := range areas {
		a = strings.ToUpper(a)
		switch {
		case a == "EU":
			countries = append(countries, candor.EEACountries()...)
		case strings.Contains(a, "-"):
			country, _, _ := strings.Cut(a, "-")
			regions[country] = append(regions[country], a)
		default:
			countries = append(countries, a)
		}
	}
	var parts []string
	var args []any
	if len(countries) > 0 {
		parts = append(parts, "c.country IN ?")
		args = append(args, countries)
	}
	for _, country := range slices.Sorted(maps.Keys(regions)) {
		parts = append(parts, "(c.country = ? AND c.region IN ?)")
		args = append(args, country, regions[country])
	}
	return "(" + strings.Join(parts, " OR ") + ")", args
}

// noticeSends are an incident's customer-notice sends and the disclosures
// they send.
type noticeSends struct {
	sends, disclosures []string
}

// noticeJoin joins each customer (alias c) to their sent notice
// deliveries (alias d) by the notices' sends, up to until. The deliveries
// are found through deliveries_once (disclosure_id, recipient_key): a
// customer's recipient_key is their id.
func noticeJoin(notices noticeSends, until time.Time) (string, []any) {
	join := `LEFT JOIN deliveries d ON d.disclosure_id IN ? AND d.recipient_key = c.id AND d.status = ? AND d.send_id IN ?`
	args := []any{notices.disclosures, deliverySent, notices.sends}
	if !until.IsZero() {
		join += ` AND d.sent_at <= ?`
		args = append(args, until.UTC())
	}
	return join, args
}

// placeGroups runs the reach query over the email customers of areas.
func (db *DB) placeGroups(ctx context.Context, incidentID string, areas []string, notices noticeSends, until time.Time) ([]placeGroup, error) {
	where, whereArgs := areasFilter(areas)
	base := append([]any{incidentID, candor.ChannelEmail}, whereArgs...)
	var groups []placeGroup
	var err error
	if len(notices.sends) == 0 {
		err = db.gorm.WithContext(ctx).Raw(`SELECT c.country, c.region, COUNT(*) AS n FROM customers c
			WHERE c.incident_id = ? AND c.channel = ? AND `+where+` GROUP BY c.country, c.region`, base...).Scan(&groups).Error
	} else {
		join, joinArgs := noticeJoin(notices, until)
		err = db.gorm.WithContext(ctx).Raw(`SELECT c.country, c.region, d.send_id, d.disclosure_id,
				COUNT(*) AS n, MAX(d.sent_at) AS last_at
			FROM customers c `+join+`
			WHERE c.incident_id = ? AND c.channel = ? AND `+where+`
			GROUP BY c.country, c.region, d.send_id, d.disclosure_id`, append(joinArgs, base...)...).Scan(&groups).Error
	}
	if err != nil {
		return nil, fmt.Errorf("obligation evidence: reach: %w", err)
	}
	return groups, nil
}

// reachOf sums the groups of area. multi is true when notices of more than
// one disclosure reached it: then a customer may be counted twice, and the
// exact count must be asked for.
func reachOf(area string, groups []placeGroup) (r deadline.AreaReach, multi bool) {
	var last time.Time
	disclosures := map[string]bool{}
	bySend := map[string]*deadline.SendRef{}
	for _, g := range groups {
		if !inArea(area, g.Country, g.Region) {
			continue
		}
		r.EmailCustomers += g.N
		if !g.SendID.Valid {
			continue // customers no notice reached
		}
		r.Notified += g.N
		disclosures[g.DisclosureID.String] = true
		s := bySend[g.SendID.String]
		if s == nil {
			s = &deadline.SendRef{SendID: g.SendID.String, DisclosureID: g.DisclosureID.String}
			bySend[g.SendID.String] = s
		}
		s.Delivered += g.N
		if g.LastAt.T.After(s.At) {
			s.At = g.LastAt.T
		}
		if g.LastAt.T.After(last) {
			last = g.LastAt.T
		}
	}
	for _, s := range bySend {
		r.Sends = append(r.Sends, *s)
	}
	slices.SortFunc(r.Sends, func(a, b deadline.SendRef) int { return cmp.Or(b.At.Compare(a.At), cmp.Compare(a.SendID, b.SendID)) })
	// One disclosure reaches a customer at most once (deliveries_once), so
	// then the groups count customers exactly and the last delivery
	// completed the area.
	if r.Notified > 0 {
		r.ReachedAt = &last
	}
	if r.EmailCustomers > 0 && r.Notified == r.EmailCustomers {
		r.CompletedAt = &last
	}
	return r, len(disclosures) > 1
}

// areaReachExact counts an area's customers once each, reached at their
// first notice.
func (db *DB) areaReachExact(ctx context.Context, incidentID, area string, notices noticeSends, until time.Time, sends []deadline.SendRef) (deadline.AreaReach, error) {
	where, whereArgs := areasFilter([]string{area})
	join, args := noticeJoin(notices, until)
	args = append(append(args, incidentID, candor.ChannelEmail), whereArgs...)
	var row struct {
		N        int
		Notified int
		LastAt   dbTime
	}
	err := db.gorm.WithContext(ctx).Raw(`SELECT COUNT(*) AS n, COUNT(first_at) AS notified, MAX(first_at) AS last_at FROM (
			SELECT c.id, MIN(d.sent_at) AS first_at FROM customers c `+join+`
			WHERE c.incident_id = ? AND c.channel = ? AND `+where+` GROUP BY c.id) x`, args...).Scan(&row).Error
	if err != nil {
		return deadline.AreaReach{}, fmt.Errorf("obligation evidence: reach of %s: %w", area, err)
	}
	r := deadline.AreaReach{EmailCustomers: row.N, Notified: row.Notified, Sends: sends}
	if !row.LastAt.T.IsZero() {
		at := row.LastAt.T
		r.ReachedAt = &at
		if r.EmailCustomers > 0 && r.Notified == r.EmailCustomers {
			r.CompletedAt = &at
		}
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
