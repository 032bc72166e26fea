package api

import (
	"bytes"
	"context"
	"errors"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/compose"
	"github.com/candor-dev/candor/faq"
	"github.com/candor-dev/candor/pages"
	"github.com/candor-dev/candor/pdf"
	"github.com/gin-gonic/gin"
)

// The call-centre pack (issue 22): an approved FAQ's questions and answers
// per language, for the public under the statement and for the agents who
// answer the phone, and the calls to expect day by day.

// faqStore is what the FAQ's routes need beyond the disclosures'.
type faqStore interface {
	NoticeArrivals(ctx context.Context, incidentID string, postDays int, now time.Time) ([]faq.Arrival, error)
}

// faqToPublish renders the approved FAQ id for publication under a
// statement of incidentID; "" is no FAQ.
func (s *Server) faqToPublish(ctx context.Context, id, incidentID string, facts *compose.Facts) (*candor.PublishedFAQ, error) {
	if id == "" {
		return nil, nil
	}
	if _, msg := candor.CheckText(id, true); msg != "" || len(id) > 64 {
		return nil, candor.Invalid(candor.FieldError{Field: "faq", Message: "is not a disclosure id"})
	}
	f, err := s.store.GetDisclosure(ctx, id)
	if candor.ErrorCode(err) == candor.ENOTFOUND {
		return nil, candor.Invalid(candor.FieldError{Field: "faq", Message: "no such disclosure"})
	}
	if err != nil {
		return nil, err
	}
	if err := candor.CheckFAQPublishable(f, incidentID); err != nil {
		return nil, err
	}
	_, rev, err := s.store.ApprovedRevision(ctx, f.ID)
	if err != nil {
		return nil, err
	}
	out, err := pages.RenderFAQ(ctx, rev, facts)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// callCentreFAQ renders the approved revision of FAQ id for the call
// centre, with the incident's facts as they are now. The API's handlers
// and the console (consoleCallCentre) both start here.
func (s *Server) callCentreFAQ(ctx context.Context, id string) (candor.PublishedFAQ, candor.Disclosure, error) {
	d, err := s.store.GetDisclosure(ctx, id)
	if err != nil {
		return candor.PublishedFAQ{}, d, err
	}
	if err := candor.CheckFAQPublishable(d, d.IncidentID); err != nil {
		return candor.PublishedFAQ{}, d, err
	}
	_, rev, err := s.store.ApprovedRevision(ctx, d.ID)
	if err != nil {
		return candor.PublishedFAQ{}, d, err
	}
	facts, err := s.facts(ctx, d.IncidentID, nil)
	if err != nil {
		return candor.PublishedFAQ{}, d, err
	}
	out, err := pages.RenderFAQ(ctx, rev, &facts)
	return out, d, err
}

// callCentreSheet is the CSV of FAQ id's questions and answers, and its
// file name.
func (s *Server) callCentreSheet(ctx context.Context, id string) (string, []byte, error) {
	f, d, err := s.callCentreFAQ(ctx, id)
	if err != nil {
		return "", nil, err
	}
	var b bytes.Buffer
	if err := faq.WriteCSV(&b, f); err != nil {
		return "", nil, err
	}
	return "faq-" + d.ID + "-r" + strconv.Itoa(f.Revision) + ".csv", b.Bytes(), nil
}

// callCentreCSV: GET /disclosures/{id}/call-centre.csv.
func (s *Server) callCentreCSV(c *gin.Context) {
	name, b, err := s.callCentreSheet(c.Request.Context(), c.Param("id"))
	if err != nil {
		writeError(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Data(http.StatusOK, "text/csv; charset=utf-8", b)
}

// callCentrePDF: GET /disclosures/{id}/call-centre.pdf, the pack to hand
// to a call centre: the expected calls, then the questions and answers in
// every language. The FAQ is checked before the query's model.
func (s *Server) callCentrePDF(c *gin.Context) {
	ctx := c.Request.Context()
	f, d, err := s.callCentreFAQ(ctx, c.Param("id"))
	if err != nil {
		writeError(c, err)
		return
	}
	m, err := volumeModel(c)
	if err != nil {
		writeError(c, err)
		return
	}
	name, out, err := s.printCallCentre(ctx, f, d, m)
	if err != nil {
		writeError(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Data(http.StatusOK, "application/pdf", out)
}

// printCallCentre prints the pack of the rendered FAQ f (disclosure d)
// with the calls expected under m, and names its file.
func (s *Server) printCallCentre(ctx context.Context, f candor.PublishedFAQ, d candor.Disclosure, m faq.Model) (string, []byte, error) {
	vol, err := s.expectedCalls(ctx, d.IncidentID, m)
	if err != nil {
		return "", nil, err
	}
	if s.cfg.Printer == nil {
		return "", nil, candor.Errorf(candor.EUNAVAILABLE, "PDF printing is not configured (install chromium or set CANDOR_CHROMIUM)")
	}
	html, err := faq.PackHTML(d.Title, f, vol, time.Now())
	if err != nil {
		return "", nil, err
	}
	out, err := s.cfg.Printer.Print(ctx, html, pdf.A4)
	if errors.Is(err, pdf.ErrNoChromium) {
		err = candor.Errorf(candor.EUNAVAILABLE, "%v", err)
	}
	if err != nil {
		return "", nil, err
	}
	return "call-centre-" + d.ID + "-r" + strconv.Itoa(f.Revision) + ".pdf", out, nil
}

// volumeModel reads the estimate's assumptions from the query: rate (a
// share, 0–1) and post_days; the defaults otherwise. A value that does not
// parse is out of bounds for faq.Model.Validate, which names the field.
func volumeModel(c *gin.Context) (faq.Model, error) {
	m := faq.DefaultModel
	if q, ok := c.GetQuery("rate"); ok {
		r, err := strconv.ParseFloat(q, 64)
		if err != nil {
			r = math.NaN()
		}
		m.Rate = r
	}
	if q, ok := c.GetQuery("post_days"); ok {
		n, err := strconv.Atoi(q)
		if err != nil {
			n = -1
		}
		m.PostDays = n
	}
	return m, m.Validate()
}

type callVolumeResponse struct {
	TimeZone string    `json:"time_zone"`
	Model    modelView `json:"model"`
	Days     []faq.Day `json:"days"`
	Total    float64   `json:"total_calls"`
}

type modelView struct {
	Rate     float64   `json:"rate"`
	Profile  []float64 `json:"profile"`
	PostDays int       `json:"post_days"`
}

func toCallVolumeResponse(v faq.Volume) callVolumeResponse {
	return callVolumeResponse{TimeZone: v.TimeZone, Model: modelView{Rate: v.Model.Rate, Profile: v.Model.Profile, PostDays: v.Model.PostDays},
		Days: v.Days, Total: v.Total}
}

// callVolume: GET /incidents/{id}/call-volume.
func (s *Server) callVolume(c *gin.Context) {
	m, err := volumeModel(c)
	if err != nil {
		writeError(c, err)
		return
	}
	out, err := s.expectedCalls(c.Request.Context(), c.Param("id"), m)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, toCallVolumeResponse(out))
}

// expectedCalls estimates the incident's calls day by day under m (which
// the caller has validated), in the incident's zone.
func (s *Server) expectedCalls(ctx context.Context, incidentID string, m faq.Model) (faq.Volume, error) {
	fs, ok := s.store.(faqStore)
	if !ok {
		return faq.Volume{}, candor.Errorf(candor.EUNAVAILABLE, "the store cannot estimate calls")
	}
	inc, err := s.store.GetIncident(ctx, incidentID)
	if err != nil {
		return faq.Volume{}, err
	}
	loc := time.UTC
	if inc.Timezone != "" {
		if l, err := time.LoadLocation(inc.Timezone); err == nil {
			loc = l
		}
	}
	arrivals, err := fs.NoticeArrivals(ctx, inc.ID, m.PostDays, time.Now())
	if err != nil {
		return faq.Volume{}, err
	}
	out := faq.Volume{TimeZone: loc.String(), Model: m, Days: faq.Expected(arrivals, m, loc)}
	for _, d := range out.Days {
		out.Total += d.Calls
	}
	out.Total = float64(int(out.Total*10+0.5)) / 10
	return out, nil
}
