package api

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/revdiff"
	"github.com/candor-dev/candor/store"
	"github.com/gin-gonic/gin"
)

// DisclosureStore keeps disclosures and their revisions. The review rules
// (roles, four eyes, states) are the domain's; the store applies them in
// the transaction that records the change.
type DisclosureStore interface {
	CreateDisclosure(ctx context.Context, incidentID string, kind candor.DisclosureKind, c candor.DisclosureContent, fromDefault bool) (candor.Disclosure, error)
	GetDisclosure(ctx context.Context, id string) (candor.Disclosure, error)
	ListDisclosures(ctx context.Context, incidentID, cursor string, limit int) (store.Page[candor.Disclosure], error)
	EditDisclosure(ctx context.Context, id string, c candor.DisclosureContent, base int) (candor.Disclosure, error)
	SubmitDisclosure(ctx context.Context, id string, revision int) (candor.Disclosure, error)
	SubmitDisclosureWith(ctx context.Context, id string, revision int, opts candor.SubmitOptions) (candor.Disclosure, error)
	ApproveDisclosure(ctx context.Context, id string, revision int) (candor.Disclosure, error)
	RejectDisclosure(ctx context.Context, id, reason string) (candor.Disclosure, error)
	GetRevision(ctx context.Context, disclosureID string, number int) (candor.Revision, error)
	ListRevisions(ctx context.Context, disclosureID, cursor string, limit int) (store.Page[candor.Revision], error)
	CustomerLocales(ctx context.Context, incidentID string) ([]string, error)
}

// StatementLookup is implemented by a store that knows publications: the
// slug of the incident's published public statement, "" if none. Without
// it, .Statement.URL is the statements index.
type StatementLookup interface {
	StatementSlug(ctx context.Context, incidentID string) (string, error)
}

// disclosureContent is the editable part of a disclosure, as sent.
type disclosureContent struct {
	Title         string                    `json:"title"`
	DefaultLocale string                    `json:"default_locale"`
	Variants      map[string]candor.Variant `json:"variants"`
	Regulator     *candor.Regulator         `json:"regulator"`
}

func (r disclosureContent) toContent() candor.DisclosureContent {
	return candor.DisclosureContent{Title: r.Title, DefaultLocale: r.DefaultLocale, Variants: r.Variants, Regulator: r.Regulator}
}

type createDisclosureRequest struct {
	Kind candor.DisclosureKind `json:"kind"`
	disclosureContent
	FromDefault bool `json:"from_default"`
}

// editDisclosureRequest replaces the content. Kind may be repeated but not
// changed; Revision, if given, is the revision the edit was made from.
type editDisclosureRequest struct {
	Kind candor.DisclosureKind `json:"kind"`
	disclosureContent
	Revision int `json:"revision"`
}

func (s *Server) createDisclosure(c *gin.Context) {
	var req createDisclosureRequest
	if err := decode(c, &req); err != nil {
		writeError(c, err)
		return
	}
	out, err := s.store.CreateDisclosure(c.Request.Context(), c.Param("id"), req.Kind, req.toContent(), req.FromDefault)
	if err != nil {
		writeError(c, err)
		return
	}
	c.Header("Location", "/api/v1/disclosures/"+out.ID)
	c.JSON(http.StatusCreated, out)
}

func (s *Server) listDisclosures(c *gin.Context) {
	n, err := pageLimit(c)
	if err != nil {
		writeError(c, err)
		return
	}
	page, err := s.store.ListDisclosures(c.Request.Context(), c.Param("id"), c.Query("cursor"), n)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, page)
}

func (s *Server) getDisclosure(c *gin.Context) {
	out, err := s.store.GetDisclosure(c.Request.Context(), c.Param("id"))
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

func (s *Server) editDisclosure(c *gin.Context) {
	var req editDisclosureRequest
	if err := decode(c, &req); err != nil {
		writeError(c, err)
		return
	}
	ctx := c.Request.Context()
	if req.Kind != "" {
		cur, err := s.store.GetDisclosure(ctx, c.Param("id"))
		if err != nil {
			writeError(c, err)
			return
		}
		if req.Kind != cur.Kind {
			writeError(c, candor.Invalid(candor.FieldError{Field: "kind", Message: "cannot change; create a new disclosure instead"}))
			return
		}
	}
	out, err := s.store.EditDisclosure(ctx, c.Param("id"), req.toContent(), req.Revision)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

// listRevisions lists the history, or with ?diff=1..2 (or ?from=1&to=2)
// the line diff between two revisions.
func (s *Server) listRevisions(c *gin.Context) {
	ctx, id := c.Request.Context(), c.Param("id")
	from, to, isDiff, err := diffRange(c)
	if err != nil {
		writeError(c, err)
		return
	}
	if !isDiff {
		n, err := pageLimit(c)
		if err != nil {
			writeError(c, err)
			return
		}
		page, err := s.store.ListRevisions(ctx, id, c.Query("cursor"), n)
		if err != nil {
			writeError(c, err)
			return
		}
		c.JSON(http.StatusOK, page)
		return
	}
	a, err := s.store.GetRevision(ctx, id, from)
	if err == nil {
		var b candor.Revision
		if b, err = s.store.GetRevision(ctx, id, to); err == nil {
			c.JSON(http.StatusOK, revdiff.Revisions(a, b))
			return
		}
	}
	if candor.ErrorCode(err) == candor.ENOTFOUND {
		if _, gerr := s.store.GetDisclosure(ctx, id); gerr != nil {
			err = gerr // say which is missing: the disclosure or a revision
		}
	}
	writeError(c, err)
}

// diffRange reads ?diff=FROM..TO or ?from=FROM&to=TO.
func diffRange(c *gin.Context) (from, to int, ok bool, err error) {
	if d, has := c.GetQuery("diff"); has {
		from, to, err = revdiff.ParseRange(d)
		if err == nil && (from > maxRevision || to > maxRevision) {
			err = candor.Invalid(candor.FieldError{Field: "diff", Message: revisionRangeMessage})
		}
		return from, to, true, err
	}
	f, hasFrom := c.GetQuery("from")
	t, hasTo := c.GetQuery("to")
	if !hasFrom && !hasTo {
		return 0, 0, false, nil
	}
	var v candor.Validation
	for _, p := range []struct {
		name, val string
		dst       *int
	}{{"from", f, &from}, {"to", t, &to}} {
		n, err := strconv.Atoi(p.val)
		if err != nil || n < 1 || n > maxRevision {
			v.Add(p.name, "must be a revision number (from 1); give both from and to")
		}
		*p.dst = n
	}
	return from, to, true, v.Err()
}

// maxRevision is the largest revision number: the column is a 32-bit
// integer, and a larger number sent to PostgreSQL is an error, not a miss.
const (
	maxRevision          = 1<<31 - 1
	revisionRangeMessage = "must be a revision number from 1 to 2147483647"
)

// checkRevision refuses a revision number in a body that no revision can
// have (0 means "the current one" where a body allows it).
func checkRevision(n int) error {
	if n < 0 || n > maxRevision {
		return candor.Invalid(candor.FieldError{Field: "revision", Message: revisionRangeMessage})
	}
	return nil
}

// decodeOptional decodes a JSON object body like decode, but an absent or
// blank body leaves dst as it is: every field of these bodies is optional.
func decodeOptional(c *gin.Context, dst any) error {
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return candor.Errorf(candor.EBADREQUEST, "read body: %v", err)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	if err := checkJSON(c); err != nil {
		return err
	}
	return decodeBytes(body, dst)
}
