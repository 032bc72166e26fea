package testenv

import (
	"testing"
	"time"

	"github.com/candor-dev/candor/store"
	"gorm.io/gorm"
)

// Fixtures write customers, sends and deliveries with plain SQL in the
// shape of migrations 0002 and 0004, for tests (obligations, reminders)
// that need such rows without going through the stores that own them.

// Customers inserts n customers of an incident in country and region
// (either may be ""), with channel "email" or "postal", and returns their
// ids. Personal fields are left empty: these tests never read them.
func Customers(t testing.TB, db *store.DB, incidentID, country, region, channel string, n int) []string {
	t.Helper()
	ids := make([]string, n)
	now := time.Now().UTC()
	status := "pending"
	if channel == "postal" {
		status = "postal"
	}
	err := db.Gorm().Transaction(func(tx *gorm.DB) error {
		for i := range ids {
			ids[i] = store.NewID()
			if err := tx.Exec(`INSERT INTO customers (id, incident_id, dedupe_key, content_hash, country, region,
				channel, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				ids[i], incidentID, "k-"+ids[i], "h-"+ids[i], country, region, channel, status, now, now).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("insert customers: %v", err)
	}
	return ids
}

// EraseCustomer marks a customer erased, as DELETE /customers/{id} does.
func EraseCustomer(t testing.TB, db *store.DB, id string) {
	t.Helper()
	now := time.Now().UTC()
	if err := db.Gorm().Exec(`UPDATE customers SET erased_at = ?, name_enc = '', email_enc = '', email_hash = '' WHERE id = ?`,
		now, id).Error; err != nil {
		t.Fatalf("erase customer: %v", err)
	}
}

// Send inserts a completed send of a new disclosure of kind
// ("customer_notice" or "regulator_report") and returns the send and
// disclosure ids. disclosureID "" makes a new disclosure id.
func Send(t testing.TB, db *store.DB, incidentID, kind, disclosureID string) (sendID, disclosure string) {
	t.Helper()
	if disclosureID == "" {
		disclosureID = store.NewID()
	}
	sendID = store.NewID()
	now := time.Now().UTC()
	if err := db.Gorm().Exec(`INSERT INTO sends (id, disclosure_id, incident_id, kind, revision, state, send_at,
		created_by, created_at, updated_at) VALUES (?, ?, ?, ?, 1, 'completed', ?, 'test', ?, ?)`,
		sendID, disclosureID, incidentID, kind, now, now, now).Error; err != nil {
		t.Fatalf("insert send: %v", err)
	}
	return sendID, disclosureID
}

// Delivery is one delivery row to insert.
type Delivery struct {
	SendID, DisclosureID, IncidentID string
	// RecipientKey is the customer id, or "regulator:<code>".
	RecipientKey string
	CustomerID   string // "" for a regulator
	Status       string // "sent", "failed", ...
	SentAt       time.Time
}

// Deliveries inserts deliveries in one transaction.
func Deliveries(t testing.TB, db *store.DB, ds ...Delivery) {
	t.Helper()
	now := time.Now().UTC()
	err := db.Gorm().Transaction(func(tx *gorm.DB) error {
		for _, d := range ds {
			id := store.NewID()
			var cust, sent any
			if d.CustomerID != "" {
				cust = d.CustomerID
			}
			if !d.SentAt.IsZero() {
				sent = d.SentAt.UTC()
			}
			if err := tx.Exec(`INSERT INTO deliveries (id, send_id, disclosure_id, incident_id, recipient_key, customer_id,
				status, message_id, sent_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				id, d.SendID, d.DisclosureID, d.IncidentID, d.RecipientKey, cust, d.Status, "<"+id+"@test>", sent, now, now).Error; err != nil {
				return err
			}
			// The send's counts, as the dispatcher and workers keep them.
			if err := tx.Exec("UPDATE sends SET n_"+d.Status+" = n_"+d.Status+" + 1 WHERE id = ?", d.SendID).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("insert deliveries: %v", err)
	}
}

// NoticeTo returns sent customer-notice deliveries of one send to customers.
func NoticeTo(sendID, disclosureID, incidentID string, at time.Time, customerIDs ...string) []Delivery {
	out := make([]Delivery, len(customerIDs))
	for i, c := range customerIDs {
		out[i] = Delivery{SendID: sendID, DisclosureID: disclosureID, IncidentID: incidentID,
			RecipientKey: c, CustomerID: c, Status: "sent", SentAt: at}
	}
	return out
}
