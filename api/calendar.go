package api

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/deadline"
	"github.com/candor-dev/candor/ical"
	"github.com/gin-gonic/gin"
)

// CalendarStore finds the person a calendar subscription URL belongs to
// (*store.DB provides it; the console makes and revokes the URLs).
type CalendarStore interface {
	CalendarPerson(ctx context.Context, secret string) (candor.Person, error)
}

// calendarIncidents bounds the incidents one feed assesses: a feed is
// fetched by calendar apps every few minutes to hours, without a person
// waiting, but each incident runs the deadline engine.
const calendarIncidents = 500

// personCalendar serves GET /calendar/<secret>.ics: the deadlines of every
// incident the person may see (every role reads every incident), as
// /obligations.ics serves one incident's. The secret in the URL is the
// credential (calendar apps cannot sign in); an unknown, revoked or
// disabled person's URL is a 404, the same for each.
func (s *Server) personCalendar(c *gin.Context) {
	c.Header("Cache-Control", "private, no-store")
	c.Header("Referrer-Policy", "no-referrer")
	cs, ok := s.store.(CalendarStore)
	secret, isICS := strings.CutSuffix(c.Param("file"), ".ics")
	if !ok || !isICS || len(secret) > 128 {
		writeError(c, candor.Errorf(candor.ENOTFOUND, "calendar not found"))
		return
	}
	ctx := c.Request.Context()
	p, err := cs.CalendarPerson(ctx, secret)
	if err != nil {
		writeError(c, err)
		return
	}
	if s.cfg.Rules == nil {
		writeError(c, candor.Errorf(candor.EUNAVAILABLE, "the rule catalogue is not loaded"))
		return
	}
	now := time.Now().UTC()
	var feeds []ical.Feed
	cursor := ""
	for len(feeds) < calendarIncidents {
		page, err := s.store.ListIncidents(ctx, candor.IncidentFilter{Cursor: cursor, Limit: 100})
		if err != nil {
			writeError(c, err)
			return
		}
		for _, in := range page.Items {
			rep, err := deadline.AssessObligations(ctx, s.store, in.ID, s.cfg.Rules, s.cfg.Calendar, time.Time{}, now)
			if err != nil {
				writeError(c, err)
				return
			}
			feeds = append(feeds, feedOf(rep))
		}
		if page.NextCursor == nil {
			break
		}
		cursor = *page.NextCursor
	}
	var buf bytes.Buffer
	if err := ical.WriteAll(&buf, "Candor deadlines ("+p.Name+")", feeds); err != nil {
		writeError(c, err)
		return
	}
	c.Header("Content-Disposition", `inline; filename="candor-deadlines.ics"`)
	c.Data(http.StatusOK, ical.ContentType, buf.Bytes())
}
