package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/pages"
	"github.com/gin-gonic/gin"
)

// The public statement pages need no token. What they show is what the
// store finds public at now (not cancelled, publish_at reached): the worker
// that records a publication may be late or early, the pages are not. An
// address with nothing public behind it, a slug under embargo included,
// gets the same 404 as one never used.

func (s *Server) statementIndex(c *gin.Context) {
	pubs, err := s.store.VisiblePublications(c.Request.Context(), s.cfg.Public.now())
	if err != nil {
		writeError(c, err)
		return
	}
	sts := pages.Group(pubs)
	loc := pages.Negotiate(pages.IndexLocales(sts), c.Query("lang"), c.GetHeader("Accept-Language"))
	links := pages.LiveLinks(s.cfg.BaseURL)
	var body []byte
	ctype := "text/html; charset=utf-8"
	if wantsJSON(c) {
		body, err = s.site.IndexJSON(sts, loc, links)
		ctype = "application/json; charset=utf-8"
	} else {
		body, err = s.site.IndexHTML(sts, loc, links)
	}
	if err != nil {
		writeError(c, err)
		return
	}
	s.servePublic(c, body, ctype, loc, pages.FeedUpdated(sts))
}

func (s *Server) statementFeed(c *gin.Context) {
	pubs, err := s.store.VisiblePublications(c.Request.Context(), s.cfg.Public.now())
	if err != nil {
		writeError(c, err)
		return
	}
	sts := pages.Group(pubs)
	body, err := s.site.Feed(sts, pages.LiveLinks(s.cfg.BaseURL))
	if err != nil {
		writeError(c, err)
		return
	}
	s.servePublic(c, body, "application/atom+xml; charset=utf-8", "", pages.FeedUpdated(sts))
}

func (s *Server) statementPage(c *gin.Context) { s.showStatement(c, 0) }

func (s *Server) statementVersion(c *gin.Context) {
	n, err := strconv.Atoi(c.Param("n"))
	if err != nil || n < 1 || strconv.Itoa(n) != c.Param("n") {
		s.publicNotFound(c)
		return
	}
	s.showStatement(c, n)
}

// showStatement serves a statement's current version (n == 0) or version n.
func (s *Server) showStatement(c *gin.Context, n int) {
	now := s.cfg.Public.now()
	key := fmt.Sprint(c.Param("slug"), "\x00", n, "\x00", wantsJSON(c), "\x00", c.Query("lang"), "\x00", c.GetHeader("Accept-Language"))
	if p, ok := s.pages.get(key, now); ok {
		s.servePublic(c, p.body, p.ctype, p.lang, p.modified)
		return
	}
	versions, err := s.store.SlugVersions(c.Request.Context(), c.Param("slug"), now)
	if candor.ErrorCode(err) == candor.ENOTFOUND {
		s.publicNotFound(c)
		return
	} else if err != nil {
		writeError(c, err)
		return
	}
	st := pages.Statement{Slug: c.Param("slug"), Versions: versions}
	if _, _, ok := st.Shown(n); !ok {
		s.publicNotFound(c)
		return
	}
	loc := pages.Negotiate(st.PageLocales(n), c.Query("lang"), c.GetHeader("Accept-Language"))
	links := pages.LiveLinks(s.cfg.BaseURL)
	var body []byte
	ctype := "text/html; charset=utf-8"
	if wantsJSON(c) {
		body, err = s.site.StatementJSON(st, n, loc, links)
		ctype = "application/json; charset=utf-8"
	} else {
		body, err = s.site.StatementHTML(st, n, loc, links)
	}
	if err != nil {
		writeError(c, err)
		return
	}
	s.pages.put(key, cachedPage{body: body, ctype: ctype, lang: loc, modified: st.Updated()}, now)
	s.servePublic(c, body, ctype, loc, st.Updated())
}

// publicNotFound is the one answer for every public address with nothing
// public behind it.
func (s *Server) publicNotFound(c *gin.Context) {
	s.publicHeaders(c)
	c.Header("Cache-Control", "no-store")
	if wantsJSON(c) {
		writeProblem(c, http.StatusNotFound, candor.ENOTFOUND, "statement not found", nil)
		return
	}
	body, err := s.site.NotFoundHTML(c.GetHeader("Accept-Language"), pages.LiveLinks(s.cfg.BaseURL))
	if err != nil {
		writeError(c, err)
		return
	}
	c.Data(http.StatusNotFound, "text/html; charset=utf-8", body)
}

func (s *Server) publicHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", s.site.ContentSecurityPolicy())
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Vary", "Accept, Accept-Language")
}

// servePublic answers with a page and its validators: a strong ETag over
// the bytes and Last-Modified at the last visible change. http.ServeContent
// answers If-None-Match and If-Modified-Since with 304. Caches must
// revalidate every time (no-cache): a withdrawal or an update shows at
// once, and revalidating costs a 304.
func (s *Server) servePublic(c *gin.Context, body []byte, ctype, lang string, modified time.Time) {
	s.publicHeaders(c)
	h := c.Writer.Header()
	sum := sha256.Sum256(body)
	h.Set("ETag", `"`+hex.EncodeToString(sum[:16])+`"`)
	h.Set("Cache-Control", "public, no-cache")
	h.Set("Content-Type", ctype)
	if lang != "" {
		h.Set("Content-Language", lang)
	}
	http.ServeContent(c.Writer, c.Request, "", modified, bytes.NewReader(body))
}

// wantsJSON reports whether the Accept header prefers application/json to
// HTML. Browsers (text/html, */*) and clients that send nothing get HTML.
func wantsJSON(c *gin.Context) bool {
	accept := c.GetHeader("Accept")
	if accept == "" || len(accept) > 1024 {
		return false
	}
	qJSON, qHTML := -1.0, -1.0
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if v, ok := params["q"]; ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		switch mt {
		case "application/json":
			qJSON = max(qJSON, q)
		case "text/html":
			qHTML = max(qHTML, q)
		}
	}
	return qJSON > 0 && qJSON > qHTML
}
