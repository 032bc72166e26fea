package store

import (
	"context"
	"strings"
	"time"
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
