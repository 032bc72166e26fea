package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/geo"
	"github.com/candor-dev/candor/roster"
	"github.com/candor-dev/candor/vault"
	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"
)

// ImportBatchSize is how many rows one transaction writes: large enough that
// a million rows take two hundred commits, small enough that a batch's
// lookup of existing keys stays under SQLite's bound-variable limit (32766)
// and a failed batch is quick to redo.
const ImportBatchSize = 5000

// ImportProgress is reported after each committed batch.
type ImportProgress struct {
	Lines  int // last source line read
	Report candor.ImportReport
}

// ImportError is a request-level failure part-way through an import: the
// batches before it committed (Landed says what they did), the rest did not.
type ImportError struct {
	Err    error
	Landed candor.ImportReport
	// ThroughLine is the last source line whose batch committed.
	ThroughLine int
}

func (e *ImportError) Error() string { return e.Err.Error() }
func (e *ImportError) Unwrap() error { return e.Err }

// sealedRow is a valid row, normalised and sealed, with its source line.
type sealedRow struct {
	line int
	row  customerRow
}

type importBatch struct {
	rows     []sealedRow
	rejected []candor.FieldError // errors of rows rejected in this stretch
	nreject  int
	lastLine int
	err      error // a request-level error after these rows
}

// ImportCustomers reads rows from r and upserts them into the incident's
// customers: valid rows land, invalid ones are reported with their line and
// field and never stop the others. Rows are committed in batches, each with
// its audit entry in the same transaction; a request-level error (a body
// that stops being CSV, a closed connection) returns *ImportError saying
// which lines landed. Reading, validating and encrypting run on one
// goroutine while the database writes on another.
func (db *DB) ImportCustomers(ctx context.Context, incidentID string, r roster.Reader, progress func(ImportProgress)) (candor.ImportReport, error) {
	rep := candor.ImportReport{Errors: []candor.FieldError{}}
	kr, err := db.keyring()
	if err != nil {
		return rep, err
	}
	inc, err := db.GetIncident(ctx, incidentID)
	if err != nil {
		return rep, err
	}
	entity := ""
	if inc.ReportingEntity != nil {
		entity = strings.ToUpper(inc.ReportingEntity.Country)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan importBatch, 2)
	go db.readBatches(ctx, kr, incidentID, r, batches)
	through := 0
	for b := range batches {
		if len(b.rows) > 0 {
			if err := db.writeBatch(ctx, incidentID, entity, b, &rep); err != nil {
				cancel()
				for range batches {
				}
				return rep, &ImportError{Err: err, Landed: rep, ThroughLine: through}
			}
		}
		rep.Rejected += b.nreject
		for _, e := range b.rejected {
			if len(rep.Errors) >= candor.MaxImportErrors {
				rep.Truncated = true
				break
			}
			rep.Errors = append(rep.Errors, e)
		}
		through = b.lastLine
		if b.err != nil {
			cancel()
			for range batches {
			}
			return rep, &ImportError{Err: b.err, Landed: rep, ThroughLine: through}
		}
		if progress != nil {
			progress(ImportProgress{Lines: through, Report: rep})
		}
	}
	return rep, ctx.Err()
}

// readBatches is the producer: it reads, validates and seals rows into
// batches until the reader ends, fails or ctx is cancelled.
func (db *DB) readBatches(ctx context.Context, kr *vault.Keyring, incidentID string, r roster.Reader, out chan<- importBatch) {
	defer close(out)
	var g geo.Table
	b := importBatch{rows: make([]sealedRow, 0, ImportBatchSize)}
	send := func() bool {
		select {
		case out <- b:
			b = importBatch{rows: make([]sealedRow, 0, ImportBatchSize)}
			return true
		case <-ctx.Done():
			return false
		}
	}
	now := db.now()
	for {
		row, err := r.Next()
		if errors.Is(err, io.EOF) {
			send()
			return
		}
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			b.err = err
			send()
			return
		}
		b.lastLine = row.Line
		c, errs := row.Normalize(g, db.locales)
		if len(errs) == 0 {
			c.ID, c.IncidentID, c.CreatedAt, c.UpdatedAt = NewID(), incidentID, now, now
			sr, err := seal(kr, c)
			if err != nil {
				b.err = err
				send()
				return
			}
			b.rows = append(b.rows, sealedRow{line: row.Line, row: sr})
		} else {
			b.nreject++
			if len(b.rejected) < candor.MaxImportErrors {
				b.rejected = append(b.rejected, errs...)
			}
		}
		if len(b.rows) == ImportBatchSize && !send() {
			return
		}
	}
}

// existing is what a batch needs to know of rows already stored.
type existing struct {
	ID          string
	DedupeKey   string
	ContentHash string
	Channel     string
	Status      string
}

// maxBatchAttempts bounds the retries of a batch that lost a race with
// another import of the same customers (see writeBatch).
const maxBatchAttempts = 5

// writeBatch upserts one batch in one transaction with its audit entry.
// Two imports of the same customers at once may both find a key missing
// and both insert it: on PostgreSQL the second insert waits for the first
// transaction and then fails on customers_dedupe. The batch is then rolled
// back and run again from a fresh look-up, which now finds those customers
// and updates them, so parallel imports neither fail nor store anyone
// twice. Two batches that take the same keys in different orders may
// deadlock instead; PostgreSQL aborts one, which is retried the same way.
// (Rows stay in file order rather than sorted by key: new customers' ids
// follow the file, and the table's order follows the ids, which the
// dispatcher's plans rely on. SQLite's writer lock serialises batches.)
func (db *DB) writeBatch(ctx context.Context, incidentID, entity string, b importBatch, rep *candor.ImportReport) error {
	for attempt := 1; ; attempt++ {
		err := db.writeBatchOnce(ctx, incidentID, entity, b, rep)
		if err == nil || !lostImportRace(err) {
			return err
		}
		if attempt == maxBatchAttempts {
			return candor.Errorf(candor.ECONFLICT, "another import of the same customers kept changing them; import again")
		}
	}
}

// lostImportRace reports whether err is a transaction's loss to a
// concurrent one (a unique key taken meanwhile, a deadlock, a
// serialisation failure), which a fresh attempt resolves.
func lostImportRace(err error) bool {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return true
	}
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "23505" || pe.Code == "40P01" || pe.Code == "40001")
}

// A country of the batch not yet in the incident's scope enters it now,
// in the same transaction (importScope).
func (db *DB) writeBatchOnce(ctx context.Context, incidentID, entity string, b importBatch, rep *candor.ImportReport) error {
	var added, updated, unchanged, erased int
	var scope []candor.ScopeAddition
	err := db.inTx(ctx, func(tx *gorm.DB) (audit, error) {
		added, updated, unchanged, erased = 0, 0, 0, 0
		// Within a batch the last row with a key wins, as it would across
		// batches.
		last := make(map[string]int, len(b.rows))
		keys := make([]string, 0, len(b.rows))
		for i, sr := range b.rows {
			if _, dup := last[sr.row.DedupeKey]; !dup {
				keys = append(keys, sr.row.DedupeKey)
			} else {
				updated++
			}
			last[sr.row.DedupeKey] = i
		}
		found, err := db.existingCustomers(tx, incidentID, keys)
		if err != nil {
			return audit{}, err
		}
		have := make(map[string]existing, len(found))
		for _, e := range found {
			have[e.DedupeKey] = e
		}
		inserts := make([]*customerRow, 0, len(keys))
		for _, k := range keys {
			r := &b.rows[last[k]].row
			old, ok := have[k]
			switch {
			case !ok:
				inserts = append(inserts, r)
			case old.ContentHash == r.ContentHash:
				unchanged++
			default:
				ok, err := updateImported(tx, old, r)
				switch {
				case err != nil:
					return audit{}, err
				case ok:
					updated++
				default:
					// Erased since the look-up: it stays erased, as if
					// this import had come first and the erasure after.
					erased++
					unchanged++
				}
			}
		}
		if err := insertCustomers(tx, db.dialect, inserts); err != nil {
			return audit{}, err
		}
		added = len(inserts)
		var countries []string
		for _, k := range keys {
			if c := b.rows[last[k]].row.Country; !slices.Contains(countries, c) {
				countries = append(countries, c)
			}
		}
		if scope, err = importScope(tx, incidentID, entity, countries, db.now()); err != nil {
			return audit{}, err
		}
		summary := map[string]any{"from_line": b.rows[0].line, "to_line": b.rows[len(b.rows)-1].line,
			"accepted": added, "updated": updated, "unchanged": unchanged, "erased_meanwhile": erased}
		if len(scope) > 0 {
			summary["scope_added"] = scope
		}
		return audit{Action: "customers.import", Resource: "incident", ResourceID: incidentID, IncidentID: incidentID,
			Summary: summary}, nil
	})
	if err != nil {
		return fmt.Errorf("import customers: %w", err)
	}
	rep.Accepted += added
	rep.Updated += updated
	rep.Unchanged += unchanged
	rep.ScopeAdded = append(rep.ScopeAdded, scope...)
	return nil
}

// existingCustomers looks up a batch's keys. PostgreSQL gets them as one
// array parameter: an IN list of 5,000 parameters costs more to parse and
// plan than the lookup itself.
func (db *DB) existingCustomers(tx *gorm.DB, incidentID string, keys []string) ([]existing, error) {
	var found []existing
	q := "SELECT id, dedupe_key, content_hash, channel, status FROM customers WHERE incident_id = ? AND dedupe_key IN ?"
	var arg any = keys
	if db.dialect == Postgres {
		q = "SELECT id, dedupe_key, content_hash, channel, status FROM customers WHERE incident_id = ? AND dedupe_key = ANY(?::text[])"
		sqlTx, ok := tx.Statement.ConnPool.(*sql.Tx)
		if !ok {
			return nil, fmt.Errorf("look up customers: not in a transaction")
		}
		rows, err := sqlTx.QueryContext(tx.Statement.Context, rebind(db.dialect, q), incidentID, keys)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var e existing
			if err := rows.Scan(&e.ID, &e.DedupeKey, &e.ContentHash, &e.Channel, &e.Status); err != nil {
				return nil, err
			}
			found = append(found, e)
		}
		return found, rows.Err()
	}
	return found, tx.Raw(q, incidentID, arg).Scan(&found).Error
}

// updateImported replaces a stored customer's imported fields. Its
// notification status stays, unless the channel changed (an address added
// to a postal customer, or removed). A customer erased since the batch
// looked it up is left erased: it reports false. (Writing by id alone put
// the name and address back on 18 of 300 customers erased during a
// re-import.)
func updateImported(tx *gorm.DB, old existing, r *customerRow) (bool, error) {
	status := old.Status
	if old.Channel != r.Channel {
		status = r.Status
	}
	res := tx.Model(&customerRow{}).Where("id = ? AND erased_at IS NULL", old.ID).Updates(map[string]any{
		"external_id": r.ExternalID, "email_hash": r.EmailHash, "content_hash": r.ContentHash,
		"name_enc": r.NameEnc, "email_enc": r.EmailEnc, "postal_enc": r.PostalEnc, "country": r.Country,
		"region": r.Region, "locale": r.Locale, "data_categories": r.DataCategories, "channel": r.Channel,
		"address_enc": r.AddressEnc, "city_enc": r.CityEnc, "postal_code_enc": r.PostalCodeEnc, "phone_enc": r.PhoneEnc,
		"has_address": r.HasAddress, "status": status, "updated_at": r.UpdatedAt})
	return res.RowsAffected == 1, res.Error
}

// insertCustomers writes new rows in bulk: a statement per row would cost a
// round trip each, the difference between seconds and minutes at a million
// rows. PostgreSQL takes the batch as one INSERT ... SELECT FROM unnest of
// one array per column (17 parameters, one plan); SQLite runs a prepared
// 100-row INSERT repeatedly (re-preparing one huge statement per batch cost
// more than the inserts).
func insertCustomers(tx *gorm.DB, dialect string, rows []*customerRow) error {
	if len(rows) == 0 {
		return nil
	}
	sqlTx, ok := tx.Statement.ConnPool.(*sql.Tx)
	if !ok {
		return fmt.Errorf("insert customers: not in a transaction")
	}
	ctx := tx.Statement.Context
	if dialect == Postgres {
		return insertCustomersPG(ctx, sqlTx, rows)
	}
	const chunk = 100
	ph := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(customerColumns)), ", ") + ")"
	stmtFor := func(n int) (*sql.Stmt, error) {
		return sqlTx.PrepareContext(ctx, "INSERT INTO customers ("+strings.Join(customerColumns, ", ")+") VALUES "+
			strings.TrimSuffix(strings.Repeat(ph+", ", n), ", "))
	}
	full, err := stmtFor(chunk)
	if err != nil {
		return err
	}
	defer full.Close()
	args := make([]any, 0, chunk*len(customerColumns))
	for start := 0; start < len(rows); start += chunk {
		end := min(start+chunk, len(rows))
		args = args[:0]
		for _, r := range rows[start:end] {
			args = append(args, r.values()...)
		}
		stmt := full
		if end-start < chunk {
			if stmt, err = stmtFor(end - start); err != nil {
				return err
			}
			defer stmt.Close()
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return err
		}
	}
	return nil
}

func insertCustomersPG(ctx context.Context, tx *sql.Tx, rows []*customerRow) error {
	cols := make([][]string, 19)
	for i := range cols {
		cols[i] = make([]string, len(rows))
	}
	created := make([]time.Time, len(rows))
	hasAddress := make([]bool, len(rows))
	for j, r := range rows {
		for i, v := range []string{r.ID, r.IncidentID, r.ExternalID, r.DedupeKey, r.EmailHash, r.ContentHash,
			r.NameEnc, r.EmailEnc, r.PostalEnc, r.Country, r.Region, r.Locale, r.DataCategories, r.Channel, r.Status,
			r.AddressEnc, r.CityEnc, r.PostalCodeEnc, r.PhoneEnc} {
			cols[i][j] = v
		}
		created[j] = r.CreatedAt
		hasAddress[j] = r.HasAddress
	}
	args := make([]any, 0, 22)
	for _, c := range cols {
		args = append(args, c)
	}
	args = append(args, hasAddress, created, created)
	var ph strings.Builder
	for i := range cols {
		fmt.Fprintf(&ph, "$%d::text[], ", i+1)
	}
	_, err := tx.ExecContext(ctx, "INSERT INTO customers ("+strings.Join(customerColumns, ", ")+") SELECT * FROM unnest("+
		ph.String()+"$20::boolean[], $21::timestamptz[], $22::timestamptz[])", args...)
	return err
}
