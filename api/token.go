package api

import (
	"net/http"

	"github.com/candor-dev/candor"
	"github.com/gin-gonic/gin"
)

func (s *Server) createToken(c *gin.Context) {
	var req struct {
		Name   string      `json:"name"`
		Role   candor.Role `json:"role"`
		Person string      `json:"person"` // id or e-mail; "" is the person named name
	}
	if err := decode(c, &req); err != nil {
		writeError(c, err)
		return
	}
	tok, secret, err := s.store.CreateTokenFor(c.Request.Context(), req.Person, req.Name, req.Role)
	if err != nil {
		writeError(c, err)
		return
	}
	// The secret is in this one response and nowhere else.
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusCreated, gin.H{"token": tok, "secret": secret})
}

func (s *Server) listTokens(c *gin.Context) {
	toks, err := s.store.ListTokens(c.Request.Context())
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": toks, "next_cursor": nil})
}

func (s *Server) revokeToken(c *gin.Context) {
	tok, err := s.store.RevokeToken(c.Request.Context(), c.Param("id"))
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, tok)
}

func (s *Server) listAudit(c *gin.Context) {
	n, err := pageLimit(c)
	if err != nil {
		writeError(c, err)
		return
	}
	page, err := s.store.ListAudit(c.Request.Context(), candor.AuditFilter{IncidentID: c.Query("incident"), Cursor: c.Query("cursor"), Limit: n})
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, page)
}
