package api

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/compose"
	"github.com/candor-dev/candor/pages"
	"github.com/candor-dev/candor/store"
	"github.com/gin-gonic/gin"
)

// PublicationStore schedules, withdraws and serves public statements.
type PublicationStore interface {
	GetDisclosure(ctx context.Context, id string) (candor.Disclosure, error)
	ApprovedRevision(ctx context.Context, disclosureID string) (candor.Disclosure, candor.Revision, error)
	GetIncident(ctx context.Context, id string) (candor.Incident, error)
	ListEvents(ctx context.Context, incidentID string, publicOnly bool) ([]candor.Event, error)
	CreatePublication(ctx context.Context, n store.NewPublication) (candor.Publication, error)
	GetPublication(ctx context.Context, id string) (candor.Publication, error)
	WithdrawPublicationBecause(ctx context.Context, id string, now time.Time, reason string) (candor.Publication, error)
	SlugVersions(ctx context.Context, slug string, now time.Time) ([]candor.Publication, error)
	VisiblePublications(ctx context.Context, now time.Time) ([]candor.Publication, error)
}

// PublicationQueue is the worker's side of publishing; *jobs.Publisher
// provides it. The pages never wait for it: they compare publish_at with
// the clock themselves.
type PublicationQueue interface {
	// SchedulePublication enqueues the task that records the publication
	// at its publish_at and notifies the webhooks.
	SchedulePublication(ctx context.Context, p candor.Publication) error
	// PublicationRetracted notifies the webhooks of a retraction.
	PublicationRetracted(ctx context.Context, p candor.Publication) error
}

// Public configures the public statement pages and publishing; the pages'
// origin and organisation are Config.BaseURL and Config.Org.
type Public struct {
	Location *time.Location   // the zone pages show times in; nil is UTC
	Queue    PublicationQueue // nil: nothing is enqueued (tests, `candor serve` without Redis)
	Now      func() time.Time // nil: time.Now; tests move the clock
}

func (p Public) now() time.Time {
	if p.Now != nil {
		return p.Now().UTC()
	}
	return time.Now().UTC()
}

func newSite(cfg Config) *pages.Site {
	site, err := pages.New(pages.Config{BaseURL: cfg.BaseURL, Org: cfg.Org.View("", ""), Location: cfg.Public.Location})
	if err != nil {
		// The layouts are embedded and rendered by the tests: this is a
		// broken build, not a runtime condition.
		panic(err)
	}
	return site
}

type publicationRequest struct {
	Slug      string     `json:"slug"`
	PublishAt *time.Time `json:"publish_at"`
	// FAQ is an approved faq disclosure of the same incident, published
	// under this version of the statement (faq.go).
	FAQ string `json:"faq"`
}

// publicationResponse is a publication as the API shows it: its state as of
// now (a due one is published even before the worker records it) and the
// address it is, or will be, public at.
type publicationResponse struct {
	candor.Publication
	URL string `json:"url"`
}

func (s *Server) publicationResponse(p candor.Publication) publicationResponse {
	return publicationResponse{Publication: p.AsOf(s.cfg.Public.now()), URL: compose.StatementURL(s.cfg.BaseURL, p.Slug)}
}

// createPublication schedules an approved public statement at a slug. The
// statement is rendered now, in every language, and pinned: what is
// scheduled is what will be read.
func (s *Server) createPublication(c *gin.Context) {
	var req publicationRequest
	if err := decode(c, &req); err != nil {
		writeError(c, err)
		return
	}
	p, err := s.publishWith(c.Request.Context(), c.Param("id"), req.Slug, req.PublishAt, req.FAQ)
	if err != nil {
		writeError(c, err)
		return
	}
	c.Header("Location", "/api/v1/publications/"+p.ID)
	c.JSON(http.StatusCreated, s.publicationResponse(p))
}

// publish schedules a statement's approved revision at slug from at (now
// when nil or past): the API's POST /disclosures/{id}/publications and the
// console's statement forms.
func (s *Server) publish(ctx context.Context, disclosureID, slug string, at *time.Time) (candor.Publication, error) {
	return s.publishWith(ctx, disclosureID, slug, at, "")
}

// publishWith is publish with the approved FAQ faqID ("" none) rendered
// under the statement (faq.go).
func (s *Server) publishWith(ctx context.Context, disclosureID, slug string, at *time.Time, faqID string) (candor.Publication, error) {
	if err := candor.ValidateSlug(slug); err != nil {
		return candor.Publication{}, err
	}
	d, err := s.store.GetDisclosure(ctx, disclosureID)
	if err != nil {
		return candor.Publication{}, err
	}
	if err := candor.CheckPublishable(d); err != nil {
		return candor.Publication{}, err
	}
	d, rev, err := s.store.ApprovedRevision(ctx, d.ID)
	if err != nil {
		return candor.Publication{}, err
	}
	pc := s.cfg.Public
	facts, err := s.facts(ctx, d.IncidentID, nil)
	if err != nil {
		return candor.Publication{}, err
	}
	// The statement is itself: its own address, live from its publish time.
	facts.Statement = compose.Statement{URL: compose.StatementURL(s.cfg.BaseURL, slug), Published: true,
		PublishAt: candor.PublishTime(at, pc.now())}
	content, err := pages.RenderContent(ctx, rev, &facts)
	if err != nil {
		return candor.Publication{}, err
	}
	if content.FAQ, err = s.faqToPublish(ctx, faqID, d.IncidentID, &facts); err != nil {
		return candor.Publication{}, err
	}
	p, err := s.store.CreatePublication(ctx, store.NewPublication{DisclosureID: d.ID, IncidentID: d.IncidentID, Slug: slug,
		Revision: rev.Number, PublishAt: candor.PublishTime(at, pc.now()), Content: content})
	if err != nil {
		return candor.Publication{}, err
	}
	if pc.Queue != nil {
		if err := pc.Queue.SchedulePublication(ctx, p); err != nil {
			// Stored is what counts: the pages follow publish_at on their
			// own, and the reconciler records it and calls the webhooks.
			slog.WarnContext(ctx, "enqueue publication", "publication_id", p.ID, "error", err.Error())
		}
	}
	return p, nil
}

func (s *Server) getPublication(c *gin.Context) {
	p, err := s.store.GetPublication(c.Request.Context(), c.Param("id"))
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, s.publicationResponse(p))
}

// deletePublication cancels a publication not public yet, or retracts one
// that is; retracting twice is 409. An optional body {reason} is recorded
// in the audit entry.
func (s *Server) deletePublication(c *gin.Context) {
	var req struct {
		Reason string `json:"reason"`
	}
	if err := decodeOptional(c, &req); err != nil {
		writeError(c, err)
		return
	}
	p, err := s.withdraw(c.Request.Context(), c.Param("id"), req.Reason)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, s.publicationResponse(p))
}

// withdraw cancels or retracts a publication as of now, with the reason
// given ("" for none), and tells the webhooks of a retraction.
func (s *Server) withdraw(ctx context.Context, id, reason string) (candor.Publication, error) {
	p, err := s.store.WithdrawPublicationBecause(ctx, id, s.cfg.Public.now(), reason)
	if err != nil {
		return candor.Publication{}, err
	}
	if q := s.cfg.Public.Queue; q != nil && p.State == candor.PublicationRetracted {
		if err := q.PublicationRetracted(ctx, p); err != nil {
			slog.WarnContext(ctx, "enqueue retraction webhooks", "publication_id", p.ID, "error", err.Error())
		}
	}
	return p, nil
}
