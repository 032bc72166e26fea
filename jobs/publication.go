package jobs

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/pages"
	"github.com/hibiken/asynq"
)

// Task types of publishing. Payloads carry ids (and a webhook's hash, not
// its URL, which may hold a secret); handlers re-read the publication.
const (
	TypePublicationPublish   = "publication:publish"
	TypePublicationWebhook   = "publication:webhook"
	TypePublicationReconcile = "publication:reconcile"
)

type publishPayload struct {
	PublicationID string `json:"publication_id"`
}

type webhookPayload struct {
	PublicationID string `json:"publication_id"`
	Event         string `json:"event"`  // publication.published or publication.retracted
	Target        string `json:"target"` // webhookID of the URL
}

// PublicationStore is what publishing needs of storage (*store.DB).
type PublicationStore interface {
	GetPublication(ctx context.Context, id string) (candor.Publication, error)
	MarkPublished(ctx context.Context, id string, now time.Time) (candor.Publication, bool, error)
	SlugVersions(ctx context.Context, slug string, now time.Time) ([]candor.Publication, error)
	DuePublications(ctx context.Context, now time.Time) ([]candor.Publication, error)
}

// PublisherConfig configures the worker's side of publishing.
type PublisherConfig struct {
	Webhooks      []string     // CANDOR_PUBLISH_WEBHOOKS: each gets every publish and retraction
	WebhookSecret string       // CANDOR_PUBLISH_WEBHOOK_SECRET: the HMAC-SHA256 key; required with webhooks
	Site          *pages.Site  // renders the statement document webhooks carry
	BaseURL       string       // CANDOR_BASE_URL, for the addresses in it
	HTTPClient    *http.Client // nil: webhookClient(AllowPrivate)
	// AllowPrivate lets webhooks reach loopback, private and link-local
	// addresses (CANDOR_PUBLISH_WEBHOOKS_ALLOW_PRIVATE): off, a webhook URL
	// cannot make Candor call into its own network.
	AllowPrivate bool
	MaxRetry     int // webhook attempts after the first; 0: 20 (about three hours with the backoff)
	Logger       *slog.Logger
	Now          func() time.Time
}

// Publisher enqueues and runs publishing tasks. It is the API's
// api.PublicationQueue.
type Publisher struct {
	cfg    PublisherConfig
	store  PublicationStore
	client *asynq.Client
}

// NewPublisher wires publishing. Webhooks without a secret are refused:
// the receiver could not tell Candor's calls from anyone's.
func NewPublisher(cfg PublisherConfig, st PublicationStore, client *asynq.Client) (*Publisher, error) {
	if len(cfg.Webhooks) > 0 && cfg.WebhookSecret == "" {
		return nil, errors.New("CANDOR_PUBLISH_WEBHOOKS needs CANDOR_PUBLISH_WEBHOOK_SECRET: webhooks are signed")
	}
	if cfg.Site == nil && len(cfg.Webhooks) > 0 {
		return nil, errors.New("publisher: webhooks need the pages site")
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = webhookClient(cfg.AllowPrivate)
	}
	if cfg.MaxRetry == 0 {
		cfg.MaxRetry = 20
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Publisher{cfg: cfg, store: st, client: client}, nil
}

// Handlers returns the task handlers to register on the worker.
func (p *Publisher) Handlers() []Handler {
	return []Handler{{TypePublicationPublish, p.handlePublish}, {TypePublicationWebhook, p.handleWebhook},
		{TypePublicationReconcile, p.handleReconcile}}
}

// ReconcilePublicationsPeriodic records, every minute, publications whose task was lost
// (a Redis restored from an old backup): the pages showed them at
// publish_at anyway; this writes the audit entry and calls the webhooks.
func ReconcilePublicationsPeriodic() Periodic {
	return Periodic{Cron: "@every 1m", Task: asynq.NewTask(TypePublicationReconcile, nil),
		Opts: []asynq.Option{asynq.Queue("low"), asynq.MaxRetry(0), asynq.Timeout(time.Minute)}}
}

// SchedulePublication enqueues the task that records the publication at
// its publish_at. The task id makes a second call harmless.
func (p *Publisher) SchedulePublication(ctx context.Context, pub candor.Publication) error {
	return p.enqueuePublish(ctx, pub, "publish:"+pub.ID)
}

func (p *Publisher) enqueuePublish(ctx context.Context, pub candor.Publication, taskID string) error {
	b, _ := json.Marshal(publishPayload{PublicationID: pub.ID})
	_, err := p.client.EnqueueContext(ctx, asynq.NewTask(TypePublicationPublish, b), asynq.Queue("critical"),
		asynq.ProcessAt(pub.PublishAt), asynq.TaskID(taskID), asynq.MaxRetry(50), asynq.Retention(24*time.Hour))
	if errors.Is(err, asynq.ErrTaskIDConflict) || errors.Is(err, asynq.ErrDuplicateTask) {
		return nil
	}
	return err
}

// PublicationRetracted enqueues the retraction's webhooks.
func (p *Publisher) PublicationRetracted(ctx context.Context, pub candor.Publication) error {
	return p.enqueueWebhooks(ctx, pub.ID, "publication.retracted")
}

// handlePublish records a due publication, once, and calls the webhooks.
// A task that runs early (another machine's clock) waits, or comes back.
func (p *Publisher) handlePublish(ctx context.Context, t *asynq.Task) error {
	var pl publishPayload
	if err := json.Unmarshal(t.Payload(), &pl); err != nil {
		return fmt.Errorf("%w: %v", asynq.SkipRetry, err)
	}
	pub, err := p.store.GetPublication(ctx, pl.PublicationID)
	if candor.ErrorCode(err) == candor.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	if pub.State != candor.PublicationScheduled {
		if pub.State == candor.PublicationPublished {
			return p.enqueueWebhooks(ctx, pub.ID, "publication.published") // a repeat after a crash: idempotent
		}
		return nil // cancelled or retracted before it was recorded
	}
	if wait := pub.PublishAt.Sub(p.cfg.Now()); wait > 0 {
		if wait > 30*time.Second {
			return p.enqueuePublish(ctx, pub, "publish:"+pub.ID+":"+strconv.FormatInt(p.cfg.Now().UnixNano(), 10))
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return p.publish(ctx, pub.ID)
}

func (p *Publisher) publish(ctx context.Context, id string) error {
	ctx = candor.NewContextWithActor(ctx, candor.PublishingActor())
	pub, marked, err := p.store.MarkPublished(ctx, id, p.cfg.Now())
	if err != nil {
		return err
	}
	if marked {
		p.cfg.Logger.Info("statement published", "publication_id", id, "slug", pub.Slug,
			"late_ms", p.cfg.Now().Sub(pub.PublishAt).Milliseconds())
	}
	if pub.State != candor.PublicationPublished {
		return nil
	}
	return p.enqueueWebhooks(ctx, id, "publication.published")
}

func (p *Publisher) handleReconcile(ctx context.Context, _ *asynq.Task) error {
	due, err := p.store.DuePublications(ctx, p.cfg.Now())
	if err != nil {
		return err
	}
	var errs []error
	for _, pub := range due {
		if err := p.publish(ctx, pub.ID); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// webhookID names a webhook URL in task payloads and ids without showing it.
func webhookID(url string) string {
	sum := sha256.Sum256([]byte(url))
	return hex.EncodeToString(sum[:8])
}

// enqueueWebhooks enqueues one task per configured URL. The task id names
// the publication, the event and the URL, so enqueueing again (a repeated
// publish task, the reconciler) adds nothing while the first is retained.
func (p *Publisher) enqueueWebhooks(ctx context.Context, publicationID, event string) error {
	for _, u := range p.cfg.Webhooks {
		target := webhookID(u)
		b, _ := json.Marshal(webhookPayload{PublicationID: publicationID, Event: event, Target: target})
		_, err := p.client.EnqueueContext(ctx, asynq.NewTask(TypePublicationWebhook, b), asynq.Queue("default"),
			asynq.TaskID("webhook:"+publicationID+":"+event+":"+target), asynq.MaxRetry(p.cfg.MaxRetry),
			asynq.Timeout(time.Minute), asynq.Retention(7*24*time.Hour))
		if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) && !errors.Is(err, asynq.ErrDuplicateTask) {
			return fmt.Errorf("enqueue webhook: %w", err)
		}
	}
	return nil
}
