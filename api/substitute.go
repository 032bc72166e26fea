package api

import (
	"net/http"

	"github.com/candor-dev/candor"
	"github.com/gin-gonic/gin"
)

// substituteInput is POST /incidents/{id}/substitute-notices's body.
type substituteInput struct {
	Kind          string   `json:"kind"`
	Jurisdictions []string `json:"jurisdictions"`
	PublishedOn   string   `json:"published_on"`
	Until         string   `json:"until"`
	URL           string   `json:"url"`
	Outlet        string   `json:"outlet"`
	Description   string   `json:"description"`
	PublicationID string   `json:"publication_id"`
}

// createSubstituteNotice: POST /incidents/{id}/substitute-notices (legal),
// 201 with the notice as recorded.
func (s *Server) createSubstituteNotice(c *gin.Context) {
	var in substituteInput
	if err := decode(c, &in); err != nil {
		writeError(c, err)
		return
	}
	n, err := s.store.CreateSubstituteNotice(c.Request.Context(), candor.SubstituteNotice{IncidentID: c.Param("id"), Kind: in.Kind,
		Jurisdictions: in.Jurisdictions, PublishedOn: in.PublishedOn, Until: in.Until, URL: in.URL, Outlet: in.Outlet,
		Description: in.Description, PublicationID: in.PublicationID})
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusCreated, n)
}

// listSubstituteNotices: GET /incidents/{id}/substitute-notices.
func (s *Server) listSubstituteNotices(c *gin.Context) {
	items, err := s.store.ListSubstituteNotices(c.Request.Context(), c.Param("id"))
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "next_cursor": nil})
}
