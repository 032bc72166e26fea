package console

import "github.com/gin-gonic/gin"

// draftStore is what the draft pages need from the store.
type draftStore interface{}

// draftRoutes(in *gin.RouterGroup) mounts the draft pages.
func (cs *Console) draftRoutes(in *gin.RouterGroup) {}
