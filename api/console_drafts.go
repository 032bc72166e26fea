package api

import (
	"context"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/checklist"
	"github.com/candor-dev/candor/console"
)

// consoleDrafts gives the console's draft pages the API's own preview,
// checklist and submit (disclosure_review.go, disclosure_checklist.go), so
// that both run the same checks on the same facts.
type consoleDrafts struct{ s *Server }

func (d consoleDrafts) Preview(ctx context.Context, dis candor.Disclosure, c candor.DisclosureContent, locale, customerID string) (console.DraftPreview, error) {
	p, err := d.s.preview(ctx, dis, c, locale, customerID)
	if err != nil {
		return console.DraftPreview{}, err
	}
	return console.DraftPreview{Subject: p.Subject, HTML: p.HTML, Text: p.Text, Locale: p.Locale, Sample: p.Sample,
		Fallbacks: p.Fallbacks}, nil
}

func (d consoleDrafts) Checklist(ctx context.Context, dis candor.Disclosure) ([]checklist.Item, error) {
	return d.s.currentChecklist(ctx, dis)
}

func (d consoleDrafts) Submit(ctx context.Context, id string, revision int, opts candor.SubmitOptions) (candor.Disclosure, error) {
	return d.s.submit(ctx, id, revision, opts)
}
