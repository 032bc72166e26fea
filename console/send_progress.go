package console

import (
	"context"
	"math"
	"net/http"
	"sync"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/deadline"
	"github.com/candor-dev/candor/store"
	"github.com/gin-gonic/gin"
)

// progress is a send's numbers as the page and its poller show them.
type progress struct {
	State      string `json:"state"`
	StateLabel string `json:"state_label"`
	Final      bool   `json:"final"`
	Total      int    `json:"total"`
	Sent       int    `json:"sent"`
	Failed     int    `json:"failed"`
	Bounced    int    `json:"bounced"`
	Pending    int    `json:"pending"` // pending and being sent
	Cancelled  int    `json:"cancelled"`
	Duplicates int    `json:"possible_duplicates"`
	Percent    int    `json:"percent"`
	Rate       string `json:"rate"` // per minute, since the send started
	ETA        string `json:"eta"`  // when the rest will have gone, at that rate
	Finished   string `json:"finished"`
	// Failures are the failed and bounced deliveries by reason.
	Failures []failureRow `json:"failures"`
}

type failureRow struct {
	Status string `json:"status"`
	Reason string `json:"reason"`
	Count  int    `json:"count"`
}

// lookupRow is one customer found by the per-customer lookup.
type lookupRow struct {
	Email, ExternalID, Locale, Status, SentAt, Error, OtherSend string
	Attempts                                                    int
	Duplicate, None                                             bool
}

type sendData struct {
	ID, IncidentID, Title, Notice, Timezone, SendAt, Started, Message string
	MayAct                                                            bool
	P                                                                 progress
	CanPause, CanResume, CanCancel                                    bool
	Q, QError                                                         string
	Lookup                                                            []lookupRow
	Looked                                                            bool
}

// progressOf computes what the progress view shows of s at now: the rate
// is the average since the send started (deliveries that reached a final
// status per minute), and the ETA what is left at that rate.
func progressOf(l string, s candor.Send, loc *time.Location, now time.Time) progress {
	p := progress{State: string(s.State), StateLabel: tr(l, "send_state_"+string(s.State)),
		Final: s.State == candor.SendCompleted || s.State == candor.SendCancelled, Total: s.Total, Sent: s.Sent,
		Failed: s.Failed, Bounced: s.Bounced, Pending: s.Pending + s.Sending, Cancelled: s.Cancelled,
		Duplicates: s.PossibleDuplicates, Rate: "—", ETA: "—", Failures: []failureRow{}}
	done := s.Sent + s.Failed + s.Bounced
	if s.Total > 0 {
		p.Percent = int(math.Floor(100 * float64(done+s.Cancelled) / float64(s.Total)))
	}
	if s.FinishedAt != nil {
		p.Finished = formatTime(l, *s.FinishedAt, loc)
	}
	if s.StartedAt == nil {
		return p
	}
	end := now
	if s.FinishedAt != nil {
		end = *s.FinishedAt
	}
	mins := end.Sub(*s.StartedAt).Minutes()
	if mins <= 0 || done == 0 {
		return p
	}
	rate := float64(done) / mins
	p.Rate = tr(l, "send_per_minute", int(math.Round(rate)))
	if s.State == candor.SendRunning && p.Pending > 0 {
		left := time.Duration(float64(p.Pending) / rate * float64(time.Minute))
		p.ETA = formatTime(l, now.Add(left), loc) + " (" + deadline.SpanBetween(now, now.Add(left)).Short() + ")"
	}
	return p
}

// failureCache keeps each send's failures for a few seconds: grouping them
// reads every delivery of the send, and every open progress view polls.
var failureCache = struct {
	sync.Mutex
	m map[string]failureEntry
}{m: map[string]failureEntry{}}

type failureEntry struct {
	rows    []failureRow
	failed  int
	expires time.Time
}

const failureTTL = 5 * time.Second

// failures groups the send's failed and bounced deliveries by reason; a
// send without any (its counts say so) costs no query.
func (cs *Console) failures(ctx context.Context, s candor.Send, now time.Time) ([]failureRow, error) {
	n := s.Failed + s.Bounced
	if n == 0 {
		return []failureRow{}, nil
	}
	failureCache.Lock()
	e, ok := failureCache.m[s.ID]
	failureCache.Unlock()
	if ok && e.failed == n && now.Before(e.expires) {
		return e.rows, nil
	}
	groups, err := cs.store.SendFailures(ctx, s.ID, 20)
	if err != nil {
		return nil, err
	}
	rows := make([]failureRow, 0, len(groups))
	for _, g := range groups {
		rows = append(rows, failureRow{Status: g.Status, Reason: g.Reason, Count: g.Count})
	}
	failureCache.Lock()
	if len(failureCache.m) > 1000 {
		failureCache.m = map[string]failureEntry{}
	}
	failureCache.m[s.ID] = failureEntry{rows: rows, failed: n, expires: now.Add(failureTTL)}
	failureCache.Unlock()
	return rows, nil
}

// loadSend reads a send's progress and the incident it belongs to.
func (cs *Console) loadSend(c *gin.Context) (candor.Send, candor.Incident, progress, bool) {
	ctx, l, now := c.Request.Context(), lang(c), time.Now().UTC()
	s, err := cs.cfg.Sends.SendProgress(ctx, c.Param("id"))
	if err != nil {
		cs.fail(c, err)
		return s, candor.Incident{}, progress{}, false
	}
	in, err := cs.store.GetIncident(ctx, s.IncidentID)
	if err != nil {
		cs.fail(c, err)
		return s, in, progress{}, false
	}
	p := progressOf(l, s, cs.location(in), now)
	if p.Failures, err = cs.failures(ctx, s, now); err != nil {
		cs.fail(c, err)
		return s, in, p, false
	}
	return s, in, p, true
}

// sendProgressJSON is what the page's script polls every 2 s.
func (cs *Console) sendProgressJSON(c *gin.Context) {
	if _, _, p, ok := cs.loadSend(c); ok {
		c.JSON(http.StatusOK, p)
	}
}

// renderSend shows a send's progress, its actions, and the customer
// lookup for q.
func (cs *Console) renderSend(c *gin.Context, status int, msg, q string) {
	l, ctx := lang(c), c.Request.Context()
	s, in, p, ok := cs.loadSend(c)
	if !ok {
		return
	}
	loc := cs.location(in)
	a, _ := candor.ActorFromContext(ctx)
	d := sendData{ID: s.ID, IncidentID: in.ID, Title: localTitle(in, l), Timezone: loc.String(), SendAt: formatTime(l, s.SendAt, loc),
		Message: msg, MayAct: a.Role.Allows(candor.RoleLegal), P: p, Q: q,
		CanPause:  s.State == candor.SendScheduled || s.State == candor.SendRunning,
		CanResume: s.State == candor.SendPaused, CanCancel: !p.Final}
	if s.StartedAt != nil {
		d.Started = formatTime(l, *s.StartedAt, loc)
	}
	if ds, err := cs.store.GetDisclosure(ctx, s.DisclosureID); err == nil {
		d.Notice = ds.Title
	}
	if q != "" {
		d.Looked = true
		found, err := cs.store.SendRecipients(ctx, s, q)
		switch {
		case candor.ErrorCode(err) == candor.EINVALID:
			d.QError, status = candor.ErrorMessage(err), http.StatusUnprocessableEntity
		case err != nil:
			cs.fail(c, err)
			return
		}
		for _, f := range found {
			d.Lookup = append(d.Lookup, lookupRowOf(l, f, s.ID, loc))
		}
	}
	cs.render(c, status, "send", tr(l, "send_progress")+" · "+d.Title, d)
}

func lookupRowOf(l string, f store.SendRecipient, sendID string, loc *time.Location) lookupRow {
	r := lookupRow{Email: f.Customer.Email, ExternalID: f.Customer.ExternalID, Locale: f.Customer.Locale}
	dl := f.Delivery
	if dl == nil {
		r.None, r.Status = true, tr(l, "send_no_delivery")
		return r
	}
	r.Status, r.Attempts, r.Error, r.Duplicate = dl.Status, dl.Attempts, dl.LastError, dl.PossibleDuplicate
	if dl.SentAt != nil {
		r.SentAt = formatTime(l, *dl.SentAt, loc)
	}
	if dl.SendID != sendID {
		r.OtherSend = dl.SendID
	}
	return r
}
