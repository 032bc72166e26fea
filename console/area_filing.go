package console

import "github.com/gin-gonic/gin"

// filingStore is what the filing pages need from the store.
type filingStore interface{}

// filingRoutes(in *gin.RouterGroup) mounts the filing pages.
func (cs *Console) filingRoutes(in *gin.RouterGroup) {}
