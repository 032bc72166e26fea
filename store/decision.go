package store

import (
	"context"
	"fmt"
	"time"

	"github.com/candor-dev/candor"
	"gorm.io/gorm"
)

type decisionRow struct {
	ID               string `gorm:"primaryKey"`
	IncidentID       string
	ObligationID     string
	Decision         string
	Rationale        string
	DelayReasons     string
	State            string
	ProposedBy       string
	ProposedByPerson string
	ProposedAt       time.Time
	ApprovedBy       string
	ApprovedByPerson string
	ApprovedAt       *time.Time
	SupersededBy     string
	SupersededAt     *time.Time
}

func (decisionRow) TableName() string { return "obligation_decisions" }

func toDecision(r decisionRow) candor.Decision {
	return candor.Decision{ID: r.ID, IncidentID: r.IncidentID, ObligationID: r.ObligationID, Decision: r.Decision,
		Rationale: r.Rationale, DelayReasons: r.DelayReasons, State: r.State, ProposedBy: r.ProposedBy,
		ProposedAt: r.ProposedAt.UTC(), ApprovedBy: r.ApprovedBy, ApprovedAt: utcPtr(r.ApprovedAt),
		SupersededBy: r.SupersededBy, SupersededAt: utcPtr(r.SupersededAt), ProposerPerson: r.ProposedByPerson}
}

// actorPerson is the person behind the context's actor: a console
// session's person, or the person a token was made for.
func (db *DB) actorPerson(ctx context.Context) (candor.Actor, string, error) {
	by, _ := candor.ActorFromContext(ctx)
	if by.PersonID != "" {
		return by, by.PersonID, nil
	}
	p, err := db.personOf(ctx, by.TokenID)
	return by, p, err
}

// CreateDecision stores a proposal by the context's actor on one of the
// incident's obligations (deadline.ProposeDecision checks it first) and
// supersedes the obligation's proposals still waiting: the newest
// proposal is the one to approve. Audited. Errors: ENOTFOUND.
func (db *DB) CreateDecision(ctx context.Context, d candor.Decision) (candor.Decision, error) {
	by, person, err := db.actorPerson(ctx)
	if err != nil {
		return candor.Decision{}, err
	}
	now := db.now()
	row := decisionRow{ID: NewID(), IncidentID: d.IncidentID, ObligationID: d.ObligationID, Decision: d.Decision,
		Rationale: d.Rationale, DelayReasons: d.DelayReasons, State: candor.DecisionProposed, ProposedBy: by.Name,
		ProposedByPerson: person, ProposedAt: now}
	err = db.inTx(ctx, func(tx *gorm.DB) (audit, error) {
		if _, err := db.getIncident(tx, d.IncidentID); err != nil {
			return audit{}, err
		}
		res := tx.Model(&decisionRow{}).Where("incident_id = ? AND obligation_id = ? AND state = ?", d.IncidentID, d.ObligationID,
			candor.DecisionProposed).Updates(map[string]any{"state": candor.DecisionSuperseded, "superseded_by": row.ID, "superseded_at": now})
		if res.Error != nil {
			return audit{}, res.Error
		}
		if err := tx.Create(&row).Error; err != nil {
			return audit{}, err
		}
		// The texts are the organisation's reasoning, not personal data.
		return audit{Action: "decision.propose", Resource: "decision", ResourceID: row.ID, IncidentID: d.IncidentID,
			Summary: map[string]any{"obligation_id": d.ObligationID, "decision": d.Decision, "rationale": d.Rationale,
				"delay_reasons": d.DelayReasons, "superseded_proposals": res.RowsAffected}}, nil
	})
	if err != nil {
		return candor.Decision{}, translate("create decision", "incident", err)
	}
	return toDecision(row), nil
}

// GetDecision returns one decision. Errors: ENOTFOUND.
func (db *DB) GetDecision(ctx context.Context, id string) (candor.Decision, error) {
	var row decisionRow
	if !validID(id) {
		return candor.Decision{}, candor.Errorf(candor.ENOTFOUND, "decision not found")
	}
	if err := db.gorm.WithContext(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return candor.Decision{}, translate("get decision", "decision", err)
	}
	return toDecision(row), nil
}

// ApproveDecision approves a proposed decision. Four eyes compares people:
// the person who proposed it may not approve it, whichever token or
// session they use. The obligation's earlier approved decision is
// superseded. Audited. Errors: ENOTFOUND; EFORBIDDEN below legal or for
// the proposer; ECONFLICT unless proposed (approved already, or superseded
// by a newer proposal).
func (db *DB) ApproveDecision(ctx context.Context, id string) (candor.Decision, error) {
	by, person, err := db.actorPerson(ctx)
	if err != nil {
		return candor.Decision{}, err
	}
	if !by.Role.Allows(candor.RoleLegal) {
		return candor.Decision{}, candor.Errorf(candor.EFORBIDDEN, "approving a decision needs the legal role")
	}
	var row decisionRow
	err = db.inTx(ctx, func(tx *gorm.DB) (audit, error) {
		if !validID(id) {
			return audit{}, candor.Errorf(candor.ENOTFOUND, "decision not found")
		}
		if err := tx.Where("id = ?", id).Take(&row).Error; err != nil {
			return audit{}, err
		}
		switch {
		case row.State == candor.DecisionSuperseded:
			return audit{}, candor.Errorf(candor.ECONFLICT, "the decision was superseded by %s; approve the newest one", row.SupersededBy)
		case row.State != candor.DecisionProposed:
			return audit{}, candor.Errorf(candor.ECONFLICT, "the decision is %s already", row.State)
		case row.ProposedByPerson == person:
			return audit{}, candor.Errorf(candor.EFORBIDDEN, "four eyes: you proposed this decision, and four eyes compares people, "+
				"not tokens; another legal person must approve it")
		}
		now := db.now()
		res := tx.Model(&decisionRow{}).Where("incident_id = ? AND obligation_id = ? AND state = ?", row.IncidentID, row.ObligationID,
			candor.DecisionApproved).Updates(map[string]any{"state": candor.DecisionSuperseded, "superseded_by": row.ID, "superseded_at": now})
		if res.Error != nil {
			return audit{}, res.Error
		}
		// Only a proposal still waiting is approved: a concurrent proposal
		// that superseded it in the meantime wins.
		upd := tx.Model(&decisionRow{}).Where("id = ? AND state = ?", row.ID, candor.DecisionProposed).Updates(map[string]any{
			"state": candor.DecisionApproved, "approved_by": by.Name, "approved_by_person": person, "approved_at": now})
		if upd.Error != nil {
			return audit{}, upd.Error
		}
		if upd.RowsAffected != 1 {
			return audit{}, candor.Errorf(candor.ECONFLICT, "the decision changed meanwhile; reload it")
		}
		row.State, row.ApprovedBy, row.ApprovedByPerson, row.ApprovedAt = candor.DecisionApproved, by.Name, person, &now
		return audit{Action: "decision.approve", Resource: "decision", ResourceID: row.ID, IncidentID: row.IncidentID,
			Summary: map[string]any{"obligation_id": row.ObligationID, "decision": row.Decision, "proposed_by": row.ProposedBy,
				"state":               candor.Change{Before: candor.DecisionProposed, After: candor.DecisionApproved},
				"superseded_approved": res.RowsAffected}}, nil
	})
	if err != nil {
		return candor.Decision{}, translate("approve decision", "decision", err)
	}
	return toDecision(row), nil
}

// ListDecisions returns the decisions on one obligation of the incident
// (all of its obligations when obligationID is ""), newest first, with
// their history. Errors: ENOTFOUND for the incident.
func (db *DB) ListDecisions(ctx context.Context, incidentID, obligationID string) ([]candor.Decision, error) {
	if _, err := db.GetIncident(ctx, incidentID); err != nil {
		return nil, err
	}
	q := db.gorm.WithContext(ctx).Where("incident_id = ?", incidentID)
	if obligationID != "" {
		q = q.Where("obligation_id = ?", obligationID)
	}
	var rows []decisionRow
	if err := q.Order("proposed_at DESC, id DESC").Limit(1000).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list decisions: %w", err)
	}
	out := make([]candor.Decision, len(rows))
	for i, r := range rows {
		out[i] = toDecision(r)
	}
	return out, nil
}

// ApprovedDecisions lists the incident's current approved decisions.
func (db *DB) ApprovedDecisions(ctx context.Context, incidentID string) ([]candor.Decision, error) {
	var rows []decisionRow
	if err := db.gorm.WithContext(ctx).Where("incident_id = ? AND state = ?", incidentID, candor.DecisionApproved).
		Order("approved_at, id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("list approved decisions: %w", err)
	}
	out := make([]candor.Decision, len(rows))
	for i, r := range rows {
		out[i] = toDecision(r)
	}
	return out, nil
}
