package console

import "github.com/gin-gonic/gin"

// sendStore is what the send pages need from the store.
type sendStore interface{}

// sendRoutes(in *gin.RouterGroup) mounts the send pages.
func (cs *Console) sendRoutes(in *gin.RouterGroup) {}
