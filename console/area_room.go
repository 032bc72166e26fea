package console

import "github.com/gin-gonic/gin"

// roomStore is what the room pages need from the store.
type roomStore interface{}

// roomRoutes(in *gin.RouterGroup) mounts the room pages.
func (cs *Console) roomRoutes(in *gin.RouterGroup) {}
