package candor

import (
	"time"
	"unicode/utf8"
)

// DisclosureKind says who a disclosure is for.
type DisclosureKind string

// Disclosure kinds.
const (
	KindCustomerNotice  DisclosureKind = "customer_notice"  // mailed to each affected customer
	KindRegulatorReport DisclosureKind = "regulator_report" // mailed to one regulator
	KindPublicStatement DisclosureKind = "public_statement" // published at /statements/{slug}
	// KindFAQ is questions and answers per language, for the public
	// (published under the statement) and the call centre (exported).
	KindFAQ DisclosureKind = "faq"
)

// DisclosureKinds lists every kind, in a stable order (for defaults and tests).
func DisclosureKinds() []DisclosureKind {
	return []DisclosureKind{KindCustomerNotice, KindRegulatorReport, KindPublicStatement, KindFAQ}
}

// Valid reports whether k is a known kind.
func (k DisclosureKind) Valid() bool {
	switch k {
	case KindCustomerNotice, KindRegulatorReport, KindPublicStatement, KindFAQ:
		return true
	}
	return false
}

// DisclosureState is where a disclosure is in its review.
type DisclosureState string

// Disclosure states: draft → in_review → approved; reject or edit go back to draft.
const (
	DisclosureDraft    DisclosureState = "draft"
	DisclosureInReview DisclosureState = "in_review"
	DisclosureApproved DisclosureState = "approved"
)

// Variant is one locale's message. Subject is a text/template that must
// render to one line; Body is an html/template; Text, if set, is a
// text/template for the plain-text part, which is otherwise derived from the
// rendered HTML.
type Variant struct {
	Subject string `json:"subject"`
	Body    string `json:"body"`
	Text    string `json:"text,omitempty"`
}

// Regulator is where a regulator report goes.
type Regulator struct {
	Jurisdiction string `json:"jurisdiction"`
	Email        string `json:"email"`
}

// DisclosureContent is everything an editor changes, and therefore what a
// revision freezes. Variants are keyed by canonical BCP 47 tag.
type DisclosureContent struct {
	Title         string             `json:"title"`
	DefaultLocale string             `json:"default_locale"`
	Variants      map[string]Variant `json:"variants"`
	Regulator     *Regulator         `json:"regulator,omitempty"`
}

// Clone returns a deep copy, so that a revision never shares a map or a
// pointer with the disclosure it was taken from.
func (c DisclosureContent) Clone() DisclosureContent {
	out := c
	if c.Variants != nil {
		out.Variants = make(map[string]Variant, len(c.Variants))
		for k, v := range c.Variants {
			out.Variants[k] = v
		}
	}
	if c.Regulator != nil {
		r := *c.Regulator
		out.Regulator = &r
	}
	return out
}

// Disclosure is one message in several languages, under review. The content
// fields (Title, DefaultLocale, Variants, Regulator) are those of revision
// Revision, written by the token EditedBy.
type Disclosure struct {
	ID         string         `json:"id"`
	IncidentID string         `json:"incident_id"`
	Kind       DisclosureKind `json:"kind"`
	DisclosureContent

	State            DisclosureState `json:"state"`
	Revision         int             `json:"revision"`                    // current revision number, from 1
	ApprovedRevision int             `json:"approved_revision,omitempty"` // 0 unless approved
	EditedBy         string          `json:"edited_by"`                   // token that wrote Revision
	SubmittedBy      string          `json:"submitted_by,omitempty"`      // token that submitted it, while in review or approved
	ApprovedBy       string          `json:"approved_by,omitempty"`
	ApprovedAt       *time.Time      `json:"approved_at,omitempty"`
	RejectReason     string          `json:"reject_reason,omitempty"` // the last rejection's, until the next edit or submit

	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Revision is an immutable snapshot of a disclosure's content.
type Revision struct {
	DisclosureID  string            `json:"disclosure_id"`
	Number        int               `json:"number"`
	AuthorTokenID string            `json:"author_token_id"`
	AuthorName    string            `json:"author_name"`
	CreatedAt     time.Time         `json:"created_at"`
	Content       DisclosureContent `json:"content"`
	// SubmitOptions are what the revision's last submit gave (waivers,
	// languages accepted untranslated); nil until it is submitted with any.
	SubmitOptions *SubmitOptions `json:"submit_options,omitempty"`
}

// Limits on review input. Template size limits are in disclosure_content.go.
const (
	MaxRejectReason = 4000 // characters
)

// NewDisclosure validates content (see NormalizeContent) and returns a draft
// at revision 1 with that revision. The caller assigns id. Errors: EFORBIDDEN
// below comms, EINVALID and ETOOLARGE from validation.
func NewDisclosure(id, incidentID string, kind DisclosureKind, c DisclosureContent, by Actor, now time.Time, canon LocaleFunc) (*Disclosure, Revision, error) {
	if err := by.require(RoleComms, "create a disclosure"); err != nil {
		return nil, Revision{}, err
	}
	c, err := NormalizeContent(kind, c, canon)
	if err != nil {
		return nil, Revision{}, err
	}
	now = now.UTC()
	d := &Disclosure{ID: id, IncidentID: incidentID, Kind: kind, CreatedAt: now}
	return d, d.newRevision(c, by, now), nil
}

// Edit replaces the content and returns the new revision. An in-review or
// approved disclosure falls back to draft and its approval is void: what was
// approved is no longer what would be sent. Errors: EFORBIDDEN below comms,
// EINVALID and ETOOLARGE from validation; d is unchanged on error.
func (d *Disclosure) Edit(c DisclosureContent, by Actor, now time.Time, canon LocaleFunc) (Revision, error) {
	if err := by.require(RoleComms, "edit a disclosure"); err != nil {
		return Revision{}, err
	}
	c, err := NormalizeContent(d.Kind, c, canon)
	if err != nil {
		return Revision{}, err
	}
	return d.newRevision(c, by, now.UTC()), nil
}

func (d *Disclosure) newRevision(c DisclosureContent, by Actor, now time.Time) Revision {
	d.DisclosureContent = c
	d.Revision++
	d.State = DisclosureDraft
	d.EditedBy = by.TokenID
	d.SubmittedBy, d.ApprovedBy, d.ApprovedRevision, d.RejectReason = "", "", 0, ""
	d.ApprovedAt = nil
	d.UpdatedAt = now
	return Revision{
		DisclosureID:  d.ID,
		Number:        d.Revision,
		AuthorTokenID: by.TokenID,
		AuthorName:    by.Name,
		CreatedAt:     now,
		Content:       c.Clone(),
	}
}

// Submit moves a draft to review and records the submitter, who may then
// not approve it. The caller renders the templates first (render.Check):
// that needs the incident and customers, which the domain does not have.
// Errors: EFORBIDDEN below comms, ECONFLICT unless draft.
func (d *Disclosure) Submit(by Actor, now time.Time) error {
	if err := by.require(RoleComms, "submit a disclosure"); err != nil {
		return err
	}
	if d.State != DisclosureDraft {
		return Errorf(ECONFLICT, "disclosure is %s; only a draft can be submitted", d.State)
	}
	d.State = DisclosureInReview
	d.SubmittedBy = by.TokenID
	d.RejectReason = ""
	d.UpdatedAt = now.UTC()
	return nil
}

// Approve approves revision, which must be the current one: approving names
// what the approver read, so an edit made meanwhile is not approved unseen.
// Errors: EFORBIDDEN below legal; ECONFLICT unless in review or when revision
// is stale; EFORBIDDEN when the approver last edited or submitted it (four eyes).
func (d *Disclosure) Approve(revision int, by Actor, now time.Time) error {
	if err := by.require(RoleLegal, "approve a disclosure"); err != nil {
		return err
	}
	if revision <= 0 {
		return Invalid(FieldError{Field: "revision", Message: "is required"})
	}
	if d.State != DisclosureInReview {
		return Errorf(ECONFLICT, "disclosure is %s; only one in review can be approved", d.State)
	}
	if revision != d.Revision {
		return Errorf(ECONFLICT, "revision %d is stale; the current revision is %d", revision, d.Revision)
	}
	if by.TokenID == d.EditedBy || by.TokenID == d.SubmittedBy {
		return Errorf(EFORBIDDEN, "four eyes: the token that last edited or submitted revision %d cannot approve it", revision)
	}
	d.State = DisclosureApproved
	d.ApprovedRevision = revision
	d.ApprovedBy = by.TokenID
	at := now.UTC()
	d.UpdatedAt, d.ApprovedAt = at, &at
	return nil
}

// Reject sends a disclosure in review back to draft with a reason, which the
// editors need to act on. Errors: EFORBIDDEN below legal, EINVALID without a
// reason, ECONFLICT unless in review.
func (d *Disclosure) Reject(reason string, by Actor, now time.Time) error {
	if err := by.require(RoleLegal, "reject a disclosure"); err != nil {
		return err
	}
	reason, msg := CheckText(reason, true)
	if msg != "" {
		return Invalid(FieldError{Field: "reason", Message: msg})
	} else if reason == "" {
		return Invalid(FieldError{Field: "reason", Message: "is required"})
	} else if utf8.RuneCountInString(reason) > MaxRejectReason {
		return Invalid(FieldError{Field: "reason", Message: "is longer than 4000 characters"})
	}
	if d.State != DisclosureInReview {
		return Errorf(ECONFLICT, "disclosure is %s; only one in review can be rejected", d.State)
	}
	d.State = DisclosureDraft
	d.SubmittedBy = ""
	d.RejectReason = reason
	d.UpdatedAt = now.UTC()
	return nil
}
