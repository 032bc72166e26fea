package api

import (
	"context"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/compose"
)

// consoleActions gives the console's send and statement forms the API's own
// operations (send.go, publication.go), so that a form and a request do the
// same thing: the same checks, audit entries, queue work and caches.
type consoleActions struct{ s *Server }

func (a consoleActions) StartSend(ctx context.Context, disclosureID string, sendAt *time.Time, filter *candor.SendFilter) (candor.Send, error) {
	return a.s.startSend(ctx, disclosureID, sendAt, filter)
}

func (a consoleActions) ChangeSend(ctx context.Context, id, action string) (candor.Send, error) {
	return a.s.changeSendState(ctx, id, action)
}

func (a consoleActions) SendProgress(ctx context.Context, id string) (candor.Send, error) {
	return a.s.sendProgress(ctx, id)
}

func (a consoleActions) Publish(ctx context.Context, disclosureID, slug string, at *time.Time) (candor.Publication, error) {
	return a.s.publish(ctx, disclosureID, slug, at)
}

func (a consoleActions) Withdraw(ctx context.Context, id, reason string) (candor.Publication, error) {
	return a.s.withdraw(ctx, id, reason)
}

func (a consoleActions) StatementURL(slug string) string {
	return compose.StatementURL(a.s.cfg.BaseURL, slug)
}

func (a consoleActions) Now() time.Time { return a.s.cfg.Public.now() }
