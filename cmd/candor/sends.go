package main

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/candor-dev/candor/jobs"
	"github.com/candor-dev/candor/mail"
	"github.com/candor-dev/candor/metrics"
	"github.com/candor-dev/candor/store"
	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

// newSendPipeline wires the send pipeline: the queue client that schedules
// sends (the API needs only that), and, in a worker, the shared rate
// limiter and mail sender that deliver them. m may be nil.
func newSendPipeline(cfg Config, log *slog.Logger, db *store.DB, client *asynq.Client, rdb redis.UniversalClient,
	sender mail.Sender, m *metrics.Metrics) *jobs.Sender {
	var limiter *jobs.Limiter
	if rdb != nil {
		limiter = jobs.NewLimiter(rdb, cfg.MailRate)
		limiter.Waited = m.RateLimiterWait
	}
	_, domain, _ := strings.Cut(cfg.MailFrom, "@")
	s := jobs.NewSender(jobs.SenderConfig{
		From:        mailFrom(cfg),
		ReplyTo:     mail.Address{Name: cfg.OrgName, Email: cfg.OrgContactEmail},
		Org:         cfg.organisation(),
		BaseURL:     cfg.BaseURL,
		MsgDomain:   domain,
		ChunkSize:   cfg.SendChunk,
		Memory:      cfg.SendMemory,
		Parallel:    cfg.SendParallel,
		RetryWindow: cfg.SendRetryWindow,
		Logger:      log,
	}, db, client, sender, limiter)
	s.Sent = func(status string, rtt time.Duration, class mail.Class) {
		m.DeliveryState(status)
		m.SMTPRoundTrip(rtt)
		if class != mail.None {
			m.SMTPError(class.String())
		}
	}
	m.CountSendsInProgress(func(ctx context.Context) (int, error) { return db.CountRunningSends(ctx) })
	return s
}
