package api

import (
	"crypto/rand"
	"crypto/subtle"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/candor-dev/candor"
	"github.com/gin-gonic/gin"
)

// HTTPObserver records one finished request; *metrics.Metrics provides it.
// route is the router's pattern, never the raw path.
type HTTPObserver interface {
	ObserveHTTP(method, route string, status int, d time.Duration)
}

// Ops configures the operator-facing routes: /metrics and the queue
// dashboard under /admin. Every field is optional; a route whose handler is
// nil answers 404, so the router (and the OpenAPI check) is the same either
// way.
type Ops struct {
	Observer     HTTPObserver // counts and times every request
	Metrics      http.Handler // GET /metrics; nil when it is served on a separate listener
	MetricsToken string       // when set, /metrics needs Authorization: Bearer <it>

	Queues         http.Handler  // the Asynq dashboard for admin tokens, rooted at /admin/queues
	QueuesReadOnly http.Handler  // the same, read-only, for every other role
	SessionKey     []byte        // signs dashboard cookies; empty: random at start (a restart logs everyone out)
	SessionTTL     time.Duration // dashboard cookie lifetime; 0: 30 minutes
	SecureCookies  bool          // mark cookies Secure even when the request came over plain HTTP (TLS ends at a proxy)
}

func (o Ops) withDefaults() Ops {
	if len(o.SessionKey) == 0 {
		o.SessionKey = make([]byte, 32)
		rand.Read(o.SessionKey)
	}
	if o.SessionTTL <= 0 {
		o.SessionTTL = 30 * time.Minute
	}
	return o
}

// observe feeds the request metrics. It runs outside recovery, so a panic
// is counted as the 500 it became.
func observe(o HTTPObserver) gin.HandlerFunc {
	if o == nil {
		return func(c *gin.Context) { c.Next() }
	}
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		o.ObserveHTTP(c.Request.Method, route, c.Writer.Status(), time.Since(start))
	}
}

// metrics serves the Prometheus exposition: open to whoever can reach the
// listener, unless a metrics token is configured.
func (s *Server) metrics(c *gin.Context) {
	h := s.cfg.Ops.Metrics
	if h == nil {
		writeProblem(c, http.StatusNotFound, candor.ENOTFOUND, "metrics are not served on this listener", nil)
		return
	}
	if want := s.cfg.Ops.MetricsToken; want != "" {
		got, _ := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
		if subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(want)) != 1 {
			c.Header("WWW-Authenticate", `Bearer realm="candor-metrics"`)
			writeError(c, candor.Errorf(candor.EUNAUTHORIZED, "send Authorization: Bearer <CANDOR_METRICS_TOKEN>"))
			return
		}
	}
	h.ServeHTTP(c.Writer, c.Request)
}

// NewOps returns the handler of a separate operations listener
// (CANDOR_METRICS_LISTEN): /healthz, /readyz and /metrics, nothing else.
// `candor worker` has no API, so this is where its metrics are scraped and
// its liveness probed.
func NewOps(cfg Config, checks ...Check) http.Handler {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	cfg.Ops = cfg.Ops.withDefaults()
	gin.SetMode(gin.ReleaseMode)
	s := &Server{cfg: cfg, checks: checks, engine: gin.New()}
	s.engine.ContextWithFallback = true
	s.engine.Use(requestID(), observe(cfg.Ops.Observer), recovery())
	s.engine.NoRoute(func(c *gin.Context) { writeProblem(c, http.StatusNotFound, candor.ENOTFOUND, "no such route", nil) })
	s.engine.GET("/healthz", s.healthz)
	s.engine.GET("/readyz", s.readyz)
	s.engine.GET("/metrics", s.metrics)
	return s
}
