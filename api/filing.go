package api

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/deadline"
	"github.com/candor-dev/candor/evidence"
	"github.com/candor-dev/candor/filing"
	"github.com/candor-dev/candor/jurisdictions"
	"github.com/candor-dev/candor/pdf"
	"github.com/gin-gonic/gin"
)

// FilingStore records filings made outside Candor and reads what filing
// packs are filled from.
type FilingStore interface {
	IncidentStatement(ctx context.Context, incidentID string) (slug string, publishAt time.Time, err error)
	ApprovedDisclosures(ctx context.Context, incidentID string) ([]candor.Disclosure, error)
	ListFilings(ctx context.Context, incidentID string) ([]candor.Filing, error)
	GetFiling(ctx context.Context, id string) (candor.Filing, error)
	FilingReceipt(ctx context.Context, id string) (candor.Filing, []byte, error)
	CreateFiling(ctx context.Context, f candor.Filing, receipt []byte) (candor.Filing, error)
	// The evidence bundle's reads.
	IncidentDisclosures(ctx context.Context, incidentID string) ([]candor.Disclosure, error)
	AllRevisions(ctx context.Context, disclosureID string) ([]candor.Revision, error)
	ListSends(ctx context.Context, disclosureID string) ([]candor.Send, error)
	ListPublications(ctx context.Context, incidentID string, now time.Time) ([]candor.Publication, error)
	IncidentAudit(ctx context.Context, incidentID string) ([]candor.AuditEntry, error)
	AuditHead(ctx context.Context) (seq int64, hash string, err error)
	ListDecisions(ctx context.Context, incidentID, obligationID string) ([]candor.Decision, error)
}

// Printer prints HTML to PDF (package pdf); nil answers 503.
type Printer interface {
	Print(ctx context.Context, html []byte, page pdf.Page) ([]byte, error)
}

// filingUploadLimit bounds a filing's multipart body: the receipt and a
// few short fields.
const filingUploadLimit = candor.MaxReceiptBytes + 64<<10

func (s *Server) filingConfig() (filing.Config, error) {
	if s.cfg.Rules == nil {
		return filing.Config{}, candor.Errorf(candor.EUNAVAILABLE, "the rule catalogue is not loaded")
	}
	forms, err := jurisdictions.FilingForms(s.cfg.Rules)
	if err != nil {
		return filing.Config{}, candor.Errorf(candor.EUNAVAILABLE, "the filing forms are not loaded: %v", err)
	}
	return filing.Config{Forms: forms, Rules: s.cfg.Rules, Calendar: s.cfg.Calendar, Org: s.cfg.Org, BaseURL: s.cfg.BaseURL}, nil
}

func (s *Server) listFilingPacks(c *gin.Context) {
	cfg, err := s.filingConfig()
	if err != nil {
		writeError(c, err)
		return
	}
	now := time.Now().UTC()
	asOf, err := deadline.ParseAsOf("as_of", c.Query("as_of"), now)
	if err != nil {
		writeError(c, err)
		return
	}
	in, packs, err := filing.Load(c.Request.Context(), s.store, c.Param("id"), cfg, asOf, now)
	if err != nil {
		writeError(c, err)
		return
	}
	if packs == nil {
		packs = []filing.Pack{}
	}
	filed := in.Filed
	if filed == nil {
		filed = []candor.Filing{}
	}
	c.JSON(http.StatusOK, gin.H{"items": packs, "filed": filed, "next_cursor": nil, "disclaimer": jurisdictions.Disclaimer})
}

// getFiling serves a pack ("<incident>.<obligation>[.<CC>]", as JSON, or as
// a PDF with the suffix .pdf) or a recorded filing (its id).
func (s *Server) getFiling(c *gin.Context) {
	id := c.Param("id")
	asPDF := strings.HasSuffix(id, ".pdf")
	id = strings.TrimSuffix(strings.TrimSuffix(id, ".pdf"), ".json")
	if _, _, _, isPack := filing.ParsePackID(id); !isPack {
		if asPDF {
			writeError(c, candor.Errorf(candor.ENOTFOUND, "filing pack not found"))
			return
		}
		f, err := s.store.GetFiling(c.Request.Context(), id)
		if err != nil {
			writeError(c, err)
			return
		}
		c.JSON(http.StatusOK, f)
		return
	}
	cfg, err := s.filingConfig()
	if err != nil {
		writeError(c, err)
		return
	}
	now := time.Now()
	p, err := filing.LoadPack(c.Request.Context(), s.store, id, cfg, now)
	if err != nil {
		writeError(c, err)
		return
	}
	if !asPDF {
		c.JSON(http.StatusOK, p)
		return
	}
	out, err := s.printPack(c.Request.Context(), p, now)
	if err != nil {
		writeError(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="`+p.FormID+`-`+p.Version+`.pdf"`)
	c.Data(http.StatusOK, "application/pdf", out)
}

func (s *Server) printPack(ctx context.Context, p filing.Pack, now time.Time) ([]byte, error) {
	if s.cfg.Printer == nil {
		return nil, candor.Errorf(candor.EUNAVAILABLE, "PDF printing is not configured (install chromium or set CANDOR_CHROMIUM)")
	}
	html, err := filing.HTML(p, now)
	if err != nil {
		return nil, err
	}
	out, err := s.cfg.Printer.Print(ctx, html, pdf.A4)
	if errors.Is(err, pdf.ErrNoChromium) {
		return nil, candor.Errorf(candor.EUNAVAILABLE, "%v", err)
	}
	return out, err
}

// getFilingReceipt serves a recorded filing's receipt as it was uploaded,
// as an attachment, never rendered by the browser in the API's origin.
func (s *Server) getFilingReceipt(c *gin.Context) {
	f, b, err := s.store.FilingReceipt(c.Request.Context(), c.Param("id"))
	if err != nil {
		writeError(c, err)
		return
	}
	c.Header("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": receiptFileName(f)}))
	c.Header("X-Content-Type-Options", "nosniff")
	c.Header("Digest", "sha-256="+f.Receipt.SHA256)
	c.Data(http.StatusOK, f.Receipt.ContentType, b)
}

// receiptFileName is the name a receipt is served and bundled under.
func receiptFileName(f candor.Filing) string {
	ext := map[string]string{"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg", "message/rfc822": ".eml"}[f.Receipt.ContentType]
	if ext == "" {
		ext = ".txt"
	}
	return "receipt-" + f.ID + ext
}

// createFiling records a filing (multipart/form-data: filed_at, channel,
// reference, pack_id, pack_version, and the receipt file).
func (s *Server) createFiling(c *gin.Context) {
	f, receipt, err := readFilingForm(c.Request)
	if err != nil {
		writeError(c, err)
		return
	}
	cfg, err := s.filingConfig()
	if err != nil {
		writeError(c, err)
		return
	}
	out, st, err := filing.Record(c.Request.Context(), s.store, cfg, c.Param("id"), c.Param("obligation_id"), f, receipt, time.Now())
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"filing": out, "obligation": toObligationResponse(st)})
}

// readFilingForm streams the multipart body: the text fields, and the
// receipt read up to one byte past its limit.
func readFilingForm(r *http.Request) (candor.Filing, []byte, error) {
	var f candor.Filing
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		return f, nil, candor.Errorf(candor.EUNSUPPORTED, "send multipart/form-data with filed_at, channel, reference and the receipt file")
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return f, nil, candor.Errorf(candor.EBADREQUEST, "multipart body: %v", err)
	}
	var receipt []byte
	seen := false
	var bad candor.Validation
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return f, nil, candor.Errorf(candor.ETOOLARGE, "receipt is larger than %d MiB", candor.MaxReceiptBytes>>20)
			}
			return f, nil, candor.Errorf(candor.EBADREQUEST, "multipart body: %v", err)
		}
		name := part.FormName()
		if name == "receipt" {
			seen = true
			f.Receipt.Name = part.FileName()
			receipt, err = io.ReadAll(io.LimitReader(part, candor.MaxReceiptBytes+1))
			if err != nil {
				var mbe *http.MaxBytesError
				if errors.As(err, &mbe) {
					return f, nil, candor.Errorf(candor.ETOOLARGE, "receipt is larger than %d MiB", candor.MaxReceiptBytes>>20)
				}
				return f, nil, candor.Errorf(candor.EBADREQUEST, "receipt: %v", err)
			}
			if len(receipt) > candor.MaxReceiptBytes {
				return f, nil, candor.Errorf(candor.ETOOLARGE, "receipt is larger than %d MiB", candor.MaxReceiptBytes>>20)
			}
			continue
		}
		b, err := io.ReadAll(io.LimitReader(part, 4<<10))
		if err != nil {
			return f, nil, candor.Errorf(candor.EBADREQUEST, "multipart body: %v", err)
		}
		v := string(b)
		switch name {
		case "filed_at":
			t, err := time.Parse(time.RFC3339, strings.TrimSpace(v))
			if err != nil {
				bad.Add("filed_at", "must be an RFC 3339 time, such as 2020-06-14T10:00:00+09:00")
			}
			f.FiledAt = t
		case "channel":
			f.Channel = v
		case "reference":
			f.Reference = v
		case "pack_id":
			f.PackID = strings.TrimSpace(v)
		case "pack_version":
			f.PackVersion = strings.TrimSpace(v)
		}
	}
	if !seen {
		bad.Add("receipt", "is required: the authority's receipt or confirmation (PDF, PNG, JPEG, .eml or text)")
	}
	return f, receipt, bad.Err()
}

// evidenceBundle serves the incident's evidence bundle (package evidence):
// its files, the report (PDF when a printer is configured) and the manifest.
// buildEvidence builds the incident's evidence bundle, for the API and the
// console alike.
func (s *Server) buildEvidence(ctx context.Context, incidentID string, cfg filing.Config) ([]byte, error) {
	var printer evidence.Printer
	if s.cfg.Printer != nil {
		printer = s.cfg.Printer
	}
	out, err := evidence.Build(ctx, s.store, incidentID, cfg, printer, time.Now())
	if errors.Is(err, pdf.ErrNoChromium) {
		err = candor.Errorf(candor.EUNAVAILABLE, "%v", err)
	}
	return out, err
}

func (s *Server) evidenceBundle(c *gin.Context) {
	cfg, err := s.filingConfig()
	if err != nil {
		writeError(c, err)
		return
	}
	out, err := s.buildEvidence(c.Request.Context(), c.Param("id"), cfg)
	if err != nil {
		writeError(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="evidence-`+c.Param("id")+`.zip"`)
	c.Data(http.StatusOK, "application/zip", out)
}
