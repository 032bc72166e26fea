package candor

import (
	"time"
)

// Decisions on an obligation: what the organisation decided to do about a
// duty and why, proposed by one person and approved by a legal person who
// is not the proposer (four eyes, comparing people, not tokens).
const (
	DecisionNotify           = "notify"
	DecisionNotRequired      = "not_required"
	DecisionExempt           = "exempt"
	DecisionPostpone         = "postpone"
	DecisionSubstituteNotice = "substitute_notice"
)

// Decision states: proposed → approved; a newer decision on the same
// obligation supersedes a proposed one when it is proposed, and the
// approved one when it is approved, so the history stays.
const (
	DecisionProposed   = "proposed"
	DecisionApproved   = "approved"
	DecisionSuperseded = "superseded"
)

// DecisionKinds lists the decisions in the order forms show them.
func DecisionKinds() []string {
	return []string{DecisionNotify, DecisionNotRequired, DecisionExempt, DecisionPostpone, DecisionSubstituteNotice}
}

// Decision is one decision on one obligation of an incident.
type Decision struct {
	ID           string `json:"id"`
	IncidentID   string `json:"incident_id"`
	ObligationID string `json:"obligation_id"`
	Decision     string `json:"decision"`
	Rationale    string `json:"rationale"`
	// DelayReasons explain why the duty is or will be late (GDPR Art.
	// 33(1), Thailand, the Philippines ask for them); required then.
	DelayReasons string     `json:"delay_reasons,omitempty"`
	State        string     `json:"state"`
	ProposedBy   string     `json:"proposed_by"`
	ProposedAt   time.Time  `json:"proposed_at"`
	ApprovedBy   string     `json:"approved_by,omitempty"`
	ApprovedAt   *time.Time `json:"approved_at,omitempty"`
	SupersededBy string     `json:"superseded_by,omitempty"`
	SupersededAt *time.Time `json:"superseded_at,omitempty"`
	// ProposerPerson is the person who proposed it, compared at approval;
	// not shown.
	ProposerPerson string `json:"-"`
}

// DecisionInput is a proposal as a client sends it.
type DecisionInput struct {
	Decision     string `json:"decision"`
	Rationale    string `json:"rationale"`
	DelayReasons string `json:"delay_reasons"`
}

// MaxDecisionText bounds rationale and delay_reasons (characters).
const MaxDecisionText = 4000

// Settles reports whether an approved decision of this kind means no
// notice is owed, so the duty is decided rather than open or overdue.
func Settles(decision string) bool {
	return decision == DecisionNotRequired || decision == DecisionExempt
}
