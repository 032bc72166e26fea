// Package pages renders Candor's public statement pages: the statement of
// a slug in each of its languages, its earlier versions, the index of
// statements and the Atom feed, as HTML (templates/pages), JSON and XML.
//
// The same code serves the live pages (api/public.go) and writes the static
// export (candor export-statements), so both show the same thing. Nothing
// here decides what is public: callers pass only what is visible at now
// (store.SlugVersions, store.VisiblePublications), so the embargo is
// enforced in one place, the query.
package pages

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/compose"
	"github.com/candor-dev/candor/render"
)

// RenderContent renders every language of an approved public statement's
// revision against the incident (public timeline only, no customer) into
// the content a publication pins. statementURL is the page's own address,
// which templates see as .Statement.URL. Errors: EINVALID or ETOOLARGE
// from a template that fails on this data, naming the variant.
func RenderContent(ctx context.Context, rev candor.Revision, in candor.Incident, events []candor.Event, org render.OrgView, statementURL string) (candor.PublicationContent, error) {
	data := compose.Data(in, events, org, nil, statementURL)
	bare := data
	bare.Incident.Events = nil
	out := candor.PublicationContent{Title: rev.Content.Title, DefaultLocale: rev.Content.DefaultLocale,
		Variants: make(map[string]candor.StatementText, len(rev.Content.Variants)), Events: []candor.StatementEvent{}}
	for _, e := range data.Incident.Events {
		out.Events = append(out.Events, candor.StatementEvent{Date: e.Date, DateOnly: e.DateOnly, Description: e.Description})
	}
	for _, loc := range slices.Sorted(maps.Keys(rev.Content.Variants)) {
		t, err := render.Compile(loc, rev.Content.Variants[loc])
		if err != nil {
			return candor.PublicationContent{}, err
		}
		r, err := t.Execute(ctx, data)
		if err != nil {
			return candor.PublicationContent{}, err
		}
		text := candor.StatementText{Title: r.Subject, HTML: r.HTML, Text: r.Text}
		// Does the text itself list the timeline? Render it once without:
		// if that changes the body, it does, and the page need not repeat it.
		if len(data.Incident.Events) > 0 {
			if b, err := t.Execute(ctx, bare); err != nil || b.HTML != r.HTML {
				text.ShowsEvents = true
			}
		}
		out.Variants[loc] = text
	}
	if len(out.Variants) == 0 {
		return out, candor.Invalid(candor.FieldError{Field: "variants", Message: "the revision has no language to publish"})
	}
	if _, ok := out.Variants[out.DefaultLocale]; !ok {
		return out, fmt.Errorf("render statement: default locale %q has no variant", out.DefaultLocale)
	}
	return out, nil
}
