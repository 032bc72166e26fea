package compose

import (
	"context"
	"sync"
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
//
// The four reads run at once (the console's preview loads the facts on
// every request; under a send each round trip waits for a CPU); the first
// error in the order above is returned, as when they ran one by one.
func Load(ctx context.Context, src Source, incidentID string, org Organisation, baseURL string, now time.Time) (Facts, error) {
	var (
		in                 candor.Incident
		events             []candor.Event
		countries, regions map[string]int
		slug               string
		at                 time.Time
		errs               [4]error
		wg                 sync.WaitGroup
	)
	wg.Go(func() { in, errs[0] = src.GetIncident(ctx, incidentID) })
	wg.Go(func() { events, errs[1] = src.ListEvents(ctx, incidentID, true) })
	wg.Go(func() { countries, regions, errs[2] = src.CustomerPlaceCounts(ctx, incidentID) })
	wg.Go(func() { slug, at, errs[3] = src.IncidentStatement(ctx, incidentID) })
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return Facts{}, err
		}
	}
	f := Facts{Incident: in, Events: events, Org: org, Countries: countries, Regions: regions, Now: now}
	if u := StatementURL(baseURL, slug); u != "" {
		f.Statement = Statement{URL: u, CheckURL: CheckURL(baseURL), Published: !at.After(now), PublishAt: at}
	}
	return f, nil
}
