package candor

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
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

// NeedsDelayReasons reports whether a decision on st at now must explain a
// delay: the duty was met late, or is not met and its due time has passed.
// A decision that no notice is owed (not_required, exempt) has no delay to
// explain.
func NeedsDelayReasons(st ObligationState, decision string, now time.Time) bool {
	if Settles(decision) {
		return false
	}
	return st.Late || st.MetAt == nil && st.DueAt != nil && now.After(*st.DueAt)
}

// NormalizeDecision checks a proposal for st at now and returns it as
// stored. Errors: EINVALID naming decision, rationale or delay_reasons.
func NormalizeDecision(in DecisionInput, st ObligationState, now time.Time) (DecisionInput, error) {
	var v Validation
	in.Decision = strings.TrimSpace(in.Decision)
	if !slices.Contains(DecisionKinds(), in.Decision) {
		v.Add("decision", "must be one of %s", strings.Join(DecisionKinds(), ", "))
	}
	in.Rationale = v.Text("rationale", strings.TrimSpace(in.Rationale), false)
	if in.Rationale == "" || utf8.RuneCountInString(in.Rationale) > MaxDecisionText {
		v.Add("rationale", "is required, at most %d characters", MaxDecisionText)
	}
	in.DelayReasons = v.Text("delay_reasons", strings.TrimSpace(in.DelayReasons), false)
	switch {
	case utf8.RuneCountInString(in.DelayReasons) > MaxDecisionText:
		v.Add("delay_reasons", "must be at most %d characters", MaxDecisionText)
	case in.DelayReasons == "" && NeedsDelayReasons(st, in.Decision, now):
		v.Add("delay_reasons", "are required: the duty was due %s and is late; say why (GDPR Art. 33(1), Thailand and the Philippines ask for the reasons)",
			st.DueAt.UTC().Format(time.RFC3339))
	}
	return in, v.Err()
}

// DecisionStore keeps decisions; *store.DB provides it.
type DecisionStore interface {
	ObligationSource
	// CreateDecision stores a proposal made by the context's actor, and
	// supersedes the obligation's earlier proposals. Errors: ENOTFOUND.
	CreateDecision(ctx context.Context, d Decision) (Decision, error)
}

// FindObligation returns the obligation id of the incident with its status
// at now: under the rules in force at discovery, else under today's (a
// client may have listed them ?as_of=today). Errors: ENOTFOUND naming it.
func FindObligation(ctx context.Context, src ObligationSource, rules []Rule, bc BusinessCalendar, incidentID, id string, now time.Time) (ObligationState, error) {
	for _, asOf := range []time.Time{{}, now} {
		rep, err := AssessObligations(ctx, src, incidentID, rules, bc, asOf, now)
		if err != nil {
			return ObligationState{}, err
		}
		for _, st := range rep.Items {
			if st.RuleID == id {
				return st, nil
			}
		}
	}
	return ObligationState{}, Errorf(ENOTFOUND, "the incident has no obligation %s (GET /api/v1/incidents/%s/obligations lists them)",
		quoteShort(id), incidentID)
}

// ProposeDecision records a proposal on obligation obligationID of the
// incident, by the context's actor. Errors: ENOTFOUND for the incident or
// the obligation; EINVALID naming the field (delay_reasons when the duty
// is late).
func ProposeDecision(ctx context.Context, st DecisionStore, rules []Rule, bc BusinessCalendar, incidentID, obligationID string, in DecisionInput, now time.Time) (Decision, error) {
	ob, err := FindObligation(ctx, st, rules, bc, incidentID, obligationID, now)
	if err != nil {
		return Decision{}, err
	}
	in, err = NormalizeDecision(in, ob, now)
	if err != nil {
		return Decision{}, err
	}
	return st.CreateDecision(ctx, Decision{IncidentID: incidentID, ObligationID: ob.RuleID, Decision: in.Decision,
		Rationale: in.Rationale, DelayReasons: in.DelayReasons})
}
