package api

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/candor-dev/candor"
	"github.com/gin-gonic/gin"
)

// statusOf is the one table from domain error codes to HTTP status.
var statusOf = map[string]int{
	candor.EBADREQUEST:   http.StatusBadRequest,
	candor.EUNAUTHORIZED: http.StatusUnauthorized,
	candor.EFORBIDDEN:    http.StatusForbidden,
	candor.ENOTFOUND:     http.StatusNotFound,
	candor.ECONFLICT:     http.StatusConflict,
	candor.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	candor.EUNSUPPORTED:  http.StatusUnsupportedMediaType,
	candor.EINVALID:      http.StatusUnprocessableEntity,
	candor.EUNAVAILABLE:  http.StatusServiceUnavailable,
	candor.EINTERNAL:     http.StatusInternalServerError,
}

// Problem is an RFC 9457 problem document.
type Problem struct {
	Type      string              `json:"type"`
	Title     string              `json:"title"`
	Status    int                 `json:"status"`
	Detail    string              `json:"detail,omitempty"`
	Instance  string              `json:"instance,omitempty"`
	RequestID string              `json:"request_id,omitempty"`
	Errors    []candor.FieldError `json:"errors,omitempty"`
	// Landed and LandedThroughLine are extension members of a failed
	// import: what its committed batches did, up to which source line.
	Landed            any `json:"landed,omitempty"`
	LandedThroughLine int `json:"landed_through_line,omitempty"`
}

// problemExtraKey holds extension members a handler adds to its problem.
const problemExtraKey = "problem_extra"

// ProblemContentType is the media type of error responses.
const ProblemContentType = "application/problem+json"

// writeError answers with the problem document for err. Internal errors are
// logged here, once, with the request id; their text never reaches the
// client.
func writeError(c *gin.Context, err error) {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		err = candor.Errorf(candor.ETOOLARGE, "request body is larger than %d bytes", mbe.Limit)
	}
	code := candor.ErrorCode(err)
	status, ok := statusOf[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	if status >= 500 {
		slog.ErrorContext(c.Request.Context(), "request failed",
			"request_id", c.GetString(requestIDKey), "route", c.FullPath(), "error", err.Error())
	}
	writeProblem(c, status, code, candor.ErrorMessage(err), candor.ErrorFields(err))
}

func writeProblem(c *gin.Context, status int, code, detail string, fields []candor.FieldError) {
	p := Problem{
		Type:      "/problems/" + code,
		Title:     http.StatusText(status),
		Status:    status,
		Detail:    detail,
		Instance:  c.Request.URL.Path,
		RequestID: c.GetString(requestIDKey),
		Errors:    fields,
	}
	if x, ok := c.Get(problemExtraKey); ok {
		m := x.(gin.H)
		p.Landed = m["landed"]
		p.LandedThroughLine, _ = m["landed_through_line"].(int)
	}
	c.Header("Content-Type", ProblemContentType)
	c.AbortWithStatusJSON(status, p)
	c.Header("Content-Type", ProblemContentType)
}
