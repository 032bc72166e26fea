package store

import (
	"context"
	"fmt"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/geo"
	"gorm.io/gorm"
)

// substituteRow is a recorded substitute notice (migration sqlite 0024,
// postgres 0025).
type substituteRow struct {
	ID            string `gorm:"primaryKey"`
	IncidentID    string
	Kind          string
	Jurisdictions jsonCol[[]string]
	PublishedOn   string
	PublishedAt   time.Time
	UntilOn       string
	URL           string `gorm:"column:url"`
	Outlet        string
	Description   string
	PublicationID *string
	RecordedBy    string
	CreatedAt     time.Time `gorm:"autoCreateTime:false"`
}

func (substituteRow) TableName() string { return "substitute_notices" }

func toSubstitute(r substituteRow) candor.SubstituteNotice {
	n := candor.SubstituteNotice{ID: r.ID, IncidentID: r.IncidentID, Kind: r.Kind, Jurisdictions: r.Jurisdictions.V,
		PublishedOn: r.PublishedOn, PublishedAt: r.PublishedAt.UTC(), Until: r.UntilOn, URL: r.URL, Outlet: r.Outlet,
		Description: r.Description, RecordedBy: r.RecordedBy, CreatedAt: r.CreatedAt.UTC()}
	if r.PublicationID != nil {
		n.PublicationID = *r.PublicationID
	}
	if n.Jurisdictions == nil {
		n.Jurisdictions = []string{}
	}
	return n
}

// CreateSubstituteNotice records a substitute notice of the incident and
// audits it, in one transaction. It checks the notice in the incident's
// zone (candor.SubstituteNotice.Validate); a statement or lookup_page
// notice must stand on a publication of the incident's statement that was
// public on published_on (and is public by now): the one named by
// publication_id, or else the earliest such. Its url, when not given, is
// then the page's path on this site (/statements/{slug}, /notices/check).
// Errors: ENOTFOUND for an unknown incident, EINVALID naming each field
// (publication_id when no statement was public that day).
func (db *DB) CreateSubstituteNotice(ctx context.Context, n candor.SubstituteNotice) (candor.SubstituteNotice, error) {
	now := db.now()
	actor, _ := candor.ActorFromContext(ctx)
	var out candor.SubstituteNotice
	err := db.inTx(ctx, func(tx *gorm.DB) (audit, error) {
		inc, err := db.getIncident(tx, n.IncidentID)
		if err != nil {
			return audit{}, err
		}
		loc := incidentZone(inc)
		if err := n.Validate(now, loc, geo.Table{}); err != nil {
			return audit{}, err
		}
		if n.OwnPublication() {
			p, err := livePublication(tx, inc.ID, n.PublicationID, n.PublishedAt, n.PublishedAt.In(loc).AddDate(0, 0, 1), now)
			if err != nil {
				return audit{}, err
			}
			n.PublicationID = p.ID
			if n.URL == "" {
				n.URL = "/statements/" + p.Slug
				if n.Kind == candor.SubstituteLookupPage {
					n.URL = "/notices/check"
				}
			}
		} else if n.PublicationID != "" {
			return audit{}, candor.Invalid(candor.FieldError{Field: "publication_id", Message: "is only for statement and lookup_page notices"})
		}
		row := substituteRow{ID: NewID(), IncidentID: inc.ID, Kind: n.Kind, Jurisdictions: jsonCol[[]string]{n.Jurisdictions},
			PublishedOn: n.PublishedOn, PublishedAt: n.PublishedAt.UTC(), UntilOn: n.Until, URL: n.URL, Outlet: n.Outlet,
			Description: n.Description, RecordedBy: actor.Name, CreatedAt: now}
		if n.PublicationID != "" {
			row.PublicationID = &n.PublicationID
		}
		if err := tx.Create(&row).Error; err != nil {
			return audit{}, translate("create substitute notice", "substitute notice", err)
		}
		out = toSubstitute(row)
		return audit{Action: "substitute_notice.create", Resource: "substitute_notice", ResourceID: row.ID, IncidentID: inc.ID,
			Summary: map[string]any{"after": out}}, nil
	})
	if err != nil {
		return candor.SubstituteNotice{}, err
	}
	return out, nil
}

// livePublication finds the incident's publication that was public at
// some instant of [from, to) and is public by now: not cancelled,
// publish_at before to and not after now, not retracted before from.
func livePublication(tx *gorm.DB, incidentID, id string, from, to, now time.Time) (publicationRow, error) {
	q := tx.Select("id, slug, publish_at").Where("incident_id = ? AND state <> ? AND publish_at < ? AND publish_at <= ? AND (retracted_at IS NULL OR retracted_at >= ?)",
		incidentID, string(candor.PublicationCancelled), to.UTC(), now.UTC(), from.UTC())
	if id != "" {
		q = q.Where("id = ?", id)
	}
	var rows []publicationRow
	if err := q.Order("publish_at, id").Limit(1).Find(&rows).Error; err != nil {
		return publicationRow{}, fmt.Errorf("find publication: %w", err)
	}
	if len(rows) == 0 {
		msg := "no statement of this incident was public on published_on: publish the statement first, or give the day it went up"
		if id != "" {
			msg = "is not a publication of this incident's statement that was public on published_on"
		}
		return publicationRow{}, candor.Invalid(candor.FieldError{Field: "publication_id", Message: msg})
	}
	return rows[0], nil
}

// ListSubstituteNotices returns the incident's substitute notices, the
// earliest published first. Errors: ENOTFOUND for an unknown incident.
func (db *DB) ListSubstituteNotices(ctx context.Context, incidentID string) ([]candor.SubstituteNotice, error) {
	if _, err := db.GetIncident(ctx, incidentID); err != nil {
		return nil, err
	}
	var rows []substituteRow
	if err := db.gorm.WithContext(ctx).Where("incident_id = ?", incidentID).Order("published_at, created_at, id").
		Limit(maxListed).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list substitute notices: %w", err)
	}
	out := make([]candor.SubstituteNotice, 0, len(rows))
	for _, r := range rows {
		out = append(out, toSubstitute(r))
	}
	return out, nil
}
