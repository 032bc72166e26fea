package store

import (
	"context"
	"fmt"
	"time"

	"github.com/candor-dev/candor"
	"gorm.io/gorm"
)

type publicationRow struct {
	ID           string `gorm:"primaryKey"`
	DisclosureID string
	IncidentID   string
	Slug         string
	Revision     int
	State        string
	PublishAt    time.Time
	MarkedAt     *time.Time
	CancelledAt  *time.Time
	RetractedAt  *time.Time
	Content      jsonCol[candor.PublicationContent]
	CreatedBy    string
	CreatedAt    time.Time `gorm:"autoCreateTime:false"`
	UpdatedAt    time.Time `gorm:"autoUpdateTime:false"`
}

func (publicationRow) TableName() string { return "publications" }

type slugRow struct {
	Slug       string `gorm:"primaryKey"`
	IncidentID string
	CreatedAt  time.Time `gorm:"autoCreateTime:false"`
}

func (slugRow) TableName() string { return "statement_slugs" }

// toPublication converts a row; the content is left out unless withContent.
func toPublication(r publicationRow, withContent bool) candor.Publication {
	p := candor.Publication{ID: r.ID, DisclosureID: r.DisclosureID, IncidentID: r.IncidentID, Slug: r.Slug,
		Revision: r.Revision, State: candor.PublicationState(r.State), PublishAt: r.PublishAt.UTC(),
		CancelledAt: utcPtr(r.CancelledAt), RetractedAt: utcPtr(r.RetractedAt), CreatedBy: r.CreatedBy,
		CreatedAt: r.CreatedAt.UTC()}
	if p.State == candor.PublicationPublished || p.State == candor.PublicationRetracted {
		at := p.PublishAt
		p.PublishedAt = &at
	}
	if withContent {
		c := r.Content.V
		if c.Variants == nil {
			c.Variants = map[string]candor.StatementText{}
		}
		if c.Events == nil {
			c.Events = []candor.StatementEvent{}
		}
		p.Content = &c
	}
	return p
}

// NewPublication is what scheduling a publication needs: the approved
// revision it pins, and the statement rendered from it.
type NewPublication struct {
	DisclosureID string
	IncidentID   string
	Slug         string
	Revision     int
	PublishAt    time.Time // already normalised: candor.PublishTime
	Content      candor.PublicationContent
}

// CreatePublication stores a scheduled publication with its audit entry
// (publication.scheduled). In the same transaction it checks that the
// revision is still the approved one (an edit since voids the approval),
// claims the slug for the incident, and refuses to publish the same
// revision at the same slug twice. Errors: EINVALID for the slug,
// ENOTFOUND for the disclosure, ECONFLICT when the disclosure is no longer
// approved at that revision, when the slug belongs to another incident's
// statement, or when the revision is already published there.
func (db *DB) CreatePublication(ctx context.Context, n NewPublication) (candor.Publication, error) {
	by, err := actorOf(ctx, "publish a statement")
	if err != nil {
		return candor.Publication{}, err
	}
	if err := candor.ValidateSlug(n.Slug); err != nil {
		return candor.Publication{}, err
	}
	now := db.clock()
	row := publicationRow{ID: NewID(), DisclosureID: n.DisclosureID, IncidentID: n.IncidentID, Slug: n.Slug,
		Revision: n.Revision, State: string(candor.PublicationScheduled), PublishAt: n.PublishAt.UTC().Truncate(time.Microsecond),
		Content: jsonCol[candor.PublicationContent]{n.Content}, CreatedBy: by.TokenID, CreatedAt: now, UpdatedAt: now}
	err = db.inTx(ctx, func(tx *gorm.DB) (audit, error) {
		if err := lockApproval(tx, n.DisclosureID); err != nil { // see CreateSend
			return audit{}, err
		}
		d, err := db.getDisclosure(tx, n.DisclosureID)
		if err != nil {
			return audit{}, err
		}
		if err := candor.CheckPublishable(d); err != nil {
			return audit{}, err
		}
		if d.ApprovedRevision != n.Revision || d.IncidentID != n.IncidentID {
			return audit{}, candor.Errorf(candor.ECONFLICT, "revision %d is no longer the approved revision of this disclosure", n.Revision)
		}
		if err := claimSlug(tx, n.Slug, n.IncidentID, now); err != nil {
			return audit{}, err
		}
		var dup int64
		if err := tx.Model(&publicationRow{}).Where("slug = ? AND disclosure_id = ? AND revision = ? AND state <> ?",
			n.Slug, n.DisclosureID, n.Revision, string(candor.PublicationCancelled)).Count(&dup).Error; err != nil {
			return audit{}, err
		}
		if dup > 0 {
			return audit{}, candor.Errorf(candor.ECONFLICT,
				"revision %d of this disclosure is already published or scheduled at /statements/%s; approve a new revision to update it", n.Revision, n.Slug)
		}
		return audit{Action: "publication.scheduled", Resource: "publication", ResourceID: row.ID, IncidentID: n.IncidentID,
			Summary: map[string]any{"disclosure_id": n.DisclosureID, "revision": n.Revision, "slug": n.Slug,
				"publish_at": row.PublishAt, "locales": len(n.Content.Variants)}}, tx.Create(&row).Error
	})
	if err != nil {
		return candor.Publication{}, translate("create publication", "publication", err)
	}
	return toPublication(row, true), nil
}

// claimSlug records that slug belongs to incidentID, unless it already
// does; a slug of another incident is ECONFLICT. The primary key settles
// two incidents claiming one slug at once.
func claimSlug(tx *gorm.DB, slug, incidentID string, now time.Time) error {
	if err := tx.Exec("INSERT INTO statement_slugs (slug, incident_id, created_at) VALUES (?, ?, ?) ON CONFLICT (slug) DO NOTHING",
		slug, incidentID, now).Error; err != nil {
		return err
	}
	var owner slugRow
	if err := tx.Where("slug = ?", slug).Take(&owner).Error; err != nil {
		return err
	}
	if owner.IncidentID != incidentID {
		return &candor.Error{Code: candor.ECONFLICT, Message: fmt.Sprintf("slug %q belongs to another incident's statement; choose another slug", slug),
			Fields: []candor.FieldError{{Field: "slug", Message: "is used by another incident's statement"}}}
	}
	return nil
}

// GetPublication returns a publication with its content. Errors: ENOTFOUND.
func (db *DB) GetPublication(ctx context.Context, id string) (candor.Publication, error) {
	if !validID(id) {
		return candor.Publication{}, candor.Errorf(candor.ENOTFOUND, "publication not found")
	}
	var row publicationRow
	if err := db.gorm.WithContext(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return candor.Publication{}, translate("get publication", "publication", err)
	}
	return toPublication(row, true), nil
}

// MarkPublished records that a scheduled publication whose time has come
// is public, with its audit entry (publication.published). It is
// idempotent: it returns false, and writes nothing, when the publication is
// not scheduled any more (already published, cancelled, retracted) or not
// due at now. The actor in ctx is the one audited (the worker's:
// candor.PublishingActor).
func (db *DB) MarkPublished(ctx context.Context, id string, now time.Time) (candor.Publication, bool, error) {
	if !validID(id) {
		return candor.Publication{}, false, candor.Errorf(candor.ENOTFOUND, "publication not found")
	}
	now = now.UTC().Truncate(time.Microsecond)
	marked := false
	err := db.inTx(ctx, func(tx *gorm.DB) (audit, error) {
		res := tx.Model(&publicationRow{}).Where("id = ? AND state = ? AND publish_at <= ?", id, string(candor.PublicationScheduled), now).
			Updates(map[string]any{"state": string(candor.PublicationPublished), "marked_at": now, "updated_at": now})
		if res.Error != nil {
			return audit{}, res.Error
		}
		if res.RowsAffected == 0 {
			return audit{}, errNothing
		}
		var row publicationRow
		if err := tx.Select("id, incident_id, slug, revision, disclosure_id, publish_at").Where("id = ?", id).Take(&row).Error; err != nil {
			return audit{}, err
		}
		marked = true
		return audit{Action: "publication.published", Resource: "publication", ResourceID: id, IncidentID: row.IncidentID,
			Summary: map[string]any{"slug": row.Slug, "disclosure_id": row.DisclosureID, "revision": row.Revision,
				"publish_at": row.PublishAt.UTC(), "recorded_late_ms": now.Sub(row.PublishAt).Milliseconds()}}, nil
	})
	if err != nil && err != errNothing {
		return candor.Publication{}, false, translate("mark publication published", "publication", err)
	}
	p, gerr := db.GetPublication(ctx, id)
	return p, marked, gerr
}

// WithdrawPublication cancels a publication that is not public yet
// (publication.cancelled) or retracts one that is (publication.retracted),
// as of now; a retracted page then says it was withdrawn, and when.
// Errors: ENOTFOUND; ECONFLICT when it was already cancelled or retracted.
func (db *DB) WithdrawPublication(ctx context.Context, id string, now time.Time) (candor.Publication, error) {
	return db.WithdrawPublicationBecause(ctx, id, now, "")
}

// WithdrawPublicationBecause is WithdrawPublication with the reason given
// for it ("" for none), which its audit entry records. Errors as
// WithdrawPublication's, and EINVALID for the reason (nothing changed).
func (db *DB) WithdrawPublicationBecause(ctx context.Context, id string, now time.Time, reason string) (candor.Publication, error) {
	reason, err := candor.WithdrawReason(reason)
	if err != nil {
		return candor.Publication{}, err
	}
	if !validID(id) {
		return candor.Publication{}, candor.Errorf(candor.ENOTFOUND, "publication not found")
	}
	now = now.UTC().Truncate(time.Microsecond)
	err = db.inTx(ctx, func(tx *gorm.DB) (audit, error) {
		// Take the row lock first (PostgreSQL), so that two withdrawals
		// or a withdrawal and the worker never act on the same reading.
		if err := tx.Exec("UPDATE publications SET updated_at = updated_at WHERE id = ?", id).Error; err != nil {
			return audit{}, err
		}
		var row publicationRow
		if err := tx.Where("id = ?", id).Take(&row).Error; err != nil {
			return audit{}, err
		}
		p := toPublication(row, false)
		to, err := p.Withdraw(now)
		if err != nil {
			return audit{}, err
		}
		upd := map[string]any{"state": string(to), "updated_at": now}
		action := "publication.retracted"
		if to == candor.PublicationCancelled {
			upd["cancelled_at"], action = now, "publication.cancelled"
		} else {
			upd["retracted_at"] = now
		}
		if err := tx.Model(&publicationRow{}).Where("id = ? AND state = ?", id, row.State).Updates(upd).Error; err != nil {
			return audit{}, err
		}
		summary := map[string]any{"slug": row.Slug, "state": candor.Change{Before: p.AsOf(now).State, After: to}}
		if reason != "" {
			summary["reason"] = reason
		}
		return audit{Action: action, Resource: "publication", ResourceID: id, IncidentID: row.IncidentID, Summary: summary}, nil
	})
	if err != nil {
		return candor.Publication{}, translate("withdraw publication", "publication", err)
	}
	return db.GetPublication(ctx, id)
}

// maxVisible bounds what the public index, the feed and the export read at
// once: an organisation publishes a handful of statements, not thousands.
const maxVisible = 5000

// SlugVersions returns the publications of slug that are public at now
// (not cancelled, publish_at reached), with their content, oldest first:
// the versions of the page, the last the current one. None is ENOTFOUND,
// exactly as for a slug never used: before publish_at a guessed slug must
// tell nothing.
func (db *DB) SlugVersions(ctx context.Context, slug string, now time.Time) ([]candor.Publication, error) {
	if candor.ValidateSlug(slug) != nil {
		return nil, candor.Errorf(candor.ENOTFOUND, "statement not found")
	}
	var rows []publicationRow
	if err := db.gorm.WithContext(ctx).Where("slug = ? AND state <> ? AND publish_at <= ?",
		slug, string(candor.PublicationCancelled), now.UTC()).Order("publish_at, id").Limit(maxVisible).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("slug versions: %w", err)
	}
	if len(rows) == 0 {
		return nil, candor.Errorf(candor.ENOTFOUND, "statement not found")
	}
	out := make([]candor.Publication, len(rows))
	for i, r := range rows {
		out[i] = toPublication(r, true).AsOf(now)
	}
	return out, nil
}

// VisiblePublications returns every publication public at now, with its
// content, by slug and then oldest first: the index, the feed and the
// static export are built from it.
func (db *DB) VisiblePublications(ctx context.Context, now time.Time) ([]candor.Publication, error) {
	var rows []publicationRow
	if err := db.gorm.WithContext(ctx).Where("state <> ? AND publish_at <= ?", string(candor.PublicationCancelled), now.UTC()).
		Order("slug, publish_at, id").Limit(maxVisible).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("visible publications: %w", err)
	}
	out := make([]candor.Publication, len(rows))
	for i, r := range rows {
		out[i] = toPublication(r, true).AsOf(now)
	}
	return out, nil
}

// DuePublications returns scheduled publications whose time has come but
// that the worker has not recorded: the reconciler's work when a task was
// lost.
func (db *DB) DuePublications(ctx context.Context, now time.Time) ([]candor.Publication, error) {
	var rows []publicationRow
	if err := db.gorm.WithContext(ctx).Select("id, disclosure_id, incident_id, slug, revision, state, publish_at, created_by, created_at").
		Where("state = ? AND publish_at <= ?", string(candor.PublicationScheduled), now.UTC()).
		Order("publish_at, id").Limit(1000).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("due publications: %w", err)
	}
	out := make([]candor.Publication, len(rows))
	for i, r := range rows {
		out[i] = toPublication(r, false)
	}
	return out, nil
}

// StatementSlug returns the slug of the incident's public statement: that
// of its latest publication public now and not retracted, "" if none. A
// slug under embargo is never returned, so no message can leak it early.
// Notices link to it as .Statement.URL.
func (db *DB) StatementSlug(ctx context.Context, incidentID string) (string, error) {
	var rows []publicationRow
	if err := db.gorm.WithContext(ctx).Select("slug").Where("incident_id = ? AND state IN ? AND publish_at <= ?", incidentID,
		[]string{string(candor.PublicationScheduled), string(candor.PublicationPublished)}, db.now()).
		Order("publish_at DESC, id DESC").Limit(1).Find(&rows).Error; err != nil {
		return "", fmt.Errorf("statement slug: %w", err)
	}
	if len(rows) == 0 {
		return "", nil
	}
	return rows[0].Slug, nil
}

// IncidentStatement is the incident's public statement as notices point at
// it: the newest publication that is live or scheduled (publish_at may be
// in the future), its slug and when it goes live; "" when there is none.
// Notices may name a scheduled statement's address and date, since the
// address is fixed when it is scheduled; the page itself stays embargoed.
func (db *DB) IncidentStatement(ctx context.Context, incidentID string) (slug string, publishAt time.Time, err error) {
	var rows []publicationRow
	if err := db.gorm.WithContext(ctx).Select("slug", "publish_at").Where("incident_id = ? AND state IN ?", incidentID,
		[]string{string(candor.PublicationScheduled), string(candor.PublicationPublished)}).
		Order("publish_at DESC, id DESC").Limit(1).Find(&rows).Error; err != nil {
		return "", time.Time{}, fmt.Errorf("incident statement: %w", err)
	}
	if len(rows) == 0 {
		return "", time.Time{}, nil
	}
	return rows[0].Slug, rows[0].PublishAt.UTC(), nil
}
