package api

import (
	"context"
	"net/http"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/deadline"
	"github.com/gin-gonic/gin"
)

// DecisionStore keeps decisions on obligations; see deadline.DecisionStore.
type DecisionStore interface {
	CreateDecision(ctx context.Context, d candor.Decision) (candor.Decision, error)
	GetDecision(ctx context.Context, id string) (candor.Decision, error)
	ApproveDecision(ctx context.Context, id string) (candor.Decision, error)
	ListDecisions(ctx context.Context, incidentID, obligationID string) ([]candor.Decision, error)
}

// proposeDecision records a decision on one obligation: 201 proposed.
func (s *Server) proposeDecision(c *gin.Context) {
	var in candor.DecisionInput
	if err := decode(c, &in); err != nil {
		writeError(c, err)
		return
	}
	if s.cfg.Rules == nil {
		writeError(c, candor.Errorf(candor.EUNAVAILABLE, "the rule catalogue is not loaded"))
		return
	}
	d, err := deadline.ProposeDecision(c.Request.Context(), s.store, s.cfg.Rules, s.cfg.Calendar, c.Param("id"),
		c.Param("obligation_id"), in, time.Now().UTC())
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusCreated, d)
}

// listDecisions lists an obligation's decisions, newest first.
func (s *Server) listDecisions(c *gin.Context) {
	items, err := s.store.ListDecisions(c.Request.Context(), c.Param("id"), c.Param("obligation_id"))
	if err != nil {
		writeError(c, err)
		return
	}
	if items == nil {
		items = []candor.Decision{}
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "next_cursor": nil})
}

func (s *Server) getDecision(c *gin.Context) {
	d, err := s.store.GetDecision(c.Request.Context(), c.Param("id"))
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, d)
}

// approveDecision approves a proposed decision (legal, not its proposer).
func (s *Server) approveDecision(c *gin.Context) {
	d, err := s.store.ApproveDecision(c.Request.Context(), c.Param("id"))
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, d)
}
