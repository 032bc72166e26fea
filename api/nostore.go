package api

import "github.com/gin-gonic/gin"

// noStore keeps the answers of the authenticated API out of every cache:
// customers' names and addresses, deliveries, the customer export, the
// audit log and tokens are personal data or secrets, and a browser's disk
// cache, a shared proxy or a CDN in front of Candor must not keep a copy.
// It is set on the whole /api/v1 group (errors included) rather than route
// by route, so that a new route with personal data cannot forget it.
func noStore(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	c.Next()
}
