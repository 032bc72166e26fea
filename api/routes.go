package api

import "github.com/candor-dev/candor"

// routes lists every route. Each /api/v1 route names the least role it
// needs; authentication runs before it on the whole group.
func (s *Server) routes() {
	const (
		viewer = candor.RoleViewer
		comms  = candor.RoleComms
		legal  = candor.RoleLegal
		admin  = candor.RoleAdmin
	)
	e := s.engine
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/metrics", s.metrics)

	// Public statement pages (public.go): no token, nothing before publish_at.
	// Requests are counted per address (ratelimit.go), as are sign-ins and
	// bounce notifications; /api requests per token, in authenticate.
	public := s.limitAddr("public", s.cfg.Rates.Public)
	for _, m := range []string{"GET", "HEAD"} {
		e.Handle(m, "/statements", public, s.statementIndex)
		e.Handle(m, "/statements/feed.atom", public, s.statementFeed)
		e.Handle(m, "/statements/:slug", public, s.statementPage)
		e.Handle(m, "/statements/:slug/v/:n", public, s.statementVersion)
	}
	// The reference lookup (notice_check.go): per address as the pages, and
	// per reference in the handler.
	for _, m := range []string{"GET", "POST"} {
		e.Handle(m, "/notices/check", public, limitBody(16<<10), s.checkNotice)
	}
	// A person's calendar subscription (calendar.go): the secret in the
	// URL is the credential; counted per address like the public pages.
	e.GET("/calendar/:file", public, s.personCalendar)

	// The queue dashboard (admin.go): a cookie session, read-only below admin.
	adm := e.Group("/admin", adminHeaders, limitBody(s.cfg.MaxBodyBytes), s.sameOrigin)
	adm.GET("/login", s.adminLoginForm)
	adm.POST("/login", s.limitAddr("login", s.cfg.Rates.Login), limitBody(loginBodyLimit), s.adminLogin)
	adm.POST("/logout", s.adminLogout)
	for _, m := range []string{"GET", "POST", "DELETE"} { // the methods asynqmon uses
		adm.Handle(m, "/queues/*path", s.adminAuth, s.queues)
	}

	// The console (console/): people sign in with a password; a signed-out
	// visitor's / is the sign-in page. Sign-ins are counted per address as
	// the dashboard's are, and their failures as /api's.
	if s.console != nil {
		s.console.Routes(e, s.limitAddr("login", s.cfg.Rates.Login))
	}

	// Imports stream large bodies; every other route takes small JSON.
	// Bounce notifications come from a mail provider, signed with a shared
	// secret instead of a token.
	e.POST("/api/v1/webhooks/bounces", s.limitAddr("webhook", s.cfg.Rates.Webhook), limitBody(min(s.cfg.MaxBodyBytes, 1<<20)), s.bounces)

	api := e.Group("/api/v1", noStore, s.authenticate)
	api.POST("/incidents/:id/customers/import", streamBody(s.cfg.BodyStallTimeout), limitBody(s.cfg.MaxImportBytes), require(comms), s.importCustomers)
	// A filing carries its receipt (up to candor.MaxReceiptBytes).
	api.POST("/incidents/:id/obligations/:obligation_id/filings", limitBody(filingUploadLimit), require(legal), s.createFiling)
	v1 := api.Group("", limitBody(s.cfg.MaxBodyBytes))
	v1.GET("/openapi.json", require(viewer), s.openapiJSON)
	v1.GET("/openapi.yaml", require(viewer), s.openapiYAML)

	v1.POST("/incidents", require(comms), s.createIncident)
	v1.GET("/incidents", require(viewer), s.listIncidents)
	v1.GET("/incidents/:id", require(viewer), s.getIncident)
	v1.PATCH("/incidents/:id", require(comms), s.updateIncident)
	v1.POST("/incidents/:id/events", require(comms), s.createEvent)
	v1.GET("/incidents/:id/events", require(viewer), s.listEvents)

	v1.GET("/incidents/:id/customers", require(viewer), s.listCustomers)
	v1.GET("/incidents/:id/customers/export.csv", require(comms), s.exportCustomers)
	v1.GET("/customers/:id", require(viewer), s.getCustomer)
	v1.PATCH("/customers/:id", require(comms), s.updateCustomer)
	v1.DELETE("/customers/:id", require(legal), s.eraseCustomer)

	v1.POST("/incidents/:id/disclosures", require(comms), s.createDisclosure)
	v1.GET("/incidents/:id/disclosures", require(viewer), s.listDisclosures)
	v1.GET("/disclosures/:id", require(viewer), s.getDisclosure)
	v1.PUT("/disclosures/:id", require(comms), s.editDisclosure)
	v1.GET("/disclosures/:id/revisions", require(viewer), s.listRevisions)
	v1.POST("/disclosures/:id/preview", require(viewer), s.previewDisclosure)
	v1.GET("/disclosures/:id/checklist", require(viewer), s.getChecklist)
	v1.GET("/disclosures/:id/call-centre.csv", require(comms), s.callCentreCSV)
	v1.GET("/disclosures/:id/call-centre.pdf", require(comms), s.callCentrePDF)
	v1.GET("/incidents/:id/call-volume", require(viewer), s.callVolume)
	v1.GET("/incidents/:id/reach", require(viewer), s.incidentReach)
	v1.POST("/incidents/:id/substitute-notices", require(legal), s.createSubstituteNotice)
	v1.GET("/incidents/:id/substitute-notices", require(viewer), s.listSubstituteNotices)
	v1.POST("/disclosures/:id/submit", require(comms), s.submitDisclosure)
	v1.POST("/disclosures/:id/approve", require(legal), s.approveDisclosure)
	v1.POST("/disclosures/:id/reject", require(legal), s.rejectDisclosure)

	v1.POST("/disclosures/:id/sends", require(legal), s.createSend)
	v1.GET("/sends/:id", require(viewer), s.getSend)
	v1.POST("/sends/:id/pause", require(legal), s.changeSend("pause"))
	v1.POST("/sends/:id/resume", require(legal), s.changeSend("resume"))
	v1.POST("/sends/:id/cancel", require(legal), s.changeSend("cancel"))
	v1.GET("/sends/:id/deliveries", require(viewer), s.listDeliveries)

	v1.POST("/disclosures/:id/letters", require(legal), s.createLetterBatch)
	v1.GET("/incidents/:id/letter-batches", require(viewer), s.listLetterBatches)
	v1.GET("/letter-batches/:id", require(viewer), s.getLetterBatch)
	v1.GET("/letter-batches/:id/letters.pdf", require(comms), s.lettersPDF)
	v1.GET("/letter-batches/:id/manifest.csv", require(comms), s.lettersManifest)
	v1.POST("/letter-batches/:id/mailed", require(legal), s.lettersMailed)
	v1.POST("/letter-batches/:id/returned", require(legal), s.lettersReturned)

	v1.GET("/jurisdictions", require(viewer), s.listJurisdictions)
	v1.GET("/incidents/:id/obligations", require(viewer), s.listObligations)
	v1.GET("/incidents/:id/obligations.ics", require(viewer), s.obligationsICS)
	v1.POST("/incidents/:id/obligations/:obligation_id/decisions", require(comms), s.proposeDecision)
	v1.GET("/incidents/:id/obligations/:obligation_id/decisions", require(viewer), s.listDecisions)
	v1.GET("/decisions/:id", require(viewer), s.getDecision)
	v1.POST("/decisions/:id/approve", require(legal), s.approveDecision)

	v1.GET("/incidents/:id/filings", require(viewer), s.listFilingPacks)
	v1.GET("/filings/:id", require(viewer), s.getFiling) // a pack (.pdf for its PDF) or a recorded filing
	v1.GET("/filings/:id/receipt", require(legal), s.getFilingReceipt)
	v1.GET("/incidents/:id/evidence.zip", require(legal), s.evidenceBundle)

	v1.POST("/disclosures/:id/publications", require(legal), s.createPublication)
	v1.GET("/publications/:id", require(viewer), s.getPublication)
	v1.DELETE("/publications/:id", require(legal), s.deletePublication)

	v1.GET("/audit", require(legal), s.listAudit)

	v1.POST("/tokens", require(admin), s.createToken)
	v1.GET("/tokens", require(admin), s.listTokens)
	v1.DELETE("/tokens/:id", require(admin), s.revokeToken)
	v1.POST("/people", require(admin), s.createPerson)
	v1.GET("/people", require(admin), s.listPeople)
}
