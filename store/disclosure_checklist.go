package store

import (
	"context"
	"fmt"

	"github.com/candor-dev/candor"
)

// CustomerPlaceLocales counts an incident's customers per country, region
// and locale (each may be ""): where a customer notice goes and in which
// languages, for the disclosure checklist. Erased customers count, as in
// CustomerPlaceCounts. Read from the kept counts (the customer_counts migration); an
// incident's customers live in a few dozen places and languages, bounded
// at 10,000 groups.
func (db *DB) CustomerPlaceLocales(ctx context.Context, incidentID string) ([]candor.PlaceLocaleCount, error) {
	var rows []candor.PlaceLocaleCount
	err := db.gorm.WithContext(ctx).Raw(`SELECT country, region, locale, CAST(SUM(n) AS BIGINT) AS n FROM customer_counts
		WHERE incident_id = ? GROUP BY country, region, locale ORDER BY country, region, locale LIMIT 10000`, incidentID).
		Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("count customers per place and locale: %w", err)
	}
	return rows, nil
}
