package main

import (
	"context"
	"errors"
	"fmt"
	"github.com/hibiken/asynq"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/api"
	"github.com/candor-dev/candor/holidays"
	"github.com/candor-dev/candor/jobs"
	"github.com/candor-dev/candor/pdf"
)

// runService runs the API and/or the worker and scheduler until ctx ends
// (SIGINT or SIGTERM), then shuts them down in order: the HTTP server stops
// accepting and drains in-flight requests, the worker finishes or requeues
// its tasks.
func runService(ctx context.Context, cfg Config, _ []string, out io.Writer, serveAPI, work bool) error {
	log := newLogger(cfg.LogLevel)
	slog.SetDefault(log)
	if err := cfg.checkOrg(); err != nil {
		return err
	}
	if _, err := time.LoadLocation(cfg.OrgTimezone); err != nil {
		return fmt.Errorf("CANDOR_ORG_TIMEZONE %q: %v", cfg.OrgTimezone, err)
	}
	contactDomains, err := candor.ParseContactDomains(cfg.ContactDomains)
	if err != nil {
		return fmt.Errorf("CANDOR_CONTACT_DOMAINS: %v", err)
	}
	db, err := openCustomerDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	ropt, rc, err := openRedis(ctx, cfg)
	if err != nil {
		return err
	}
	defer rc.Close()
	ops, err := newOpsKit(cfg, log, db, ropt, serveAPI)
	if err != nil {
		return err
	}
	defer ops.Close()
	// Until the organisation is configured, every notice would name the
	// example one: say so at every start (once the database and Redis answer), on the terminal and in the log.
	for _, w := range cfg.orgWarnings() {
		log.Warn("organisation not configured", "detail", w)
		fmt.Fprintf(out, "warning: %s\n", w)
	}
	checks := []api.Check{{Name: "database", Ping: db.Ping},
		{Name: "redis", Ping: func(ctx context.Context) error { return jobs.Ping(ctx, rc) }}}
	errc := make(chan error, 2)
	if err := ops.startListener(checks, errc); err != nil {
		return err
	}
	pub, err := newPublishing(cfg, db, ropt, log)
	if err != nil {
		return err
	}
	defer pub.Close()

	rules, err := loadRules(cfg)
	if err != nil {
		return err
	}
	cal := holidays.New()

	qc := asynq.NewClientFromRedisClient(rc)
	var stops []func()
	sends := newSendPipeline(cfg, log, db, qc, nil, nil, ops.metrics)
	if work {
		sender, err := newMailSender(cfg)
		if err != nil {
			return err
		}
		defer sender.Close() // after the worker has stopped (stops run first)
		sends = newSendPipeline(cfg, log, db, qc, rc, sender, ops.metrics)
		remind := jobs.NewReminder(jobs.ReminderConfig{Rules: rules, Calendar: cal, From: mailFrom(cfg),
			BaseURL: cfg.BaseURL, Logger: log, ContactDomains: contactDomains,
			Limiter: jobs.NewLimiter(rc, cfg.MailRate)}, db, sender) // the sends' bucket: the same Redis key
		handlers := []jobs.Handler{
			jobs.AuditVerifyHandler(db, ops.metrics, log),
			remind.Handler(),
		}
		handlers = append(handlers, sends.Handlers()...)
		handlers = append(handlers, pub.publisher.Handlers()...)
		periodic := []jobs.Periodic{
			jobs.AuditVerifyPeriodic(cfg.AuditVerifySchedule),
			jobs.RemindPeriodic(),
			jobs.ReconcilePublicationsPeriodic(),
		}
		periodic = append(periodic, sends.Periodic()...)
		w := jobs.NewWorker(ropt, jobs.WorkerConfig{Concurrency: cfg.WorkerConcurrency, ShutdownTimeout: cfg.ShutdownTimeout, Logger: log}, handlers...)
		if err := w.Start(); err != nil {
			return err
		}
		sched, err := jobs.NewSchedulerWithRecorder(ropt, log, ops.metrics, periodic...)
		if err != nil {
			w.Shutdown()
			return err
		}
		if err := sched.Start(); err != nil {
			w.Shutdown()
			return fmt.Errorf("start scheduler: %w", err)
		}
		stops = append(stops, sched.Shutdown, w.Shutdown)
		log.Info("worker started", "concurrency", cfg.WorkerConcurrency)
	}

	var srv *http.Server
	if serveAPI {
		// Chromium starts on the first PDF asked for (a filing pack, an
		// evidence report), not with the server.
		printer := pdf.NewLazy(pdf.Options{})
		defer printer.Close()
		h := api.New(api.Config{Printer: printer, MaxBodyBytes: cfg.MaxBodyBytes, MaxImportBytes: cfg.MaxImportBytes, Logger: log, Version: version,
			Ops: ops.apiOps(), Org: cfg.organisation(), Timezone: cfg.OrgTimezone,
			BaseURL: cfg.BaseURL, Rules: rules, Calendar: cal, Sends: sends, BounceSecret: cfg.BounceSecret,
			Public: pub.public, PageCacheTTL: cfg.PageCacheTTL, ContactDomains: contactDomains,
			Redis: rc, TrustedProxies: cfg.TrustedProxies, Rates: api.RateLimits{API: cfg.RateAPI, AuthFail: cfg.RateAuthFail,
				Public: cfg.RatePublic, Login: cfg.RateLogin, Webhook: cfg.RateWebhook}}, db, checks...)
		ln, err := net.Listen("tcp", cfg.Listen)
		if err != nil {
			return fmt.Errorf("listen on %s: %v", cfg.Listen, err)
		}
		srv = api.NewHTTPServer(cfg.Listen, h)
		go func() { errc <- srv.Serve(ln) }()
		log.Info("api listening", "addr", ln.Addr().String(), "base_url", cfg.BaseURL)
		fmt.Fprintf(out, "candor %s listening on http://%s (API under /api/v1, health at /healthz)\n", version, ln.Addr())
	}

	select {
	case <-ctx.Done():
		log.Info("shutting down")
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("http server: %w", err)
		}
	}
	if srv != nil {
		sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil {
			log.Warn("http shutdown", "error", err.Error())
		}
	}
	for _, stop := range stops {
		stop()
	}
	log.Info("stopped")
	return nil
}
