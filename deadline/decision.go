package deadline

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/candor-dev/candor"
)

// NeedsDelayReasons reports whether a decision on st at now must explain a
// delay: the duty was met late, or is not met and its due time has passed.
// A decision that no notice is owed (not_required, exempt) has no delay to
// explain.
func NeedsDelayReasons(st ObligationState, decision string, now time.Time) bool {
	if candor.Settles(decision) {
		return false
	}
	return st.Late || st.MetAt == nil && st.DueAt != nil && now.After(*st.DueAt)
}

// NormalizeDecision checks a proposal for st at now and returns it as
// stored. Errors: EINVALID naming decision, rationale or delay_reasons.
func NormalizeDecision(in candor.DecisionInput, st ObligationState, now time.Time) (candor.DecisionInput, error) {
	var v candor.Validation
	in.Decision = strings.TrimSpace(in.Decision)
	if !slices.Contains(candor.DecisionKinds(), in.Decision) {
		v.Add("decision", "must be one of %s", strings.Join(candor.DecisionKinds(), ", "))
	}
	in.Rationale = v.Text("rationale", strings.TrimSpace(in.Rationale), false)
	if in.Rationale == "" || utf8.RuneCountInString(in.Rationale) > candor.MaxDecisionText {
		v.Add("rationale", "is required, at most %d characters", candor.MaxDecisionText)
	}
	in.DelayReasons = v.Text("delay_reasons", strings.TrimSpace(in.DelayReasons), false)
	switch {
	case utf8.RuneCountInString(in.DelayReasons) > candor.MaxDecisionText:
		v.Add("delay_reasons", "must be at most %d characters", candor.MaxDecisionText)
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
	CreateDecision(ctx context.Context, d candor.Decision) (candor.Decision, error)
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
	return ObligationState{}, candor.Errorf(candor.ENOTFOUND, "the incident has no obligation %s (GET /api/v1/incidents/%s/obligations lists them)",
		candor.QuoteShort(id), incidentID)
}

// ProposeDecision records a proposal on obligation obligationID of the
// incident, by the context's actor. Errors: ENOTFOUND for the incident or
// the obligation; EINVALID naming the field (delay_reasons when the duty
// is late).
func ProposeDecision(ctx context.Context, st DecisionStore, rules []Rule, bc BusinessCalendar, incidentID, obligationID string, in candor.DecisionInput, now time.Time) (candor.Decision, error) {
	ob, err := FindObligation(ctx, st, rules, bc, incidentID, obligationID, now)
	if err != nil {
		return candor.Decision{}, err
	}
	in, err = NormalizeDecision(in, ob, now)
	if err != nil {
		return candor.Decision{}, err
	}
	return st.CreateDecision(ctx, candor.Decision{IncidentID: incidentID, ObligationID: ob.RuleID, Decision: in.Decision,
		Rationale: in.Rationale, DelayReasons: in.DelayReasons})
}
