package store

import (
	"context"
	"encoding/base64"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/candor-dev/candor"
	"gorm.io/gorm"
)

// revisionRow is one immutable revision; the table refuses updates.
type revisionRow struct {
	DisclosureID  string `gorm:"primaryKey"`
	Number        int    `gorm:"primaryKey;autoIncrement:false"`
	AuthorTokenID string
	AuthorName    string
	CreatedAt     time.Time `gorm:"autoCreateTime:false"`
	Content       jsonCol[candor.DisclosureContent]
	SubmitOptions jsonCol[*candor.SubmitOptions] // set by the revision's submit (migration 0011/0012)
}

func (revisionRow) TableName() string { return "disclosure_revisions" }

func toRevisionRow(r candor.Revision) revisionRow {
	return revisionRow{DisclosureID: r.DisclosureID, Number: r.Number, AuthorTokenID: r.AuthorTokenID,
		AuthorName: r.AuthorName, CreatedAt: r.CreatedAt, Content: jsonCol[candor.DisclosureContent]{r.Content}}
}

func toRevision(r revisionRow) candor.Revision {
	c := r.Content.V
	if c.Variants == nil {
		c.Variants = map[string]candor.Variant{}
	}
	return candor.Revision{DisclosureID: r.DisclosureID, Number: r.Number, AuthorTokenID: r.AuthorTokenID,
		AuthorName: r.AuthorName, CreatedAt: r.CreatedAt.UTC(), Content: c, SubmitOptions: r.SubmitOptions.V}
}

// GetRevision returns one revision of a disclosure. Errors: ENOTFOUND.
func (db *DB) GetRevision(ctx context.Context, disclosureID string, number int) (candor.Revision, error) {
	return getRevision(db.gorm.WithContext(ctx), disclosureID, number)
}

func getRevision(tx *gorm.DB, disclosureID string, number int) (candor.Revision, error) {
	if !validID(disclosureID) || number < 1 {
		return candor.Revision{}, candor.Errorf(candor.ENOTFOUND, "revision not found")
	}
	var row revisionRow
	err := tx.Where("disclosure_id = ? AND number = ?", disclosureID, number).Take(&row).Error
	if err != nil {
		return candor.Revision{}, translate("get revision", "revision", err)
	}
	return toRevision(row), nil
}

// ApprovedRevision returns an approved disclosure and the revision that was
// approved: what a send or a publication delivers. Revisions never change,
// so the revision read is the one the disclosure named when it was read.
// Errors: ENOTFOUND; ECONFLICT unless the disclosure is approved.
func (db *DB) ApprovedRevision(ctx context.Context, disclosureID string) (candor.Disclosure, candor.Revision, error) {
	d, err := db.GetDisclosure(ctx, disclosureID)
	if err != nil {
		return candor.Disclosure{}, candor.Revision{}, err
	}
	if d.State != candor.DisclosureApproved || d.ApprovedRevision == 0 {
		return candor.Disclosure{}, candor.Revision{}, candor.Errorf(candor.ECONFLICT,
			"disclosure is %s; only an approved disclosure can be sent or published", d.State)
	}
	rev, err := db.GetRevision(ctx, disclosureID, d.ApprovedRevision)
	if err != nil {
		return candor.Disclosure{}, candor.Revision{}, err
	}
	return d, rev, nil
}

// ListRevisions returns a page of a disclosure's revisions, oldest first.
// Errors: ENOTFOUND, EINVALID for a bad cursor.
func (db *DB) ListRevisions(ctx context.Context, disclosureID, cursor string, n int) (Page[candor.Revision], error) {
	if _, err := db.GetDisclosure(ctx, disclosureID); err != nil {
		return Page[candor.Revision]{}, err
	}
	after, err := decodeNumberCursor(cursor)
	if err != nil {
		return Page[candor.Revision]{}, err
	}
	n = limit(n)
	var rows []revisionRow
	err = db.gorm.WithContext(ctx).Where("disclosure_id = ? AND number > ?", disclosureID, after).
		Order("number").Limit(n + 1).Find(&rows).Error
	if err != nil {
		return Page[candor.Revision]{}, fmt.Errorf("list revisions: %w", err)
	}
	p := Page[candor.Revision]{Items: make([]candor.Revision, 0, min(len(rows), n))}
	for i, r := range rows {
		if i == n {
			c := base64.RawURLEncoding.EncodeToString([]byte("n" + strconv.Itoa(rows[n-1].Number)))
			p.NextCursor = &c
			break
		}
		p.Items = append(p.Items, toRevision(r))
	}
	return p, nil
}

// decodeNumberCursor reads a cursor of ListRevisions: the last revision
// number of the previous page.
func decodeNumberCursor(c string) (int, error) {
	if c == "" {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	var n int
	if err == nil && len(b) > 1 && b[0] == 'n' {
		n, err = strconv.Atoi(string(b[1:]))
	}
	// Above 2³¹−1 it is not ours, and PostgreSQL would refuse it for the
	// integer column (a 500), where SQLite just finds nothing.
	if err != nil || n < 1 || n > math.MaxInt32 {
		return 0, candor.Invalid(candor.FieldError{Field: "cursor", Message: "is not a cursor from a previous page"})
	}
	return n, nil
}
