package filing

import (
	"context"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/compose"
	"github.com/candor-dev/candor/deadline"
	"github.com/candor-dev/candor/jurisdictions"
)

// Source is what Load reads; *store.DB provides it.
type Source interface {
	deadline.ObligationSource
	ListEvents(ctx context.Context, incidentID string, publicOnly bool) ([]candor.Event, error)
	IncidentStatement(ctx context.Context, incidentID string) (slug string, publishAt time.Time, err error)
	ApprovedDisclosures(ctx context.Context, incidentID string) ([]candor.Disclosure, error)
	ListFilings(ctx context.Context, incidentID string) ([]candor.Filing, error)
}

// Config is what Load needs besides the store.
type Config struct {
	Forms    []jurisdictions.FilingForm
	Rules    []deadline.Rule
	Calendar deadline.BusinessCalendar
	Org      compose.Organisation
	BaseURL  string
}

// Load gathers an incident's packs with their status at now: its duties
// under the rules in force at asOf (zero: at its discovery, what the law
// required then; now: today's rules), as the obligations list has them.
func Load(ctx context.Context, src Source, incidentID string, cfg Config, asOf, now time.Time) (Input, []Pack, error) {
	rep, err := deadline.AssessObligations(ctx, src, incidentID, cfg.Rules, cfg.Calendar, asOf, now)
	if err != nil {
		return Input{}, nil, err
	}
	// The regulator hears the whole timeline, not only its public
	// entries: compose shows the public ones, so every copy is marked
	// public here (the stored events are untouched).
	events, err := src.ListEvents(ctx, incidentID, false)
	if err != nil {
		return Input{}, nil, err
	}
	for i := range events {
		events[i].Public = true
	}
	slug, at, err := src.IncidentStatement(ctx, incidentID)
	if err != nil {
		return Input{}, nil, err
	}
	approved, err := src.ApprovedDisclosures(ctx, incidentID)
	if err != nil {
		return Input{}, nil, err
	}
	filed, err := src.ListFilings(ctx, incidentID)
	if err != nil {
		return Input{}, nil, err
	}
	facts := compose.Facts{Incident: rep.Incident, Events: events, Org: cfg.Org, Countries: rep.Countries,
		Regions: rep.Regions, Now: now}
	if u := compose.StatementURL(cfg.BaseURL, slug); u != "" {
		facts.Statement = compose.Statement{URL: u, Published: !at.After(now), PublishAt: at}
	}
	in := Input{Facts: facts, Obligations: rep.Items, Approved: approved, Filed: filed}
	return in, Build(cfg.Forms, in), nil
}

// LoadPack finds one pack by id under the rules in force at the
// incident's discovery, or else under today's: a pack listed with either
// can be fetched by its id alone.
func LoadPack(ctx context.Context, src Source, id string, cfg Config, now time.Time) (Pack, error) {
	inc, _, _, ok := ParsePackID(id)
	if !ok {
		return Pack{}, candor.Errorf(candor.ENOTFOUND, "filing pack not found")
	}
	for _, asOf := range []time.Time{{}, now} {
		_, packs, err := Load(ctx, src, inc, cfg, asOf, now)
		if err != nil {
			return Pack{}, err
		}
		if p, ok := Find(packs, id); ok {
			return p, nil
		}
	}
	return Pack{}, candor.Errorf(candor.ENOTFOUND, "filing pack not found")
}

// Find returns the pack with id among packs.
func Find(packs []Pack, id string) (Pack, bool) {
	for _, p := range packs {
		if p.ID == id {
			return p, true
		}
	}
	return Pack{}, false
}
