package store

import (
	"context"
	"fmt"
)

// PossibleDuplicateCustomers returns the incident's customers with a
// delivery flagged possible_duplicate (claimed again after a crash, so it
// may have reached them twice; see flagRepeats), for the customers
// export. It reads the partial index deliveries_possible_duplicate,
// which holds the flagged rows only: a few hundred per crash, not one
// row per customer.
func (db *DB) PossibleDuplicateCustomers(ctx context.Context, incidentID string) (map[string]bool, error) {
	var ids []string
	if err := db.gorm.WithContext(ctx).Raw(`SELECT DISTINCT customer_id FROM deliveries
		WHERE incident_id = ? AND possible_duplicate AND customer_id IS NOT NULL`, incidentID).Scan(&ids).Error; err != nil {
		return nil, fmt.Errorf("possible duplicates: %w", err)
	}
	out := make(map[string]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}
