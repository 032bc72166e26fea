package store

import (
	"context"
	"errors"
	"reflect"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/render"
	"github.com/candor-dev/candor/revdiff"
	"gorm.io/gorm"
)

// maxChangeAttempts bounds the retries of a change that lost a race for
// its revision number (see changeDisclosure).
const maxChangeAttempts = 3

// change is what a review step did: the new revision if it made one, and
// the audit entry's action and summary.
type change struct {
	revision *candor.Revision
	action   string
	summary  map[string]any
	// submitOptions, if set, are stored on the current revision (the one
	// submitted); its content stays as it was.
	submitOptions *candor.SubmitOptions
}

// changeDisclosure applies step to the stored disclosure and stores the
// result, with the audit entry, in one transaction. The disclosure's row is
// locked first (PostgreSQL; SQLite transactions are IMMEDIATE and so take
// the writer lock up front), so concurrent steps run one after the other
// and each sees the last one's result. Should two edits still race to the
// same revision number, the primary key of disclosure_revisions refuses the
// second, which is retried from a fresh read; after maxChangeAttempts it is
// ECONFLICT.
func (db *DB) changeDisclosure(ctx context.Context, id, op string, step func(d *candor.Disclosure, by candor.Actor, now time.Time) (change, error)) (candor.Disclosure, error) {
	by, err := actorOf(ctx, op)
	if err != nil {
		return candor.Disclosure{}, err
	}
	if !validID(id) {
		return candor.Disclosure{}, candor.Errorf(candor.ENOTFOUND, "disclosure not found")
	}
	var out candor.Disclosure
	for attempt := 1; ; attempt++ {
		err = db.inTx(ctx, func(tx *gorm.DB) (audit, error) {
			if db.dialect == Postgres {
				if err := tx.Exec("SELECT 1 FROM disclosures WHERE id = ? FOR UPDATE", id).Error; err != nil {
					return audit{}, err
				}
			}
			d, err := db.getDisclosure(tx, id)
			if err != nil {
				return audit{}, err
			}
			prev := d.Revision
			ch, err := step(&d, by, db.clock())
			if err != nil {
				return audit{}, err
			}
			if ch.revision != nil {
				row := toRevisionRow(*ch.revision)
				if err := tx.Create(&row).Error; err != nil {
					return audit{}, err
				}
			}
			if o := ch.submitOptions; o != nil {
				var v any // NULL: submitted with nothing to keep
				if !o.IsZero() {
					v = jsonCol[*candor.SubmitOptions]{o}
				}
				err := tx.Model(&revisionRow{}).Where("disclosure_id = ? AND number = ?", id, d.Revision).
					Update("submit_options", v).Error
				if err != nil {
					return audit{}, err
				}
			}
			row := toDisclosureRow(d)
			res := tx.Model(&disclosureRow{}).Where("id = ? AND revision = ?", id, prev).Select("*").Updates(&row)
			if res.Error != nil {
				return audit{}, res.Error
			}
			if res.RowsAffected != 1 {
				return audit{}, gorm.ErrDuplicatedKey // changed under us: retry from a fresh read
			}
			out = d
			ch.summary["revision"] = d.Revision
			return audit{Action: ch.action, Resource: "disclosure", ResourceID: d.ID, IncidentID: d.IncidentID, Summary: ch.summary}, nil
		})
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			if attempt < maxChangeAttempts {
				continue
			}
			return candor.Disclosure{}, candor.Errorf(candor.ECONFLICT, "the disclosure was changed concurrently; read it again and retry")
		}
		if err != nil {
			return candor.Disclosure{}, translate(op, "disclosure", err)
		}
		return out, nil
	}
}

// EditDisclosure replaces the content of a disclosure, making a new
// revision; an in-review or approved disclosure falls back to draft and
// its approval is void. base, if not 0, is the revision the edit was made
// from: if it is no longer the current one the edit is refused (ECONFLICT)
// rather than silently overwrite someone else's. Content equal to the
// current revision's changes nothing (no revision, no audit entry), so a
// repeated PUT is harmless. Errors: ENOTFOUND, EFORBIDDEN below comms,
// EINVALID or ETOOLARGE for the content or templates that do not compile
// (nothing is stored then), ECONFLICT.
func (db *DB) EditDisclosure(ctx context.Context, id string, c candor.DisclosureContent, base int) (candor.Disclosure, error) {
	// Validate and compile before taking any lock: the kind never changes.
	cur, err := db.GetDisclosure(ctx, id)
	if err != nil {
		return candor.Disclosure{}, err
	}
	if by, ok := candor.ActorFromContext(ctx); ok && !by.Role.Allows(candor.RoleComms) {
		return candor.Disclosure{}, candor.Errorf(candor.EFORBIDDEN, "role %q may not edit a disclosure; comms or above only", by.Role)
	}
	if base != 0 && base != cur.Revision {
		return candor.Disclosure{}, candor.Errorf(candor.ECONFLICT, "revision %d is stale; the current revision is %d", base, cur.Revision)
	}
	c, err = candor.NormalizeContentWith(cur.Kind, c, canon, knownJurisdiction)
	if err != nil {
		return candor.Disclosure{}, err
	}
	if err := render.CheckSyntax(c); err != nil {
		return candor.Disclosure{}, err
	}
	unchanged := false
	out, err := db.changeDisclosure(ctx, id, "edit disclosure", func(d *candor.Disclosure, by candor.Actor, now time.Time) (change, error) {
		if base != 0 && base != d.Revision {
			return change{}, candor.Errorf(candor.ECONFLICT, "revision %d is stale; the current revision is %d", base, d.Revision)
		}
		if reflect.DeepEqual(c, d.DisclosureContent) {
			unchanged = true
			return change{}, errUnchanged
		}
		before, wasApproved := d.DisclosureContent, d.State == candor.DisclosureApproved
		state := d.State
		rev, err := d.Edit(c, by, now, canon)
		if err != nil {
			return change{}, err
		}
		// The names of the changed fields only, found by comparing the
		// texts: a line diff (seconds for many large locales) must not run
		// while the disclosure's row is locked.
		changed := revdiff.ChangedFields(before, d.DisclosureContent)
		return change{revision: &rev, action: "disclosure.edit", summary: map[string]any{
			"state":           candor.Change{Before: state, After: d.State},
			"approval_voided": wasApproved,
			"changed":         changed,
		}}, nil
	})
	if unchanged {
		return db.GetDisclosure(ctx, id)
	}
	return out, err
}

// errUnchanged rolls back an edit that would change nothing.
var errUnchanged = candor.Errorf(candor.ECONFLICT, "unchanged")

// SubmitDisclosure moves a draft to review. revision is the one the caller
// checked (rendered with render.Check): if the disclosure has moved on
// since, it is ECONFLICT, so what is reviewed is what was checked.
// Errors: ENOTFOUND, EFORBIDDEN below comms, ECONFLICT unless a draft at
// that revision.
func (db *DB) SubmitDisclosure(ctx context.Context, id string, revision int) (candor.Disclosure, error) {
	return db.SubmitDisclosureWith(ctx, id, revision, candor.SubmitOptions{})
}

// SubmitDisclosureWith is SubmitDisclosure with what the submitter says
// along with it (candor.NormalizeSubmitOptions): the options are stored on
// the submitted revision, replacing an earlier submit's, and in the audit
// entry. The caller checks the content against them first (the checklist).
// Errors: those of SubmitDisclosure; EFORBIDDEN for waivers below legal;
// EINVALID for a malformed waiver.
func (db *DB) SubmitDisclosureWith(ctx context.Context, id string, revision int, opts candor.SubmitOptions) (candor.Disclosure, error) {
	return db.changeDisclosure(ctx, id, "submit disclosure", func(d *candor.Disclosure, by candor.Actor, now time.Time) (change, error) {
		if revision != d.Revision {
			return change{}, candor.Errorf(candor.ECONFLICT, "revision %d is stale; the current revision is %d", revision, d.Revision)
		}
		state := d.State
		if err := d.Submit(by, now); err != nil {
			return change{}, err
		}
		o, err := candor.NormalizeSubmitOptions(opts, by)
		if err != nil {
			return change{}, err
		}
		summary := map[string]any{"state": candor.Change{Before: state, After: d.State}}
		ch := change{action: "disclosure.submit", summary: summary}
		if !o.IsZero() {
			summary["waivers"], summary["accept_untranslated"] = o.Waivers, o.AcceptUntranslated
		}
		// A resubmit without options clears an earlier submit's: what the
		// revision says it was submitted with is its last submit.
		ch.submitOptions = &o
		return ch, nil
	})
}

// ApproveDisclosure approves revision, which must be the current one, of a
// disclosure in review. Errors: ENOTFOUND; EFORBIDDEN below legal or for
// the person who last edited or submitted it, whichever of their tokens
// they use; EINVALID without a revision; ECONFLICT unless in review or when
// revision is stale.
func (db *DB) ApproveDisclosure(ctx context.Context, id string, revision int) (candor.Disclosure, error) {
	by, _ := candor.ActorFromContext(ctx)
	approver := by.PersonID
	if approver == "" {
		var err error
		if approver, err = db.personOf(ctx, by.TokenID); err != nil {
			return candor.Disclosure{}, err
		}
	}
	return db.changeDisclosure(ctx, id, "approve disclosure", func(d *candor.Disclosure, by candor.Actor, now time.Time) (change, error) {
		if err := d.Approve(revision, by, now); err != nil {
			return change{}, err
		}
		// Four eyes compares people, not tokens (d.Approve compared the
		// tokens): the token's person is fixed when it is made and tokens
		// are never deleted, so these reads need not be in the transaction.
		for _, t := range []struct{ token, did string }{{d.EditedBy, "edited"}, {d.SubmittedBy, "submitted"}} {
			if t.token == "" {
				continue
			}
			p, err := db.personOf(ctx, t.token)
			if err != nil {
				return change{}, err
			}
			if p == approver {
				return change{}, candor.Errorf(candor.EFORBIDDEN, "four eyes: you %s revision %d (with another of your tokens), "+
					"and four eyes compares people, not tokens; another legal person must approve it", t.did, revision)
			}
		}
		return change{action: "disclosure.approve", summary: map[string]any{
			"state": candor.Change{Before: candor.DisclosureInReview, After: d.State}, "submitted_by": d.SubmittedBy,
			"edited_by": d.EditedBy}}, nil
	})
}

// RejectDisclosure sends a disclosure in review back to draft with a
// reason. Errors: ENOTFOUND, EFORBIDDEN below legal, EINVALID without a
// reason, ECONFLICT unless in review.
func (db *DB) RejectDisclosure(ctx context.Context, id, reason string) (candor.Disclosure, error) {
	return db.changeDisclosure(ctx, id, "reject disclosure", func(d *candor.Disclosure, by candor.Actor, now time.Time) (change, error) {
		if err := d.Reject(reason, by, now); err != nil {
			return change{}, err
		}
		return change{action: "disclosure.reject", summary: map[string]any{
			"state": candor.Change{Before: candor.DisclosureInReview, After: d.State}, "reason": d.RejectReason}}, nil
	})
}
