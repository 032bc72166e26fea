package api

import (
	"context"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/filing"
)

// consoleFilings gives the console the API's filing operations
// (console.FilingActions), so that both read and record alike.
type consoleFilings struct{ s *Server }

func (a consoleFilings) Packs(ctx context.Context, incidentID string, today bool) ([]filing.Pack, error) {
	cfg, err := a.s.filingConfig()
	if err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	var asOf time.Time
	if today {
		asOf = now
	}
	_, packs, err := filing.Load(ctx, a.s.store, incidentID, cfg, asOf, now)
	return packs, err
}

func (a consoleFilings) PackPDF(ctx context.Context, packID string) (string, []byte, error) {
	cfg, err := a.s.filingConfig()
	if err != nil {
		return "", nil, err
	}
	now := time.Now()
	p, err := filing.LoadPack(ctx, a.s.store, packID, cfg, now)
	if err != nil {
		return "", nil, err
	}
	b, err := a.s.printPack(ctx, p, now)
	return p.FormID + "-" + p.Version + ".pdf", b, err
}

func (a consoleFilings) RecordFiling(ctx context.Context, incidentID, obligationID string, f candor.Filing, receipt []byte) (candor.Filing, error) {
	cfg, err := a.s.filingConfig()
	if err != nil {
		return f, err
	}
	out, _, err := filing.Record(ctx, a.s.store, cfg, incidentID, obligationID, f, receipt, time.Now())
	return out, err
}

func (a consoleFilings) EvidenceBundle(ctx context.Context, incidentID string) ([]byte, error) {
	cfg, err := a.s.filingConfig()
	if err != nil {
		return nil, err
	}
	return a.s.buildEvidence(ctx, incidentID, cfg)
}
