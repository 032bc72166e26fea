package console

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/letters"
	"github.com/candor-dev/candor/store"
	"github.com/gin-gonic/gin"
)

// lettersStore is what the letters page needs from the store: the batches
// and their life, recorded by the same calls as the API's.
type lettersStore interface {
	GetIncident(ctx context.Context, id string) (candor.Incident, error)
	GetDisclosure(ctx context.Context, id string) (candor.Disclosure, error)
	ListDisclosures(ctx context.Context, incidentID, cursor string, n int) (store.Page[candor.Disclosure], error)
	GetLetterBatch(ctx context.Context, id string) (candor.LetterBatch, error)
	ListLetterBatches(ctx context.Context, incidentID string) ([]candor.LetterBatch, error)
	CountLetters(ctx context.Context, batchID string) (a4, usLetter int, err error)
	MarkLettersMailed(ctx context.Context, id, mailedOn string) (candor.LetterBatch, error)
	RecordReturned(ctx context.Context, id string, lines []store.ReturnedLine) (candor.LetterBatch, int, error)
}

// LetterActions are the API's own letter operations (api.Server provides
// them): the filter checked as a send's, the PDF printed and its download
// recorded, the manifest written, exactly as the API does.
type LetterActions interface {
	// CreateLetters is POST /disclosures/{id}/letters.
	CreateLetters(ctx context.Context, disclosureID string, f candor.SendFilter) (candor.LetterBatch, error)
	// LettersPDF is GET /letter-batches/{id}/letters.pdf?part=N.
	LettersPDF(ctx context.Context, batchID string, part int) (name string, pdf []byte, err error)
	// LettersManifest is GET /letter-batches/{id}/manifest.csv: an unknown
	// batch fails before anything is written.
	LettersManifest(ctx context.Context, batchID string) (write func(io.Writer) error, name string, err error)
}

// returnsUpload bounds a returned-mail file: 100,000 references of 17
// characters and a line end are under 2 MB.
const returnsUpload = 4 << 20

// lettersRoutes mounts the letters page and its forms, each with the API
// route's role (api/routes.go).
func (cs *Console) lettersRoutes(in *gin.RouterGroup) {
	in.GET("/incidents/:id/letters", cs.lettersPage)
	in.POST("/disclosures/:id/letters", limitForm, cs.checkCSRF, cs.need(candor.RoleLegal), cs.createLetters)
	in.GET("/letter-batches/:id/letters.pdf", cs.need(candor.RoleComms), cs.lettersPDF)
	in.GET("/letter-batches/:id/manifest.csv", cs.need(candor.RoleComms), cs.lettersManifest)
	in.POST("/letter-batches/:id/mailed", limitForm, cs.checkCSRF, cs.need(candor.RoleLegal), cs.lettersMailed)
	in.POST("/letter-batches/:id/returned", limitReturns, cs.checkCSRF, cs.need(candor.RoleLegal), cs.lettersReturned)
}

// limitReturns is limitForm for the multipart returned-mail form.
func limitReturns(c *gin.Context) {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, returnsUpload)
	if err := c.Request.ParseMultipartForm(1 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			c.AbortWithStatus(http.StatusRequestEntityTooLarge)
			return
		}
		if err := c.Request.ParseForm(); err != nil {
			c.AbortWithStatus(http.StatusBadRequest)
			return
		}
	}
	c.Next()
}

// letterForm is the make-a-batch form as typed (the send's filter
// fields), and its problems by field.
type letterForm struct {
	DisclosureID, Countries, Regions, Locales string
	Errors                                    map[string]string
}

// batchForm is what was typed into one batch's forms: the mailing day and
// the returned-mail file's problems, by line.
type batchForm struct {
	BatchID, MailedOn, MailedErr, FileErr string
	Lines                                 []candor.FieldError
	More                                  int // lines not shown
}

type letterNotice struct {
	ID, Title string
	Revision  int
	Form      letterForm
}

type batchView struct {
	ID, Notice, State, Created, Downloaded, Mailed, Filter string
	Revision, Total, Returned                              int
	Parts                                                  []letters.Part
	Form                                                   batchForm
}

type lettersData struct {
	ID, Title, Timezone, Today, Done string
	MayMake, MayDownload             bool
	Notices                          []letterNotice
	Batches                          []batchView
}

func (cs *Console) lettersPage(c *gin.Context) {
	cs.renderLetters(c, http.StatusOK, c.Param("id"), letterForm{}, batchForm{})
}

// renderLetters shows the incident's approved customer notices, each with
// the form that makes a batch, and its batches with their life; typed
// forms come back with their values and problems.
func (cs *Console) renderLetters(c *gin.Context, status int, incidentID string, typed letterForm, bf batchForm) {
	l, ctx := lang(c), c.Request.Context()
	if cs.cfg.Letters == nil {
		cs.renderError(c, http.StatusServiceUnavailable, "letters_unavailable")
		return
	}
	in, err := cs.store.GetIncident(ctx, incidentID)
	if err != nil {
		cs.fail(c, err)
		return
	}
	loc := cs.location(in)
	d := lettersData{ID: in.ID, Title: localTitle(in, l), Timezone: loc.String(), Today: time.Now().In(loc).Format(time.DateOnly),
		MayMake: may(c, candor.RoleLegal), MayDownload: may(c, candor.RoleComms)}
	if n := c.Query("returned"); n != "" && status == http.StatusOK {
		d.Done = tr(l, "letters_returned_done", atoiOr0(n))
	} else if c.Query("mailed") != "" && status == http.StatusOK {
		d.Done = tr(l, "letters_mailed_done")
	}
	page, err := cs.store.ListDisclosures(ctx, in.ID, "", 100)
	if err != nil {
		cs.fail(c, err)
		return
	}
	titles := map[string]string{}
	for _, ds := range page.Items {
		titles[ds.ID] = ds.Title
		if ds.Kind != candor.KindCustomerNotice || ds.State != candor.DisclosureApproved {
			continue
		}
		n := letterNotice{ID: ds.ID, Title: ds.Title, Revision: ds.ApprovedRevision, Form: letterForm{DisclosureID: ds.ID}}
		if typed.DisclosureID == ds.ID {
			n.Form = typed
		}
		d.Notices = append(d.Notices, n)
	}
	batches, err := cs.store.ListLetterBatches(ctx, in.ID)
	if err != nil {
		cs.fail(c, err)
		return
	}
	for _, b := range batches {
		v := batchView{ID: b.ID, Notice: titles[b.DisclosureID], State: tr(l, "letters_state_"+b.State), Created: formatTime(l, b.CreatedAt, loc),
			Revision: b.Revision, Total: b.Total, Returned: b.Returned, Filter: filterText(b.Filter), Form: batchForm{BatchID: b.ID, MailedOn: b.MailedOn}}
		if b.DownloadedAt != nil {
			v.Downloaded = formatTime(l, *b.DownloadedAt, loc)
		}
		if b.MailedOn != "" {
			v.Mailed = formatDate(l, b.MailedOn)
		} else {
			v.Form.MailedOn = d.Today
		}
		if bf.BatchID == b.ID {
			v.Form = bf
		}
		if d.MayDownload {
			a4, us, err := cs.store.CountLetters(ctx, b.ID)
			if err != nil {
				cs.fail(c, err)
				return
			}
			v.Parts = letters.Parts(b, a4, us)
		}
		d.Batches = append(d.Batches, v)
	}
	cs.render(c, status, "letters", tr(l, "letters_title")+" · "+d.Title, d)
}

// filterText is a batch's filter as the send form takes it.
func filterText(f candor.SendFilter) string {
	var parts []string
	for _, l := range [][]string{f.Countries, f.Regions, f.Locales} {
		if len(l) > 0 {
			parts = append(parts, strings.Join(l, ", "))
		}
	}
	return strings.Join(parts, " · ")
}

func atoiOr0(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// createLetters makes a batch from the form, through the API's own
// operation (the filter checked as a send's).
func (cs *Console) createLetters(c *gin.Context) {
	if cs.cfg.Letters == nil {
		cs.renderError(c, http.StatusServiceUnavailable, "letters_unavailable")
		return
	}
	ctx := c.Request.Context()
	f := letterForm{DisclosureID: c.Param("id"), Countries: c.PostForm("countries"), Regions: c.PostForm("regions"), Locales: c.PostForm("locales")}
	d, err := cs.store.GetDisclosure(ctx, f.DisclosureID)
	if err != nil {
		cs.fail(c, err)
		return
	}
	filter := candor.SendFilter{Countries: splitList(f.Countries), Regions: splitList(f.Regions), Locales: splitList(f.Locales)}
	b, err := cs.cfg.Letters.CreateLetters(ctx, d.ID, filter)
	if err != nil {
		cs.formError(c, err, &f.Errors, func(st int) { cs.renderLetters(c, st, d.IncidentID, f, batchForm{}) })
		return
	}
	c.Redirect(http.StatusSeeOther, "/console/incidents/"+b.IncidentID+"/letters#batch-"+b.ID)
}

// batchOf loads the batch a form or download names.
func (cs *Console) batchOf(c *gin.Context) (candor.LetterBatch, bool) {
	if cs.cfg.Letters == nil {
		cs.renderError(c, http.StatusServiceUnavailable, "letters_unavailable")
		return candor.LetterBatch{}, false
	}
	b, err := cs.store.GetLetterBatch(c.Request.Context(), c.Param("id"))
	if err != nil {
		cs.fail(c, err)
		return b, false
	}
	return b, true
}

// lettersMailed records the day the batch was posted: a date in the
// incident's zone, not after its today there.
func (cs *Console) lettersMailed(c *gin.Context) {
	b, ok := cs.batchOf(c)
	if !ok {
		return
	}
	l, ctx := lang(c), c.Request.Context()
	in, err := cs.store.GetIncident(ctx, b.IncidentID)
	if err != nil {
		cs.fail(c, err)
		return
	}
	bf := batchForm{BatchID: b.ID, MailedOn: strings.TrimSpace(c.PostForm("mailed_on"))}
	loc := cs.location(in)
	day, err := time.ParseInLocation(time.DateOnly, bf.MailedOn, loc)
	switch {
	case err != nil:
		bf.MailedErr = tr(l, "letters_bad_date")
	case day.After(time.Now().In(loc)):
		bf.MailedErr = tr(l, "letters_future_date", formatDate(l, time.Now().In(loc).Format(time.DateOnly)))
	}
	if bf.MailedErr == "" {
		if _, err = cs.store.MarkLettersMailed(ctx, b.ID, bf.MailedOn); err != nil {
			if candor.ErrorCode(err) != candor.EINVALID {
				cs.fail(c, err)
				return
			}
			bf.MailedErr = candor.ErrorMessage(err)
		}
	}
	if bf.MailedErr != "" {
		cs.renderLetters(c, http.StatusUnprocessableEntity, b.IncidentID, letterForm{}, bf)
		return
	}
	c.Redirect(http.StatusSeeOther, "/console/incidents/"+b.IncidentID+"/letters?mailed=1#batch-"+b.ID)
}

// maxLineErrors is how many bad lines of a returned-mail file are shown.
const maxLineErrors = 50

// lettersReturned imports a returned-mail file: every bad line is named
// beside the field and nothing is stored, as the API's import.
func (cs *Console) lettersReturned(c *gin.Context) {
	b, ok := cs.batchOf(c)
	if !ok {
		return
	}
	l := lang(c)
	bf := batchForm{BatchID: b.ID, MailedOn: b.MailedOn}
	fh, err := c.FormFile("file")
	if err != nil {
		bf.FileErr = tr(l, "letters_no_file")
		cs.renderLetters(c, http.StatusUnprocessableEntity, b.IncidentID, letterForm{}, bf)
		return
	}
	f, err := fh.Open()
	if err != nil {
		cs.fail(c, err)
		return
	}
	raw, err := io.ReadAll(f)
	f.Close()
	if err != nil {
		cs.fail(c, err)
		return
	}
	_, n, err := cs.store.RecordReturned(c.Request.Context(), b.ID, store.ParseReturned(string(raw)))
	if err != nil {
		if candor.ErrorCode(err) != candor.EINVALID {
			cs.fail(c, err)
			return
		}
		bf.FileErr = tr(l, "letters_file_refused")
		bf.Lines = candor.ErrorFields(err)
		if len(bf.Lines) > maxLineErrors {
			bf.More, bf.Lines = len(bf.Lines)-maxLineErrors, bf.Lines[:maxLineErrors]
		}
		cs.renderLetters(c, http.StatusUnprocessableEntity, b.IncidentID, letterForm{}, bf)
		return
	}
	c.Redirect(http.StatusSeeOther, "/console/incidents/"+b.IncidentID+"/letters?returned="+strconv.Itoa(n)+"#batch-"+b.ID)
}

// lettersPDF downloads a part of a batch, printed by the API's own code
// (which records the download).
func (cs *Console) lettersPDF(c *gin.Context) {
	b, ok := cs.batchOf(c)
	if !ok {
		return
	}
	part := atoiOr0(c.DefaultQuery("part", "1"))
	name, out, err := cs.cfg.Letters.LettersPDF(c.Request.Context(), b.ID, part)
	if err != nil {
		switch candor.ErrorCode(err) {
		case candor.EUNAVAILABLE:
			cs.renderError(c, http.StatusServiceUnavailable, "filing_no_pdf")
		case candor.EINVALID, candor.ECONFLICT:
			cs.renderError(c, http.StatusNotFound, "not_found")
		default:
			cs.fail(c, err)
		}
		return
	}
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Data(http.StatusOK, "application/pdf", out)
}

// lettersManifest downloads the batch's manifest.csv.
func (cs *Console) lettersManifest(c *gin.Context) {
	b, ok := cs.batchOf(c)
	if !ok {
		return
	}
	write, name, err := cs.cfg.Letters.LettersManifest(c.Request.Context(), b.ID)
	if err != nil {
		cs.fail(c, err)
		return
	}
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Status(http.StatusOK)
	if err := write(c.Writer); err != nil {
		// The status is sent: the file is cut short, and the log says why.
		cs.cfg.Logger.ErrorContext(c.Request.Context(), "console manifest", "batch", b.ID, "error", err.Error())
	}
}
