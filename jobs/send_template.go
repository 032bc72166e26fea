package jobs

import (
	"context"
	"sync"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/compose"
	"github.com/candor-dev/candor/render"
)

// compiled is a send's pinned revision, compiled once per locale, with the
// template data every recipient shares (the incident and its public
// timeline, the organisation).
type compiled struct {
	content   candor.DisclosureContent
	regulator *candor.Regulator
	base      render.Data
	at        time.Time

	mu         sync.Mutex
	tpls       map[string]*render.Bound // by variant locale, bound to base
	byCustomer map[string]*render.Bound // by customer locale
}

// template returns the compiled variant for a customer's locale (the best
// BCP 47 match, else the default locale). The choice is kept per customer
// locale: matching builds a language.Matcher (~20 us), and a send's
// customers have a handful of locales.
func (c *compiled) template(customerLocale string) (*render.Bound, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t, ok := c.byCustomer[customerLocale]; ok {
		return t, nil
	}
	loc, v := render.PickVariant(c.content.Variants, c.content.DefaultLocale, customerLocale)
	t, ok := c.tpls[loc]
	if !ok {
		tpl, err := render.Compile(loc, v)
		if err != nil {
			return nil, err
		}
		t = tpl.Bind(c.base)
		c.tpls[loc] = t
	}
	if len(c.byCustomer) < 1000 { // locales are free text: bound the map
		c.byCustomer[customerLocale] = t
	}
	return t, nil
}

// templateCache keeps compiled sends for a minute: long enough that a
// send's thousands of chunks compile once, short enough that a corrected
// incident timeline reaches the messages still to go.
type templateCache struct {
	st      SendStore
	org     render.OrgView
	baseURL string
	mu      sync.Mutex
	byID    map[string]*compiled
}

func newTemplateCache(st SendStore, org render.OrgView, baseURL string) *templateCache {
	return &templateCache{st: st, org: org, baseURL: baseURL, byID: map[string]*compiled{}}
}

// statementLookup finds the slug of an incident's public statement
// (*store.DB provides it), so notices link to the statement itself, as
// previews do, and not to the index.
type statementLookup interface {
	StatementSlug(ctx context.Context, incidentID string) (string, error)
}

func (tc *templateCache) get(ctx context.Context, send candor.Send) (*compiled, error) {
	tc.mu.Lock()
	c, ok := tc.byID[send.ID]
	tc.mu.Unlock()
	if ok && time.Since(c.at) < time.Minute {
		return c, nil
	}
	rev, err := tc.st.GetRevision(ctx, send.DisclosureID, send.Revision)
	if err != nil {
		return nil, err
	}
	in, err := tc.st.GetIncident(ctx, send.IncidentID)
	if err != nil {
		return nil, err
	}
	events, err := tc.st.ListEvents(ctx, send.IncidentID, true)
	if err != nil {
		return nil, err
	}
	c = &compiled{content: rev.Content, regulator: rev.Content.Regulator, at: time.Now(), tpls: map[string]*render.Bound{},
		byCustomer: map[string]*render.Bound{},
		base:       compose.Base(in, events, tc.org, compose.StatementURL(tc.baseURL, ""))}
	if sl, ok := tc.st.(statementLookup); ok {
		if slug, err := sl.StatementSlug(ctx, send.IncidentID); err == nil && slug != "" {
			c.base.Statement.URL = compose.StatementURL(tc.baseURL, slug)
		}
	}
	tc.mu.Lock()
	for id, old := range tc.byID {
		if time.Since(old.at) > time.Minute {
			delete(tc.byID, id)
		}
	}
	tc.byID[send.ID] = c
	tc.mu.Unlock()
	return c, nil
}
