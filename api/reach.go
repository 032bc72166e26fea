package api

import (
	"context"
	"net/http"

	"github.com/candor-dev/candor"
	"github.com/gin-gonic/gin"
)

// reachStore reads what proof of reach is counted from.
type reachStore interface {
	ReachRows(ctx context.Context, incidentID string) ([]candor.ReachRow, error)
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

// reach counts the incident's customers per jurisdiction and reach class.
func (s *Server) reach(ctx context.Context, incidentID string) (reachResponse, error) {
	rs, ok := s.store.(reachStore)
	if !ok {
		return reachResponse{}, candor.Errorf(candor.EUNAVAILABLE, "the store cannot count reach")
	}
	inc, err := s.store.GetIncident(ctx, incidentID)
	if err != nil {
		return reachResponse{}, err
	}
	rows, err := rs.ReachRows(ctx, inc.ID)
	if err != nil {
		return reachResponse{}, err
	}
	out := reachResponse{IncidentID: inc.ID, Jurisdictions: candor.TallyReach(rows, nil),
		Total: candor.JurisdictionReach{Why: map[string]int{}}}
	for _, j := range out.Jurisdictions {
		out.Total.Customers += j.Customers
		out.Total.Email += j.Email
		out.Total.Letter += j.Letter
		out.Total.Substitute += j.Substitute
		out.Total.Pending += j.Pending
		out.Total.Unreachable += j.Unreachable
		for k, n := range j.Why {
			out.Total.Why[k] += n
		}
	}
	return out, nil
}
