package store

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// Rekey re-encrypts every customer sealed under an old key with the current
// one, and recomputes the keyed hashes (they derive from the key too). It
// works a thousand rows per transaction, so it can be stopped and run again;
// it returns how many rows it changed.
func (db *DB) Rekey(ctx context.Context, progress func(done int)) (int, error) {
	kr, err := db.keyring()
	if err != nil {
		return 0, err
	}
	if _, err := db.rekeyPeople(ctx); err != nil { // staff e-mails are sealed with the same key
		return 0, err
	}
	done, after := 0, ""
	for {
		var rows []customerRow
		if err := db.gorm.WithContext(ctx).Where("id > ?", after).Order("id").Limit(1000).Find(&rows).Error; err != nil {
			return done, fmt.Errorf("rekey: %w", err)
		}
		if len(rows) == 0 {
			return done, nil
		}
		after = rows[len(rows)-1].ID
		var stale []customerRow
		for _, r := range rows {
			if r.ErasedAt == nil && (kr.NeedsRekey(r.NameEnc) || kr.NeedsRekey(r.EmailEnc) || kr.NeedsRekey(r.PostalEnc)) {
				stale = append(stale, r)
			}
		}
		if len(stale) == 0 {
			continue
		}
		err := db.inTx(ctx, func(tx *gorm.DB) (audit, error) {
			for _, r := range stale {
				c, err := unseal(kr, r)
				if err != nil {
					return audit{}, err
				}
				fresh, err := seal(kr, c)
				if err != nil {
					return audit{}, err
				}
				if err := tx.Model(&customerRow{}).Where("id = ?", r.ID).Updates(map[string]any{
					"name_enc": fresh.NameEnc, "email_enc": fresh.EmailEnc, "postal_enc": fresh.PostalEnc,
					"email_hash": fresh.EmailHash, "dedupe_key": fresh.DedupeKey, "content_hash": fresh.ContentHash}).Error; err != nil {
					return audit{}, err
				}
			}
			return audit{Action: "customers.rekey", Resource: "customer", ResourceID: stale[0].ID,
				Summary: map[string]any{"rows": len(stale), "key_id": kr.CurrentKeyID()}}, nil
		})
		if err != nil {
			return done, translate("rekey", "customer", err)
		}
		done += len(stale)
		if progress != nil {
			progress(done)
		}
	}
}
