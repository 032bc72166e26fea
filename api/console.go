package api

import (
	"time"

	"github.com/candor-dev/candor/console"
	"github.com/gin-gonic/gin"
)

// newConsole builds the console when the store provides what it needs
// (*store.DB does; the fakes some tests pass do not). Its sessions are
// signed with a key derived from the dashboard's (CANDOR_ADMIN_SESSION_KEY),
// and its failed sign-ins share the /api failed-authentication bucket of
// the client's address.
func (s *Server) newConsole(st Store) *console.Console {
	cst, ok := st.(console.Store)
	if !ok {
		return nil
	}
	return console.New(console.Config{SessionKey: s.cfg.Ops.SessionKey, Secure: s.cfg.Ops.SecureCookies,
		Rules: s.cfg.Rules, Calendar: s.cfg.Calendar, Logger: s.cfg.Logger, Timezone: s.cfg.Timezone,
		Sends: consoleActions{s}, Statements: consoleActions{s},
		Drafts:         consoleDrafts{s},
		MaxImportBytes: s.cfg.MaxImportBytes, StreamBody: streamBody(s.cfg.BodyStallTimeout),
		Filings: consoleFilings{s}, Letters: consoleLetters{s}, CallCentre: consoleCallCentre{s},
		BaseURL: s.cfg.BaseURL, OpenAPI: OpenAPI},
		cst, consoleLimiter{s})
}

// consoleLimiter counts failed console sign-ins per client address in the
// API's Redis buckets (ratelimit.go).
type consoleLimiter struct{ s *Server }

func (l consoleLimiter) key(c *gin.Context) string { return "authfail:" + l.s.clientKey(c) }

func (l consoleLimiter) Wait(c *gin.Context) time.Duration {
	return l.s.limits.empty(c.Request.Context(), l.key(c), l.s.cfg.Rates.AuthFail)
}

func (l consoleLimiter) Failed(c *gin.Context) {
	l.s.limits.take(c.Request.Context(), l.key(c), l.s.cfg.Rates.AuthFail, 1)
}
