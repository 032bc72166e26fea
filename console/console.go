// Package console is Candor's browser interface for legal and
// communications staff (issue 20): server-rendered pages (html/template,
// one template per page, the templates and the stylesheet embedded), no
// JavaScript but one small vendored script that makes a send's progress
// live (static/sends.js; every page works without it), reading through the
// same store and domain code as the API.
//
// People sign in with their e-mail and a password set through a one-time
// link (`candor person invite`). The session is a cookie holding the
// person's id, their session version and an expiry, signed with
// HMAC-SHA256 (session.go); every request re-reads the person, so that
// disabling them or bumping their session version (a new password,
// store.DB.EndSessions) ends every session at once. Every POST form
// carries a signed double-submit CSRF token.
package console

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"embed"
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/deadline"
	"github.com/candor-dev/candor/store"
	"github.com/gin-gonic/gin"
)

//go:embed templates/*.html static
var files embed.FS

// Store is what the console reads and writes; *store.DB provides it. Each
// area of the console names what it needs in its own file.
type Store interface {
	deadline.ObligationSource
	adminStore
	roomStore
	customerStore
	draftStore
	sendStore
	statementStore
	obligationStore
	filingStore
	reachStore
	lettersStore
	callCentreStore
	ListIncidents(ctx context.Context, f candor.IncidentFilter) (store.Page[candor.Incident], error)
	ListEvents(ctx context.Context, incidentID string, publicOnly bool) ([]candor.Event, error)
	CountCustomers(ctx context.Context, incidentID string) (map[string]int64, error)

	SignIn(ctx context.Context, email, password string) (candor.Person, int, error)
	SessionPerson(ctx context.Context, id string, version int) (candor.Person, error)
	CheckPasswordLink(ctx context.Context, secret string) (candor.Person, error)
	SetPassword(ctx context.Context, secret, password string) (candor.Person, error)
}

// Limiter counts failed sign-ins per client address; the API's Redis
// buckets provide it (api/console.go).
type Limiter interface {
	// Wait is how long the request's address must wait before trying
	// again (0: it may try now).
	Wait(c *gin.Context) time.Duration
	// Failed charges a failed sign-in to the request's address.
	Failed(c *gin.Context)
}

// Config holds the console's settings.
type Config struct {
	// SessionKey signs session cookies and CSRF tokens (a key of its own is
	// derived from it); the API passes its dashboard session key.
	SessionKey []byte
	SessionTTL time.Duration // 0 is 12 h
	// Secure marks cookies Secure (CANDOR_BASE_URL is https).
	Secure   bool
	Rules    []deadline.Rule
	Calendar deadline.BusinessCalendar
	Logger   *slog.Logger
	// Timezone shows dates of incidents without a zone; "" is UTC.
	Timezone string
	// Sends and Statements are the API's own operations the send and
	// statement forms run (area_send.go, area_statement.go).
	Sends      SendActions
	Statements StatementActions
	// Drafts are the API's preview, checklist and submit (area_draft.go);
	// nil leaves the draft pages without them (503).
	Drafts DraftActions
	// MaxImportBytes bounds a customer file uploaded in the console, as
	// the API's import (0: 16 GiB); StreamBody is the API's middleware
	// that ends an upload whose body stops arriving (nil: none).
	MaxImportBytes int64
	StreamBody     gin.HandlerFunc
	// Filings are the API's filing packs and filing record (area_filing.go);
	// nil leaves the filing pages unavailable (503).
	Filings FilingActions
	// Letters are the API's letter batch, PDF and manifest (area_letters.go);
	// nil leaves the letters pages unavailable (503).
	Letters LetterActions
	// CallCentre is the API's call-centre pack and call volume
	// (area_callcentre.go); nil leaves the page unavailable (503).
	CallCentre CallCentreActions
	// BaseURL (CANDOR_BASE_URL) starts the links the console shows to be
	// used elsewhere: set-password links, calendar URLs. "" is the
	// request's own scheme and host.
	BaseURL string
	// OpenAPI is the API's OpenAPI document (YAML), shown at /console/api;
	// the api package passes it, since console cannot import api.
	OpenAPI []byte
}

// Console serves the pages.
type Console struct {
	cfg     Config
	store   Store
	limit   Limiter
	key     []byte
	pages   map[string]*template.Template
	css     []byte
	cssHash string
}

// New builds the console; it panics if an embedded template does not parse
// (a test renders each).
func New(cfg Config, st Store, lim Limiter) *Console {
	if cfg.SessionTTL == 0 {
		cfg.SessionTTL = 12 * time.Hour
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	m := hmac.New(sha256.New, cfg.SessionKey)
	m.Write([]byte("candor console session v1"))
	c := &Console{cfg: cfg, store: st, limit: lim, key: m.Sum(nil)}
	c.parse()
	return c
}

// Routes mounts the console: GET / and everything under /console. login
// runs before each sign-in attempt (the API's per-address limit).
func (cs *Console) Routes(e *gin.Engine, login gin.HandlerFunc) {
	e.GET("/", headers, cs.home)
	g := e.Group("/console", headers)
	g.GET("/console.css", cs.stylesheet)
	g.GET("/lang", cs.setLanguage)
	g.GET("/sign-in", cs.signInForm)
	g.POST("/sign-in", login, limitForm, cs.checkCSRF, cs.signIn)
	g.POST("/sign-out", limitForm, cs.checkCSRF, cs.signOut)
	g.GET("/set-password", cs.setPasswordForm)
	g.POST("/set-password", limitForm, cs.checkCSRF, cs.setPassword)

	in := g.Group("", cs.auth)
	in.GET("/incidents", cs.incidents)
	in.GET("/incidents/:id", cs.incidentRoom)
	in.GET("/incidents/:id/deadlines", cs.deadlines)

	// Each area mounts its own pages (its file's routes function).
	cs.adminRoutes(g, in)
	cs.roomRoutes(in)
	cs.customerRoutes(in)
	cs.draftRoutes(in)
	cs.sendRoutes(in)
	cs.statementRoutes(in)
	cs.obligationRoutes(in)
	cs.filingRoutes(in)
	cs.reachRoutes(in)
	cs.lettersRoutes(in)
	cs.callCentreRoutes(in)
}

// headers keep the pages out of frames and caches, and allow nothing but
// the console's own stylesheet, scripts (files it serves, never inline)
// and forms.
func headers(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer") // set-password links carry a secret
	// script-src: the console's own script files, never inline:
	// static/sends.js polls a send's progress (connect-src),
	// static/customers.js uploads a customer file with a progress bar.
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; "+
		"frame-ancestors 'none'; base-uri 'none'")
	c.Next()
}

// formLimit is far more than any console form needs.
const formLimit = 16 << 10

func limitForm(c *gin.Context) {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, formLimit)
	if err := c.Request.ParseForm(); err != nil {
		c.AbortWithStatus(http.StatusRequestEntityTooLarge)
		return
	}
	c.Next()
}

func (cs *Console) stylesheet(c *gin.Context) {
	c.Header("Cache-Control", "public, max-age=3600")
	c.Header("ETag", `"`+cs.cssHash+`"`)
	c.Data(http.StatusOK, "text/css; charset=utf-8", cs.css)
}

// home is the sign-in page for a visitor, the incident list for a person.
func (cs *Console) home(c *gin.Context) {
	if _, ok := cs.session(c); ok {
		c.Redirect(http.StatusSeeOther, "/console/incidents")
		return
	}
	cs.renderSignIn(c, http.StatusOK, "", "")
}
