package console

import "github.com/gin-gonic/gin"

// adminStore is what the admin pages need from the store.
type adminStore interface{}

// adminRoutes(open, in *gin.RouterGroup) mounts the admin pages.
func (cs *Console) adminRoutes(open, in *gin.RouterGroup) {}
