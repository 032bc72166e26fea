package console

import (
	"context"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/faq"
	"github.com/candor-dev/candor/store"
	"github.com/gin-gonic/gin"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
	"golang.org/x/text/width"
)

// callCentreStore is what the call-centre page needs from the store: the
// incident's FAQs and the languages of their approved revisions.
type callCentreStore interface {
	GetIncident(ctx context.Context, id string) (candor.Incident, error)
	GetDisclosure(ctx context.Context, id string) (candor.Disclosure, error)
	ListDisclosures(ctx context.Context, incidentID, cursor string, n int) (store.Page[candor.Disclosure], error)
	ApprovedRevision(ctx context.Context, disclosureID string) (candor.Disclosure, candor.Revision, error)
}

// CallCentreActions are the API's own call-centre pack (api.Server
// provides them), so that what the console shows and downloads is what the
// API answers, with the same checks.
type CallCentreActions interface {
	// CallVolume is GET /incidents/{id}/call-volume under m (validated as
	// the API's query: EINVALID naming rate or post_days).
	CallVolume(ctx context.Context, incidentID string, m faq.Model) (faq.Volume, error)
	// CallCentreCSV is GET /disclosures/{id}/call-centre.csv.
	CallCentreCSV(ctx context.Context, faqID string) (name string, csv []byte, err error)
	// CallCentrePDF is GET /disclosures/{id}/call-centre.pdf under m.
	CallCentrePDF(ctx context.Context, faqID string, m faq.Model) (name string, pdf []byte, err error)
}

// callCentreRoutes mounts the page (viewer, as the API's call volume) and
// its downloads (comms, as the API's).
func (cs *Console) callCentreRoutes(in *gin.RouterGroup) {
	in.GET("/incidents/:id/call-centre", cs.callCentrePage)
	in.GET("/disclosures/:id/call-centre.csv", cs.need(candor.RoleComms), cs.callCentreCSV)
	in.GET("/disclosures/:id/call-centre.pdf", cs.need(candor.RoleComms), cs.callCentrePDF)
}

// ccForm is the estimate's form as typed: the rate as a percentage (a
// person types 3 for 3 in 100), the post's delay in days.
type ccForm struct {
	Rate, PostDays string
	Errors         map[string]string
}

// ccFormFrom reads the form from the query; absent fields are the
// model's defaults.
func ccFormFrom(c *gin.Context) ccForm {
	f := ccForm{Rate: pct(faq.DefaultModel.Rate), PostDays: strconv.Itoa(faq.DefaultModel.PostDays)}
	if v, ok := c.GetQuery("rate"); ok {
		f.Rate = v
	}
	if v, ok := c.GetQuery("post_days"); ok {
		f.PostDays = v
	}
	return f
}

// model turns what was typed into the API's model. Full-width digits (as
// a Japanese keyboard types them) and a trailing % are accepted; the
// percentage becomes a share by moving the decimal point ("3" is read as
// "3e-2"), so that 3 here is exactly the API's rate=0.03. What does not
// parse is out of bounds, for faq.Model.Validate to name.
func (f ccForm) model() faq.Model {
	m := faq.DefaultModel
	rate := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(width.Narrow.String(f.Rate)), "%"))
	if r, err := strconv.ParseFloat(rate+"e-2", 64); err == nil && !strings.ContainsAny(rate, "eEpPxX_") {
		m.Rate = r
	} else {
		m.Rate = math.NaN()
	}
	if n, err := strconv.Atoi(strings.TrimSpace(width.Narrow.String(f.PostDays))); err == nil {
		m.PostDays = n
	} else {
		m.PostDays = -1
	}
	return m
}

// query is the form as the PDF link carries it.
func (f ccForm) query() string {
	return "?" + url.Values{"rate": {f.Rate}, "post_days": {f.PostDays}}.Encode()
}

type ccFAQ struct {
	ID, Title, Languages string
	Revision             int
}

type ccDay struct {
	Date           string
	Email, Letters int
	Calls          string
}

type ccVolume struct {
	Model, TimeZone string
	Days            []ccDay
	Email, Letters  int
	Total           string
}

type callCentreData struct {
	ID, Title   string
	MayDownload bool
	FAQs        []ccFAQ
	Waiting     int // FAQs drafted or in review, none approved
	Form        ccForm
	PackQuery   string
	Volume      *ccVolume
}

func (cs *Console) callCentrePage(c *gin.Context) {
	cs.renderCallCentre(c, c.Param("id"), ccFormFrom(c))
}

// renderCallCentre shows the incident's approved FAQs with their downloads
// and the calls to expect under the typed model (422 with the problems
// beside the fields when the API's validation refuses it).
func (cs *Console) renderCallCentre(c *gin.Context, incidentID string, form ccForm) {
	l, ctx := lang(c), c.Request.Context()
	if cs.cfg.CallCentre == nil {
		cs.renderError(c, http.StatusServiceUnavailable, "cc_unavailable")
		return
	}
	in, err := cs.store.GetIncident(ctx, incidentID)
	if err != nil {
		cs.fail(c, err)
		return
	}
	d := callCentreData{ID: in.ID, Title: localTitle(in, l), MayDownload: may(c, candor.RoleComms), Form: form}
	if d.FAQs, d.Waiting, err = cs.approvedFAQs(ctx, in.ID, l); err != nil {
		cs.fail(c, err)
		return
	}
	status := http.StatusOK
	vol, err := cs.cfg.CallCentre.CallVolume(ctx, in.ID, form.model())
	switch {
	case candor.ErrorCode(err) == candor.EINVALID:
		d.Form.Errors = map[string]string{}
		for _, fe := range candor.ErrorFields(err) {
			d.Form.Errors[fe.Field] = tr(l, "cc_bad_"+fe.Field)
		}
		status = http.StatusUnprocessableEntity
	case err != nil:
		cs.fail(c, err)
		return
	default:
		d.PackQuery = form.query()
		d.Volume = volumeView(l, vol)
	}
	cs.render(c, status, "callcentre", tr(l, "cc_title")+" · "+d.Title, d)
}

// approvedFAQs lists the incident's approved FAQs, oldest first, each with
// its approved revision's languages (the default first, as the pack
// orders them), and counts the FAQs not approved yet.
func (cs *Console) approvedFAQs(ctx context.Context, incidentID, l string) ([]ccFAQ, int, error) {
	var out []ccFAQ
	waiting, cursor := 0, ""
	for {
		page, err := cs.store.ListDisclosures(ctx, incidentID, cursor, 100)
		if err != nil {
			return nil, 0, err
		}
		for _, d := range page.Items {
			if d.Kind != candor.KindFAQ {
				continue
			}
			if d.State != candor.DisclosureApproved {
				waiting++
				continue
			}
			_, rev, err := cs.store.ApprovedRevision(ctx, d.ID)
			if err != nil {
				return nil, 0, err
			}
			out = append(out, ccFAQ{ID: d.ID, Title: d.Title, Revision: rev.Number, Languages: languageNames(l, faq.Languages(
				candor.PublishedFAQ{DefaultLocale: rev.Content.DefaultLocale, Variants: variantsOf(rev.Content)}))})
		}
		if page.NextCursor == nil {
			return out, waiting, nil
		}
		cursor = *page.NextCursor
	}
}

// variantsOf gives faq.Languages the revision's languages to order.
func variantsOf(c candor.DisclosureContent) map[string]candor.FAQText {
	m := make(map[string]candor.FAQText, len(c.Variants))
	for loc := range c.Variants {
		m[loc] = candor.FAQText{}
	}
	return m
}

// languageNames names BCP 47 tags in the console's language, with the tag:
// "Japanese (ja)", "タイ語 (th)".
func languageNames(l string, tags []string) string {
	namer := display.Languages(language.English)
	sep := ", "
	if l == "ja" {
		namer, sep = display.Languages(language.Japanese), "、"
	}
	names := make([]string, 0, len(tags))
	for _, t := range tags {
		n := t
		if tag, err := language.Parse(t); err == nil {
			if s := namer.Name(tag); s != "" {
				n = s + " (" + t + ")"
			}
		}
		names = append(names, n)
	}
	return strings.Join(names, sep)
}

// volumeView is the estimate as the page shows it: dates in the
// incident's zone (the API computed them there), calls to one decimal,
// and the model in words.
func volumeView(l string, v faq.Volume) *ccVolume {
	out := &ccVolume{TimeZone: v.TimeZone, Total: calls(v.Total)}
	for _, d := range v.Days {
		out.Days = append(out.Days, ccDay{Date: formatDate(l, d.Date), Email: d.Email, Letters: d.Letters, Calls: calls(d.Calls)})
		out.Email += d.Email
		out.Letters += d.Letters
	}
	first, rest := "", make([]string, 0, len(v.Model.Profile))
	for i, s := range v.Model.Profile {
		if i == 0 {
			first = pct(s) + "%"
			continue
		}
		rest = append(rest, pct(s)+"%")
	}
	sep := ", "
	if l == "ja" {
		sep = "、"
	}
	out.Model = tr(l, "cc_model", pct(v.Model.Rate)+"%", first, strings.Join(rest, sep), v.Model.PostDays, v.TimeZone)
	return out
}

// pct is a share as a percentage without float noise: 0.07 is "7", not
// "7.000000000000001".
func pct(share float64) string {
	return strconv.FormatFloat(math.Round(share*1e6)/1e4, 'f', -1, 64)
}

func calls(n float64) string { return strconv.FormatFloat(n, 'f', -1, 64) }

// callCentreCSV downloads the FAQ's sheet: the API's bytes and headers.
func (cs *Console) callCentreCSV(c *gin.Context) {
	if cs.cfg.CallCentre == nil {
		cs.renderError(c, http.StatusServiceUnavailable, "cc_unavailable")
		return
	}
	name, b, err := cs.cfg.CallCentre.CallCentreCSV(c.Request.Context(), c.Param("id"))
	if err != nil {
		cs.callCentreFail(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Data(http.StatusOK, "text/csv; charset=utf-8", b)
}

// callCentrePDF downloads the pack under the model typed on the page; a
// bad value (a link edited by hand) shows the page again with it.
func (cs *Console) callCentrePDF(c *gin.Context) {
	if cs.cfg.CallCentre == nil {
		cs.renderError(c, http.StatusServiceUnavailable, "cc_unavailable")
		return
	}
	ctx, form := c.Request.Context(), ccFormFrom(c)
	name, b, err := cs.cfg.CallCentre.CallCentrePDF(ctx, c.Param("id"), form.model())
	if modelRefused(err) {
		d, gerr := cs.store.GetDisclosure(ctx, c.Param("id"))
		if gerr != nil {
			cs.fail(c, gerr)
			return
		}
		cs.renderCallCentre(c, d.IncidentID, form)
		return
	}
	if err != nil {
		cs.callCentreFail(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Data(http.StatusOK, "application/pdf", b)
}

// modelRefused reports whether err refuses the estimate's values alone.
func modelRefused(err error) bool {
	fields := candor.ErrorFields(err)
	for _, f := range fields {
		if f.Field != "rate" && f.Field != "post_days" {
			return false
		}
	}
	return candor.ErrorCode(err) == candor.EINVALID && len(fields) > 0
}

// callCentreFail answers a refused download as the API's status: not a
// FAQ (422), not approved (409), no Chromium (503).
func (cs *Console) callCentreFail(c *gin.Context, err error) {
	fields := candor.ErrorFields(err)
	switch candor.ErrorCode(err) {
	case candor.EINVALID:
		if len(fields) == 0 || fields[0].Field != "faq" {
			cs.fail(c, err) // an approved FAQ that no longer renders
			return
		}
		cs.renderError(c, http.StatusUnprocessableEntity, "cc_not_faq")
	case candor.ECONFLICT:
		cs.renderError(c, http.StatusConflict, "cc_not_approved")
	case candor.EUNAVAILABLE:
		cs.renderError(c, http.StatusServiceUnavailable, "cc_no_pdf")
	default:
		cs.fail(c, err)
	}
}
