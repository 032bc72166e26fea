package api

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/store"
	"github.com/gin-gonic/gin"
)

// IncidentStore keeps incidents and their timelines.
type IncidentStore interface {
	CreateIncident(ctx context.Context, in candor.Incident) (candor.Incident, error)
	GetIncident(ctx context.Context, id string) (candor.Incident, error)
	ListIncidents(ctx context.Context, f candor.IncidentFilter) (store.Page[candor.Incident], error)
	UpdateIncident(ctx context.Context, id string, change func(*candor.Incident) error) (candor.Incident, error)
	CreateEvent(ctx context.Context, incidentID string, e candor.Event) (candor.Event, error)
	ListEvents(ctx context.Context, incidentID string, publicOnly bool) ([]candor.Event, error)
	ListEventsPage(ctx context.Context, incidentID string, publicOnly bool, cursor string, n int) (store.Page[candor.Event], error)
}

// incidentRequest is the writable part of an incident: ids and timestamps
// the server keeps are unknown fields here, so a client cannot set them.
type incidentRequest struct {
	Title                   string                         `json:"title"`
	Summary                 string                         `json:"summary"`
	DiscoveredAt            *time.Time                     `json:"discovered_at"`
	OccurredFrom            *time.Time                     `json:"occurred_from"`
	OccurredTo              *time.Time                     `json:"occurred_to"`
	DeterminedAt            *time.Time                     `json:"determined_at"`
	MaterialityDeterminedAt *time.Time                     `json:"materiality_determined_at"`
	NotifiableAssessedAt    *time.Time                     `json:"notifiable_assessed_at"`
	Severity                string                         `json:"severity"`
	Cause                   string                         `json:"cause"`
	Malicious               *bool                          `json:"malicious"`
	Acquired                *bool                          `json:"acquired"`
	HighRisk                *bool                          `json:"high_risk"`
	DataCategories          []string                       `json:"data_categories"`
	ReportingEntity         *candor.ReportingEntity        `json:"reporting_entity"`
	OwnerEmail              string                         `json:"owner_email"`
	LegalContacts           []string                       `json:"legal_contacts"`
	Timezone                string                         `json:"timezone"`
	Language                string                         `json:"language"`
	Translations            map[string]candor.IncidentText `json:"translations"`
	ContainedAt             *time.Time                     `json:"contained_at"`
	LawEnforcementDelay     *bool                          `json:"law_enforcement_delay"`
}

// toIncidentRequest is the starting point of a merge patch. It copies the
// incident deeply: decoding writes into its slices and through its
// pointers, which must not reach the stored "before" the audit entry is
// computed from.
func toIncidentRequest(stored candor.Incident) incidentRequest {
	in := stored.Clone()
	d := in.DiscoveredAt
	return incidentRequest{Title: in.Title, Summary: in.Summary, DiscoveredAt: &d, OccurredFrom: in.OccurredFrom,
		OccurredTo: in.OccurredTo, DeterminedAt: in.DeterminedAt, MaterialityDeterminedAt: in.MaterialityDeterminedAt,
		NotifiableAssessedAt: in.NotifiableAssessedAt, Severity: in.Severity, Cause: in.Cause, Malicious: in.Malicious,
		Acquired: in.Acquired, HighRisk: in.HighRisk, DataCategories: in.DataCategories, ReportingEntity: in.ReportingEntity, OwnerEmail: in.OwnerEmail,
		LegalContacts: in.LegalContacts, Timezone: in.Timezone, Language: in.DefaultLanguage,
		Translations: in.Translations, ContainedAt: in.ContainedAt, LawEnforcementDelay: in.LawEnforcementDelay}
}

func (r incidentRequest) apply(in *candor.Incident) {
	in.Title, in.Summary = r.Title, r.Summary
	in.DiscoveredAt = time.Time{}
	if r.DiscoveredAt != nil {
		in.DiscoveredAt = *r.DiscoveredAt
	}
	in.OccurredFrom, in.OccurredTo, in.DeterminedAt = r.OccurredFrom, r.OccurredTo, r.DeterminedAt
	in.MaterialityDeterminedAt, in.NotifiableAssessedAt = r.MaterialityDeterminedAt, r.NotifiableAssessedAt
	in.Severity, in.Cause, in.Malicious = r.Severity, r.Cause, r.Malicious
	in.Acquired, in.HighRisk = r.Acquired, r.HighRisk
	in.DataCategories, in.ReportingEntity = r.DataCategories, r.ReportingEntity
	in.OwnerEmail, in.LegalContacts = r.OwnerEmail, r.LegalContacts
	in.Timezone, in.DefaultLanguage, in.Translations, in.ContainedAt = r.Timezone, r.Language, r.Translations, r.ContainedAt
	in.LawEnforcementDelay = r.LawEnforcementDelay
}

func (s *Server) createIncident(c *gin.Context) {
	var req incidentRequest
	if err := decode(c, &req); err != nil {
		writeError(c, err)
		return
	}
	var in candor.Incident
	req.apply(&in)
	if in.Timezone == "" {
		in.Timezone = s.cfg.Timezone
	}
	if err := s.checkContacts(c, candor.Incident{}, in); err != nil {
		writeError(c, err)
		return
	}
	out, err := s.store.CreateIncident(c.Request.Context(), in)
	if err != nil {
		writeError(c, err)
		return
	}
	c.Header("Location", "/api/v1/incidents/"+out.ID)
	c.JSON(http.StatusCreated, out)
}

func (s *Server) getIncident(c *gin.Context) {
	out, err := s.store.GetIncident(c.Request.Context(), c.Param("id"))
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

func (s *Server) listIncidents(c *gin.Context) {
	n, err := pageLimit(c)
	if err != nil {
		writeError(c, err)
		return
	}
	page, err := s.store.ListIncidents(c.Request.Context(), candor.IncidentFilter{Cursor: c.Query("cursor"), Limit: n})
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, page)
}

// updateIncident applies a JSON merge patch: fields present replace the
// stored ones, null clears an optional one, absent ones stay.
func (s *Server) updateIncident(c *gin.Context) {
	if err := checkJSON(c); err != nil {
		writeError(c, err)
		return
	}
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		writeError(c, err)
		return
	}
	out, err := s.store.UpdateIncident(c.Request.Context(), c.Param("id"), func(in *candor.Incident) error {
		before := in.Clone()
		req := toIncidentRequest(before)
		if err := decodeBytes(body, &req); err != nil {
			return err
		}
		req.apply(in)
		return s.checkContacts(c, before, *in)
	})
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

// checkContacts holds a change of an incident's owner or legal contacts
// (who Candor mails its reminders) to the legal role and to the operator's
// contact domains (CANDOR_CONTACT_DOMAINS). The role comes first, so that a
// caller who may not name contacts learns nothing about the addresses.
// Contacts left as they were pass, even if the domains changed since.
func (s *Server) checkContacts(c *gin.Context, before, after candor.Incident) error {
	if !candor.ContactsChanged(before, after) {
		return nil
	}
	if err := candor.AuthorizeContacts(actor(c), before, after); err != nil {
		return err
	}
	return s.cfg.ContactDomains.Check(after)
}

func (s *Server) createEvent(c *gin.Context) {
	var e candor.Event
	var req struct {
		OccurredAt   *time.Time                  `json:"occurred_at"`
		OccurredOn   string                      `json:"occurred_on"`
		Description  string                      `json:"description"`
		Public       *bool                       `json:"public"`
		Translations map[string]candor.EventText `json:"translations"`
		Scope        *candor.EventScope          `json:"scope"`
	}
	if err := decode(c, &req); err != nil {
		writeError(c, err)
		return
	}
	if req.Public == nil {
		writeError(c, candor.Invalid(candor.FieldError{Field: "public", Message: "is required: true if the event may appear in public statements"}))
		return
	}
	e.OccurredAt, e.OccurredOn, e.Description, e.Public = req.OccurredAt, req.OccurredOn, req.Description, *req.Public
	e.Translations, e.Scope = req.Translations, req.Scope
	out, err := s.store.CreateEvent(c.Request.Context(), c.Param("id"), e)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusCreated, out)
}

// listEvents lists a timeline a page at a time (?limit=, ?cursor=): at
// 10,000 events the whole list was 3.9 MB in one answer.
func (s *Server) listEvents(c *gin.Context) {
	n, err := pageLimit(c)
	if err != nil {
		writeError(c, err)
		return
	}
	page, err := s.store.ListEventsPage(c.Request.Context(), c.Param("id"), c.Query("public") == "true", c.Query("cursor"), n)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, page)
}

// pageLimit reads ?limit=, refusing what is not a whole number from 1 to 1000.
func pageLimit(c *gin.Context) (int, error) {
	s := c.Query("limit")
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 1000 {
		return 0, candor.Invalid(candor.FieldError{Field: "limit", Message: "must be a whole number from 1 to 1000"})
	}
	return n, nil
}
