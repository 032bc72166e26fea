package api

import (
	"context"
	"encoding/csv"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/letters"
	"github.com/candor-dev/candor/pdf"
	"github.com/candor-dev/candor/store"
	"github.com/gin-gonic/gin"
)

// LetterStore makes and tracks printed letters (store/letter*.go).
type LetterStore interface {
	// CreateLetterBatch: ENOTFOUND, ECONFLICT (not an approved customer
	// notice; nobody left to write to).
	CreateLetterBatch(ctx context.Context, disclosureID string, f candor.SendFilter) (candor.LetterBatch, error)
	GetLetterBatch(ctx context.Context, id string) (candor.LetterBatch, error)
	ListLetterBatches(ctx context.Context, incidentID string) ([]candor.LetterBatch, error)
	CountLetters(ctx context.Context, batchID string) (a4, usLetter int, err error)
	BatchLetters(ctx context.Context, batchID string, usLetter bool, offset, limit int) ([]store.LetterRecipient, error)
	MarkLettersDownloaded(ctx context.Context, id string) error
	// MarkLettersMailed: EINVALID on mailed_on.
	MarkLettersMailed(ctx context.Context, id, mailedOn string) (candor.LetterBatch, error)
	// RecordReturned: EINVALID with every bad line; nothing stored then.
	RecordReturned(ctx context.Context, id string, lines []store.ReturnedLine) (candor.LetterBatch, int, error)
	GetRevision(ctx context.Context, disclosureID string, number int) (candor.Revision, error)
}

type letterBatchResponse struct {
	ID           string            `json:"id"`
	DisclosureID string            `json:"disclosure_id"`
	IncidentID   string            `json:"incident_id"`
	Revision     int               `json:"revision"`
	State        string            `json:"state"`
	Filter       candor.SendFilter `json:"filter"`
	Total        int               `json:"total"`
	Returned     int               `json:"returned"`
	MailedOn     *string           `json:"mailed_on"`
	DownloadedAt *time.Time        `json:"downloaded_at"`
	CreatedAt    time.Time         `json:"created_at"`
	Parts        []letters.Part    `json:"parts,omitempty"`
}

func toLetterBatchResponse(b candor.LetterBatch, parts []letters.Part) letterBatchResponse {
	r := letterBatchResponse{ID: b.ID, DisclosureID: b.DisclosureID, IncidentID: b.IncidentID, Revision: b.Revision,
		State: b.State, Filter: b.Filter, Total: b.Total, Returned: b.Returned, DownloadedAt: b.DownloadedAt, CreatedAt: b.CreatedAt, Parts: parts}
	if b.MailedOn != "" {
		r.MailedOn = &b.MailedOn
	}
	return r
}

func (s *Server) createLetterBatch(c *gin.Context) {
	var body struct {
		Filter candor.SendFilter `json:"filter"`
	}
	if c.Request.ContentLength != 0 {
		if err := decode(c, &body); err != nil {
			writeError(c, err)
			return
		}
	}
	b, err := s.store.CreateLetterBatch(c.Request.Context(), c.Param("id"), body.Filter)
	if err != nil {
		writeError(c, err)
		return
	}
	s.respondBatch(c, http.StatusCreated, b)
}

func (s *Server) respondBatch(c *gin.Context, status int, b candor.LetterBatch) {
	a4, us, err := s.store.CountLetters(c.Request.Context(), b.ID)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(status, toLetterBatchResponse(b, letters.Parts(a4, us)))
}

func (s *Server) getLetterBatch(c *gin.Context) {
	b, err := s.store.GetLetterBatch(c.Request.Context(), c.Param("id"))
	if err != nil {
		writeError(c, err)
		return
	}
	s.respondBatch(c, http.StatusOK, b)
}

func (s *Server) listLetterBatches(c *gin.Context) {
	bs, err := s.store.ListLetterBatches(c.Request.Context(), c.Param("id"))
	if err != nil {
		writeError(c, err)
		return
	}
	out := make([]letterBatchResponse, len(bs))
	for i, b := range bs {
		out[i] = toLetterBatchResponse(b, nil)
	}
	c.JSON(http.StatusOK, gin.H{"items": out})
}

// batchPart loads part ?part=N (default 1) of a batch and its letters.
func (s *Server) batchPart(c *gin.Context) (candor.LetterBatch, letters.Part, []letters.Recipient, []string, bool) {
	ctx := c.Request.Context()
	b, err := s.store.GetLetterBatch(ctx, c.Param("id"))
	if err != nil {
		writeError(c, err)
		return b, letters.Part{}, nil, nil, false
	}
	a4, us, err := s.store.CountLetters(ctx, b.ID)
	if err != nil {
		writeError(c, err)
		return b, letters.Part{}, nil, nil, false
	}
	parts := letters.Parts(a4, us)
	n := 1
	if q := c.Query("part"); q != "" {
		if n, err = strconv.Atoi(q); err != nil || n < 1 || n > len(parts) {
			writeError(c, candor.Invalid(candor.FieldError{Field: "part", Message: "must be a part of this batch, 1 to " + strconv.Itoa(len(parts))}))
			return b, letters.Part{}, nil, nil, false
		}
	}
	if len(parts) == 0 {
		writeError(c, candor.Errorf(candor.ECONFLICT, "the batch has no letters"))
		return b, letters.Part{}, nil, nil, false
	}
	p := parts[n-1]
	rows, err := s.store.BatchLetters(ctx, b.ID, p.Paper == "Letter", p.Offset, p.Letters)
	if err != nil {
		writeError(c, err)
		return b, p, nil, nil, false
	}
	rs := make([]letters.Recipient, 0, len(rows))
	statuses := make([]string, 0, len(rows))
	for _, r := range rows {
		if r.Customer.Erased() {
			continue // erased since: no address to print
		}
		rs = append(rs, letters.Recipient{Reference: r.Letter.Reference, Customer: r.Customer})
		statuses = append(statuses, r.Letter.Status)
	}
	return b, p, rs, statuses, true
}

// lettersPDF is GET /letter-batches/{id}/letters.pdf?part=N: the part's
// letters, print-ready (A4, or US Letter for US and CA).
func (s *Server) lettersPDF(c *gin.Context) {
	b, p, rs, _, ok := s.batchPart(c)
	if !ok {
		return
	}
	if s.cfg.Printer == nil {
		writeError(c, candor.Errorf(candor.EUNAVAILABLE, "PDF printing is not configured (install chromium or set CANDOR_CHROMIUM)"))
		return
	}
	src, ok := s.store.(letters.Source)
	if !ok {
		writeError(c, errors.New("letters: the store cannot load the incident's facts"))
		return
	}
	book, err := letters.Open(c.Request.Context(), src, b, s.cfg.Org, s.cfg.BaseURL, time.Now())
	if err != nil {
		writeError(c, err)
		return
	}
	paper := pdf.A4
	layout := letters.PaperFor("")
	if p.Paper == "Letter" {
		paper, layout = pdf.Letter, letters.PaperFor("US")
	}
	html, _, err := book.DocumentFor(c.Request.Context(), layout, rs)
	if err != nil {
		writeError(c, err)
		return
	}
	out, err := s.cfg.Printer.Print(c.Request.Context(), html, paper)
	if errors.Is(err, pdf.ErrNoChromium) {
		err = candor.Errorf(candor.EUNAVAILABLE, "%v", err)
	}
	if err != nil {
		writeError(c, err)
		return
	}
	if err := s.store.MarkLettersDownloaded(c.Request.Context(), b.ID); err != nil {
		writeError(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="letters-`+b.ID+`-part`+strconv.Itoa(p.Part)+`.pdf"`)
	c.Data(http.StatusOK, "application/pdf", out)
}

// lettersManifest is GET /letter-batches/{id}/manifest.csv: every letter
// of the batch, part by part.
func (s *Server) lettersManifest(c *gin.Context) {
	ctx := c.Request.Context()
	b, err := s.store.GetLetterBatch(ctx, c.Param("id"))
	if err != nil {
		writeError(c, err)
		return
	}
	src, ok := s.store.(letters.Source)
	if !ok {
		writeError(c, errors.New("letters: the store cannot load the incident's facts"))
		return
	}
	book, err := letters.Open(ctx, src, b, s.cfg.Org, s.cfg.BaseURL, time.Now())
	if err != nil {
		writeError(c, err)
		return
	}
	a4, us, err := s.store.CountLetters(ctx, b.ID)
	if err != nil {
		writeError(c, err)
		return
	}
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", `attachment; filename="manifest-`+b.ID+`.csv"`)
	c.Status(http.StatusOK)
	w := csv.NewWriter(c.Writer)
	w.Write(letters.ManifestHeader) //nolint:errcheck // flushed below
	for _, p := range letters.Parts(a4, us) {
		rows, err := s.store.BatchLetters(ctx, b.ID, p.Paper == "Letter", p.Offset, p.Letters)
		if err != nil {
			return // the status is sent: a cut CSV
		}
		var rs []letters.Recipient
		var langs, statuses []string
		for _, r := range rows {
			if r.Customer.Erased() {
				continue
			}
			rs = append(rs, letters.Recipient{Reference: r.Letter.Reference, Customer: r.Customer})
			langs = append(langs, book.Language(r.Customer))
			statuses = append(statuses, r.Letter.Status)
		}
		if letters.WriteManifest(w, p, rs, langs, statuses) != nil {
			return
		}
	}
	w.Flush()
}

func (s *Server) lettersMailed(c *gin.Context) {
	var body struct {
		MailedOn string `json:"mailed_on"`
	}
	if err := decode(c, &body); err != nil {
		writeError(c, err)
		return
	}
	b, err := s.store.MarkLettersMailed(c.Request.Context(), c.Param("id"), body.MailedOn)
	if err != nil {
		writeError(c, err)
		return
	}
	s.respondBatch(c, http.StatusOK, b)
}

// lettersReturned takes a returned-mail file (CSV or text, one reference
// per line under an optional "reference" header).
func (s *Server) lettersReturned(c *gin.Context) {
	raw, err := io.ReadAll(c.Request.Body)
	if err != nil {
		writeError(c, err)
		return
	}
	b, n, err := s.store.RecordReturned(c.Request.Context(), c.Param("id"), store.ParseReturned(string(raw)))
	if err != nil {
		writeError(c, err)
		return
	}
	a4, us, err := s.store.CountLetters(c.Request.Context(), b.ID)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"batch": toLetterBatchResponse(b, letters.Parts(a4, us)), "newly_returned": n})
}
