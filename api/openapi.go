package api

import (
	_ "embed"
	"net/http"
	"sync"

	"github.com/gin-gonic/gin"
	"github.com/goccy/go-yaml"
)

// OpenAPI is the API's OpenAPI 3 document, kept by hand beside the routes
// and checked against them by a test.
//
//go:embed openapi.yaml
var OpenAPI []byte

var openapiJSON = sync.OnceValues(func() ([]byte, error) { return yaml.YAMLToJSON(OpenAPI) })

func (s *Server) openapiYAML(c *gin.Context) { c.Data(http.StatusOK, "application/yaml", OpenAPI) }

func (s *Server) openapiJSON(c *gin.Context) {
	b, err := openapiJSON()
	if err != nil {
		writeError(c, err)
		return
	}
	c.Data(http.StatusOK, "application/json", b)
}
