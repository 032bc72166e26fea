package api

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/compose"
	"github.com/candor-dev/candor/pages"
	"github.com/gin-gonic/gin"
)

// NoticeCheckStore answers the public reference lookup.
type NoticeCheckStore interface {
	// CheckNotice: ENOTFOUND "unknown reference" for a reference that is
	// not Candor's or whose statement is not published; EINVALID for a
	// malformed e-mail address.
	CheckNotice(ctx context.Context, ref, email string, now time.Time) (candor.NoticeCheck, error)
}

// checkPerReference is how many lookups one reference answers per minute,
// whoever asks: a reference found on a phishing copy is checked by many
// people, but not hundreds a minute; this bounds a guesser who has many
// addresses to the same pace per guess.
const checkPerReference = 30

// noticeCheckResponse is the lookup's JSON answer: nothing personal.
type noticeCheckResponse struct {
	Reference    string `json:"reference"`
	Genuine      bool   `json:"genuine"`
	Channel      string `json:"channel"`
	SentAt       string `json:"sent_at,omitempty"`   // RFC 3339 in the incident's zone
	MailedOn     string `json:"mailed_on,omitempty"` // YYYY-MM-DD
	StatementURL string `json:"statement_url"`
	Affected     *bool  `json:"affected,omitempty"` // only when an e-mail address was given
}

// checkNotice is GET and POST /notices/check: the page where anyone checks
// that a notice is genuine (a reference) and whether it was addressed to
// them (a reference and an e-mail address). GET takes ?ref=; POST takes the
// page's form or a JSON body {ref, email} (an address is not put in a URL,
// where logs would keep it). HTML in the reader's language (?lang=, else
// Accept-Language: en, ja, th), JSON with Accept: application/json.
func (s *Server) checkNotice(c *gin.Context) {
	ref, email := c.Query("ref"), ""
	asJSON := wantsJSON(c)
	if c.Request.Method == http.MethodPost {
		if strings.HasPrefix(c.ContentType(), "application/json") {
			var body struct{ Ref, Email string }
			if err := decode(c, &body); err != nil {
				writeError(c, err)
				return
			}
			ref, email, asJSON = body.Ref, body.Email, true
		} else {
			ref, email = c.PostForm("ref"), c.PostForm("email")
		}
	}
	loc := pages.Negotiate(pages.CheckLocales, c.Query("lang"), c.GetHeader("Accept-Language"))
	view := pages.CheckView{Ref: ref, Email: email, Action: "/notices/check?lang=" + loc}
	h := c.Writer.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Vary", "Accept, Accept-Language")
	page := func(status int) {
		body, err := s.site.CheckHTML(view, loc, pages.LiveLinks(s.cfg.BaseURL))
		if err != nil {
			writeError(c, err)
			return
		}
		h.Set("Content-Security-Policy", s.site.CheckPolicy())
		h.Set("Content-Language", loc)
		c.Data(status, "text/html; charset=utf-8", body)
	}
	if strings.TrimSpace(ref) == "" && !asJSON && email == "" {
		page(http.StatusOK) // the form
		return
	}
	norm, err := candor.ParseReference("ref", ref)
	if err != nil {
		if asJSON {
			writeError(c, err)
			return
		}
		view.RefError = fieldMessage(err)
		page(http.StatusUnprocessableEntity)
		return
	}
	if s.cfg.Rates.Public > 0 {
		if wait := s.limits.take(c.Request.Context(), "check-ref:"+norm, checkPerReference, 1); wait > 0 {
			tooMany(c, wait, "checks of this reference")
			return
		}
	}
	res, err := s.store.CheckNotice(c.Request.Context(), norm, strings.TrimSpace(email), s.cfg.Public.now())
	switch {
	case candor.ErrorCode(err) == candor.ENOTFOUND:
		if asJSON {
			writeProblem(c, http.StatusNotFound, candor.ENOTFOUND, "unknown reference", nil)
			return
		}
		view.Unknown = true
		page(http.StatusNotFound)
		return
	case candor.ErrorCode(err) == candor.EINVALID && !asJSON:
		view.EmailError = fieldMessage(err)
		page(http.StatusUnprocessableEntity)
		return
	case err != nil:
		writeError(c, err)
		return
	}
	statement := compose.StatementURL(s.cfg.BaseURL, res.StatementSlug)
	if asJSON {
		out := noticeCheckResponse{Reference: res.Reference, Genuine: true, Channel: res.Channel, MailedOn: res.MailedOn, StatementURL: statement}
		if res.SentAt != nil {
			out.SentAt = res.SentAt.In(res.Location).Format(time.RFC3339)
		}
		if res.EmailChecked {
			out.Affected = &res.EmailMatches
		}
		c.JSON(http.StatusOK, out)
		return
	}
	view.Ref, view.Found, view.Channel, view.SentAt, view.MailedOn = res.Reference, true, res.Channel, res.SentAt, res.MailedOn
	view.Zone, view.Statement, view.Asked, view.Matches = res.Location.String(), statement+"?lang="+loc, res.EmailChecked, res.EmailMatches
	page(http.StatusOK)
}

// fieldMessage is an EINVALID error's first field message.
func fieldMessage(err error) string {
	if fs := candor.ErrorFields(err); len(fs) > 0 {
		return fs[0].Message
	}
	return candor.ErrorMessage(err)
}
