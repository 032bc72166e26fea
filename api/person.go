package api

import (
	"context"
	"net/http"

	"github.com/candor-dev/candor"
	"github.com/gin-gonic/gin"
)

// PeopleStore manages the people who hold tokens (admin only).
type PeopleStore interface {
	CreatePerson(ctx context.Context, p candor.Person) (candor.Person, error)
	ListPeople(ctx context.Context) ([]candor.Person, error)
	CreateTokenFor(ctx context.Context, person, name string, role candor.Role) (candor.Token, string, error)
}

func (s *Server) createPerson(c *gin.Context) {
	var req struct {
		Email string      `json:"email"`
		Name  string      `json:"name"`
		Role  candor.Role `json:"role"`
	}
	if err := decode(c, &req); err != nil {
		writeError(c, err)
		return
	}
	p, err := s.store.CreatePerson(c.Request.Context(), candor.Person{Email: req.Email, Name: req.Name, Role: req.Role})
	if err != nil {
		writeError(c, err)
		return
	}
	c.Header("Cache-Control", "no-store") // an e-mail address
	c.JSON(http.StatusCreated, p)
}

func (s *Server) listPeople(c *gin.Context) {
	people, err := s.store.ListPeople(c.Request.Context())
	if err != nil {
		writeError(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, gin.H{"items": people, "next_cursor": nil})
}
