package jobs

import (
	"context"
	"fmt"
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
	facts     compose.Facts // the incident's facts as of the compile; Data(variant) is a variant's base
	at        time.Time

	mu         sync.Mutex
	tpls       map[string]*render.Bound // by variant locale, bound to base
	byCustomer map[string]*render.Bound // by customer locale, country and region
}

// template returns the compiled variant for a customer's locale, country
// and region (render.PickVariantFor: "en@US-CA" for a Californian, else
// the best BCP 47 match, else the default locale). The choice is kept per
// locale and place: matching builds a language.Matcher (~20 us), and a
// send's customers have a handful of locales and places.
func (c *compiled) template(customerLocale, country, region string) (*render.Bound, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	key := customerLocale + "\x00" + country + "\x00" + region
	if t, ok := c.byCustomer[key]; ok {
		return t, nil
	}
	loc, v := render.PickVariantFor(c.content.Variants, c.content.DefaultLocale, customerLocale, country, region)
	t, ok := c.tpls[loc]
	if !ok {
		tpl, err := render.Compile(loc, v)
		if err != nil {
			return nil, err
		}
		t = tpl.Bind(c.facts.Data(loc))
		c.tpls[loc] = t
	}
	if len(c.byCustomer) < 1000 { // locales and places are free text: bound the map
		c.byCustomer[key] = t
	}
	return t, nil
}

// templateCache keeps compiled sends for a minute: long enough that a
// send's thousands of chunks compile once, short enough that a corrected
// incident timeline reaches the messages still to go.
type templateCache struct {
	st      SendStore
	org     compose.Organisation
	baseURL string
	mu      sync.Mutex
	byID    map[string]*compiled
}

func newTemplateCache(st SendStore, org compose.Organisation, baseURL string) *templateCache {
	return &templateCache{st: st, org: org, baseURL: baseURL, byID: map[string]*compiled{}}
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
	src, ok := tc.st.(compose.Source)
	if !ok {
		return nil, fmt.Errorf("send %s: the store cannot load the incident's facts", send.ID)
	}
	facts, err := compose.Load(ctx, src, send.IncidentID, tc.org, tc.baseURL, time.Now())
	if err != nil {
		return nil, err
	}
	facts.Regulator = rev.Content.Regulator
	c = &compiled{content: rev.Content, regulator: rev.Content.Regulator, at: time.Now(), tpls: map[string]*render.Bound{},
		byCustomer: map[string]*render.Bound{}, facts: facts}
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
