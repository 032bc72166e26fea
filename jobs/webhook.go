package jobs

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/pages"
	"github.com/hibiken/asynq"
)

// WebhookBody is what a publish webhook POSTs: the event and the statement
// version it concerns, in every language, as the public JSON shows it.
type WebhookBody struct {
	Event         string                        `json:"event"` // publication.published or publication.retracted
	PublicationID string                        `json:"publication_id"`
	Slug          string                        `json:"slug"`
	Version       int                           `json:"version"` // of the statement at slug, from 1
	URL           string                        `json:"url"`     // the statement's page
	OccurredAt    time.Time                     `json:"occurred_at"`
	Languages     map[string]pages.StatementDoc `json:"languages"` // by locale
}

// SignWebhook is the X-Candor-Signature of a webhook: "sha256=" and the hex
// HMAC-SHA256, keyed with the shared secret, of the timestamp (the
// X-Candor-Timestamp header, Unix seconds), a '.', and the body. Receivers
// recompute it, compare in constant time, and refuse old timestamps.
func SignWebhook(secret []byte, timestamp string, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(timestamp))
	m.Write([]byte("."))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

func (p *Publisher) webhookURL(target string) string {
	for _, u := range p.cfg.Webhooks {
		if webhookID(u) == target {
			return u
		}
	}
	return ""
}

// handleWebhook POSTs one event to one URL. A non-2xx answer or no answer
// fails the task, which Asynq retries with the worker's backoff.
func (p *Publisher) handleWebhook(ctx context.Context, t *asynq.Task) error {
	var pl webhookPayload
	if err := json.Unmarshal(t.Payload(), &pl); err != nil {
		return fmt.Errorf("%w: %v", asynq.SkipRetry, err)
	}
	target := p.webhookURL(pl.Target)
	if target == "" {
		return nil // no longer configured
	}
	body, ok, err := p.webhookBody(ctx, pl)
	if err != nil || !ok {
		return err
	}
	ts := strconv.FormatInt(p.cfg.Now().Unix(), 10)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("%w: webhook to %s: bad URL", asynq.SkipRetry, hostOf(target))
	}
	id, _ := asynq.GetTaskID(ctx)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Candor-Webhook/1")
	req.Header.Set("X-Candor-Event", pl.Event)
	req.Header.Set("X-Candor-Delivery", id)
	req.Header.Set("X-Candor-Timestamp", ts)
	req.Header.Set("X-Candor-Signature", SignWebhook([]byte(p.cfg.WebhookSecret), ts, body))
	res, err := p.cfg.HTTPClient.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its message quotes the URL, which may hold a secret
		}
		return fmt.Errorf("webhook to %s: %v", hostOf(target), err)
	}
	io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	res.Body.Close()
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("webhook to %s: status %d", hostOf(target), res.StatusCode)
	}
	p.cfg.Logger.Info("webhook delivered", "event", pl.Event, "publication_id", pl.PublicationID, "host", hostOf(target))
	return nil
}

// webhookBody builds the body from what is public now; ok is false when
// the publication is not public (cancelled meanwhile): nothing to say.
func (p *Publisher) webhookBody(ctx context.Context, pl webhookPayload) ([]byte, bool, error) {
	pub, err := p.store.GetPublication(ctx, pl.PublicationID)
	if candor.ErrorCode(err) == candor.ENOTFOUND {
		return nil, false, nil
	} else if err != nil {
		return nil, false, err
	}
	versions, err := p.store.SlugVersions(ctx, pub.Slug, p.cfg.Now())
	if candor.ErrorCode(err) == candor.ENOTFOUND {
		return nil, false, nil
	} else if err != nil {
		return nil, false, err
	}
	st := pages.Statement{Slug: pub.Slug, Versions: versions}
	k := 0
	for i, v := range versions {
		if v.ID == pub.ID {
			k = i + 1
		}
	}
	if k == 0 {
		return nil, false, nil
	}
	links := pages.LiveLinks(p.cfg.BaseURL)
	wb := WebhookBody{Event: pl.Event, PublicationID: pub.ID, Slug: pub.Slug, Version: k,
		URL: links.Statement(pub.Slug, ""), OccurredAt: pub.PublishAt, Languages: map[string]pages.StatementDoc{}}
	if pl.Event == "publication.retracted" && pub.RetractedAt != nil {
		wb.OccurredAt = *pub.RetractedAt
	}
	for _, loc := range st.PageLocales(k) {
		doc, err := p.cfg.Site.StatementDoc(st, k, loc, links)
		if err != nil {
			return nil, false, err
		}
		wb.Languages[loc] = doc
	}
	b, err := json.Marshal(wb)
	return b, err == nil, err
}

func hostOf(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Host != "" {
		return u.Host
	}
	return "(webhook)"
}
