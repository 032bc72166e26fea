package console

import "github.com/gin-gonic/gin"

// customerStore is what the customer pages need from the store.
type customerStore interface{}

// customerRoutes(in *gin.RouterGroup) mounts the customer pages.
func (cs *Console) customerRoutes(in *gin.RouterGroup) {}
