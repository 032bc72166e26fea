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

	v1 := e.Group("/api/v1", limitBody(s.cfg.MaxBodyBytes), s.authenticate)
	v1.GET("/openapi.json", require(viewer), s.openapiJSON)
	v1.GET("/openapi.yaml", require(viewer), s.openapiYAML)

	v1.POST("/incidents", require(comms), s.createIncident)
	v1.GET("/incidents", require(viewer), s.listIncidents)
	v1.GET("/incidents/:id", require(viewer), s.getIncident)
	v1.PATCH("/incidents/:id", require(comms), s.updateIncident)
	v1.POST("/incidents/:id/events", require(comms), s.createEvent)
	v1.GET("/incidents/:id/events", require(viewer), s.listEvents)

	v1.GET("/jurisdictions", require(viewer), s.listJurisdictions)
	v1.GET("/incidents/:id/obligations", require(viewer), s.listObligations)
	v1.GET("/incidents/:id/obligations.ics", require(viewer), s.obligationsICS)

	v1.GET("/audit", require(legal), s.listAudit)

	v1.POST("/tokens", require(admin), s.createToken)
	v1.GET("/tokens", require(admin), s.listTokens)
	v1.DELETE("/tokens/:id", require(admin), s.revokeToken)
}
