package store

import (
	"context"

	"github.com/candor-dev/candor"
	"strings"
	"time"

	"gorm.io/gorm"
)

// DispatchPlan is the query plan the database chooses for the dispatcher's
// INSERT ... SELECT of a send's next limit recipients (EXPLAIN; nothing is
// inserted), one line per plan node.
func (db *DB) DispatchPlan(ctx context.Context, sendID string, limit int) (string, error) {
	var s sendRow
	if err := db.gorm.WithContext(ctx).Where("id = ?", sendID).Take(&s).Error; err != nil {
		return "", err
	}
	q, args := db.dispatchStatement(s, "example.com", time.Now(), limit, "", "p")
	explain := "EXPLAIN "
	if db.dialect == SQLite {
		explain = "EXPLAIN QUERY PLAN "
	}
	rows, err := db.gorm.WithContext(ctx).Raw(explain+q, args...).Rows()
	if err != nil {
		return "", err
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var lines []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return "", err
		}
		var parts []string
		for _, v := range vals {
			switch v := v.(type) {
			case string:
				parts = append(parts, v)
			case []byte:
				parts = append(parts, string(v))
			}
		}
		lines = append(lines, strings.Join(parts, " "))
	}
	return strings.Join(lines, "\n"), rows.Err()
}

// Analyze refreshes the planner's statistics of customers and deliveries,
// as autovacuum would after an import.
func (db *DB) Analyze(ctx context.Context) error {
	q := "ANALYZE customers, deliveries"
	if db.dialect == SQLite {
		q = "ANALYZE"
	}
	return db.gorm.WithContext(ctx).Exec(q).Error
}

// CountDeliveries counts a send's deliveries by status from the deliveries
// themselves, to check the counts the send keeps.
func (db *DB) CountDeliveries(ctx context.Context, sendID string) (candor.SendCounts, error) {
	var rows []struct {
		Status string
		N      int
	}
	c := candor.SendCounts{}
	if err := db.gorm.WithContext(ctx).Raw("SELECT status, count(*) AS n FROM deliveries WHERE send_id = ? GROUP BY status", sendID).
		Scan(&rows).Error; err != nil {
		return c, err
	}
	for _, r := range rows {
		c.Total += r.N
		switch r.Status {
		case candor.DeliveryPending:
			c.Pending = r.N
		case candor.DeliverySending:
			c.Sending = r.N
		case candor.DeliverySent:
			c.Sent = r.N
		case candor.DeliveryFailed:
			c.Failed = r.N
		case candor.DeliveryBounced:
			c.Bounced = r.N
		case candor.DeliveryCancelled:
			c.Cancelled = r.N
		}
	}
	err := db.gorm.WithContext(ctx).Raw("SELECT count(*) FROM deliveries WHERE send_id = ? AND possible_duplicate", sendID).
		Scan(&c.PossibleDuplicates).Error
	return c, err
}

// Transaction runs fn as the store runs its own transactions.
func (db *DB) Transaction(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return db.transaction(ctx, fn)
}

// DispatchJIT is PostgreSQL's jit setting inside a dispatch step's
// transaction (lockDispatch) and outside one.
func (db *DB) DispatchJIT(ctx context.Context, sendID string) (inside, outside string, err error) {
	err = db.transaction(ctx, func(tx *gorm.DB) error {
		if err := lockDispatch(tx, sendID); err != nil {
			return err
		}
		return tx.Raw("SHOW jit").Scan(&inside).Error
	})
	if err != nil {
		return "", "", err
	}
	err = db.gorm.WithContext(ctx).Raw("SHOW jit").Scan(&outside).Error
	return inside, outside, err
}

// SetWriterWait bounds the wait for SQLite's writer (sqliteBusyTimeout).
func (db *DB) SetWriterWait(d time.Duration) { db.turnMax = d }
