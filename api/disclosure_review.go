package api

import (
	"context"
	"net/http"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/compose"
	"github.com/candor-dev/candor/render"
	"github.com/gin-gonic/gin"
)

// templateData is what every message of an incident's disclosures shares:
// the incident with its public timeline, the organisation and the
// statement's address. The send pipeline builds it the same way
// (compose.Base), so that a preview is what is sent.
func (s *Server) templateData(ctx context.Context, incidentID string) (render.Data, error) {
	in, err := s.store.GetIncident(ctx, incidentID)
	if err != nil {
		return render.Data{}, err
	}
	events, err := s.store.ListEvents(ctx, incidentID, true)
	if err != nil {
		return render.Data{}, err
	}
	url, err := s.statementURL(ctx, incidentID)
	if err != nil {
		return render.Data{}, err
	}
	return compose.Base(in, events, s.cfg.Org, url), nil
}

// statementURL is the address of the incident's public statement, or of
// the statements index until one is published; "" without a base URL,
// since a relative link in an email leads nowhere.
func (s *Server) statementURL(ctx context.Context, incidentID string) (string, error) {
	if s.cfg.BaseURL == "" {
		return "", nil
	}
	slug := ""
	if l, ok := s.store.(StatementLookup); ok {
		var err error
		if slug, err = l.StatementSlug(ctx, incidentID); err != nil {
			return "", err
		}
	}
	return compose.StatementURL(s.cfg.BaseURL, slug), nil
}

type previewRequest struct {
	CustomerID string `json:"customer_id"`
	Locale     string `json:"locale"`
	Revision   int    `json:"revision"` // 0: the current one
}

type previewResponse struct {
	Subject  string `json:"subject"`
	HTML     string `json:"html"`
	Text     string `json:"text"`
	Locale   string `json:"locale"` // the variant rendered
	Revision int    `json:"revision"`
	Sample   bool   `json:"sample"` // rendered for a sample customer, not a real one
}

// previewDisclosure renders one message as it would be sent: for a
// customer, their locale's variant (render.PickVariant) with their data;
// without one, the variant of the requested locale (else the default) for
// a sample customer of that locale. Regulator reports and public
// statements are rendered with an empty customer, as they are sent.
func (s *Server) previewDisclosure(c *gin.Context) {
	var req previewRequest
	if err := decodeOptional(c, &req); err != nil {
		writeError(c, err)
		return
	}
	ctx := c.Request.Context()
	d, err := s.store.GetDisclosure(ctx, c.Param("id"))
	if err != nil {
		writeError(c, err)
		return
	}
	content, revision := d.DisclosureContent, d.Revision
	if req.Revision != 0 && req.Revision != d.Revision {
		rev, err := s.store.GetRevision(ctx, d.ID, req.Revision)
		if err != nil {
			writeError(c, err)
			return
		}
		content, revision = rev.Content, rev.Number
	}
	want := req.Locale
	if want != "" {
		if want, err = render.CanonicalLocale(want); err != nil {
			writeError(c, candor.Invalid(candor.FieldError{Field: "locale", Message: err.Error()}))
			return
		}
	}
	var customer *candor.Customer
	if req.CustomerID != "" {
		if d.Kind != candor.KindCustomerNotice {
			writeError(c, candor.Invalid(candor.FieldError{Field: "customer_id", Message: "is only for a customer_notice; a " + string(d.Kind) + " is sent without customer data"}))
			return
		}
		cu, err := s.store.GetCustomer(ctx, req.CustomerID)
		if err == nil && cu.IncidentID != d.IncidentID {
			err = candor.Invalid(candor.FieldError{Field: "customer_id", Message: "is not a customer of this disclosure's incident"})
		}
		if err != nil {
			writeError(c, err)
			return
		}
		customer = &cu
		if want == "" {
			want = cu.Locale
		}
	}
	data, err := s.templateData(ctx, d.IncidentID)
	if err != nil {
		writeError(c, err)
		return
	}
	loc, v := render.PickVariant(content.Variants, content.DefaultLocale, want)
	sample := customer == nil && d.Kind == candor.KindCustomerNotice
	switch {
	case customer != nil:
		data.Customer = compose.Customer(customer)
	case sample:
		data.Customer = render.SampleCustomer(orElse(want, loc), data.Incident.DataCategories)
	}
	out, err := render.Render(ctx, v, loc, data)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, previewResponse{Subject: out.Subject, HTML: out.HTML, Text: out.Text, Locale: loc,
		Revision: revision, Sample: sample})
}

// orElse returns a unless it is empty, else b.
func orElse(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// submitDisclosure renders every variant for a sample customer of each
// locale present (the variants' and the incident's customers') and for one
// with empty optional fields, and moves the draft to review only if all
// render. The body may name the revision the client means to submit.
func (s *Server) submitDisclosure(c *gin.Context) {
	var req struct {
		Revision int `json:"revision"`
	}
	if err := decodeOptional(c, &req); err != nil {
		writeError(c, err)
		return
	}
	ctx := c.Request.Context()
	d, err := s.store.GetDisclosure(ctx, c.Param("id"))
	if err != nil {
		writeError(c, err)
		return
	}
	switch {
	case req.Revision != 0 && req.Revision != d.Revision:
		err = candor.Errorf(candor.ECONFLICT, "revision %d is stale; the current revision is %d", req.Revision, d.Revision)
	case d.State != candor.DisclosureDraft:
		err = candor.Errorf(candor.ECONFLICT, "disclosure is %s; only a draft can be submitted", d.State)
	}
	if err != nil {
		writeError(c, err)
		return
	}
	data, err := s.templateData(ctx, d.IncidentID)
	if err != nil {
		writeError(c, err)
		return
	}
	locales, err := s.store.CustomerLocales(ctx, d.IncidentID)
	if err != nil {
		writeError(c, err)
		return
	}
	if err := render.Check(ctx, d.DisclosureContent, data, locales); err != nil {
		writeError(c, err)
		return
	}
	// The store refuses (409) if the disclosure moved on while we rendered.
	out, err := s.store.SubmitDisclosure(ctx, d.ID, d.Revision)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

func (s *Server) approveDisclosure(c *gin.Context) {
	var req struct {
		Revision int `json:"revision"`
	}
	if err := decode(c, &req); err != nil {
		writeError(c, err)
		return
	}
	out, err := s.store.ApproveDisclosure(c.Request.Context(), c.Param("id"), req.Revision)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

func (s *Server) rejectDisclosure(c *gin.Context) {
	var req struct {
		Reason string `json:"reason"`
	}
	if err := decode(c, &req); err != nil {
		writeError(c, err)
		return
	}
	out, err := s.store.RejectDisclosure(c.Request.Context(), c.Param("id"), req.Reason)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}
