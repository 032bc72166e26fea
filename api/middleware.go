package api

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/candor-dev/candor"
	"github.com/gin-gonic/gin"
)

const (
	requestIDKey = "request_id"
	actorKey     = "actor"
)

// requestID gives every request an id, taken from X-Request-ID when a proxy
// set a sane one, and returns it in the response.
func requestID() gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader("X-Request-ID")
		if len(id) == 0 || len(id) > 64 || strings.ContainsFunc(id, func(r rune) bool { return r < 0x21 || r > 0x7e }) {
			b := make([]byte, 12)
			rand.Read(b)
			id = hex.EncodeToString(b)
		}
		c.Set(requestIDKey, id)
		c.Header("X-Request-ID", id)
		c.Next()
	}
}

// accessLog logs one line per request. It logs the route pattern, never the
// raw path or query: those can hold ids of people or search terms.
func accessLog(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		attrs := []any{"method", c.Request.Method, "route", route, "status", c.Writer.Status(),
			"duration_ms", float64(time.Since(start).Microseconds()) / 1000, "request_id", c.GetString(requestIDKey)}
		if a, ok := c.Get(actorKey); ok {
			attrs = append(attrs, "token_id", a.(candor.Actor).TokenID)
		}
		log.Info("http", attrs...)
	}
}

// recovery turns a panic into a logged 500 problem, never a stack to the
// client.
func recovery() gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if r := recover(); r != nil {
				if r == http.ErrAbortHandler {
					panic(r)
				}
				writeError(c, fmt.Errorf("panic: %v", r))
			}
		}()
		c.Next()
	}
}

// limitBody caps the request body; reading past it fails with
// *http.MaxBytesError, which writeError maps to 413.
func limitBody(n int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.ContentLength > n {
			writeProblem(c, http.StatusRequestEntityTooLarge, candor.ETOOLARGE,
				fmt.Sprintf("request body is larger than %d bytes", n), nil)
			return
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, n)
		c.Next()
	}
}

// authenticate resolves the bearer token to an actor; require checks its
// role. Every /api route goes through both.
func (s *Server) authenticate(c *gin.Context) {
	h := c.GetHeader("Authorization")
	secret, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || strings.TrimSpace(secret) == "" {
		c.Header("WWW-Authenticate", `Bearer realm="candor"`)
		writeError(c, candor.Errorf(candor.EUNAUTHORIZED, "send Authorization: Bearer <token>"))
		return
	}
	tok, err := s.store.Authenticate(c.Request.Context(), secret)
	if err != nil {
		c.Header("WWW-Authenticate", `Bearer realm="candor", error="invalid_token"`)
		writeError(c, err)
		return
	}
	a := candor.Actor{TokenID: tok.ID, Name: tok.Name, Role: tok.Role}
	c.Set(actorKey, a)
	c.Request = c.Request.WithContext(candor.NewContextWithActor(c.Request.Context(), a))
	c.Next()
}

// require lets a request through only when its token's role allows min.
func require(min candor.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		a, _ := c.Get(actorKey)
		actor, ok := a.(candor.Actor)
		if !ok {
			writeError(c, candor.Errorf(candor.EUNAUTHORIZED, "send Authorization: Bearer <token>"))
			return
		}
		if !actor.Role.Allows(min) {
			writeError(c, candor.Errorf(candor.EFORBIDDEN, "this needs the %s role; the token has %s", min, actor.Role))
			return
		}
		c.Next()
	}
}

// actor returns the caller of an authenticated request.
func actor(c *gin.Context) candor.Actor {
	a, _ := c.Get(actorKey)
	act, _ := a.(candor.Actor)
	return act
}
