package console

import "github.com/gin-gonic/gin"

// statementStore is what the statement pages need from the store.
type statementStore interface{}

// statementRoutes(in *gin.RouterGroup) mounts the statement pages.
func (cs *Console) statementRoutes(in *gin.RouterGroup) {}
