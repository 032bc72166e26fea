package console

import "github.com/gin-gonic/gin"

// obligationStore is what the obligation pages need from the store.
type obligationStore interface{}

// obligationRoutes(in *gin.RouterGroup) mounts the obligation pages.
func (cs *Console) obligationRoutes(in *gin.RouterGroup) {}
