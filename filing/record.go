package filing

import (
	"context"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/deadline"
)

// Recorder is what Record writes to; *store.DB provides it.
type Recorder interface {
	Source
	CreateFiling(ctx context.Context, f candor.Filing, receipt []byte) (candor.Filing, error)
}

// Record records a filing made for obligation obligationID of incident
// incidentID, and returns it with the obligation's state afterwards. The
// obligation must be one of the incident's duties and one met by filing
// (deadline.FilableAudience): a duty to notify individuals is EINVALID. The
// pack filed defaults to the obligation's pack as it reads now, so the
// filing says which version of the pack it was made from. The API and the
// console both record through here.
func Record(ctx context.Context, src Recorder, cfg Config, incidentID, obligationID string, f candor.Filing, receipt []byte, now time.Time) (candor.Filing, deadline.ObligationState, error) {
	// The duty may be one of the rules in force at discovery, or of
	// today's (a duty the law added since, filed now).
	var ob *deadline.ObligationState
	var packs []Pack
	var asOf time.Time
	for _, at := range []time.Time{{}, now} {
		in, ps, err := Load(ctx, src, incidentID, cfg, at, now)
		if err != nil {
			return f, deadline.ObligationState{}, err
		}
		for i := range in.Obligations {
			if in.Obligations[i].RuleID == obligationID {
				ob, packs, asOf = &in.Obligations[i], ps, at
			}
		}
		if ob != nil {
			break
		}
	}
	if ob == nil {
		return f, deadline.ObligationState{}, candor.Errorf(candor.ENOTFOUND, "obligation %q is not one of this incident's", obligationID)
	}
	if !deadline.FilableAudience(ob.Audience) {
		return f, *ob, candor.Invalid(candor.FieldError{Field: "obligation_id",
			Message: "is a duty to notify " + string(ob.Audience) + ": it is met by the notices reaching them, not by a filing"})
	}
	f.IncidentID, f.ObligationID, f.Jurisdiction = incidentID, obligationID, ob.Jurisdiction
	if f.PackID == "" {
		f.PackID = PackID(incidentID, obligationID, "")
	}
	p, ok := Find(packs, f.PackID)
	switch {
	case !ok && f.PackID != PackID(incidentID, obligationID, ""):
		return f, *ob, candor.Invalid(candor.FieldError{Field: "pack_id", Message: "is not a pack of this obligation"})
	case ok && p.ObligationID != obligationID:
		return f, *ob, candor.Invalid(candor.FieldError{Field: "pack_id", Message: "is a pack of another obligation"})
	case ok && f.PackVersion == "":
		f.PackVersion = p.Version
	case !ok:
		f.PackID = "" // no form for this duty: nothing was filed from a pack
	}
	out, err := src.CreateFiling(ctx, f, receipt)
	if err != nil {
		return f, *ob, err
	}
	rep, err := deadline.AssessObligations(ctx, src, incidentID, cfg.Rules, cfg.Calendar, asOf, now)
	if err != nil {
		return out, *ob, err
	}
	for _, st := range rep.Items {
		if st.RuleID == obligationID {
			return out, st, nil
		}
	}
	return out, *ob, nil
}
