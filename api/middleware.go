package api

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"os"
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
// *http.MaxBytesError, which writeError maps to 413. A body that stops
// short (the client hung up, or the read deadline passed) reads as a 400
// error, logged at info: the client's doing, not the server's.
func limitBody(n int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.ContentLength > n {
			refuseBody(c)
			writeProblem(c, http.StatusRequestEntityTooLarge, candor.ETOOLARGE,
				fmt.Sprintf("request body is larger than %d bytes", n), nil)
			return
		}
		c.Request.Body = &edgeBody{ReadCloser: c.Request.Body, c: c}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, n)
		c.Next()
	}
}

// refuseBody closes the connection after a response that did not read the
// request's body. Otherwise net/http would read up to 256 KiB of it first,
// at the client's pace, before answering.
func refuseBody(c *gin.Context) {
	if c.Request.ContentLength != 0 {
		c.Header("Connection", "close")
	}
}

// edgeBody turns a transport failure while reading the body into a
// bad-request error that names it.
type edgeBody struct {
	io.ReadCloser
	c   *gin.Context
	err error
}

func (b *edgeBody) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	n, err := b.ReadCloser.Read(p)
	var mbe *http.MaxBytesError
	var ce *candor.Error
	if err == nil || err == io.EOF || errors.As(err, &mbe) || errors.As(err, &ce) { // the last two: an inner limitBody's
		return n, err
	}
	msg := "the request body ended before its declared length (connection closed)"
	if errors.Is(err, os.ErrDeadlineExceeded) {
		msg = "the request body did not arrive in time"
	}
	b.err = candor.Errorf(candor.EBADREQUEST, "%s", msg)
	slog.InfoContext(b.c.Request.Context(), "request body incomplete", "route", b.c.FullPath(),
		"request_id", b.c.GetString(requestIDKey), "reason", err.Error())
	return n, b.err
}

// streamBody lets a long upload outlast the server's ReadTimeout: its read
// deadline moves forward while bytes arrive, so only a stall of d ends it.
func streamBody(d time.Duration) gin.HandlerFunc {
	return func(c *gin.Context) {
		rc := http.NewResponseController(c.Writer)
		// Without a connection underneath (a handler called directly)
		// there is no deadline to move.
		if rc.SetReadDeadline(time.Now().Add(d)) == nil {
			c.Request.Body = &stallBody{ReadCloser: c.Request.Body, rc: rc, d: d, moved: time.Now()}
		}
		c.Next()
	}
}

type stallBody struct {
	io.ReadCloser
	rc    *http.ResponseController
	d     time.Duration
	moved time.Time
}

func (b *stallBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if now := time.Now(); n > 0 && now.Sub(b.moved) >= min(time.Second, b.d/4) {
		b.rc.SetReadDeadline(now.Add(b.d))
		b.moved = now
	}
	return n, err
}

// authenticate resolves the bearer token to an actor; require checks its
// role. Every /api route goes through both. An address whose failures have
// used up Config.Rates.AuthFail is refused before its token is looked at,
// so that guessing stays slow; an authenticated request is charged to its
// token (Config.Rates.API).
func (s *Server) authenticate(c *gin.Context) {
	ctx, fails := c.Request.Context(), "authfail:"+s.clientKey(c)
	if wait := s.limits.empty(ctx, fails, s.cfg.Rates.AuthFail); wait > 0 {
		tooMany(c, wait, "failed authentications from this address")
		return
	}
	h := c.GetHeader("Authorization")
	secret, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || strings.TrimSpace(secret) == "" {
		s.limits.take(ctx, fails, s.cfg.Rates.AuthFail, 1)
		refuseBody(c)
		c.Header("WWW-Authenticate", `Bearer realm="candor"`)
		writeError(c, candor.Errorf(candor.EUNAUTHORIZED, "send Authorization: Bearer <token>"))
		return
	}
	tok, err := s.store.Authenticate(ctx, secret)
	if err != nil {
		if candor.ErrorCode(err) == candor.EUNAUTHORIZED {
			s.limits.take(ctx, fails, s.cfg.Rates.AuthFail, 1)
		}
		refuseBody(c)
		c.Header("WWW-Authenticate", `Bearer realm="candor", error="invalid_token"`)
		writeError(c, err)
		return
	}
	if !s.limitToken(c, tok.ID) {
		return
	}
	a := candor.Actor{TokenID: tok.ID, PersonID: tok.PersonID, Name: tok.Name, Role: tok.Role}
	c.Set(actorKey, a)
	c.Request = c.Request.WithContext(candor.NewContextWithActor(c.Request.Context(), a))
	c.Next()
}

// parseProxies reads Config.TrustedProxies: addresses or CIDRs.
func parseProxies(list []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, p := range list {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if pf, err := netip.ParsePrefix(p); err == nil {
			out = append(out, pf.Masked())
		} else if a, err := netip.ParseAddr(p); err == nil {
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
		} else {
			return nil, fmt.Errorf("%q is neither an address nor a CIDR", p)
		}
	}
	return out, nil
}

// fromTrustedProxy reports whether the peer is one of Config.TrustedProxies.
func (s *Server) fromTrustedProxy(c *gin.Context) bool {
	ap, err := netip.ParseAddrPort(c.Request.RemoteAddr)
	if err != nil {
		return false
	}
	for _, p := range s.proxies {
		if p.Contains(ap.Addr().Unmap()) {
			return true
		}
	}
	return false
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
