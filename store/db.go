// Package store keeps Candor's state in SQLite or PostgreSQL through GORM.
//
// Row structs are unexported and converted to domain types at the boundary;
// database errors are translated to domain codes here, so no caller ever sees
// a driver error type. Every mutation that the audit log must record appends
// its entry in the same transaction as the change.
package store

import (
	"database/sql"
	"sync"

	"context"
	"errors"
	"fmt"
	"github.com/mattn/go-sqlite3"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/geo"
	"github.com/candor-dev/candor/internal/redact"
	"github.com/candor-dev/candor/vault"
	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Dialects.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// DB is the store: one connection pool and the dialect it speaks.
type DB struct {
	gorm    *gorm.DB
	dialect string
	now     func() time.Time
	keys    *vault.Keyring
	locales *geo.Locales  // canonicalises BCP 47 tags, with a cache
	writer  chan struct{} // SQLite: this process's turn at the one writer (see transaction)
	turnMax time.Duration // SQLite: the longest wait for that turn
	// queryTimeout bounds a viewer's list and search queries (boundedRead).
	queryTimeout time.Duration
}

// Options tunes the connection pool.
type Options struct {
	MaxOpenConns    int           // 0: the driver's default for the dialect
	MaxIdleConns    int           // 0: 4
	ConnMaxLifetime time.Duration // 0: 30 minutes
	QueryTimeout    time.Duration // 0: DefaultQueryTimeout; see boundedRead
}

// Open connects to the database named by rawURL and checks that it answers.
// Forms: "postgres://user:pass@host/db?sslmode=disable" (or postgresql://),
// "sqlite:path/to/file.db", "sqlite:///abs/path.db", or a bare file path.
func Open(ctx context.Context, rawURL string, opt Options) (*DB, error) {
	dialect, dsn, err := parseURL(rawURL)
	if err != nil {
		return nil, err
	}
	cfg := &gorm.Config{
		// Queries are never logged with their parameters: they hold personal data.
		Logger:                 logger.Default.LogMode(logger.Silent),
		TranslateError:         true,
		SkipDefaultTransaction: true,
		NowFunc:                func() time.Time { return time.Now().UTC() },
	}
	var dial gorm.Dialector
	if dialect == SQLite {
		if err := os.MkdirAll(filepath.Dir(dsnPath(dsn)), 0o700); err != nil {
			return nil, fmt.Errorf("create database directory: %w", err)
		}
		if err := createSQLiteFile(dsn); err != nil {
			return nil, err
		}
		dial = sqlite.New(sqlite.Config{DriverName: sqliteDriverName(), DSN: dsn})
	} else {
		dial = postgres.Open(dsn)
	}
	g, err := gorm.Open(dial, cfg)
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", dialect, err)
	}
	sqlDB, err := g.DB()
	if err != nil {
		return nil, err
	}
	maxOpen := opt.MaxOpenConns
	if maxOpen == 0 {
		// SQLite in WAL mode serves readers beside its one writer: a
		// larger pool keeps API reads from queueing behind a send's
		// writes (p99 of the public page 61 ms → 25 ms under load).
		maxOpen = 32
	}
	sqlDB.SetMaxOpenConns(maxOpen)
	maxIdle := opt.MaxIdleConns
	if maxIdle == 0 {
		// Keep what a send opened: with fewer idle connections than busy
		// ones, every lull closed some and the next burst opened them
		// again — a new PostgreSQL backend, or an SQLite connection that
		// parses the schema and starts with a cold page cache (a third of
		// the send's SQLite CPU went to preparing statements).
		maxIdle = maxOpen
	}
	sqlDB.SetMaxIdleConns(maxIdle)
	lifetime := opt.ConnMaxLifetime
	if lifetime == 0 {
		lifetime = 30 * time.Minute
	}
	sqlDB.SetConnMaxLifetime(lifetime)
	db := &DB{gorm: g, dialect: dialect, now: func() time.Time { return time.Now().UTC() }, locales: &geo.Locales{},
		writer: make(chan struct{}, 1), turnMax: sqliteBusyTimeout, queryTimeout: DefaultQueryTimeout}
	if opt.QueryTimeout > 0 {
		db.queryTimeout = opt.QueryTimeout
	}
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := db.Ping(pctx); err != nil {
		sqlDB.Close()
		return nil, err
	}
	return db, nil
}

func parseURL(raw string) (dialect, dsn string, err error) {
	switch {
	case strings.HasPrefix(raw, "postgres://"), strings.HasPrefix(raw, "postgresql://"):
		return Postgres, raw, nil
	case strings.HasPrefix(raw, "sqlite://"):
		return SQLite, sqliteDSN(strings.TrimPrefix(raw, "sqlite://")), nil
	case strings.HasPrefix(raw, "sqlite:"):
		return SQLite, sqliteDSN(strings.TrimPrefix(raw, "sqlite:")), nil
	case raw == "":
		return "", "", errors.New("database URL is empty")
	case strings.Contains(raw, "://"):
		return "", "", fmt.Errorf("database URL %q: use postgres://... or sqlite:PATH", Redact(raw))
	default:
		return SQLite, sqliteDSN(raw), nil
	}
}

// sqliteDSN adds the pragmas Candor relies on: WAL so readers never wait for
// the writer, a busy timeout instead of immediate SQLITE_BUSY, foreign keys,
// and IMMEDIATE transactions so a writer takes the lock up front rather than
// failing when it upgrades from reading. Each connection keeps its own page
// cache, and a send keeps a dozen or more connections busy: 8 MB each (the
// operating system caches the file too) kept the send's memory flat, where
// 32 MB each grew with the number of recipients (peak RSS 192 → 133 MB at
// 100,000), and a 1M-row import got faster, not slower (27.8 → 19.2 s).
// Since no index holds a delivery's status (migration 0008), a chunk's
// scan and the customers' updates read table pages, and 8 MB each peaked
// at 150–154 MB at 100,000 (three runs in one process); 4 MB each: 124–126
// MB, at the same speed.
func sqliteDSN(path string) string {
	p, q, _ := strings.Cut(path, "?")
	v, _ := url.ParseQuery(q)
	for k, d := range map[string]string{
		"_journal_mode": "WAL", "_busy_timeout": strconv.Itoa(int(sqliteBusyTimeout.Milliseconds())), "_foreign_keys": "on",
		"_txlock": "immediate", "_synchronous": "NORMAL", "_cache_size": "-4000",
	} {
		if v.Get(k) == "" {
			v.Set(k, d)
		}
	}
	return "file:" + p + "?" + v.Encode()
}

// sqliteDriverName registers (once) the SQLite driver with the settings no
// DSN parameter reaches (and the function candor_redact_addresses):
// checkpoints every 40,000 pages of WAL (156 MiB) rather than SQLite's
// 1,000 (4 MiB) or the 4,000 (16 MiB) set before. A
// send writes each delivery's page three times (dispatch, claim, outcome)
// and each customer's twice within a second or so; between two checkpoints
// a page is copied into the database once however often it was written,
// so fewer checkpoints copy less. BenchmarkSendPath, alternating runs:
// 56 and 58 µs per message at 4,000 pages, 50 and 46 at 40,000. A bulk
// import gains the same way. The cost is disk: the WAL file grows to
// 156 MiB and stays that size.
var sqliteDriverName = sync.OnceValue(func() string {
	const name = "sqlite3_candor"
	sql.Register(name, &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		if _, err := c.Exec("PRAGMA wal_autocheckpoint = 40000", nil); err != nil {
			return err
		}
		// The address redaction of stored replies, for the migration that
		// scrubs old rows (sqlite/0013): SQLite has no regexp of its own.
		return c.RegisterFunc("candor_redact_addresses", redact.Addresses, true)
	}})
	return name
})

// createSQLiteFile creates the database file of dsn, empty and readable by
// its owner only, unless it exists. Left to SQLite, it is created 0644 less
// the umask (world-readable under the usual 022); SQLite then gives the
// -wal and -shm files the database file's mode, so these are 0600 too. The
// personal fields are sealed (vault), but the file also holds who was
// notified of what, and when. A file that exists keeps its mode: an
// operator may have chosen it (README, "Security model").
func createSQLiteFile(dsn string) error {
	p := dsnPath(dsn)
	if p == "" || strings.HasPrefix(p, ":memory:") || strings.Contains(dsn, "mode=memory") {
		return nil
	}
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("create database file: %w", err)
	}
	return f.Close()
}

func dsnPath(dsn string) string {
	p, _, _ := strings.Cut(strings.TrimPrefix(dsn, "file:"), "?")
	return p
}

// Redact hides the password of a URL, for messages and logs.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// Dialect returns SQLite or Postgres.
func (db *DB) Dialect() string { return db.dialect }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	sqlDB, err := db.gorm.DB()
	if err != nil {
		return err
	}
	if err := sqlDB.PingContext(ctx); err != nil {
		return fmt.Errorf("%s database unreachable: %w", db.dialect, err)
	}
	return nil
}

// Close closes the pool.
func (db *DB) Close() error {
	sqlDB, err := db.gorm.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// Gorm exposes the handle for packages of this module that keep their own
// tables (the store's own files are the only callers in production code).
func (db *DB) Gorm() *gorm.DB { return db.gorm }

// transaction runs fn in a transaction. On SQLite, whose transactions all
// take the one write lock as they begin (BEGIN IMMEDIATE), the process's
// transactions first queue for their turn here, in arrival order. Left to
// SQLite's busy handler, a waiting transaction sleeps (1, 2, 5 … 50 ms)
// and tries again, and loses whenever the writer is taken again meanwhile:
// a send's first claims waited behind its dispatcher's back-to-back steps
// for up to half a second, one claim per step getting through. Here the
// next in line begins the moment the last one ends. (Another process's
// transactions still meet this one in SQLite's busy handler.) The store's
// few single-statement writes go through here too, lest they poll the busy
// handler for a lock that is handed from one queued transaction to the
// next. The wait is bounded like SQLite's own (the busy timeout): the send
// path's contexts cannot be cancelled on SQLite (sendPath).
func (db *DB) transaction(ctx context.Context, fn func(tx *gorm.DB) error) error {
	if db.dialect == SQLite {
		select {
		case db.writer <- struct{}{}:
		default:
			t := time.NewTimer(db.turnMax)
			select {
			case db.writer <- struct{}{}:
				t.Stop()
			case <-ctx.Done():
				t.Stop()
				return ctx.Err()
			case <-t.C:
				return fmt.Errorf("database is busy: no turn at the writer in %s", db.turnMax)
			}
		}
		defer func() { <-db.writer }()
	}
	return db.gorm.WithContext(ctx).Transaction(fn)
}

// sqliteBusyTimeout is how long a write waits for SQLite's writer: the
// DSN's busy timeout (unless the URL sets another), and the bound of the
// store's own queue.
const sqliteBusyTimeout = 15 * time.Second

// sendPath is the context for the statements a send runs per chunk (claims,
// recipients, outcomes, dispatch steps, state checks). On SQLite it cannot
// be cancelled: go-sqlite3 runs a statement, and then each row it returns,
// on a goroutine of its own when the context can be cancelled (so that it
// can interrupt it), which for a 200-row claim meant 200 goroutines. These
// statements are short and local, and what they write must not stop half
// way for a worker's shutdown anyway. Values (the actor) are kept; a
// deadline is not (it would need the same goroutines): the writer queue
// (transaction) and SQLite's busy timeout bound the wait for the writer.
func (db *DB) sendPath(ctx context.Context) context.Context {
	if db.dialect == SQLite {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

// DefaultQueryTimeout is how long a viewer's list or search query may run.
const DefaultQueryTimeout = 5 * time.Second

// SetQueryTimeout changes the bound of boundedRead (Options.QueryTimeout),
// for tests that need a query to run out of time.
func (db *DB) SetQueryTimeout(d time.Duration) { db.queryTimeout = d }

// boundedRead runs fn, the reads of a list or search any viewer may ask
// for, within the query timeout. A search of millions of customers takes
// about a second and a read nobody bounds can hold a connection and a CPU
// for as long as the planner likes; past the timeout it is stopped and the
// caller gets EUNAVAILABLE (503) saying so, never a driver error (500).
// PostgreSQL bounds each statement (SET LOCAL statement_timeout, in a
// read-only transaction so the setting ends with it); SQLite has no such
// setting, so the statements run under a context deadline, which
// go-sqlite3 turns into sqlite3_interrupt. A caller that went away is not a
// timeout: its own context's error is returned as it is.
func (db *DB) boundedRead(ctx context.Context, what string, fn func(tx *gorm.DB) error) error {
	d := db.queryTimeout
	var err error
	if db.dialect == Postgres {
		err = db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			// SET takes no bind parameters; the value is a number.
			if err := tx.Exec(fmt.Sprintf("SET LOCAL statement_timeout = %d", max(d.Milliseconds(), 1))).Error; err != nil {
				return err
			}
			return fn(tx)
		}, &sql.TxOptions{ReadOnly: true})
	} else {
		tctx, cancel := context.WithTimeout(ctx, d)
		defer cancel()
		err = fn(db.gorm.WithContext(tctx))
		if err != nil && ctx.Err() == nil && tctx.Err() != nil {
			err = errQueryTimeout
		}
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "57014" && ctx.Err() == nil { // query_canceled: the timeout
		err = errQueryTimeout
	}
	if errors.Is(err, errQueryTimeout) {
		return candor.Errorf(candor.EUNAVAILABLE, "the %s took longer than %s and was stopped; narrow it (a filter, an exact search) or try again later", what, d)
	}
	return err
}

var errQueryTimeout = errors.New("query timeout")
