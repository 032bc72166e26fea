package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/geo"
	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"
)

// GetCustomer returns a customer, decrypted.
func (db *DB) GetCustomer(ctx context.Context, id string) (candor.Customer, error) {
	kr, err := db.keyring()
	if err != nil {
		return candor.Customer{}, err
	}
	row, err := getCustomerRow(db.gorm.WithContext(ctx), id)
	if err != nil {
		return candor.Customer{}, err
	}
	return unseal(kr, row)
}

func getCustomerRow(tx *gorm.DB, id string) (customerRow, error) {
	var row customerRow
	if !validID(id) {
		return row, candor.Errorf(candor.ENOTFOUND, "customer not found")
	}
	err := tx.Where("id = ?", id).Take(&row).Error
	return row, translate("get customer", "customer", err)
}

// ListCustomers returns a page of an incident's customers in import order.
// Q matches an email exactly (through its keyed hash) or an external_id.
// The search runs within the query timeout: EUNAVAILABLE past it.
func (db *DB) ListCustomers(ctx context.Context, f candor.CustomerFilter) (Page[candor.Customer], error) {
	kr, err := db.keyring()
	if err != nil {
		return Page[candor.Customer]{}, err
	}
	if _, err := db.GetIncident(ctx, f.IncidentID); err != nil {
		return Page[candor.Customer]{}, err
	}
	f, err = f.Normalize(geo.Table{}, db.locales)
	if err != nil {
		return Page[candor.Customer]{}, err
	}
	after, err := decodeCursor(f.Cursor)
	if err != nil {
		return Page[candor.Customer]{}, err
	}
	var rows []customerRow
	err = db.boundedRead(ctx, "customer search", func(tx *gorm.DB) error {
		q := tx.Where("incident_id = ?", f.IncidentID).Order("id").Limit(f.Limit + 1)
		for col, v := range map[string]string{"country": f.Country, "region": f.Region, "locale": f.Locale, "status": f.Status} {
			if v != "" {
				q = q.Where(col+" = ?", v)
			}
		}
		if f.Q != "" {
			q = q.Where("(email_hash IN ? OR external_id = ?)", kr.EmailHashes(f.Q), f.Q)
		}
		if after != "" {
			q = q.Where("id > ?", after)
		}
		return q.Find(&rows).Error
	})
	if err != nil {
		return Page[candor.Customer]{}, fmt.Errorf("list customers: %w", err)
	}
	p := pageOf(rows, f.Limit, func(r customerRow) string { return r.ID }, func(r customerRow) customerRow { return r })
	out := Page[candor.Customer]{Items: make([]candor.Customer, 0, len(p.Items)), NextCursor: p.NextCursor}
	for _, r := range p.Items {
		c, err := unseal(kr, r)
		if err != nil {
			return out, err
		}
		out.Items = append(out.Items, c)
	}
	return out, nil
}

// UpdateCustomer applies change to a customer's input fields, validates and
// re-seals it. An erased customer cannot be changed (ECONFLICT), nor one
// erased while the change was being made: the row is read under its lock
// (PostgreSQL; SQLite's writer lock serialises) and written only while not
// erased, so an erasure racing an edit either comes after it and blanks
// it, or comes first and the edit is refused. A plain read and a
// whole-row save put the name and address back on 46 of 150 erased rows.
//
// A change of place or channel moves the customer between two of the
// incident's kept counts (the customer_counts migration); an import
// moving others at the same time may take the same counts in the other
// order, and PostgreSQL then aborts one of the two: the edit is run again
// from a fresh read, as the import's batch is (change must not mind).
func (db *DB) UpdateCustomer(ctx context.Context, id string, change func(*candor.CustomerInput) error) (out candor.Customer, err error) {
	for attempt := 1; ; attempt++ {
		out, err = db.updateCustomer(ctx, id, change)
		if attempt == maxBatchAttempts || !deadlocked(err) {
			return out, err
		}
	}
}

// deadlocked reports whether PostgreSQL aborted a transaction to end a
// deadlock (or a serialisation failure): running it again resolves it.
func deadlocked(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001")
}

func (db *DB) updateCustomer(ctx context.Context, id string, change func(*candor.CustomerInput) error) (candor.Customer, error) {
	kr, err := db.keyring()
	if err != nil {
		return candor.Customer{}, err
	}
	var out candor.Customer
	err = db.inTx(ctx, func(tx *gorm.DB) (audit, error) {
		if db.dialect == Postgres && validID(id) {
			if err := tx.Exec("SELECT 1 FROM customers WHERE id = ? FOR UPDATE", id).Error; err != nil {
				return audit{}, err
			}
		}
		row, err := getCustomerRow(tx, id)
		if err != nil {
			return audit{}, err
		}
		if row.ErasedAt != nil {
			return audit{}, candor.Errorf(candor.ECONFLICT, "customer was erased; its personal data cannot be changed")
		}
		old, err := unseal(kr, row)
		if err != nil {
			return audit{}, err
		}
		in := old.Input()
		if err := change(&in); err != nil {
			return audit{}, err
		}
		c, errs := candor.NormalizeCustomer(in, geo.Table{}, db.locales)
		if len(errs) > 0 {
			return audit{}, candor.Invalid(errs...)
		}
		c.ID, c.IncidentID, c.CreatedAt, c.UpdatedAt, c.Status = old.ID, old.IncidentID, old.CreatedAt, db.now(), old.Status
		if c.Channel != old.Channel {
			c.Status = map[string]string{candor.ChannelEmail: candor.CustomerPending, candor.ChannelPostal: candor.CustomerPostal}[c.Channel]
		}
		sealed, err := seal(kr, c)
		if err != nil {
			return audit{}, err
		}
		res := tx.Model(&customerRow{}).Where("id = ? AND erased_at IS NULL", id).Select("*").Updates(&sealed)
		if res.Error != nil {
			return audit{}, res.Error
		}
		if res.RowsAffected != 1 {
			return audit{}, errErasedMeanwhile
		}
		out = c
		summary := diffSummary(customerSummary(old), customerSummary(c))
		if c.Country != old.Country {
			// A customer moved to a country the incident had not reached
			// brings it into the scope now, as an import would.
			scope, err := customerScope(tx, old.IncidentID, c.Country, db.now())
			if err != nil {
				return audit{}, err
			}
			if len(scope) > 0 {
				summary["scope_added"] = candor.Change{After: scope}
			}
		}
		return audit{Action: "customer.update", Resource: "customer", ResourceID: id, IncidentID: old.IncidentID,
			Summary: summary}, nil
	})
	return out, translate("update customer", "customer (with that external_id or email)", err)
}

// errErasedMeanwhile refuses a change to a customer erased since it was
// read.
var errErasedMeanwhile = candor.Errorf(candor.ECONFLICT, "customer was erased meanwhile; its personal data cannot be changed")

// customerSummary is what the audit log keeps of a customer: the fields
// that decide which law applies and what was sent; personal fields only as
// keyed hashes, so a change shows and the value does not.
func customerSummary(c candor.Customer) map[string]any {
	return map[string]any{"external_id": c.ExternalID, "country": c.Country, "region": c.Region, "locale": c.Locale,
		"data_categories": c.DataCategories, "channel": c.Channel, "name": hashed(c.Name), "email": hashed(c.Email),
		"postal_address": hashed(c.PostalAddress), "address": hashed(addressText(c)),
		"phone": hashed(c.Phone)}
}

// EraseCustomer blanks a customer's personal fields and hashes (the right to
// erasure) and keeps the row, its status and its deliveries as evidence of
// what was sent and when.
func (db *DB) EraseCustomer(ctx context.Context, id string) (candor.Customer, error) {
	var out candor.Customer
	err := db.inTx(ctx, func(tx *gorm.DB) (audit, error) {
		row, err := getCustomerRow(tx, id)
		if err != nil {
			return audit{}, err
		}
		if row.ErasedAt != nil {
			return audit{}, candor.Errorf(candor.ECONFLICT, "customer already erased")
		}
		now := db.now()
		err = tx.Model(&customerRow{}).Where("id = ?", id).Updates(map[string]any{
			"name_enc": "", "email_enc": "", "postal_enc": "", "email_hash": "", "content_hash": "",
			"address_enc": "", "city_enc": "", "postal_code_enc": "", "phone_enc": "", "has_address": false,
			"dedupe_key": "erased:" + id, "erased_at": now, "updated_at": now}).Error
		if err != nil {
			return audit{}, err
		}
		// What relays said about the customer's messages goes too: the
		// replies are stored redacted, but older rows or a relay's other
		// words about them (a local part, a name) may still point to the
		// person. Found through deliveries_once (disclosure, recipient_key
		// = the customer's id): customer_id has no index.
		err = tx.Exec(`UPDATE deliveries SET last_error = '', response = ''
			WHERE disclosure_id IN (SELECT id FROM disclosures WHERE incident_id = ?) AND recipient_key = ?
			AND (last_error <> '' OR response <> '')`, row.IncidentID, id).Error
		row.NameEnc, row.EmailEnc, row.PostalEnc, row.ErasedAt, row.UpdatedAt = "", "", "", &now, now
		row.AddressEnc, row.CityEnc, row.PostalCodeEnc, row.PhoneEnc, row.HasAddress = "", "", "", "", false
		out, _ = unseal(nil, row)
		return audit{Action: "customer.erase", Resource: "customer", ResourceID: id, IncidentID: row.IncidentID,
			Summary: map[string]any{"external_id": row.ExternalID}}, err
	})
	return out, translate("erase customer", "customer", err)
}

// EachCustomer calls fn for every customer of an incident in import order,
// reading a thousand at a time so an export of millions stays in constant
// memory.
func (db *DB) EachCustomer(ctx context.Context, incidentID string, fn func(candor.Customer) error) error {
	kr, err := db.keyring()
	if err != nil {
		return err
	}
	if _, err := db.GetIncident(ctx, incidentID); err != nil {
		return err
	}
	after := ""
	for {
		var rows []customerRow
		if err := db.gorm.WithContext(ctx).Where("incident_id = ? AND id > ?", incidentID, after).
			Order("id").Limit(1000).Find(&rows).Error; err != nil {
			return fmt.Errorf("read customers: %w", err)
		}
		for _, r := range rows {
			c, err := unseal(kr, r)
			if err != nil {
				return err
			}
			if err := fn(c); err != nil {
				return err
			}
		}
		if len(rows) < 1000 {
			return nil
		}
		after = rows[len(rows)-1].ID
	}
}

// CountCustomers counts an incident's customers by channel, from the
// counts the customers' triggers keep (the customer_counts migration).
func (db *DB) CountCustomers(ctx context.Context, incidentID string) (map[string]int64, error) {
	var rows []struct {
		Channel string
		N       int64
	}
	err := db.gorm.WithContext(ctx).Raw(`SELECT channel, CAST(SUM(n) AS BIGINT) AS n FROM customer_counts
		WHERE incident_id = ? GROUP BY channel`, incidentID).Scan(&rows).Error
	out := map[string]int64{}
	for _, r := range rows {
		out[r.Channel] = r.N
	}
	return out, err
}

// addressText is the structured address as one string, for its audit hash.
func addressText(c candor.Customer) string {
	if !c.HasAddress() && c.City == "" && c.PostalCode == "" {
		return ""
	}
	return fmt.Sprint(c.AddressLines, c.City, c.PostalCode)
}
