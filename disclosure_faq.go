package candor

// CheckFAQPublishable says whether the disclosure f can be published under
// the statement of incidentID: a FAQ of the same incident, approved.
// Errors name the field "faq" of the publication request.
func CheckFAQPublishable(f Disclosure, incidentID string) error {
	switch {
	case f.Kind != KindFAQ:
		return Invalid(FieldError{Field: "faq", Message: "is a " + string(f.Kind) + "; give the id of a faq disclosure"})
	case f.IncidentID != incidentID:
		return Invalid(FieldError{Field: "faq", Message: "belongs to another incident than the statement"})
	case f.State != DisclosureApproved || f.ApprovedRevision == 0:
		return Errorf(ECONFLICT, "the FAQ is %s; only an approved FAQ is published", f.State)
	}
	return nil
}
