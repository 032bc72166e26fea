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
	"github.com/candor-dev/candor/geo"
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
	// RecordLetterPages keeps where a part's letters lie in its PDF.
	RecordLetterPages(ctx context.Context, batchID string, ps []store.LetterPages) error
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
	PartSize     int               `json:"part_size"`
	Parts        []letters.Part    `json:"parts,omitempty"`
}

func toLetterBatchResponse(b candor.LetterBatch, parts []letters.Part) letterBatchResponse {
	r := letterBatchResponse{ID: b.ID, DisclosureID: b.DisclosureID, IncidentID: b.IncidentID, Revision: b.Revision,
		State: b.State, Filter: b.Filter, Total: b.Total, Returned: b.Returned, DownloadedAt: b.DownloadedAt, CreatedAt: b.CreatedAt, PartSize: b.PartSize, Parts: parts}
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
	b, err := s.createLetters(c.Request.Context(), c.Param("id"), body.Filter)
	if err != nil {
		writeError(c, err)
		return
	}
	s.respondBatch(c, http.StatusCreated, b)
}

// createLetters makes a letter batch with the filter checked and put in
// canonical form as a send's is (422 naming filter.countries and so on),
// so that "jp" picks the customers a send to "JP" would.
func (s *Server) createLetters(ctx context.Context, disclosureID string, f candor.SendFilter) (candor.LetterBatch, error) {
	nf, err := f.Normalize(geo.Table{}, &geo.Locales{})
	if err != nil {
		return candor.LetterBatch{}, err
	}
	return s.store.CreateLetterBatch(ctx, disclosureID, nf)
}

func (s *Server) respondBatch(c *gin.Context, status int, b candor.LetterBatch) {
	a4, us, err := s.store.CountLetters(c.Request.Context(), b.ID)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(status, toLetterBatchResponse(b, letters.Parts(b, a4, us)))
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

// batchPart loads part n (1-based) of a batch and its letters, those of
// erased customers left out (no address to print).
func (s *Server) batchPart(ctx context.Context, id string, n int) (candor.LetterBatch, letters.Part, []store.LetterRecipient, error) {
	b, err := s.store.GetLetterBatch(ctx, id)
	if err != nil {
		return b, letters.Part{}, nil, err
	}
	a4, us, err := s.store.CountLetters(ctx, b.ID)
	if err != nil {
		return b, letters.Part{}, nil, err
	}
	parts := letters.Parts(b, a4, us)
	if len(parts) == 0 {
		return b, letters.Part{}, nil, candor.Errorf(candor.ECONFLICT, "the batch has no letters")
	}
	if n < 1 || n > len(parts) {
		return b, letters.Part{}, nil, candor.Invalid(candor.FieldError{Field: "part", Message: "must be a part of this batch, 1 to " + strconv.Itoa(len(parts))})
	}
	p := parts[n-1]
	rows, err := s.store.BatchLetters(ctx, b.ID, p.Paper == "Letter", p.Offset, p.Letters)
	if err != nil {
		return b, p, nil, err
	}
	return b, p, printable(rows), nil
}

// printable leaves out the letters of customers erased since the batch
// was made.
func printable(rows []store.LetterRecipient) []store.LetterRecipient {
	out := rows[:0:0]
	for _, r := range rows {
		if !r.Customer.Erased() {
			out = append(out, r)
		}
	}
	return out
}

// recipients are the letters to print or list, with their pages once known.
func recipients(rows []store.LetterRecipient) []letters.Recipient {
	rs := make([]letters.Recipient, len(rows))
	for i, r := range rows {
		rs[i] = letters.Recipient{Reference: r.Letter.Reference, Customer: r.Customer, FirstPage: r.Letter.FirstPage, Pages: r.Letter.Pages}
	}
	return rs
}

// lettersPDF is GET /letter-batches/{id}/letters.pdf?part=N: the part's
// letters, print-ready (A4, or US Letter for US and CA).
func (s *Server) lettersPDF(c *gin.Context) {
	n := 1
	if q := c.Query("part"); q != "" {
		var err error
		if n, err = strconv.Atoi(q); err != nil || n < 1 {
			writeError(c, candor.Invalid(candor.FieldError{Field: "part", Message: "must be a part of this batch, a number from 1"}))
			return
		}
	}
	name, out, err := s.printLetters(c.Request.Context(), c.Param("id"), n)
	if err != nil {
		writeError(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Data(http.StatusOK, "application/pdf", out)
}

// printLetters prints part n of a batch and records the download: the
// API's letters.pdf and the console's alike.
func (s *Server) printLetters(ctx context.Context, id string, n int) (string, []byte, error) {
	b, p, rows, err := s.batchPart(ctx, id, n)
	if err != nil {
		return "", nil, err
	}
	rs := recipients(rows)
	if s.cfg.Printer == nil {
		return "", nil, candor.Errorf(candor.EUNAVAILABLE, "PDF printing is not configured (install chromium or set CANDOR_CHROMIUM)")
	}
	src, ok := s.store.(letters.Source)
	if !ok {
		return "", nil, errors.New("letters: the store cannot load the incident's facts")
	}
	book, err := letters.Open(ctx, src, b, s.cfg.Org, s.cfg.BaseURL, time.Now())
	if err != nil {
		return "", nil, err
	}
	paper := pdf.A4
	if p.Paper == "Letter" {
		paper = pdf.Letter
	}
	paper.Untagged = true // paper only: see pdf.Page
	html, _, err := book.DocumentFor(ctx, p.Paper, rs)
	if err != nil {
		return "", nil, err
	}
	out, err := s.cfg.Printer.Print(ctx, html, paper)
	if errors.Is(err, pdf.ErrNoChromium) {
		err = candor.Errorf(candor.EUNAVAILABLE, "%v", err)
	}
	if err != nil {
		return "", nil, err
	}
	if err := s.store.MarkLettersDownloaded(ctx, b.ID); err != nil {
		return "", nil, err
	}
	if s.cfg.BaseURL != "" { // else no lookup links to find the letters by
		if err := s.recordPages(ctx, b.ID, rows, out); err != nil {
			// The PDF is right; only the manifest's pages are missing.
			s.cfg.Logger.ErrorContext(ctx, "letters: pages not recorded", "batch", b.ID, "part", p.Part, "error", err.Error())
		}
	}
	return "letters-" + b.ID + "-part" + strconv.Itoa(p.Part) + ".pdf", out, nil
}

// recordPages finds where each letter lies in the printed PDF and keeps
// it for the manifest.
func (s *Server) recordPages(ctx context.Context, batchID string, rows []store.LetterRecipient, doc []byte) error {
	links, err := pdf.PageLinks(doc)
	if err != nil {
		return err
	}
	refs := make([]string, len(rows))
	for i, r := range rows {
		refs[i] = r.Letter.Reference
	}
	spans, err := letters.Spans(links, refs)
	if err != nil {
		return err
	}
	ps := make([]store.LetterPages, len(rows))
	for i, r := range rows {
		ps[i] = store.LetterPages{LetterID: r.Letter.ID, FirstPage: spans[i].FirstPage, Pages: spans[i].Pages}
	}
	return s.store.RecordLetterPages(ctx, batchID, ps)
}

// lettersManifest is GET /letter-batches/{id}/manifest.csv: every letter
// of the batch, part by part.
func (s *Server) lettersManifest(c *gin.Context) {
	write, name, err := s.letterManifest(c.Request.Context(), c.Param("id"))
	if err != nil {
		writeError(c, err)
		return
	}
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Status(http.StatusOK)
	write(c.Writer) //nolint:errcheck // the status is sent: a cut CSV
}

// letterManifest loads a batch and returns what writes its manifest, part
// by part, and the file's name; an unknown batch is an error before
// anything is written.
func (s *Server) letterManifest(ctx context.Context, id string) (func(io.Writer) error, string, error) {
	b, err := s.store.GetLetterBatch(ctx, id)
	if err != nil {
		return nil, "", err
	}
	src, ok := s.store.(letters.Source)
	if !ok {
		return nil, "", errors.New("letters: the store cannot load the incident's facts")
	}
	book, err := letters.Open(ctx, src, b, s.cfg.Org, s.cfg.BaseURL, time.Now())
	if err != nil {
		return nil, "", err
	}
	a4, us, err := s.store.CountLetters(ctx, b.ID)
	if err != nil {
		return nil, "", err
	}
	write := func(out io.Writer) error {
		w := csv.NewWriter(out)
		w.Write(letters.ManifestHeader) //nolint:errcheck // flushed below
		for _, p := range letters.Parts(b, a4, us) {
			rows, err := s.store.BatchLetters(ctx, b.ID, p.Paper == "Letter", p.Offset, p.Letters)
			if err != nil {
				return err
			}
			rows = printable(rows)
			rs := recipients(rows)
			langs, statuses := make([]string, len(rows)), make([]string, len(rows))
			for i, r := range rows {
				langs[i], statuses[i] = book.Language(r.Customer), r.Letter.Status
			}
			if err := letters.WriteManifest(w, p, rs, langs, statuses); err != nil {
				return err
			}
		}
		w.Flush()
		return w.Error()
	}
	return write, "manifest-" + b.ID + ".csv", nil
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
	c.JSON(http.StatusOK, gin.H{"batch": toLetterBatchResponse(b, letters.Parts(b, a4, us)), "newly_returned": n})
}
