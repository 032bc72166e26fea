package api

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/compose"
	"github.com/candor-dev/candor/render"
	"github.com/gin-gonic/gin"
)

// facts are what every message of an incident's disclosures shares: the
// incident in each language, its public timeline, its customers' counts,
// the organisation and the statement. The send pipeline loads them the
// same way (compose.Load), so that a preview is what is sent.
func (s *Server) facts(ctx context.Context, incidentID string, reg *candor.Regulator) (compose.Facts, error) {
	src, ok := s.store.(compose.Source)
	if !ok {
		return compose.Facts{}, fmt.Errorf("facts: the store cannot load an incident's facts")
	}
	f, err := compose.Load(ctx, src, incidentID, s.cfg.Org, s.cfg.BaseURL, time.Now())
	f.Regulator = reg
	return f, err
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
	// Fallbacks are the facts this message shows in the incident's own
	// language because they have no text in the variant's.
	Fallbacks []compose.Fallback `json:"fallbacks"`
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
	if err := checkRevision(req.Revision); err != nil {
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
	out, err := s.preview(ctx, d, content, req.Locale, req.CustomerID)
	if err != nil {
		writeError(c, err)
		return
	}
	out.Revision = revision
	c.JSON(http.StatusOK, out)
}

// preview renders content, a version of d's (stored, or as typed in the
// console's editor), as previewDisclosure describes; Revision is left 0.
func (s *Server) preview(ctx context.Context, d candor.Disclosure, content candor.DisclosureContent, want, customerID string) (previewResponse, error) {
	var err error
	if want != "" {
		if want, err = render.CanonicalLocale(want); err != nil {
			return previewResponse{}, candor.Invalid(candor.FieldError{Field: "locale", Message: err.Error()})
		}
	}
	var customer *candor.Customer
	if customerID != "" {
		if d.Kind != candor.KindCustomerNotice {
			return previewResponse{}, candor.Invalid(candor.FieldError{Field: "customer_id", Message: "is only for a customer_notice; a " + string(d.Kind) + " is sent without customer data"})
		}
		cu, err := s.store.GetCustomer(ctx, customerID)
		if err == nil && cu.IncidentID != d.IncidentID {
			err = candor.Invalid(candor.FieldError{Field: "customer_id", Message: "is not a customer of this disclosure's incident"})
		}
		if err != nil {
			return previewResponse{}, err
		}
		customer = &cu
		if want == "" {
			want = cu.Locale
		}
	}
	facts, err := s.facts(ctx, d.IncidentID, content.Regulator)
	if err != nil {
		return previewResponse{}, err
	}
	if want == "" && content.Regulator != nil { // a report goes out in its regulator's language
		want = candor.AuthorityOf(content.Regulator.Jurisdiction).Language
	}
	loc, v := s.previewVariant(content, want, customer)
	data, _ := facts.Base(loc)
	sample := customer == nil && d.Kind == candor.KindCustomerNotice
	switch {
	case customer != nil:
		data.Customer = compose.Customer(customer)
	case sample:
		data.Customer = render.SampleCustomer(orElse(want, loc), data.Incident.DataCategories)
	}
	out, err := render.Render(ctx, v, loc, data)
	if err != nil {
		return previewResponse{}, err
	}
	if d.Kind != candor.KindPublicStatement { // a statement is shown in the pages' layout, not as a letter
		out = render.Letter(out, loc, data.Org.Name)
	}
	fallbacks, err := facts.Untranslated(ctx, loc, v, data.Customer)
	if err != nil {
		return previewResponse{}, err
	}
	return previewResponse{Subject: out.Subject, HTML: out.HTML, Text: out.Text, Locale: loc,
		Sample: sample, Fallbacks: orEmpty(fallbacks)}, nil
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
		Revision           int             `json:"revision"`
		AcceptUntranslated []string        `json:"accept_untranslated"`
		Waivers            []candor.Waiver `json:"waivers"`
	}
	if err := decodeOptional(c, &req); err != nil {
		writeError(c, err)
		return
	}
	out, err := s.submit(c.Request.Context(), c.Param("id"), req.Revision, candor.SubmitOptions{AcceptUntranslated: req.AcceptUntranslated, Waivers: req.Waivers})
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

// submit checks and submits disclosure id as submitDisclosure describes;
// revision 0 is the current one. The console's submit form runs it too.
func (s *Server) submit(ctx context.Context, id string, revision int, opts candor.SubmitOptions) (candor.Disclosure, error) {
	acceptUntranslated, err := languageKeys("accept_untranslated", opts.AcceptUntranslated)
	if err != nil {
		return candor.Disclosure{}, err
	}
	d, err := s.store.GetDisclosure(ctx, id)
	if err != nil {
		return candor.Disclosure{}, err
	}
	switch {
	case revision != 0 && revision != d.Revision:
		return candor.Disclosure{}, candor.Errorf(candor.ECONFLICT, "revision %d is stale; the current revision is %d", revision, d.Revision)
	case d.State != candor.DisclosureDraft:
		return candor.Disclosure{}, candor.Errorf(candor.ECONFLICT, "disclosure is %s; only a draft can be submitted", d.State)
	}
	facts, err := s.facts(ctx, d.IncidentID, d.Regulator)
	if err != nil {
		return candor.Disclosure{}, err
	}
	locales, err := s.store.CustomerLocales(ctx, d.IncidentID)
	if err != nil {
		return candor.Disclosure{}, err
	}
	if err := render.CheckEach(ctx, d.DisclosureContent, facts.Data, locales); err != nil {
		return candor.Disclosure{}, err
	}
	if err := checkTranslations(ctx, &facts, d.DisclosureContent, acceptUntranslated); err != nil {
		return candor.Disclosure{}, err
	}
	opts, err = s.checkSubmitOptions(ctx, d, &facts, candor.SubmitOptions{AcceptUntranslated: acceptUntranslated, Waivers: opts.Waivers})
	if err != nil {
		return candor.Disclosure{}, err
	}
	// The store refuses (409) if the disclosure moved on while we rendered.
	return s.store.SubmitDisclosureWith(ctx, d.ID, d.Revision, opts)
}

func (s *Server) approveDisclosure(c *gin.Context) {
	var req struct {
		Revision int `json:"revision"`
	}
	if err := decode(c, &req); err != nil {
		writeError(c, err)
		return
	}
	if err := checkRevision(req.Revision); err != nil {
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
