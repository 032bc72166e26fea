package candor

import (
	"strings"
	"time"
	"unicode/utf8"
)

// PublicationState is where a public statement's publication is in its life.
type PublicationState string

// Publication states. A scheduled publication whose publish_at has passed
// is public whether or not the worker has marked it published yet: the
// public pages compare the time themselves (see Visible).
const (
	PublicationScheduled PublicationState = "scheduled" // waiting for publish_at
	PublicationPublished PublicationState = "published" // public at /statements/{slug}
	PublicationCancelled PublicationState = "cancelled" // withdrawn before publish_at: never public
	PublicationRetracted PublicationState = "retracted" // withdrawn after: the page says so, and when
)

// MaxSlugLength bounds a statement slug, in characters (all ASCII).
const MaxSlugLength = 100

// Publication puts one approved revision of a public statement at
// /statements/{slug} from PublishAt on. Several publications may share a
// slug (all of the same incident): each is a version of that page, the
// latest the current text, the earlier ones listed and still readable.
type Publication struct {
	ID           string           `json:"id"`
	DisclosureID string           `json:"disclosure_id"`
	IncidentID   string           `json:"incident_id"`
	Slug         string           `json:"slug"`
	Revision     int              `json:"revision"` // the approved revision, pinned
	State        PublicationState `json:"state"`
	PublishAt    time.Time        `json:"publish_at"`
	PublishedAt  *time.Time       `json:"published_at"` // when it became public (publish_at), once it has
	CancelledAt  *time.Time       `json:"cancelled_at"`
	RetractedAt  *time.Time       `json:"retracted_at"`
	CreatedBy    string           `json:"created_by"`
	CreatedAt    time.Time        `json:"created_at"`

	// Content is the statement as it is published: rendered once, when the
	// publication is scheduled, so that what legal scheduled is exactly what
	// the public reads, whatever changes in the incident afterwards.
	Content *PublicationContent `json:"content,omitempty"`
}

// PublicationContent is a rendered statement: every language of the
// revision, and the public timeline it was rendered with.
type PublicationContent struct {
	Title         string                   `json:"title"` // the disclosure's (internal) title
	DefaultLocale string                   `json:"default_locale"`
	Variants      map[string]StatementText `json:"variants"`
	Events        []StatementEvent         `json:"events"`
	// TimeZone is the incident's IANA zone: the page shows its times there.
	// Empty in publications made before zones: the site's zone then.
	TimeZone string `json:"time_zone,omitempty"`
	// FAQ is the approved questions and answers published under the
	// statement with this version of it; nil without.
	FAQ *PublishedFAQ `json:"faq,omitempty"`
}

// PublishedFAQ is a FAQ's approved revision as it is published: rendered
// once, like the statement it accompanies.
type PublishedFAQ struct {
	DisclosureID  string             `json:"disclosure_id"`
	Revision      int                `json:"revision"`
	DefaultLocale string             `json:"default_locale"`
	Variants      map[string]FAQText `json:"variants"`
}

// FAQText is one language of a rendered FAQ.
type FAQText struct {
	Title string    `json:"title"`
	Items []FAQItem `json:"items"`
}

// FAQItem is one question and its answer.
type FAQItem struct {
	Question   string `json:"question"`
	AnswerHTML string `json:"answer_html"` // sanitised
	Answer     string `json:"answer"`      // as plain text, for the call centre
}

// StatementText is one language of a rendered statement.
type StatementText struct {
	Title string `json:"title"` // the variant's rendered subject
	HTML  string `json:"html"`  // the body, rendered by html/template
	Text  string `json:"text"`
	// ShowsEvents is true when the text itself lists the timeline (as the
	// default templates do); the page then does not repeat it.
	ShowsEvents bool `json:"shows_events"`
	// Events is the timeline in this language; nil in publications made
	// before the facts had translations (Events of the content then).
	Events []StatementEvent `json:"events,omitempty"`
}

// StatementEvent is one public timeline entry as published.
type StatementEvent struct {
	Date        time.Time `json:"date"`      // midnight UTC of the day when DateOnly
	DateOnly    bool      `json:"date_only"` // only the day is known
	Description string    `json:"description"`
}

// ValidateSlug checks a statement slug: 1 to 100 characters of lower-case
// a-z, 0-9 and '-', neither starting nor ending with '-'. A slug is a path
// segment of a public URL and a file name of the static export, so nothing
// else ('/', '.', spaces, upper case, non-ASCII) is allowed.
func ValidateSlug(slug string) error {
	fail := func(msg string) error { return Invalid(FieldError{Field: "slug", Message: msg}) }
	switch n := utf8.RuneCountInString(slug); {
	case slug == "":
		return fail("is required")
	case n > MaxSlugLength:
		return fail("is longer than 100 characters")
	case strings.Contains(slug, "/"):
		return fail("must not contain '/'; use lower-case letters, digits and '-'")
	case strings.Contains(slug, ".."):
		return fail("must not contain '..'; use lower-case letters, digits and '-'")
	case strings.ContainsFunc(slug, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' }):
		return fail("must not contain spaces; use '-' between words")
	}
	for _, r := range slug {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return fail("may hold only lower-case letters a-z, digits 0-9 and '-'")
		}
	}
	if slug[0] == '-' || slug[len(slug)-1] == '-' {
		return fail("must not start or end with '-'")
	}
	return nil
}

// PublishTime is when a publication requested for at goes public: at, or
// now when at is absent or already past (a time in the past means now).
// It is truncated to the microsecond, which both databases keep.
func PublishTime(at *time.Time, now time.Time) time.Time {
	now = now.UTC().Truncate(time.Microsecond)
	if at == nil || !at.After(now) {
		return now
	}
	return at.UTC().Truncate(time.Microsecond)
}

// Visible reports whether the publication is public at now: not cancelled
// and publish_at reached. A retracted publication is visible as a
// withdrawal notice, never with its text.
func (p Publication) Visible(now time.Time) bool {
	return p.State != PublicationCancelled && !p.PublishAt.After(now)
}

// AsOf returns p as it stands at now: a scheduled publication whose time
// has come is reported published (at its publish_at) even before the
// worker has recorded it, as the public pages already show it.
func (p Publication) AsOf(now time.Time) Publication {
	if p.State == PublicationScheduled && !p.PublishAt.After(now) {
		p.State = PublicationPublished
	}
	if p.State == PublicationPublished || p.State == PublicationRetracted {
		at := p.PublishAt
		p.PublishedAt = &at
	}
	return p
}

// Withdraw cancels a publication that is not public yet, or retracts one
// that is (a published one, or a scheduled one whose time has come). It
// returns the new state. Errors: ECONFLICT when it was already cancelled or
// retracted.
func (p Publication) Withdraw(now time.Time) (PublicationState, error) {
	switch p.AsOf(now).State {
	case PublicationScheduled:
		return PublicationCancelled, nil
	case PublicationPublished:
		return PublicationRetracted, nil
	case PublicationCancelled:
		return p.State, Errorf(ECONFLICT, "publication was already cancelled")
	case PublicationRetracted:
		if p.RetractedAt != nil {
			return p.State, Errorf(ECONFLICT, "publication was already retracted on %s", p.RetractedAt.UTC().Format(time.RFC3339))
		}
		return p.State, Errorf(ECONFLICT, "publication was already retracted")
	}
	return p.State, Errorf(ECONFLICT, "publication is %s", p.State)
}

// CheckPublishable refuses a disclosure that cannot be published: only an
// approved public statement can. Errors: EINVALID for another kind (it can
// never be published), ECONFLICT when it is not approved (yet).
func CheckPublishable(d Disclosure) error {
	if d.Kind != KindPublicStatement {
		return Invalid(FieldError{Field: "disclosure", Message: "is a " + string(d.Kind) + "; only a public_statement can be published"})
	}
	if d.State != DisclosureApproved || d.ApprovedRevision == 0 {
		return Errorf(ECONFLICT, "disclosure is %s; only an approved public statement can be published", d.State)
	}
	return nil
}

// PublishingActor is who the audit log names for changes the worker makes
// on a publication's schedule.
func PublishingActor() Actor {
	return Actor{TokenID: "scheduler", Name: "scheduler", Role: RoleAdmin}
}
