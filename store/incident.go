package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/candor-dev/candor"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

type incidentRow struct {
	ID                      string `gorm:"primaryKey"`
	Title                   string
	Summary                 string
	DiscoveredAt            time.Time
	OccurredFrom            *time.Time
	OccurredTo              *time.Time
	DeterminedAt            *time.Time
	MaterialityDeterminedAt *time.Time
	NotifiableAssessedAt    *time.Time
	Severity                string
	Cause                   string
	Malicious               *bool
	Acquired                *bool
	HighRisk                *bool
	DataCategories          jsonCol[[]string]
	Entity                  jsonCol[*candor.ReportingEntity]
	OwnerEmail              string
	LegalContacts           jsonCol[[]string]
	Timezone                string
	Language                string
	Translations            jsonCol[map[string]candor.IncidentText]
	ContainedAt             *time.Time
	LawEnforcementDelay     *bool
	CreatedAt               time.Time
	UpdatedAt               time.Time
}

func (incidentRow) TableName() string { return "incidents" }

func toIncidentRow(in candor.Incident) incidentRow {
	return incidentRow{ID: in.ID, Title: in.Title, Summary: in.Summary, DiscoveredAt: in.DiscoveredAt,
		OccurredFrom: in.OccurredFrom, OccurredTo: in.OccurredTo, DeterminedAt: in.DeterminedAt,
		MaterialityDeterminedAt: in.MaterialityDeterminedAt, NotifiableAssessedAt: in.NotifiableAssessedAt,
		Severity: in.Severity, Cause: in.Cause, Malicious: in.Malicious, Acquired: in.Acquired, HighRisk: in.HighRisk,
		DataCategories: jsonCol[[]string]{in.DataCategories}, Entity: jsonCol[*candor.ReportingEntity]{in.ReportingEntity},
		OwnerEmail: in.OwnerEmail, LegalContacts: jsonCol[[]string]{in.LegalContacts},
		Timezone: in.Timezone, Language: in.DefaultLanguage, Translations: jsonCol[map[string]candor.IncidentText]{in.Translations},
		ContainedAt: in.ContainedAt, LawEnforcementDelay: in.LawEnforcementDelay, CreatedAt: in.CreatedAt, UpdatedAt: in.UpdatedAt}
}

func toIncident(r incidentRow) candor.Incident {
	cats, contacts := r.DataCategories.V, r.LegalContacts.V
	if cats == nil {
		cats = []string{}
	}
	if contacts == nil {
		contacts = []string{}
	}
	tr := r.Translations.V
	if tr == nil {
		tr = map[string]candor.IncidentText{}
	}
	if r.Language == "" {
		r.Language = "en"
	}
	return candor.Incident{ID: r.ID, Title: r.Title, Summary: r.Summary, DiscoveredAt: r.DiscoveredAt.UTC(),
		OccurredFrom: utcPtr(r.OccurredFrom), OccurredTo: utcPtr(r.OccurredTo), DeterminedAt: utcPtr(r.DeterminedAt),
		MaterialityDeterminedAt: utcPtr(r.MaterialityDeterminedAt), NotifiableAssessedAt: utcPtr(r.NotifiableAssessedAt),
		Severity: r.Severity, Cause: r.Cause, Malicious: r.Malicious, Acquired: r.Acquired, HighRisk: r.HighRisk, DataCategories: cats,
		ReportingEntity: r.Entity.V, OwnerEmail: r.OwnerEmail, LegalContacts: contacts,
		Timezone: r.Timezone, DefaultLanguage: r.Language, Translations: tr, ContainedAt: utcPtr(r.ContainedAt), LawEnforcementDelay: r.LawEnforcementDelay,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

// incidentSummary is what the audit log keeps of an incident: every field
// but the contacts' addresses, which are personal data and are only said to
// have changed.
func incidentSummary(in candor.Incident) map[string]any {
	// Marshal fails only for a time whose UTC year leaves 0-9999, which
	// Validate refuses; should one get here, the entry says so rather than
	// the request panicking on a nil map.
	m := map[string]any{}
	if b, err := json.Marshal(in); err != nil {
		m["unencodable"] = err.Error()
	} else {
		_ = json.Unmarshal(b, &m)
	}
	for _, k := range []string{"id", "created_at", "updated_at"} {
		delete(m, k)
	}
	m["owner_email"] = hashed(in.OwnerEmail)
	m["legal_contacts"] = hashed(strings.Join(in.LegalContacts, ","))
	return m
}

// hashed stands in for a personal value in the audit log: equal values give
// equal tokens, so a change shows, and the value itself does not.
func hashed(s string) string {
	if s == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(s))
	return "sha256:" + hex.EncodeToString(sum[:6])
}

// CreateIncident validates and stores a new incident.
func (db *DB) CreateIncident(ctx context.Context, in candor.Incident) (candor.Incident, error) {
	if err := in.Validate(); err != nil {
		return candor.Incident{}, err
	}
	in.ID = NewID()
	in.CreatedAt, in.UpdatedAt = db.now(), db.now()
	row := toIncidentRow(in)
	err := db.inTx(ctx, func(tx *gorm.DB) (audit, error) {
		return audit{Action: "incident.create", Resource: "incident", ResourceID: in.ID, IncidentID: in.ID,
			Summary: map[string]any{"after": incidentSummary(in)}}, tx.Create(&row).Error
	})
	if err != nil {
		return candor.Incident{}, translate("create incident", "incident", err)
	}
	return toIncident(row), nil
}

// GetIncident returns an incident by id.
func (db *DB) GetIncident(ctx context.Context, id string) (candor.Incident, error) {
	return db.getIncident(db.gorm.WithContext(ctx), id)
}

func (db *DB) getIncident(tx *gorm.DB, id string) (candor.Incident, error) {
	if !validID(id) {
		return candor.Incident{}, candor.Errorf(candor.ENOTFOUND, "incident not found")
	}
	var row incidentRow
	if err := tx.Where("id = ?", id).Take(&row).Error; err != nil {
		return candor.Incident{}, translate("get incident", "incident", err)
	}
	return toIncident(row), nil
}

// ListIncidents returns incidents, newest first.
func (db *DB) ListIncidents(ctx context.Context, f candor.IncidentFilter) (Page[candor.Incident], error) {
	after, err := decodeCursor(f.Cursor)
	if err != nil {
		return Page[candor.Incident]{}, err
	}
	n := limit(f.Limit)
	q := db.gorm.WithContext(ctx).Order("id DESC").Limit(n + 1)
	if after != "" {
		q = q.Where("id < ?", after)
	}
	var rows []incidentRow
	if err := q.Find(&rows).Error; err != nil {
		return Page[candor.Incident]{}, fmt.Errorf("list incidents: %w", err)
	}
	return pageOf(rows, n, func(r incidentRow) string { return r.ID }, toIncident), nil
}

// UpdateIncident applies change to the stored incident, validates the
// result and stores it; the audit entry lists the fields that changed.
//
// The read, change and write are one transaction holding the row: on
// PostgreSQL the row is read FOR UPDATE, so a second update waits for the
// first and changes its result instead of overwriting it with a stale copy
// (two PATCHes of different fields both survive); on SQLite the store's
// writer queue (transaction) already runs one write transaction at a time.
// change gets a deep copy, so nothing it does reaches "before".
func (db *DB) UpdateIncident(ctx context.Context, id string, change func(*candor.Incident) error) (candor.Incident, error) {
	var out candor.Incident
	err := db.inTx(ctx, func(tx *gorm.DB) (audit, error) {
		q := tx
		if db.dialect == Postgres {
			q = tx.Clauses(clause.Locking{Strength: "UPDATE"})
		}
		before, err := db.getIncident(q, id)
		if err != nil {
			return audit{}, err
		}
		after := before.Clone()
		if err := change(&after); err != nil {
			return audit{}, err
		}
		if err := after.Validate(); err != nil {
			return audit{}, err
		}
		after.ID, after.CreatedAt, after.UpdatedAt = before.ID, before.CreatedAt, db.now()
		row := toIncidentRow(after)
		if err := tx.Save(&row).Error; err != nil {
			return audit{}, err
		}
		out = toIncident(row)
		return audit{Action: "incident.update", Resource: "incident", ResourceID: id, IncidentID: id,
			Summary: diffSummary(incidentSummary(before), incidentSummary(after))}, nil
	})
	return out, translate("update incident", "incident", err)
}

// diffSummary keeps the entries of two summaries that differ, as
// {field: {before, after}}.
func diffSummary(before, after map[string]any) map[string]candor.Change {
	out := map[string]candor.Change{}
	for k, a := range after {
		if b := before[k]; !reflect.DeepEqual(a, b) {
			out[k] = candor.Change{Before: b, After: a}
		}
	}
	return out
}
