package candor

import (
	"maps"
	"time"
)

// Clone returns a copy of in that shares no memory with it: every slice,
// map and pointer is copied. A merge patch is decoded into a copy of the
// stored incident; json.Unmarshal writes into the slices' backing arrays
// and through non-nil pointers, so without a deep copy the "before" side
// of the audit diff changed along with the "after" side, and the audit
// entry lost the change (data_categories, reporting_entity,
// legal_contacts).
func (in Incident) Clone() Incident {
	out := in
	for _, p := range []**time.Time{&out.OccurredFrom, &out.OccurredTo, &out.DeterminedAt,
		&out.MaterialityDeterminedAt, &out.NotifiableAssessedAt, &out.ContainedAt} {
		*p = clonePtr(*p)
	}
	out.Malicious = clonePtr(in.Malicious)
	out.Acquired, out.HighRisk = clonePtr(in.Acquired), clonePtr(in.HighRisk)
	out.LawEnforcementDelay = clonePtr(in.LawEnforcementDelay)
	out.ReportingEntity = clonePtr(in.ReportingEntity)
	out.DataCategories = cloneSlice(in.DataCategories)
	out.LegalContacts = cloneSlice(in.LegalContacts)
	if in.Translations != nil {
		out.Translations = maps.Clone(in.Translations) // IncidentText holds strings only
	}
	return out
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// cloneSlice keeps nil nil and empty empty: the two mean the same to the
// API, but a copy should not change which one is stored.
func cloneSlice[T any](s []T) []T {
	if s == nil {
		return nil
	}
	return append(make([]T, 0, len(s)), s...)
}
