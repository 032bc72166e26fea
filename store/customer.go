package store

import (
	"fmt"
	"strings"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/vault"
)

// customerRow is a customer as stored: personal fields sealed, hashes for
// the lookups that must work without decrypting.
type customerRow struct {
	ID             string `gorm:"primaryKey"`
	IncidentID     string
	ExternalID     string
	DedupeKey      string
	EmailHash      string
	ContentHash    string
	NameEnc        string
	EmailEnc       string
	PostalEnc      string
	AddressEnc     string // the address lines, joined by LF
	CityEnc        string
	PostalCodeEnc  string
	PhoneEnc       string
	HasAddress     bool // a letter can be sent: what letter batches select on
	Country        string
	Region         string
	Locale         string
	DataCategories string
	Channel        string
	Status         string
	CreatedAt      time.Time
	UpdatedAt      time.Time
	ErasedAt       *time.Time
}

func (customerRow) TableName() string { return "customers" }

// customerColumns is the column order of the bulk insert.
var customerColumns = []string{"id", "incident_id", "external_id", "dedupe_key", "email_hash", "content_hash",
	"name_enc", "email_enc", "postal_enc", "country", "region", "locale", "data_categories", "channel", "status",
	"address_enc", "city_enc", "postal_code_enc", "phone_enc", "has_address", "created_at", "updated_at"}

func (r *customerRow) values() []any {
	return []any{r.ID, r.IncidentID, r.ExternalID, r.DedupeKey, r.EmailHash, r.ContentHash, r.NameEnc, r.EmailEnc,
		r.PostalEnc, r.Country, r.Region, r.Locale, r.DataCategories, r.Channel, r.Status,
		r.AddressEnc, r.CityEnc, r.PostalCodeEnc, r.PhoneEnc, r.HasAddress, r.CreatedAt, r.UpdatedAt}
}

// SetKeyring gives the store the data key for personal fields. Without one,
// customer operations fail with EUNAVAILABLE rather than store clear text.
func (db *DB) SetKeyring(kr *vault.Keyring) { db.keys = kr }

func (db *DB) keyring() (*vault.Keyring, error) {
	if db.keys == nil {
		return nil, candor.Errorf(candor.EUNAVAILABLE, "no data key configured (CANDOR_DATA_KEY or CANDOR_DATA_KEY_FILE)")
	}
	return db.keys, nil
}

// seal turns a normalised customer into its stored form.
func seal(kr *vault.Keyring, c candor.Customer) (customerRow, error) {
	cats := strings.Join(c.DataCategories, ";")
	r := customerRow{ID: c.ID, IncidentID: c.IncidentID, ExternalID: c.ExternalID, Country: c.Country,
		Region: c.Region, Locale: c.Locale, DataCategories: cats, Channel: c.Channel, Status: c.Status,
		CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt, ErasedAt: c.ErasedAt, HasAddress: c.HasAddress()}
	lines := strings.Join(c.AddressLines, "\n")
	var err error
	for _, f := range []struct {
		dst *string
		src string
	}{{&r.NameEnc, c.Name}, {&r.EmailEnc, c.Email}, {&r.PostalEnc, c.PostalAddress}, {&r.AddressEnc, lines},
		{&r.CityEnc, c.City}, {&r.PostalCodeEnc, c.PostalCode}, {&r.PhoneEnc, c.Phone}} {
		if f.src == "" {
			continue
		}
		if *f.dst, err = kr.Encrypt(f.src); err != nil {
			return r, fmt.Errorf("seal customer: %w", err)
		}
	}
	if c.Email != "" {
		r.EmailHash = kr.EmailHash(c.Email)
	}
	switch {
	case c.ExternalID != "":
		r.DedupeKey = "x:" + c.ExternalID
	case r.EmailHash != "":
		r.DedupeKey = "e:" + r.EmailHash
	default:
		r.DedupeKey = "p:" + kr.MAC("postal", strings.ToLower(c.Name), strings.ToLower(c.PostalAddress))
	}
	r.ContentHash = kr.MAC(c.ExternalID, c.Name, c.Email, c.PostalAddress, c.Country, c.Region, c.Locale, cats)
	if lines != "" || c.City != "" || c.PostalCode != "" || c.Phone != "" {
		// Only then: the hashes of customers imported before these fields
		// existed stay the same, so their re-import is "unchanged".
		r.ContentHash = kr.MAC(r.ContentHash, lines, c.City, c.PostalCode, c.Phone)
	}
	return r, nil
}

// unseal decrypts a stored customer.
func unseal(kr *vault.Keyring, r customerRow) (candor.Customer, error) {
	c := candor.Customer{ID: r.ID, IncidentID: r.IncidentID, ExternalID: r.ExternalID, Country: r.Country,
		Region: r.Region, Locale: r.Locale, DataCategories: splitCategories(r.DataCategories), Channel: r.Channel,
		Status: r.Status, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(), ErasedAt: utcPtr(r.ErasedAt)}
	var err error
	var lines string
	for _, f := range []struct {
		dst *string
		src string
	}{{&c.Name, r.NameEnc}, {&c.Email, r.EmailEnc}, {&c.PostalAddress, r.PostalEnc}, {&lines, r.AddressEnc},
		{&c.City, r.CityEnc}, {&c.PostalCode, r.PostalCodeEnc}, {&c.Phone, r.PhoneEnc}} {
		if f.src == "" {
			continue
		}
		if *f.dst, err = kr.Decrypt(f.src); err != nil {
			return c, fmt.Errorf("unseal customer %s: %w", r.ID, err)
		}
	}
	if lines != "" {
		c.AddressLines = strings.Split(lines, "\n")
	}
	return c, nil
}

func splitCategories(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ";")
}
