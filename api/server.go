// Package api is Candor's HTTP surface: the JSON API under /api/v1 for legal
// and communications staff, health endpoints for operators, and (later) the
// public statement pages.
//
// Handlers are thin: decode, call one store or service method, encode. All
// routes are listed in routes.go; all errors become problem documents
// through the one table in problem.go.
package api

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/compose"
	"github.com/candor-dev/candor/console"
	"github.com/candor-dev/candor/deadline"
	"github.com/candor-dev/candor/holidays"
	"github.com/candor-dev/candor/jurisdictions"
	"github.com/candor-dev/candor/pages"
	"github.com/candor-dev/candor/store"
	"github.com/gin-gonic/gin"
	"github.com/redis/go-redis/v9"
)

// Store is what the API needs of storage; *store.DB provides it. Each
// resource file declares the part it uses.
type Store interface {
	TokenStore
	PeopleStore
	IncidentStore
	AuditStore
	CustomerStore
	SendStore
	DisclosureStore
	ObligationStore
	DecisionStore
	PublicationStore
	FilingStore
	NoticeCheckStore
	LetterStore
	ReachStore
}

// TokenStore authenticates and manages API tokens.
type TokenStore interface {
	Authenticate(ctx context.Context, secret string) (candor.Token, error)
	CreateToken(ctx context.Context, name string, role candor.Role) (candor.Token, string, error)
	ListTokens(ctx context.Context) ([]candor.Token, error)
	RevokeToken(ctx context.Context, id string) (candor.Token, error)
	ActiveToken(ctx context.Context, id string) (candor.Token, error)
}

// AuditStore reads the audit log.
type AuditStore interface {
	ListAudit(ctx context.Context, f candor.AuditFilter) (store.Page[candor.AuditEntry], error)
}

// Check is one readiness probe (the database, Redis).
type Check struct {
	Name string
	Ping func(ctx context.Context) error
}

// Config holds the API's settings.
type Config struct {
	MaxBodyBytes   int64 // JSON bodies; 0 means 1 MiB
	MaxImportBytes int64 // customer imports; 0 means 16 GiB
	Logger         *slog.Logger
	Version        string
	Ops            Ops                  // metrics and the queue dashboard (ops.go)
	Org            compose.Organisation // the organisation templates name (.Org)
	BaseURL        string               // public base URL, for .Statement.URL; "" leaves it empty
	Timezone       string               // IANA zone of new incidents without one (CANDOR_ORG_TIMEZONE); "" is UTC
	Sends          SendScheduler        // enqueues sends (jobs.Sender)
	BounceSecret   string               // signs bounce webhooks; "" turns the webhook off
	PageCacheTTL   time.Duration        // how long a rendered public page or a send's progress is reused; 0: not at all
	// Rules is the deadline catalogue, loaded once at start
	// (jurisdictions.LoadDir); nil means the embedded one.
	Rules []deadline.Rule
	// Calendar counts business days; nil means holidays.New().
	Calendar deadline.BusinessCalendar

	Public Public // public statement pages and publishing (publication.go, public.go)

	// Redis holds the rate limits and the bounce webhook's replay memory,
	// shared by every API process; nil turns the limits off and keeps the
	// replay memory in this process.
	Redis redis.UniversalClient
	Rates RateLimits // requests per minute (ratelimit.go); zero turns one off
	// TrustedProxies are the addresses or CIDRs of reverse proxies whose
	// X-Forwarded-For and X-Forwarded-Host are believed; none by default.
	TrustedProxies []string
	// BodyStallTimeout ends a customer import whose body stops arriving for
	// this long (its deadline moves forward while bytes arrive); 0 is 30s.
	BodyStallTimeout time.Duration
	// ContactDomains are the domains owner_email and legal_contacts may
	// be in (CANDOR_CONTACT_DOMAINS); empty allows any.
	ContactDomains candor.ContactDomains
	// Printer prints filing packs and evidence reports to PDF (pdf.Lazy);
	// nil answers those requests with 503.
	Printer Printer
}

// Server is the HTTP handler with its dependencies.
type Server struct {
	cfg      Config
	store    Store
	checks   []Check
	engine   *gin.Engine
	site     *pages.Site    // the public statement pages
	pages    *pageCache     // rendered public pages, for Config.PageCacheTTL
	progress *progressCache // sends' progress, for Config.PageCacheTTL
	limits   *limiter       // nil without Config.Redis
	proxies  []netip.Prefix // Config.TrustedProxies
	replays  *replayGuard   // bounce signatures seen within their window
	// bounceSlots bounds the bounce bodies read at once (send.go).
	bounceSlots chan struct{}
	console     *console.Console // the browser console at /; nil unless the store serves it (console.go)
}

// New builds the server and its routes.
func New(cfg Config, st Store, checks ...Check) *Server {
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	if cfg.MaxImportBytes == 0 {
		cfg.MaxImportBytes = 16 << 30
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Rules == nil {
		rules, err := jurisdictions.Load()
		if err != nil { // the obligation routes then answer 503
			cfg.Logger.Error("load rule catalogue", "error", err.Error())
		}
		cfg.Rules = rules
	}
	if cfg.Calendar == nil {
		cfg.Calendar = holidays.New()
	}
	if cfg.BodyStallTimeout == 0 {
		cfg.BodyStallTimeout = 30 * time.Second
	}
	gin.SetMode(gin.ReleaseMode)
	s := &Server{cfg: cfg, store: st, checks: checks, engine: gin.New(), limits: newLimiter(cfg.Redis, cfg.Logger),
		replays: newReplayGuard(cfg.Redis, cfg.Logger), bounceSlots: make(chan struct{}, bounceReaders)}
	// Gin believes X-Forwarded-For from anyone unless told otherwise; the
	// per-address limits would then be a header away from useless.
	var err error
	if s.proxies, err = parseProxies(cfg.TrustedProxies); err != nil {
		cfg.Logger.Error("trusted proxies: none trusted", "error", err.Error())
	}
	var cidrs []string
	for _, p := range s.proxies {
		cidrs = append(cidrs, p.String())
	}
	s.engine.SetTrustedProxies(cidrs) // nil: none
	s.engine.HandleMethodNotAllowed = true
	s.engine.ContextWithFallback = true
	s.cfg.Ops = cfg.Ops.withDefaults()
	s.engine.Use(requestID(), observe(cfg.Ops.Observer), accessLog(cfg.Logger), recovery())
	s.engine.Use(checkParams()) // NUL or invalid UTF-8 in a path or query parameter: 400 (api/text.go)
	s.engine.NoRoute(func(c *gin.Context) { writeProblem(c, http.StatusNotFound, candor.ENOTFOUND, "no such route", nil) })
	s.engine.NoMethod(func(c *gin.Context) {
		writeProblem(c, http.StatusMethodNotAllowed, "method_not_allowed", "method not allowed on this route", nil)
	})
	s.site = newSite(cfg)
	s.pages = newPageCache(cfg.PageCacheTTL)
	s.progress = &progressCache{ttl: cfg.PageCacheTTL}
	s.console = s.newConsole(st)
	s.routes()
	return s
}

// ServeHTTP makes Server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.engine.ServeHTTP(w, r) }

// Routes lists the registered method and path pairs (for the OpenAPI check).
func (s *Server) Routes() gin.RoutesInfo { return s.engine.Routes() }

// NewHTTPServer wraps h with the timeouts a public listener needs, so that
// a client who sends slowly cannot hold a connection and its buffers: the
// headers within 5 s, the whole request within 30 s (the customer import
// moves its own deadline forward while bytes arrive: streamBody), 120 s
// idle between requests, 64 KiB of headers. There is no write timeout
// because exports stream for minutes.
func NewHTTPServer(addr string, h http.Handler) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
}

func (s *Server) healthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok", "version": s.cfg.Version})
}

// readyz answers 200 when every dependency answers, else 503 naming which
// did not (without its error text, which may hold addresses).
func (s *Server) readyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	status, code := gin.H{}, http.StatusOK
	for _, ch := range s.checks {
		if err := ch.Ping(ctx); err != nil {
			status[ch.Name] = "unreachable"
			code = http.StatusServiceUnavailable
			s.cfg.Logger.Warn("readiness check failed", "check", ch.Name, "error", err.Error())
		} else {
			status[ch.Name] = "ok"
		}
	}
	c.JSON(code, gin.H{"status": map[bool]string{true: "ok", false: "unavailable"}[code == http.StatusOK], "checks": status})
}
