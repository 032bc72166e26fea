package console

import "github.com/gin-gonic/gin"

// reachStore is what the reach pages need from the store.
type reachStore interface{}

// reachRoutes(in *gin.RouterGroup) mounts the reach pages.
func (cs *Console) reachRoutes(in *gin.RouterGroup) {}
