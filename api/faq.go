package api

import (
	"bytes"
	"context"
	"errors"
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

// approvedFAQ renders the approved revision of the FAQ in the path for
// the call centre, with the incident's facts as they are now.
func (s *Server) approvedFAQ(c *gin.Context) (candor.PublishedFAQ, candor.Disclosure, bool) {
	ctx := c.Request.Context()
	d, err := s.store.GetDisclosure(ctx, c.Param("id"))
	if err != nil {
		writeError(c, err)
		return candor.PublishedFAQ{}, d, false
	}
	if err := candor.CheckFAQPublishable(d, d.IncidentID); err != nil {
		writeError(c, err)
		return candor.PublishedFAQ{}, d, false
	}
	_, rev, err := s.store.ApprovedRevision(ctx, d.ID)
	if err != nil {
		writeError(c, err)
		return candor.PublishedFAQ{}, d, false
	}
	facts, err := s.facts(ctx, d.IncidentID, nil)
	if err != nil {
		writeError(c, err)
		return candor.PublishedFAQ{}, d, false
	}
	out, err := pages.RenderFAQ(ctx, rev, &facts)
	if err != nil {
		writeError(c, err)
		return candor.PublishedFAQ{}, d, false
	}
	return out, d, true
}

// callCentreCSV: GET /disclosures/{id}/call-centre.csv.
func (s *Server) callCentreCSV(c *gin.Context) {
	f, d, ok := s.approvedFAQ(c)
	if !ok {
		return
	}
	var b bytes.Buffer
	if err := faq.WriteCSV(&b, f); err != nil {
		writeError(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="faq-`+d.ID+`-r`+strconv.Itoa(f.Revision)+`.csv"`)
	c.Data(http.StatusOK, "text/csv; charset=utf-8", b.Bytes())
}

// callCentrePDF: GET /disclosures/{id}/call-centre.pdf, the pack to hand
// to a call centre: the expected calls, then the questions and answers in
// every language.
func (s *Server) callCentrePDF(c *gin.Context) {
	f, d, ok := s.approvedFAQ(c)
	if !ok {
		return
	}
	vol, err := s.expectedCalls(c, d.IncidentID)
	if err != nil {
		writeError(c, err)
		return
	}
	if s.cfg.Printer == nil {
		writeError(c, candor.Errorf(candor.EUNAVAILABLE, "PDF printing is not configured (install chromium or set CANDOR_CHROMIUM)"))
		return
	}
	html, err := faq.PackHTML(d.Title, f, faq.Volume{TimeZone: vol.TimeZone, Model: faq.Model{Rate: vol.Model.Rate,
		Profile: vol.Model.Profile, PostDays: vol.Model.PostDays}, Days: vol.Days, Total: vol.Total}, time.Now())
	if err != nil {
		writeError(c, err)
		return
	}
	out, err := s.cfg.Printer.Print(c.Request.Context(), html, pdf.A4)
	if errors.Is(err, pdf.ErrNoChromium) {
		err = candor.Errorf(candor.EUNAVAILABLE, "%v", err)
	}
	if err != nil {
		writeError(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="call-centre-`+d.ID+`-r`+strconv.Itoa(f.Revision)+`.pdf"`)
	c.Data(http.StatusOK, "application/pdf", out)
}

// volumeModel reads the estimate's assumptions from the query: rate (a
// share, 0–1) and post_days; the defaults otherwise.
func volumeModel(c *gin.Context) (faq.Model, error) {
	m := faq.DefaultModel
	var v candor.Validation
	if q, ok := c.GetQuery("rate"); ok {
		r, err := strconv.ParseFloat(q, 64)
		if err != nil || r < 0 || r > 1 {
			v.Add("rate", "must be a share between 0 and 1, such as 0.03 for 3 in 100")
		}
		m.Rate = r
	}
	if q, ok := c.GetQuery("post_days"); ok {
		n, err := strconv.Atoi(q)
		if err != nil || n < 0 || n > 60 {
			v.Add("post_days", "must be a whole number of days from 0 to 60")
		}
		m.PostDays = n
	}
	return m, v.Err()
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

// callVolume: GET /incidents/{id}/call-volume.
func (s *Server) callVolume(c *gin.Context) {
	out, err := s.expectedCalls(c, c.Param("id"))
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

func (s *Server) expectedCalls(c *gin.Context, incidentID string) (callVolumeResponse, error) {
	m, err := volumeModel(c)
	if err != nil {
		return callVolumeResponse{}, err
	}
	fs, ok := s.store.(faqStore)
	if !ok {
		return callVolumeResponse{}, candor.Errorf(candor.EUNAVAILABLE, "the store cannot estimate calls")
	}
	ctx := c.Request.Context()
	inc, err := s.store.GetIncident(ctx, incidentID)
	if err != nil {
		return callVolumeResponse{}, err
	}
	loc := time.UTC
	if inc.Timezone != "" {
		if l, err := time.LoadLocation(inc.Timezone); err == nil {
			loc = l
		}
	}
	arrivals, err := fs.NoticeArrivals(ctx, inc.ID, m.PostDays, time.Now())
	if err != nil {
		return callVolumeResponse{}, err
	}
	out := callVolumeResponse{TimeZone: loc.String(), Model: modelView{Rate: m.Rate, Profile: m.Profile, PostDays: m.PostDays},
		Days: faq.Expected(arrivals, m, loc)}
	for _, d := range out.Days {
		out.Total += d.Calls
	}
	out.Total = float64(int(out.Total*10+0.5)) / 10
	return out, nil
}
