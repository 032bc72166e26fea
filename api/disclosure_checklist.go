package api

import (
	"context"
	"net/http"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/checklist"
	"github.com/candor-dev/candor/compose"
	"github.com/candor-dev/candor/jurisdictions"
	"github.com/candor-dev/candor/render"
	"github.com/gin-gonic/gin"
)

// ChecklistStore is what the checklist reads besides the disclosure: where
// the incident's customers are and which languages they read.
type ChecklistStore interface {
	CustomerPlaceLocales(ctx context.Context, incidentID string) ([]candor.PlaceLocaleCount, error)
}

// getChecklist lists, for each jurisdiction of the disclosure's audience,
// the elements its law requires (or forbids) and whether the variant that
// audience gets has them; waivers are those of the current revision's
// last submit.
func (s *Server) getChecklist(c *gin.Context) {
	ctx := c.Request.Context()
	d, err := s.store.GetDisclosure(ctx, c.Param("id"))
	if err != nil {
		writeError(c, err)
		return
	}
	items, err := s.currentChecklist(ctx, d)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "disclaimer": jurisdictions.Disclaimer})
}

// currentChecklist is the checklist of d's current revision, with the
// waivers of its last submit.
func (s *Server) currentChecklist(ctx context.Context, d candor.Disclosure) ([]checklist.Item, error) {
	rev, err := s.store.GetRevision(ctx, d.ID, d.Revision)
	if err != nil {
		return nil, err
	}
	var waivers []candor.Waiver
	if rev.SubmitOptions != nil {
		waivers = rev.SubmitOptions.Waivers
	}
	f, err := s.facts(ctx, d.IncidentID, d.Regulator)
	if err != nil {
		return nil, err
	}
	return s.checklist(ctx, d, &f, waivers)
}

// checklist runs the checklist of d's current content with the facts f.
func (s *Server) checklist(ctx context.Context, d candor.Disclosure, f *compose.Facts, waivers []candor.Waiver) ([]checklist.Item, error) {
	cat, err := jurisdictions.LoadElements()
	if err != nil {
		return nil, err
	}
	in := checklist.Input{Kind: d.Kind, Content: d.DisclosureContent, Catalogue: cat, Now: f.Now, Waivers: waivers,
		Data: func(variant string) (render.Data, error) { return f.Data(variant), nil }}
	if d.Kind == candor.KindCustomerNotice {
		st, ok := s.store.(ChecklistStore)
		if !ok {
			return nil, candor.Errorf(candor.EINTERNAL, "checklist: the store cannot count customers per place and locale")
		}
		if in.Places, err = st.CustomerPlaceLocales(ctx, d.IncidentID); err != nil {
			return nil, err
		}
	}
	return checklist.Run(ctx, in)
}

// checkSubmitOptions checks what a submitter gives with a submit: waivers
// need legal or admin (403) and a reason (422); then the content must pass
// its checklist, the waived items aside (422, one error per jurisdiction,
// variant and element). It returns the options to store.
func (s *Server) checkSubmitOptions(ctx context.Context, d candor.Disclosure, f *compose.Facts, opts candor.SubmitOptions) (candor.SubmitOptions, error) {
	by, _ := candor.ActorFromContext(ctx)
	opts, err := candor.NormalizeSubmitOptions(opts, by)
	if err != nil {
		return candor.SubmitOptions{}, err
	}
	items, err := s.checklist(ctx, d, f, opts.Waivers)
	if err != nil {
		return candor.SubmitOptions{}, err
	}
	return opts, checklist.Err(items)
}

// previewVariant is the variant a preview renders: a customer's is the one
// the send picks for them (their locale, country and region); without a
// customer, the requested locale's; a regulator report's is its
// regulator's jurisdiction's, as the send picks it.
func (s *Server) previewVariant(c candor.DisclosureContent, want string, cu *candor.Customer) (string, candor.Variant) {
	switch {
	case cu != nil:
		return render.PickVariantFor(c.Variants, c.DefaultLocale, want, cu.Country, cu.Region)
	case c.Regulator != nil:
		country, region := candor.JurisdictionPlace(c.Regulator.Jurisdiction)
		return render.PickVariantFor(c.Variants, c.DefaultLocale, want, country, region)
	}
	return render.PickVariant(c.Variants, c.DefaultLocale, want)
}
