package api

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/geo"
	"github.com/candor-dev/candor/store"
	"github.com/gin-gonic/gin"
)

// SendStore keeps sends and their deliveries.
type SendStore interface {
	ApprovedRevision(ctx context.Context, disclosureID string) (candor.Disclosure, candor.Revision, error)
	CreateSend(ctx context.Context, n store.NewSend) (candor.Send, error)
	GetSend(ctx context.Context, id string) (candor.Send, error)
	ChangeSendState(ctx context.Context, id, action string) (candor.Send, error)
	ListDeliveries(ctx context.Context, sendID, status, cursor string, n int) (store.Page[candor.Delivery], error)
	MarkBounced(ctx context.Context, messageID, kind string) error
}

// SendScheduler enqueues a send's work on the queue (jobs.Sender).
type SendScheduler interface {
	Schedule(ctx context.Context, s candor.Send, generation int) error
	Resume(ctx context.Context, s candor.Send) error
}

func (s *Server) createSend(c *gin.Context) {
	var req struct {
		SendAt *time.Time         `json:"send_at"`
		Filter *candor.SendFilter `json:"filter"`
	}
	if err := decode(c, &req); err != nil {
		writeError(c, err)
		return
	}
	send, err := s.startSend(c.Request.Context(), c.Param("id"), req.SendAt, req.Filter)
	if err != nil {
		writeError(c, err)
		return
	}
	c.Header("Location", "/api/v1/sends/"+send.ID)
	c.JSON(http.StatusCreated, send)
}

// startSend schedules a send of a disclosure's approved revision at sendAt
// (now when nil or past) to the filter's audience (everyone when nil): the
// API's POST /disclosures/{id}/sends and the console's send form.
func (s *Server) startSend(ctx context.Context, disclosureID string, sendAt *time.Time, filter *candor.SendFilter) (candor.Send, error) {
	d, rev, err := s.store.ApprovedRevision(ctx, disclosureID)
	if err != nil {
		return candor.Send{}, err
	}
	if d.Kind != candor.KindCustomerNotice && d.Kind != candor.KindRegulatorReport {
		return candor.Send{}, candor.Errorf(candor.ECONFLICT, "only a customer_notice or a regulator_report is sent; publish a %s instead", d.Kind)
	}
	n := store.NewSend{DisclosureID: d.ID, IncidentID: d.IncidentID, Kind: string(d.Kind), Revision: rev.Number,
		SendAt: time.Now().UTC(), Filter: candor.SendFilter{Countries: []string{}, Regions: []string{}, Locales: []string{}}}
	if sendAt != nil && sendAt.After(n.SendAt) {
		n.SendAt = sendAt.UTC()
	}
	if filter != nil {
		if d.Kind == candor.KindRegulatorReport {
			return candor.Send{}, candor.Invalid(candor.FieldError{Field: "filter", Message: "a regulator report goes to its regulator; it takes no filter"})
		}
		if n.Filter, err = filter.Normalize(geo.Table{}, &geo.Locales{}); err != nil {
			return candor.Send{}, err
		}
	}
	send, err := s.store.CreateSend(ctx, n)
	if err != nil {
		return candor.Send{}, err
	}
	if s.cfg.Sends == nil {
		s.cfg.Logger.Warn("no send scheduler configured; the reconciler will schedule the send", "send_id", send.ID)
	} else if err := s.cfg.Sends.Schedule(ctx, send, 0); err != nil {
		// The send is stored; the reconciler schedules it once Redis is back.
		s.cfg.Logger.Warn("schedule send", "send_id", send.ID, "error", err.Error())
	}
	return send, nil
}

// getSend answers with a send's progress. Counting a million deliveries
// takes a database a noticeable moment, and during a send many people poll
// the same progress; the answer is shared for up to a second (ProgressTTL),
// so polling never competes with the send for the database.
func (s *Server) getSend(c *gin.Context) {
	send, err := s.sendProgress(c.Request.Context(), c.Param("id"))
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, send)
}

// sendProgress is a send with its counts, shared for up to ProgressTTL
// (the API's GET /sends/{id} and the console's progress view).
func (s *Server) sendProgress(ctx context.Context, id string) (candor.Send, error) {
	now := time.Now()
	if send, ok := s.progress.get(id, now); ok {
		return send, nil
	}
	send, err := s.store.GetSend(ctx, id)
	if err != nil {
		return candor.Send{}, err
	}
	s.progress.put(id, send, now)
	return send, nil
}

// progressCache shares each send's progress for a short while.
type progressCache struct {
	mu  sync.Mutex
	ttl time.Duration
	m   map[string]progressEntry
}

type progressEntry struct {
	send    candor.Send
	expires time.Time
}

func (pc *progressCache) get(id string, now time.Time) (candor.Send, bool) {
	if pc == nil || pc.ttl <= 0 {
		return candor.Send{}, false
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	e, ok := pc.m[id]
	return e.send, ok && now.Before(e.expires)
}

func (pc *progressCache) put(id string, send candor.Send, now time.Time) {
	if pc == nil || pc.ttl <= 0 {
		return
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.m == nil || len(pc.m) > 1000 {
		pc.m = map[string]progressEntry{}
	}
	pc.m[id] = progressEntry{send: send, expires: now.Add(pc.ttl)}
}

// changeSend pauses, resumes or cancels a send. Pause and cancel take effect
// at each chunk's start (a chunk is 200 messages, well under a second);
// resume enqueues what is still pending.
func (s *Server) changeSend(action string) gin.HandlerFunc {
	return func(c *gin.Context) {
		send, err := s.changeSendState(c.Request.Context(), c.Param("id"), action)
		if err != nil {
			writeError(c, err)
			return
		}
		c.JSON(http.StatusOK, send)
	}
}

// changeSendState applies pause, resume or cancel (the API's and the
// console's), shows the new state to progress readers at once, and
// enqueues what a resumed send still has pending.
func (s *Server) changeSendState(ctx context.Context, id, action string) (candor.Send, error) {
	send, err := s.store.ChangeSendState(ctx, id, action)
	if err != nil {
		return candor.Send{}, err
	}
	s.progress.put(send.ID, send, time.Now())
	if action == "resume" && s.cfg.Sends != nil {
		if err := s.cfg.Sends.Resume(ctx, send); err != nil {
			s.cfg.Logger.Warn("resume send", "send_id", send.ID, "error", err.Error())
		}
	}
	return send, nil
}

func (s *Server) listDeliveries(c *gin.Context) {
	n, err := pageLimit(c)
	if err != nil {
		writeError(c, err)
		return
	}
	page, err := s.store.ListDeliveries(c.Request.Context(), c.Param("id"), c.Query("status"), c.Query("cursor"), n)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, page)
}

// bounce is the generic bounce notification: a Message-ID and a kind.
type bounce struct {
	MessageID string `json:"message_id"`
	Type      string `json:"type"`
}

const (
	// bounceSkew is how far X-Candor-Timestamp may be from now.
	bounceSkew = 5 * time.Minute
	// bounceReaders is how many bounce bodies are read at once.
	bounceReaders = 16
)

// bounces takes bounce notifications signed with the shared secret:
// X-Candor-Timestamp (unix seconds, within 5 minutes) and
// X-Candor-Signature: sha256=hex(HMAC-SHA256(secret, timestamp + "." + body)).
// The body is one object or an array of them. The headers are checked
// before the body is read, so an unsigned caller costs no body; a signature
// already taken within its window is a replay (409); a batch is taken whole
// or not at all (every item is checked before any is applied).
func (s *Server) bounces(c *gin.Context) {
	if s.cfg.BounceSecret == "" {
		writeError(c, candor.Errorf(candor.ENOTFOUND, "the bounce webhook is not configured (CANDOR_BOUNCE_SECRET)"))
		return
	}
	ts, sig := c.GetHeader("X-Candor-Timestamp"), c.GetHeader("X-Candor-Signature")
	if err := checkSignatureHeaders(ts, sig, time.Now()); err != nil {
		refuseBody(c)
		writeError(c, err)
		return
	}
	// Well-formed headers cost nothing to forge: hold at most bounceReaders
	// bodies in memory at once, whoever sends them.
	select {
	case s.bounceSlots <- struct{}{}:
		defer func() { <-s.bounceSlots }()
	case <-time.After(2 * time.Second):
		tooMany(c, time.Second, "bounce notifications at once")
		return
	}
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		writeError(c, err)
		return
	}
	if err := checkSignature(s.cfg.BounceSecret, ts, sig, body, time.Now()); err != nil {
		writeError(c, err)
		return
	}
	ctx := c.Request.Context()
	if !s.replays.first(ctx, sig) {
		writeError(c, candor.Errorf(candor.ECONFLICT, "this notification (its X-Candor-Signature) was already received"))
		return
	}
	marked, unknown, err := s.applyBounces(c, body)
	if err != nil {
		s.replays.forget(ctx, sig)
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"marked": marked, "unknown": unknown})
}

// applyBounces decodes and checks every item, then marks them.
func (s *Server) applyBounces(c *gin.Context, body []byte) (int, []string, error) {
	var list []bounce
	var err error
	if t := strings.TrimSpace(string(body)); strings.HasPrefix(t, "[") {
		err = decodeBytes(body, &list)
	} else {
		var one bounce
		err = decodeBytes(body, &one)
		list = []bounce{one}
	}
	if err != nil {
		return 0, nil, err
	}
	var v candor.Validation
	for i, b := range list {
		if b.MessageID == "" || len(b.MessageID) > 998 || !utf8.ValidString(b.MessageID) ||
			strings.ContainsFunc(b.MessageID, unicode.IsControl) {
			v.Add("["+strconv.Itoa(i)+"].message_id", "needs a Message-ID: printable text up to 998 bytes")
		}
		if b.Type != "hard" && b.Type != "soft" && b.Type != "complaint" {
			v.Add("["+strconv.Itoa(i)+"].type", "must be hard, soft or complaint")
		}
	}
	if err := v.Err(); err != nil {
		return 0, nil, err
	}
	marked, unknown := 0, []string{}
	for _, b := range list {
		if err := s.store.MarkBounced(c.Request.Context(), b.MessageID, b.Type); candor.ErrorCode(err) == candor.ENOTFOUND {
			unknown = append(unknown, b.MessageID)
		} else if err != nil {
			return 0, nil, err
		} else {
			marked++
		}
	}
	return marked, unknown, nil
}

// checkSignatureHeaders checks what can be checked without the body.
func checkSignatureHeaders(ts, sig string, now time.Time) error {
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || now.Sub(time.Unix(sec, 0)).Abs() > bounceSkew {
		return candor.Errorf(candor.EUNAUTHORIZED, "X-Candor-Timestamp missing or more than 5 minutes off")
	}
	hexSig, ok := strings.CutPrefix(sig, "sha256=")
	if _, err := hex.DecodeString(hexSig); !ok || len(hexSig) != 2*sha256.Size || err != nil {
		return candor.Errorf(candor.EUNAUTHORIZED, "X-Candor-Signature missing or not sha256=<64 hex digits>")
	}
	return nil
}

func checkSignature(secret, ts, sig string, body []byte, now time.Time) error {
	if err := checkSignatureHeaders(ts, sig, now); err != nil {
		return err
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "."))
	mac.Write(body)
	want := "sha256=" + hex.EncodeToString(mac.Sum(nil))
	if !hmac.Equal([]byte(want), []byte(sig)) {
		return candor.Errorf(candor.EUNAUTHORIZED, "X-Candor-Signature does not match")
	}
	return nil
}
