package pages

import (
	"bytes"
	"fmt"
	"html/template"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/render"
)

type dateView struct{ Text, ISO string }

type langLink struct {
	Lang, Name, Href string
	Current          bool
}

// frame is what layout.html needs.
type frame struct {
	Lang, Dir, Title    string
	Org                 render.OrgView
	Canonical, XDefault string
	Alternates          []langLink
	Languages           []langLink
	IndexHref, FeedHref string
	CheckHref           string // the reference lookup page (check.go)
	CSS                 template.CSS
	CSP                 string // exported files only: the policy as a <meta>, there being no header
	T                   map[string]string
}

type versionNote struct{ Text, Href, Link string }

type eventView struct {
	Date        dateView
	Description string
}

type versionItem struct {
	Label, Href string
	Published   dateView
	Withdrawn   string
}

type statementPage struct {
	frame
	Withdrawn   string
	Published   dateView
	Updated     *dateView
	VersionNote *versionNote
	Body        template.HTML
	Events      []eventView
	FAQ         *faqView
	Versions    []versionItem
}

type indexItem struct {
	Lang, Title, Href, Summary, Withdrawn string
	Published                             dateView
	Updated                               *dateView
}

type indexPage struct {
	frame
	Items []indexItem
}

// when is a moment as pages show it: date and time in the site's zone.
func (s *Site) when(loc string, t time.Time) dateView { return s.whenIn("", loc, t) }

// whenIn is when in the zone of an incident (a publication's TimeZone),
// which is where its dates are read; "" or an unknown zone is the site's.
func (s *Site) whenIn(zone, loc string, t time.Time) dateView {
	z := s.cfg.Location
	if zone != "" {
		if l, err := time.LoadLocation(zone); err == nil {
			z = l
		}
	}
	t = t.In(z)
	return dateView{Text: render.FormatDate(loc, t) + " " + t.Format("15:04 MST"), ISO: t.UTC().Format(time.RFC3339)}
}

func (s *Site) eventDate(zone, loc string, e candor.StatementEvent) dateView {
	if e.DateOnly {
		return dateView{Text: render.FormatDate(loc, e.Date.UTC()), ISO: e.Date.UTC().Format(candor.DateLayout)}
	}
	return s.whenIn(zone, loc, e.Date)
}

func (s *Site) frame(loc, title string, l Links) frame {
	f := frame{Lang: loc, Dir: direction(loc), Title: title, Org: s.cfg.Org, IndexHref: l.Index(loc),
		FeedHref: l.Feed(), CheckHref: l.Check(loc), CSS: s.css, T: words(loc)}
	if l.static {
		f.CSP = s.metaPolicy()
	}
	return f
}

// langFor is loc if version p has it, else p's default: a link never points
// at a language (or an exported file) that does not exist.
func langFor(p candor.Publication, loc string) string {
	if p.Content != nil {
		if _, ok := p.Content.Variants[loc]; ok {
			return loc
		}
		return p.Content.DefaultLocale
	}
	return loc
}

// Shown returns the version a page shows: n (from 1), or the current one
// for n == 0, and its number.
func (st Statement) Shown(n int) (candor.Publication, int, bool) {
	if n == 0 {
		return st.Current(), len(st.Versions), true
	}
	p, ok := st.Version(n)
	return p, n, ok
}

// PageLocales lists the languages version n (0: current) is offered in,
// its default first.
func (st Statement) PageLocales(n int) []string {
	p, _, ok := st.Shown(n)
	if !ok {
		return nil
	}
	return locales(p)
}

// StatementHTML renders a statement's page in loc (one of PageLocales(n)):
// the current version for n == 0, else version n.
func (s *Site) StatementHTML(st Statement, n int, loc string, l Links) ([]byte, error) {
	p, k, ok := st.Shown(n)
	if !ok || p.Content == nil {
		return nil, candor.Errorf(candor.ENOTFOUND, "statement not found")
	}
	loc = langFor(p, loc)
	w := words(loc)
	href := func(lang string) string {
		if n == 0 {
			return l.Statement(st.Slug, lang)
		}
		return l.Version(st.Slug, k, lang)
	}
	text := p.Content.Variants[loc]
	page := statementPage{frame: s.frame(loc, text.Title, l)}
	page.Canonical = href(loc)
	if !l.static {
		page.XDefault = href("")
	}
	for _, lang := range locales(p) {
		link := langLink{Lang: lang, Name: languageName(lang), Href: href(lang), Current: lang == loc}
		page.Alternates = append(page.Alternates, link)
		page.Languages = append(page.Languages, link)
	}
	published := p.PublishAt
	if n == 0 {
		published = st.Published()
		if len(st.Versions) > 1 {
			u := s.whenIn(p.Content.TimeZone, loc, p.PublishAt)
			page.Updated = &u
		}
	} else if k != len(st.Versions) {
		cur := st.Current()
		page.VersionNote = &versionNote{Text: wordf(w, "version_note", k, s.whenIn(p.Content.TimeZone, loc, p.PublishAt).Text),
			Href: l.Statement(st.Slug, langFor(cur, loc)), Link: w["read_current"]}
	}
	page.Published = s.whenIn(p.Content.TimeZone, loc, published)
	if p.State == candor.PublicationRetracted {
		page.Title = w["withdrawn_title"]
		page.Withdrawn = wordf(w, "withdrawn", s.whenIn(p.Content.TimeZone, loc, published).Text, s.whenIn(p.Content.TimeZone, loc, retractedAt(p)).Text)
	} else {
		// Rendered by html/template when scheduled, and sanitised then; once
		// more here, for publications stored before the sanitiser.
		page.Body = template.HTML(s.clean.clean(text.HTML))
		page.FAQ = s.faqFor(p.Content, loc)
		if !text.ShowsEvents {
			events := p.Content.Events
			if text.Events != nil { // the timeline in this language
				events = text.Events
			}
			for _, e := range events {
				page.Events = append(page.Events, eventView{Date: s.eventDate(p.Content.TimeZone, loc, e), Description: e.Description})
			}
		}
	}
	for i, v := range slices.Backward(st.Versions) {
		if i+1 == k {
			continue
		}
		item := versionItem{Label: wordf(w, "version", i+1), Published: s.whenIn(p.Content.TimeZone, loc, v.PublishAt)}
		if v.State == candor.PublicationRetracted {
			item.Withdrawn = wordf(w, "version_withdrawn", s.whenIn(p.Content.TimeZone, loc, retractedAt(v)).Text)
		} else if i+1 == len(st.Versions) {
			item.Href = l.Statement(st.Slug, langFor(v, loc))
		} else {
			item.Href = l.Version(st.Slug, i+1, langFor(v, loc))
		}
		page.Versions = append(page.Versions, item)
	}
	return s.execute("statement.html", page)
}

func retractedAt(p candor.Publication) time.Time {
	if p.RetractedAt != nil {
		return *p.RetractedAt
	}
	return p.PublishAt
}

// IndexHTML renders the list of statements (newest first, as Group orders
// them) in loc, one of IndexLocales.
func (s *Site) IndexHTML(sts []Statement, loc string, l Links) ([]byte, error) {
	w := words(loc)
	page := indexPage{frame: s.frame(loc, w["statements"], l)}
	page.Canonical = l.Index(loc)
	if !l.static {
		page.XDefault = l.Index("")
	}
	for _, lang := range indexLocales(sts) {
		link := langLink{Lang: lang, Name: languageName(lang), Href: l.Index(lang), Current: lang == loc}
		page.Alternates = append(page.Alternates, link)
		page.Languages = append(page.Languages, link)
	}
	for _, st := range sts {
		cur := st.Current()
		if cur.Content == nil {
			continue
		}
		lang := Negotiate(st.Locales(), loc, "")
		iw := words(lang)
		text := cur.Content.Variants[lang]
		item := indexItem{Lang: lang, Title: text.Title, Href: l.Statement(st.Slug, lang),
			Published: s.whenIn(cur.Content.TimeZone, lang, st.Published()), Summary: summary(text.Text)}
		if len(st.Versions) > 1 {
			u := s.whenIn(cur.Content.TimeZone, lang, cur.PublishAt)
			item.Updated = &u
		}
		if st.Withdrawn() {
			item.Title, item.Summary = iw["withdrawn_title"], ""
			item.Withdrawn = wordf(iw, "withdrawn", item.Published.Text, s.whenIn(cur.Content.TimeZone, lang, retractedAt(cur)).Text)
		}
		page.Items = append(page.Items, item)
	}
	return s.execute("index.html", page)
}

// NotFoundHTML is the page for any address with nothing public behind it:
// an unknown slug and one under embargo get the same bytes.
func (s *Site) NotFoundHTML(acceptLanguage string, l Links) ([]byte, error) {
	loc := Negotiate([]string{"en", "ja", "th", "id", "fil"}, "", acceptLanguage)
	page := s.frame(loc, words(loc)["notfound_title"], l)
	return s.execute("notfound.html", page)
}

func (s *Site) execute(name string, data any) ([]byte, error) {
	var buf bytes.Buffer
	if err := s.tpl.ExecuteTemplate(&buf, name, data); err != nil {
		return nil, fmt.Errorf("pages: render %s: %w", name, err)
	}
	return buf.Bytes(), nil
}

// summary is the opening of a statement's text for lists: its first 240
// characters, on one line.
func summary(text string) string {
	s := strings.Join(strings.Fields(text), " ")
	if utf8.RuneCountInString(s) <= 240 {
		return s
	}
	r := []rune(s)[:240]
	return strings.TrimSpace(string(r)) + "…"
}
