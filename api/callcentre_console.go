package api

import (
	"context"

	"github.com/candor-dev/candor/faq"
)

// consoleCallCentre gives the console the API's call-centre pack
// (console.CallCentreActions): the same FAQ checks, sheet, pack and
// estimate as GET /disclosures/{id}/call-centre.csv and .pdf and
// GET /incidents/{id}/call-volume.
type consoleCallCentre struct{ s *Server }

func (a consoleCallCentre) CallVolume(ctx context.Context, incidentID string, m faq.Model) (faq.Volume, error) {
	if err := m.Validate(); err != nil {
		return faq.Volume{}, err
	}
	return a.s.expectedCalls(ctx, incidentID, m)
}

func (a consoleCallCentre) CallCentreCSV(ctx context.Context, faqID string) (string, []byte, error) {
	return a.s.callCentreSheet(ctx, faqID)
}

func (a consoleCallCentre) CallCentrePDF(ctx context.Context, faqID string, m faq.Model) (string, []byte, error) {
	f, d, err := a.s.callCentreFAQ(ctx, faqID)
	if err != nil {
		return "", nil, err
	}
	if err := m.Validate(); err != nil {
		return "", nil, err
	}
	return a.s.printCallCentre(ctx, f, d, m)
}
