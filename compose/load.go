package compose

import (
	"context"
	"time"

	"github.com/candor-dev/candor"
)

// Source is what Load reads: *store.DB provides it.
type Source interface {
	GetIncident(ctx context.Context, id string) (candor.Incident, error)
	ListEvents(ctx context.Context, incidentID string, publicOnly bool) ([]candor.Event, error)
	CustomerPlaceCounts(ctx context.Context, incidentID string) (countries, regions map[string]int, err error)
	IncidentStatement(ctx context.Context, incidentID string) (slug string, publishAt time.Time, err error)
}

// Load gathers the facts of an incident as of now: the incident, its
// public timeline, its customers' counts and its statement (addressed
// under baseURL; none without a base URL, since a relative link in an
// e-mail leads nowhere).
func Load(ctx context.Context, src Source, incidentID string, org Organisation, baseURL string, now time.Time) (Facts, error) {
	in, err := src.GetIncident(ctx, incidentID)
	if err != nil {
		return Facts{}, err
	}
	events, err := src.ListEvents(ctx, incidentID, true)
	if err != nil {
		return Facts{}, err
	}
	countries, regions, err := src.CustomerPlaceCounts(ctx, incidentID)
	if err != nil {
		return Facts{}, err
	}
	slug, at, err := src.IncidentStatement(ctx, incidentID)
	if err != nil {
		return Facts{}, err
	}
	f := Facts{Incident: in, Events: events, Org: org, Countries: countries, Regions: regions, Now: now}
	if u := StatementURL(baseURL, slug); u != "" {
		f.Statement = Statement{URL: u, CheckURL: CheckURL(baseURL), Published: !at.After(now), PublishAt: at}
	}
	return f, nil
}
