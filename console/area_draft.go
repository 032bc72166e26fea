package console

import (
	"context"
	"net/http"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/checklist"
	"github.com/candor-dev/candor/compose"
	"github.com/candor-dev/candor/store"
	"github.com/gin-gonic/gin"
)

// draftStore is what the draft pages need from the store: the same calls
// as the API's disclosure routes (api/disclosure.go).
type draftStore interface {
	CreateDisclosure(ctx context.Context, incidentID string, kind candor.DisclosureKind, c candor.DisclosureContent, fromDefault bool) (candor.Disclosure, error)
	GetDisclosure(ctx context.Context, id string) (candor.Disclosure, error)
	ListDisclosures(ctx context.Context, incidentID, cursor string, limit int) (store.Page[candor.Disclosure], error)
	EditDisclosure(ctx context.Context, id string, c candor.DisclosureContent, base int) (candor.Disclosure, error)
	ApproveDisclosure(ctx context.Context, id string, revision int) (candor.Disclosure, error)
	RejectDisclosure(ctx context.Context, id, reason string) (candor.Disclosure, error)
	GetRevision(ctx context.Context, disclosureID string, number int) (candor.Revision, error)
	ListRevisions(ctx context.Context, disclosureID, cursor string, limit int) (store.Page[candor.Revision], error)
	CustomerPlaceLocales(ctx context.Context, incidentID string) ([]candor.PlaceLocaleCount, error)
	ListCustomers(ctx context.Context, f candor.CustomerFilter) (store.Page[candor.Customer], error)
	ActorPerson(ctx context.Context, tokenID string) (string, error)
}

// DraftActions are the API's own preview, checklist and submit, which need
// the organisation, the base URL and the rule catalogue the API is
// configured with (api/console_drafts.go): the console runs exactly them,
// so that a preview is what the API previews and what is sent, and a
// submit passes the same checks.
type DraftActions interface {
	// Preview renders content, a version of d's, for the customer with
	// id customerID, or else for a sample customer of locale.
	Preview(ctx context.Context, d candor.Disclosure, content candor.DisclosureContent, locale, customerID string) (DraftPreview, error)
	// Checklist is the law's checklist of d's current revision.
	Checklist(ctx context.Context, d candor.Disclosure) ([]checklist.Item, error)
	// Submit checks and submits revision of disclosure id.
	Submit(ctx context.Context, id string, revision int, opts candor.SubmitOptions) (candor.Disclosure, error)
}

// DraftPreview is one message as it would be sent.
type DraftPreview struct {
	Subject, HTML, Text string
	Locale              string // the variant rendered
	Sample              bool   // for a sample customer, not a real one
	Fallbacks           []compose.Fallback
}

// draftFormLimit bounds a draft form: a variant's three templates at
// their limits (candor.MaxTemplateSize), URL-encoded.
const draftFormLimit = 1 << 20

// draftRoutes mounts the draft pages.
func (cs *Console) draftRoutes(in *gin.RouterGroup) {
	form := []gin.HandlerFunc{limitDraftForm, cs.checkCSRF}
	in.GET("/drafts.js", cs.draftScript)
	in.GET("/incidents/:id/disclosures", cs.draftList)
	in.POST("/incidents/:id/disclosures", append(form, cs.createDraft)...)
	in.GET("/disclosures/:id", draftEditorHeaders, cs.draftEditor)
	in.POST("/disclosures/:id", append(form, draftEditorHeaders, cs.saveDraft)...)
	in.POST("/disclosures/:id/variants", append(form, draftEditorHeaders, cs.addDraftVariant)...)
	in.POST("/disclosures/:id/variants/remove", append(form, draftEditorHeaders, cs.removeDraftVariant)...)
	in.GET("/disclosures/:id/preview", draftPanelHeaders, cs.previewPanel)
	in.POST("/disclosures/:id/preview", append(form, draftPanelHeaders, cs.previewPanel)...)
	in.GET("/disclosures/:id/revisions", cs.draftRevisions)
	in.POST("/disclosures/:id/submit", append(form, draftEditorHeaders, cs.submitDraft)...)
	in.POST("/disclosures/:id/approve", append(form, draftEditorHeaders, cs.approveDraft)...)
	in.POST("/disclosures/:id/reject", append(form, draftEditorHeaders, cs.rejectDraft)...)
}

func limitDraftForm(c *gin.Context) {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, draftFormLimit)
	if err := c.Request.ParseForm(); err != nil {
		c.AbortWithStatus(http.StatusRequestEntityTooLarge)
		return
	}
	c.Next()
}

// editorHeaders let the editor frame its preview panel (frame-src) and
// load its one script, which re-renders the preview after typing pauses.
func draftEditorHeaders(c *gin.Context) {
	c.Header("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "+
		"frame-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	c.Next()
}

// panelHeaders are the preview panel's: framed by the editor only, no
// script, nothing loaded from anywhere but the stylesheet. The message's
// HTML sits in a sandboxed srcdoc frame inside the panel, which inherits
// this policy: its inline styles apply (as in a mail client), its images
// from elsewhere do not load, and nothing in it runs.
func draftPanelHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src data:; "+
		"form-action 'none'; frame-ancestors 'self'; base-uri 'none'")
	c.Next()
}

func (cs *Console) draftScript(c *gin.Context) {
	b, err := files.ReadFile("static/drafts.js")
	if err != nil {
		c.AbortWithStatus(http.StatusNotFound)
		return
	}
	c.Data(http.StatusOK, "text/javascript; charset=utf-8", b)
}
