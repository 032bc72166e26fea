package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
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
// The cache is asked twice, both times by keys of bounded size: for the
// slug's languages (so the reader's language can be negotiated without the
// database), then for the page in that language.
func (s *Server) showStatement(c *gin.Context, n int) {
	now := s.cfg.Public.now()
	slug, asJSON := c.Param("slug"), wantsJSON(c)
	var st *pages.Statement // read from the store only when the cache lacks what is needed
	known, ok := s.pages.get(statementKey(slug), now)
	if !ok {
		if st = s.loadStatement(c, slug, now); st == nil {
			return
		}
		known = statementLocales(*st)
		s.pages.put(statementKey(slug), known, now)
	}
	if n >= len(known.locales) {
		s.publicNotFound(c)
		return
	}
	loc := pages.Negotiate(known.locales[n], c.Query("lang"), c.GetHeader("Accept-Language"))
	if p, ok := s.pages.get(pageKey(slug, n, asJSON, loc), now); ok {
		s.servePublic(c, p.body, p.ctype, p.lang, p.modified)
		return
	}
	if st == nil {
		if st = s.loadStatement(c, slug, now); st == nil {
			return
		}
		// It may have changed since its languages were cached.
		loc = pages.Negotiate(st.PageLocales(n), c.Query("lang"), c.GetHeader("Accept-Language"))
	}
	if _, _, ok := st.Shown(n); !ok {
		s.publicNotFound(c)
		return
	}
	links := pages.LiveLinks(s.cfg.BaseURL)
	var body []byte
	var err error
	ctype := "text/html; charset=utf-8"
	if asJSON {
		body, err = s.site.StatementJSON(*st, n, loc, links)
		ctype = "application/json; charset=utf-8"
	} else {
		body, err = s.site.StatementHTML(*st, n, loc, links)
	}
	if err != nil {
		writeError(c, err)
		return
	}
	s.pages.put(pageKey(slug, n, asJSON, loc), cachedPage{body: body, ctype: ctype, lang: loc, modified: st.Updated()}, now)
	s.servePublic(c, body, ctype, loc, st.Updated())
}

// loadStatement reads a slug's visible versions; nil when it has answered
// (404 for nothing public, the store's error otherwise).
func (s *Server) loadStatement(c *gin.Context, slug string, now time.Time) *pages.Statement {
	versions, err := s.store.SlugVersions(c.Request.Context(), slug, now)
	if candor.ErrorCode(err) == candor.ENOTFOUND {
		s.publicNotFound(c)
		return nil
	} else if err != nil {
		writeError(c, err)
		return nil
	}
	return &pages.Statement{Slug: slug, Versions: versions}
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
