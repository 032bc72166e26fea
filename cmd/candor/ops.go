package main

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"

	"github.com/candor-dev/candor/api"
	"github.com/candor-dev/candor/jobs"
	"github.com/candor-dev/candor/metrics"
	"github.com/candor-dev/candor/store"
	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// opsKit is what a service process needs for operators: the metrics
// registry, the queue dashboard (API processes only) and, when
// CANDOR_METRICS_LISTEN is set, a separate listener for /metrics and the
// health checks.
type opsKit struct {
	cfg     Config
	log     *slog.Logger
	metrics *metrics.Metrics
	dash    *jobs.Dashboard
	closers []func() error
	srv     *http.Server
}

func newOpsKit(cfg Config, log *slog.Logger, db *store.DB, ropt asynq.RedisConnOpt, serveAPI bool) (*opsKit, error) {
	k := &opsKit{cfg: cfg, log: log, metrics: metrics.New()}
	qc, insp, err := jobs.QueueCollector(context.Background(), ropt)
	if err != nil {
		return nil, err
	}
	k.closers = append(k.closers, insp.Close)
	if err := k.metrics.Register(qc); err != nil {
		k.Close()
		return nil, fmt.Errorf("register queue metrics: %w", err)
	}
	sqlDB, err := db.Gorm().DB()
	if err == nil {
		err = k.metrics.Register(collectors.NewDBStatsCollector(sqlDB, "candor"))
	}
	if err != nil {
		k.Close()
		return nil, fmt.Errorf("register database pool metrics: %w", err)
	}
	if serveAPI {
		k.dash = jobs.NewDashboard(ropt, "/admin/queues")
		k.closers = append(k.closers, k.dash.Close)
		if cfg.AdminSessionKey == "" {
			log.Info("dashboard sessions use a random key: a restart signs everyone out, and several serve processes " +
				"behind one address need CANDOR_ADMIN_SESSION_KEY to share sessions")
		}
	}
	return k, nil
}

// apiOps configures the API listener's operator routes.
func (k *opsKit) apiOps() api.Ops {
	o := api.Ops{
		Observer:      k.metrics,
		MetricsToken:  k.cfg.MetricsToken,
		SessionTTL:    k.cfg.AdminSessionTTL,
		SecureCookies: strings.HasPrefix(k.cfg.BaseURL, "https://"),
	}
	if k.cfg.MetricsListen == "" {
		o.Metrics = k.metrics.Handler()
	}
	if k.cfg.AdminSessionKey != "" {
		// A fixed derivation, so every replica given the same secret signs
		// the same way, and the secret itself is never the MAC key.
		sum := sha256.Sum256([]byte("candor admin session v1\x00" + k.cfg.AdminSessionKey))
		o.SessionKey = sum[:]
	}
	if k.dash != nil {
		o.Queues, o.QueuesReadOnly = k.dash.Handlers()
	}
	return o
}

// startListener serves /metrics, /healthz and /readyz on
// CANDOR_METRICS_LISTEN, if set; errors from serving go to errc.
func (k *opsKit) startListener(checks []api.Check, errc chan<- error) error {
	if k.cfg.MetricsListen == "" {
		return nil
	}
	ln, err := net.Listen("tcp", k.cfg.MetricsListen)
	if err != nil {
		return fmt.Errorf("listen on %s (CANDOR_METRICS_LISTEN): %v", k.cfg.MetricsListen, err)
	}
	h := api.NewOps(api.Config{Logger: k.log, Version: version, Ops: api.Ops{
		Observer: k.metrics, Metrics: k.metrics.Handler(), MetricsToken: k.cfg.MetricsToken}}, checks...)
	k.srv = api.NewHTTPServer(k.cfg.MetricsListen, h)
	go func() { errc <- k.srv.Serve(ln) }()
	k.log.Info("operations listener", "addr", ln.Addr().String(), "paths", "/metrics /healthz /readyz")
	return nil
}

// Close stops the operations listener (after the API has drained) and
// releases Redis connections.
func (k *opsKit) Close() error {
	var errs []error
	if k.srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), k.cfg.ShutdownTimeout)
		defer cancel()
		errs = append(errs, k.srv.Shutdown(ctx))
	}
	for _, c := range k.closers {
		errs = append(errs, c())
	}
	return errors.Join(errs...)
}
