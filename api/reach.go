package api

import (
	"context"
	"net/http"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/deadline"
	"github.com/gin-gonic/gin"
)

// ReachStore reads proof of reach and keeps the substitute notices
// (store/reach.go, store/substitute.go).
type ReachStore interface {
	candor.ReachSource
	CreateSubstituteNotice(ctx context.Context, n candor.SubstituteNotice) (candor.SubstituteNotice, error)
}

type reachResponse struct {
	IncidentID    string                     `json:"incident_id"`
	Jurisdictions []candor.JurisdictionReach `json:"jurisdictions"`
	Total         candor.JurisdictionReach   `json:"total"`
}

// incidentReach: GET /incidents/{id}/reach, how each jurisdiction's
// affected customers were reached (issue 22, proof of reach).
func (s *Server) incidentReach(c *gin.Context) {
	out, err := s.reach(c.Request.Context(), c.Param("id"))
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

// reach counts the incident's customers per jurisdiction and reach class,
// with the substitute notices that cover those not reached in person.
func (s *Server) reach(ctx context.Context, incidentID string) (reachResponse, error) {
	inc, err := s.store.GetIncident(ctx, incidentID)
	if err != nil {
		return reachResponse{}, err
	}
	js, err := candor.IncidentReach(ctx, s.store, inc.ID, deadline.RuleAreas(s.cfg.Rules), time.Now().UTC())
	if err != nil {
		return reachResponse{}, err
	}
	return reachResponse{IncidentID: inc.ID, Jurisdictions: js, Total: candor.SumReach(js)}, nil
}
