package store

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/candor-dev/candor/migrations"
	"gorm.io/gorm"
)

// MigrationStatus says whether one migration file has been applied.
type MigrationStatus struct {
	Version   string     `json:"version"`
	AppliedAt *time.Time `json:"applied_at"`
}

type schemaMigration struct {
	Version   string `gorm:"primaryKey"`
	AppliedAt time.Time
}

func (schemaMigration) TableName() string { return "schema_migrations" }

// migrateLock is the PostgreSQL advisory lock key that serialises
// migrations ("candor" in ASCII).
const migrateLock = 0x63616e646f72

// Migrate applies every embedded migration not applied yet, each in its own
// transaction, and returns the versions it applied.
//
// On PostgreSQL, processes starting together (serve replicas and workers on
// many machines) take turns under an advisory lock: the first applies, the
// others then find nothing pending. SQLite is one machine's file; its write
// lock is enough for the processes `candor run` starts there.
func (db *DB) Migrate(ctx context.Context) ([]string, error) {
	if db.dialect != Postgres {
		return db.migrate(ctx)
	}
	var applied []string
	err := db.gorm.WithContext(ctx).Connection(func(conn *gorm.DB) error {
		if err := conn.Exec("SELECT pg_advisory_lock(?)", migrateLock).Error; err != nil {
			return fmt.Errorf("lock migrations: %w", err)
		}
		defer conn.Exec("SELECT pg_advisory_unlock(?)", migrateLock)
		var err error
		applied, err = db.migrate(ctx)
		return err
	})
	return applied, err
}

func (db *DB) migrate(ctx context.Context) ([]string, error) {
	if err := db.ensureMigrationTable(ctx); err != nil {
		return nil, err
	}
	status, err := db.MigrationStatus(ctx)
	if err != nil {
		return nil, err
	}
	var applied []string
	for _, m := range status {
		if m.AppliedAt != nil {
			continue
		}
		sql, err := fs.ReadFile(migrations.FS, path.Join(db.dialect, m.Version+".sql"))
		if err != nil {
			return applied, fmt.Errorf("read migration %s: %w", m.Version, err)
		}
		err = db.transaction(ctx, func(tx *gorm.DB) error {
			if err := tx.Exec(string(sql)).Error; err != nil {
				return err
			}
			if db.dialect == SQLite && strings.Contains(string(sql), "\n-- candor:schema-edited\n") {
				if err := bumpSchemaVersion(tx); err != nil {
					return err
				}
			}
			return tx.Create(&schemaMigration{Version: m.Version, AppliedAt: db.now()}).Error
		})
		if err != nil {
			return applied, fmt.Errorf("apply migration %s: %w", m.Version, err)
		}
		applied = append(applied, m.Version)
	}
	return applied, nil
}

// MigrationStatus lists every embedded migration, in order, with when it was
// applied (nil when pending).
func (db *DB) MigrationStatus(ctx context.Context) ([]MigrationStatus, error) {
	if err := db.ensureMigrationTable(ctx); err != nil {
		return nil, err
	}
	entries, err := fs.ReadDir(migrations.FS, db.dialect)
	if err != nil {
		return nil, fmt.Errorf("list migrations: %w", err)
	}
	var rows []schemaMigration
	if err := db.gorm.WithContext(ctx).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("read applied migrations: %w", err)
	}
	done := map[string]time.Time{}
	for _, r := range rows {
		done[r.Version] = r.AppliedAt
	}
	var out []MigrationStatus
	for _, e := range entries {
		v, ok := strings.CutSuffix(e.Name(), ".sql")
		if !ok {
			continue
		}
		s := MigrationStatus{Version: v}
		if at, ok := done[v]; ok {
			s.AppliedAt = &at
		}
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

func (db *DB) ensureMigrationTable(ctx context.Context) error {
	ts := "DATETIME"
	if db.dialect == Postgres {
		ts = "TIMESTAMPTZ"
	}
	err := db.gorm.WithContext(ctx).Exec(
		"CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at " + ts + " NOT NULL)").Error
	if err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	return nil
}

// Pending reports how many migrations are not applied yet.
func (db *DB) Pending(ctx context.Context) (int, error) {
	st, err := db.MigrationStatus(ctx)
	n := 0
	for _, s := range st {
		if s.AppliedAt == nil {
			n++
		}
	}
	return n, err
}

// bumpSchemaVersion follows an edit of SQLite's stored schema (a migration
// marked "-- candor:schema-edited"): a new schema version makes every
// connection re-read the definitions, as SQLite's procedure for such edits
// requires. PRAGMA takes no bind parameters; the value is a number.
func bumpSchemaVersion(tx *gorm.DB) error {
	var v int64
	if err := tx.Raw("PRAGMA schema_version").Scan(&v).Error; err != nil {
		return fmt.Errorf("read schema_version: %w", err)
	}
	return tx.Exec(fmt.Sprintf("PRAGMA schema_version = %d", v+1)).Error
}
