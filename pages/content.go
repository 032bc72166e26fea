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
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/compose"
	"github.com/candor-dev/candor/render"
)

// RenderContent renders every language of an approved public statement's
// revision against the incident's facts (public timeline only, no
// customer) into the content a publication pins; f.Statement.URL is the
// page's own address. Each language gets the facts and the timeline in
// that language. The HTML is sanitised (SanitizeHTML). Errors: EINVALID or ETOOLARGE from a template that fails
// on this data, naming the variant.
func RenderContent(ctx context.Context, rev candor.Revision, f *compose.Facts) (candor.PublicationContent, error) {
	out := candor.PublicationContent{Title: rev.Content.Title, DefaultLocale: rev.Content.DefaultLocale,
		Variants: make(map[string]candor.StatementText, len(rev.Content.Variants)), Events: []candor.StatementEvent{},
		TimeZone: f.Incident.Timezone} // "": the site's zone, as before zones
	out.Events = statementEvents(f.Data(rev.Content.DefaultLocale).Incident.Events)
	for _, loc := range slices.Sorted(maps.Keys(rev.Content.Variants)) {
		t, err := render.Compile(loc, rev.Content.Variants[loc])
		if err != nil {
			return candor.PublicationContent{}, err
		}
		data := f.Data(loc)
		bare := data
		bare.Incident.Events = nil
		r, err := t.Execute(ctx, data)
		if err != nil {
			return candor.PublicationContent{}, err
		}
		// What a publication stores is what the page serves: sanitised here,
		// and again when served, for rows stored before there was a sanitiser.
		text := candor.StatementText{Title: r.Subject, HTML: SanitizeHTML(r.HTML), Text: r.Text, Events: statementEvents(data.Incident.Events)}
		// Does the text itself list the timeline? Render it once without:
		// if that changes the body, it does, and the page need not repeat it.
		if len(data.Incident.Events) > 0 {
			if b, err := t.Execute(ctx, bare); err != nil || b.HTML != r.HTML {
				text.ShowsEvents = true
			}
		}
		// The page shows the body and, unless the body lists it, the
		// timeline: together they are held to the render's output limit,
		// as the body alone is.
		if n := pageBytes(text); n > render.MaxOutput {
			return candor.PublicationContent{}, &candor.Error{Code: candor.ETOOLARGE,
				Message: "the statement's page would be too large",
				Fields: []candor.FieldError{{Field: "variants." + loc, Message: fmt.Sprintf(
					"its text and timeline come to %d bytes; the limit is %d: shorten the text or mark fewer events public", n, render.MaxOutput)}}}
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

// statementEvents is the timeline as a publication keeps it: a date-only
// entry as midnight UTC of its date (the date it was given, wherever the
// page is read), an instant as it is.
func statementEvents(evs []render.EventView) []candor.StatementEvent {
	out := make([]candor.StatementEvent, 0, len(evs))
	for _, e := range evs {
		d := e.Date
		if e.DateOnly {
			y, m, day := d.Date()
			d = time.Date(y, m, day, 0, 0, 0, 0, time.UTC)
		}
		out = append(out, candor.StatementEvent{Date: d, DateOnly: e.DateOnly, Description: e.Description})
	}
	return out
}

// pageBytes is what a statement's page shows of text: its body, and its
// timeline when the body does not list it.
func pageBytes(text candor.StatementText) int {
	n := len(text.HTML) + len(text.Title)
	if !text.ShowsEvents {
		for _, e := range text.Events {
			n += len(e.Description) + 64 // the date and the list item's markup
		}
	}
	return n
}
