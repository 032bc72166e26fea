package store

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/jurisdictions"
	"github.com/candor-dev/candor/render"
	"github.com/candor-dev/candor/templates"
	"gorm.io/gorm"
)

// disclosureRow is a disclosure without its variants, which live in the
// row of its current revision.
type disclosureRow struct {
	ID               string `gorm:"primaryKey"`
	IncidentID       string
	Kind             string
	Title            string
	DefaultLocale    string
	State            string
	Revision         int
	ApprovedRevision int
	LastEditor       string
	SubmittedBy      string
	ApprovedBy       string
	ApprovedAt       *time.Time
	RejectReason     string
	Regulator        jsonCol[*candor.Regulator]
	CreatedAt        time.Time `gorm:"autoCreateTime:false"`
	UpdatedAt        time.Time `gorm:"autoUpdateTime:false"`
}

func (disclosureRow) TableName() string { return "disclosures" }

// disclosureJoined is a disclosure row with its current revision's content.
type disclosureJoined struct {
	Row     disclosureRow `gorm:"embedded"`
	Content jsonCol[candor.DisclosureContent]
}

func toDisclosureRow(d candor.Disclosure) disclosureRow {
	return disclosureRow{ID: d.ID, IncidentID: d.IncidentID, Kind: string(d.Kind), Title: d.Title,
		DefaultLocale: d.DefaultLocale, State: string(d.State), Revision: d.Revision,
		ApprovedRevision: d.ApprovedRevision, LastEditor: d.EditedBy, SubmittedBy: d.SubmittedBy,
		ApprovedBy: d.ApprovedBy, ApprovedAt: d.ApprovedAt, RejectReason: d.RejectReason,
		Regulator: jsonCol[*candor.Regulator]{d.Regulator}, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt}
}

func toDisclosure(j disclosureJoined) candor.Disclosure {
	r, c := j.Row, j.Content.V
	if c.Variants == nil {
		c.Variants = map[string]candor.Variant{}
	}
	return candor.Disclosure{ID: r.ID, IncidentID: r.IncidentID, Kind: candor.DisclosureKind(r.Kind),
		DisclosureContent: c, State: candor.DisclosureState(r.State), Revision: r.Revision,
		ApprovedRevision: r.ApprovedRevision, EditedBy: r.LastEditor, SubmittedBy: r.SubmittedBy,
		ApprovedBy: r.ApprovedBy, ApprovedAt: utcPtr(r.ApprovedAt), RejectReason: r.RejectReason,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

// joinedDisclosures selects disclosures with the content of their current
// revision.
func joinedDisclosures(tx *gorm.DB) *gorm.DB {
	return tx.Table("disclosures AS d").Select("d.*, r.content AS content").
		Joins("JOIN disclosure_revisions AS r ON r.disclosure_id = d.id AND r.number = d.revision")
}

// canon is the locale canonicaliser the domain validates with: the one the
// renderer matches and formats with, so a tag that passes here renders.
var canon candor.LocaleFunc = render.CanonicalLocale

// knownJurisdiction checks the jurisdiction of a variant key ("en@US-CA")
// against the catalogue.
var knownJurisdiction candor.JurisdictionFunc = jurisdictions.VariantJurisdiction

// clock is the time stored for a change: UTC, truncated to what both
// databases keep, so a value read back equals the one returned.
func (db *DB) clock() time.Time { return db.now().UTC().Truncate(time.Microsecond) }

// actorOf returns the actor a change is made by.
func actorOf(ctx context.Context, action string) (candor.Actor, error) {
	a, ok := candor.ActorFromContext(ctx)
	if !ok {
		return a, candor.Errorf(candor.EUNAUTHORIZED, "%s needs an identified token", action)
	}
	return a, nil
}

// CreateDisclosure creates a draft at revision 1 for an incident. With
// fromDefault, the shipped templates of kind (templates.Defaults) are the
// starting point: variants in c replace those of the same locale, an empty
// default locale becomes the templates' and an empty title the incident's.
// Errors: ENOTFOUND for the incident, EFORBIDDEN below comms, EINVALID or
// ETOOLARGE for content or templates that do not compile.
func (db *DB) CreateDisclosure(ctx context.Context, incidentID string, kind candor.DisclosureKind, c candor.DisclosureContent, fromDefault bool) (candor.Disclosure, error) {
	by, err := actorOf(ctx, "create a disclosure")
	if err != nil {
		return candor.Disclosure{}, err
	}
	in, err := db.GetIncident(ctx, incidentID)
	if err != nil {
		return candor.Disclosure{}, err
	}
	if fromDefault {
		c = withDefaults(kind, c, in.Title)
	}
	if by.Role.Allows(candor.RoleComms) { // else NewDisclosure says it is forbidden
		if c, err = candor.NormalizeContentWith(kind, c, canon, knownJurisdiction); err != nil {
			return candor.Disclosure{}, err
		}
	}
	d, rev, err := candor.NewDisclosure(NewID(), in.ID, kind, c, by, db.clock(), canon)
	if err != nil {
		return candor.Disclosure{}, err
	}
	if err := render.CheckSyntax(d.DisclosureContent); err != nil {
		return candor.Disclosure{}, err
	}
	row, revRow := toDisclosureRow(*d), toRevisionRow(rev)
	err = db.inTx(ctx, func(tx *gorm.DB) (audit, error) {
		if err := tx.Create(&row).Error; err != nil {
			return audit{}, err
		}
		if err := tx.Create(&revRow).Error; err != nil {
			return audit{}, err
		}
		return audit{Action: "disclosure.create", Resource: "disclosure", ResourceID: d.ID, IncidentID: in.ID,
			Summary: map[string]any{"kind": d.Kind, "revision": d.Revision, "title": d.Title,
				"default_locale": d.DefaultLocale, "locales": slices.Sorted(maps.Keys(d.Variants)),
				"from_default": fromDefault}}, nil
	})
	if err != nil {
		return candor.Disclosure{}, translate("create disclosure", "disclosure", err)
	}
	return *d, nil
}

// withDefaults lays c over the shipped templates of kind. Keys of c are
// canonicalised first so that "EN" replaces the default "en" rather than
// duplicating it; a key that is not a tag is kept as given, for validation
// to name.
func withDefaults(kind candor.DisclosureKind, c candor.DisclosureContent, incidentTitle string) candor.DisclosureContent {
	variants, _ := templates.Defaults(kind)
	if variants == nil {
		return c // an unknown kind: validation says so
	}
	for k, v := range c.Variants {
		if tag, err := canon(k); err == nil {
			k = tag
		}
		variants[k] = v
	}
	c.Variants = variants
	if c.DefaultLocale == "" {
		c.DefaultLocale = templates.DefaultLocaleFor(kind, c.Regulator) // a report in its regulator's language
	}
	if c.Title == "" {
		c.Title = incidentTitle
	}
	return c
}

// GetDisclosure returns a disclosure with the content of its current
// revision. Errors: ENOTFOUND.
func (db *DB) GetDisclosure(ctx context.Context, id string) (candor.Disclosure, error) {
	return db.getDisclosure(db.gorm.WithContext(ctx), id)
}

func (db *DB) getDisclosure(tx *gorm.DB, id string) (candor.Disclosure, error) {
	if !validID(id) {
		return candor.Disclosure{}, candor.Errorf(candor.ENOTFOUND, "disclosure not found")
	}
	var rows []disclosureJoined
	if err := joinedDisclosures(tx).Where("d.id = ?", id).Limit(1).Scan(&rows).Error; err != nil {
		return candor.Disclosure{}, fmt.Errorf("get disclosure: %w", err)
	}
	if len(rows) == 0 {
		return candor.Disclosure{}, candor.Errorf(candor.ENOTFOUND, "disclosure not found")
	}
	return toDisclosure(rows[0]), nil
}

// ListDisclosures returns a page of an incident's disclosures in the order
// they were created. Errors: ENOTFOUND for the incident, EINVALID for a bad
// cursor.
func (db *DB) ListDisclosures(ctx context.Context, incidentID, cursor string, n int) (Page[candor.Disclosure], error) {
	if _, err := db.GetIncident(ctx, incidentID); err != nil {
		return Page[candor.Disclosure]{}, err
	}
	after, err := decodeCursor(cursor)
	if err != nil {
		return Page[candor.Disclosure]{}, err
	}
	n = limit(n)
	q := joinedDisclosures(db.gorm.WithContext(ctx)).Where("d.incident_id = ?", incidentID).Order("d.id").Limit(n + 1)
	if after != "" {
		q = q.Where("d.id > ?", after)
	}
	var rows []disclosureJoined
	if err := q.Scan(&rows).Error; err != nil {
		return Page[candor.Disclosure]{}, fmt.Errorf("list disclosures: %w", err)
	}
	return pageOf(rows, n, func(r disclosureJoined) string { return r.Row.ID }, toDisclosure), nil
}

// CustomerLocales lists the distinct locales of an incident's customers,
// for the sample customers submit renders for.
func (db *DB) CustomerLocales(ctx context.Context, incidentID string) ([]string, error) {
	var locales []string
	err := db.gorm.WithContext(ctx).Raw(`SELECT DISTINCT locale FROM customer_counts
		WHERE incident_id = ? AND locale <> '' ORDER BY locale LIMIT 1000`, incidentID).Scan(&locales).Error // kept by the customer_counts migration's triggers
	if err != nil {
		return nil, fmt.Errorf("customer locales: %w", err)
	}
	return locales, nil
}
