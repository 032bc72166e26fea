package console

import (
	"bytes"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/candor-dev/candor"
	"github.com/gin-gonic/gin"
)

// sampleOption is one customer to preview as: "c:<id>" a real customer of
// the incident, "l:<locale>" a sample customer of that locale.
type draftSample struct {
	Value, Label string
	Selected     bool
}

// maxSamples bounds the real customers offered (one query each).
const draftMaxSamples = 24

// samples lists one customer per language and country among the
// incident's customers, then a sample customer for each variant language
// no customer reads; the selected one is want, else the first that reads
// the variant key's language. A regulator report or a statement has no
// customer: its options are its variants' languages.
func (cs *Console) draftSamples(c *gin.Context, d candor.Disclosure, categories []string, key, want string) []draftSample {
	ctx := c.Request.Context()
	var out []draftSample
	langs := map[string]bool{}
	if d.Kind == candor.KindCustomerNotice {
		places, err := cs.store.CustomerPlaceLocales(ctx, d.IncidentID)
		if err != nil {
			cs.cfg.Logger.ErrorContext(ctx, "console samples", "error", err.Error())
		}
		seen := map[[2]string]bool{}
		for _, p := range places {
			k := [2]string{p.Locale, p.Country}
			if seen[k] || len(out) >= draftMaxSamples {
				continue
			}
			seen[k] = true
			page, err := cs.store.ListCustomers(ctx, candor.CustomerFilter{IncidentID: d.IncidentID, Country: p.Country, Locale: p.Locale, Limit: 1})
			if err != nil || len(page.Items) == 0 {
				continue
			}
			cu := page.Items[0]
			out = append(out, draftSample{Value: "c:" + cu.ID, Label: draftDash(cu.Locale) + " · " + draftDash(cu.Country) + " — " + cu.Name})
			langs[draftLanguage(cu.Locale)] = true
		}
	}
	for _, k := range slices.Sorted(maps.Keys(d.Variants)) {
		lg := draftLanguage(k)
		if langs[lg] {
			continue
		}
		langs[lg] = true
		label := lg
		if d.Kind == candor.KindCustomerNotice {
			label = tr(lang(c), "draft_sample_customer", lg)
		}
		out = append(out, draftSample{Value: "l:" + lg, Label: label})
	}
	sel := -1
	for i, o := range out {
		if o.Value == want {
			sel = i
		}
	}
	if sel < 0 {
		for i, o := range out {
			if strings.HasPrefix(o.Label, draftLanguage(key)) || o.Value == "l:"+draftLanguage(key) {
				sel = i
				break
			}
		}
	}
	if sel < 0 && len(out) > 0 {
		sel = 0
	}
	if sel >= 0 {
		out[sel].Selected = true
	}
	return out
}

func draftDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// languageOf is a variant key's or locale's language: "en@US-CA" → "en",
// "pt-BR" → "pt".
func draftLanguage(key string) string {
	if l, err := candor.LanguageKey(key); err == nil {
		return l
	}
	l, _, _ := strings.Cut(key, "@")
	l, _, _ = strings.Cut(l, "-")
	return strings.ToLower(l)
}

type draftPanelData struct {
	Lang, CSSHash                     string
	Subject, HTML, Text, Locale, Whom string
	Sample                            bool
	Fallbacks                         []string
	Errors                            []string
}

// previewPanel renders the preview panel the editor frames: the subject,
// the HTML part in a sandboxed frame and the text part, exactly as sent,
// for the chosen customer. GET shows the stored revision; POST (the
// editor's Preview button, or its script after typing pauses) what was
// typed.
func (cs *Console) previewPanel(c *gin.Context) {
	l, ctx := lang(c), c.Request.Context()
	d, err := cs.store.GetDisclosure(ctx, c.Param("id"))
	if err != nil {
		cs.fail(c, err)
		return
	}
	// The incident (for its language) is read while the preview renders:
	// under a send each round trip waits for a CPU.
	var in candor.Incident
	var inErr error
	read := make(chan struct{})
	go func() { in, inErr = cs.store.GetIncident(ctx, d.IncidentID); close(read) }()
	defer func() { <-read }()
	key, sample, content := c.Query("variant"), c.Query("sample"), d.DisclosureContent
	if c.Request.Method == http.MethodPost {
		f := draftTypedForm(c)
		key, sample = c.PostForm("variant"), f.Sample
		content = draftTypedContent(d, key, f)
	}
	pd := draftPanelData{Lang: l, CSSHash: cs.cssHash}
	if cs.cfg.Drafts == nil {
		pd.Errors = []string{tr(l, "error")}
		cs.renderPanel(c, http.StatusServiceUnavailable, pd)
		return
	}
	locale, customer := draftLanguage(key), ""
	if id, ok := strings.CutPrefix(sample, "c:"); ok {
		customer, locale = id, ""
	} else if lg, ok := strings.CutPrefix(sample, "l:"); ok {
		locale = lg
	}
	p, err := cs.cfg.Drafts.Preview(ctx, d, content, locale, customer)
	if <-read; inErr != nil {
		cs.fail(c, inErr)
		return
	}
	if err != nil {
		if !draftFormError(err) && candor.ErrorCode(err) != candor.ENOTFOUND {
			cs.cfg.Logger.ErrorContext(ctx, "console preview", "error", err.Error())
			pd.Errors = []string{tr(l, "error")}
		} else {
			pd.Errors = draftMessages(err)
		}
		cs.renderPanel(c, http.StatusUnprocessableEntity, pd)
		return
	}
	pd.Subject, pd.HTML, pd.Text, pd.Locale, pd.Sample = p.Subject, p.HTML, p.Text, p.Locale, p.Sample
	for _, fb := range p.Fallbacks {
		pd.Fallbacks = append(pd.Fallbacks, tr(l, "draft_fallback", draftFallbackName(l, fb.Field), fb.Language, in.Language()))
	}
	cs.renderPanel(c, http.StatusOK, pd)
}

// fallbackName names a fact in the console's words: "summary",
// "events.<id>.description" is "a timeline entry".
func draftFallbackName(l, field string) string {
	switch {
	case strings.HasPrefix(field, "events."):
		return tr(l, "draft_fact_event")
	case field == "reporting_entity.name":
		return tr(l, "draft_fact_entity")
	}
	return tr(l, "draft_fact_"+field)
}

func (cs *Console) renderPanel(c *gin.Context, status int, pd draftPanelData) {
	var buf bytes.Buffer
	if err := cs.pages["disclosure"].ExecuteTemplate(&buf, "draft_panel", pd); err != nil {
		cs.cfg.Logger.ErrorContext(c.Request.Context(), "console render", "page", "draft_panel", "error", err.Error())
		c.AbortWithStatus(http.StatusInternalServerError)
		return
	}
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
	c.Abort()
}
