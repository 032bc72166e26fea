package pages

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html/template"
	"io/fs"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/render"
	"github.com/candor-dev/candor/templates"
)

// Config is what every page needs to know about the site.
type Config struct {
	BaseURL  string         // absolute, e.g. https://candor.example.com; links and feed ids start with it
	Org      render.OrgView // named in the header and footer
	Location *time.Location // the zone dates and times are shown in; nil is UTC
}

// Site renders pages. It is safe for concurrent use.
type Site struct {
	cfg   Config
	tpl   *template.Template
	css   template.CSS
	hash  string // of css, for the Content-Security-Policy
	clean *cleanMemo
}

// New parses the embedded layouts.
func New(cfg Config) (*Site, error) {
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	css, err := fs.ReadFile(templates.Pages, "pages/style.css")
	if err != nil {
		return nil, fmt.Errorf("pages: read style: %w", err)
	}
	tpl, err := template.New("pages").Option("missingkey=error").ParseFS(templates.Pages, "pages/*.html")
	if err != nil {
		return nil, fmt.Errorf("pages: parse layouts: %w", err)
	}
	sum := sha256.Sum256(css)
	return &Site{cfg: cfg, tpl: tpl, css: template.CSS(css), hash: "sha256-" + base64.StdEncoding.EncodeToString(sum[:]), clean: newCleanMemo()}, nil
}

// ContentSecurityPolicy is the policy every page is served with: nothing
// may load but the page's own inline style (allowed by its hash) and
// same-origin images; no script, font, frame or form.
func (s *Site) ContentSecurityPolicy() string {
	return "default-src 'none'; style-src '" + s.hash + "'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
}

// metaPolicy is ContentSecurityPolicy for a <meta http-equiv> in the static
// export, where whoever serves the files may send no header at all. A
// browser ignores frame-ancestors in a <meta> (and says so in its
// console), so it is left out; the rest is the live pages' policy.
func (s *Site) metaPolicy() string {
	return strings.TrimSuffix(s.ContentSecurityPolicy(), "; frame-ancestors 'none'")
}

// Statement is one slug with its public versions, oldest first; the last
// is the current one. Build it from what is visible at now only.
type Statement struct {
	Slug     string
	Versions []candor.Publication
}

// Current is the version the page shows.
func (st Statement) Current() candor.Publication { return st.Versions[len(st.Versions)-1] }

// Published is when the statement first went public.
func (st Statement) Published() time.Time { return st.Versions[0].PublishAt }

// Updated is the last change the public can see: the latest version's
// publication, or a withdrawal after it.
func (st Statement) Updated() time.Time {
	var u time.Time
	for _, v := range st.Versions {
		if v.PublishAt.After(u) {
			u = v.PublishAt
		}
		if v.RetractedAt != nil && v.RetractedAt.After(u) {
			u = *v.RetractedAt
		}
	}
	return u
}

// Withdrawn reports whether the current version was retracted.
func (st Statement) Withdrawn() bool { return st.Current().State == candor.PublicationRetracted }

// Version returns version n (from 1) and true, or false when there is none.
func (st Statement) Version(n int) (candor.Publication, bool) {
	if n < 1 || n > len(st.Versions) {
		return candor.Publication{}, false
	}
	return st.Versions[n-1], true
}

// Group turns visible publications (by slug, oldest first, as
// store.VisiblePublications returns them) into statements, the most
// recently updated first.
func Group(pubs []candor.Publication) []Statement {
	by := map[string]*Statement{}
	var order []string
	for _, p := range pubs {
		st, ok := by[p.Slug]
		if !ok {
			st = &Statement{Slug: p.Slug}
			by[p.Slug] = st
			order = append(order, p.Slug)
		}
		st.Versions = append(st.Versions, p)
	}
	out := make([]Statement, 0, len(order))
	for _, slug := range order {
		st := by[slug]
		sort.SliceStable(st.Versions, func(i, j int) bool {
			a, b := st.Versions[i], st.Versions[j]
			return a.PublishAt.Before(b.PublishAt) || a.PublishAt.Equal(b.PublishAt) && a.ID < b.ID
		})
		out = append(out, *st)
	}
	sort.SliceStable(out, func(i, j int) bool {
		ui, uj := out[i].Updated(), out[j].Updated()
		return ui.After(uj) || ui.Equal(uj) && out[i].Slug < out[j].Slug
	})
	return out
}

// locales lists a version's languages, its default first, then sorted.
func locales(p candor.Publication) []string {
	if p.Content == nil {
		return nil
	}
	keys := slices.Sorted(maps.Keys(p.Content.Variants))
	if i := slices.Index(keys, p.Content.DefaultLocale); i > 0 {
		keys = slices.Insert(slices.Delete(keys, i, i+1), 0, p.Content.DefaultLocale)
	}
	return keys
}

// Locales lists the languages of a statement's page: those of its current
// version, the default first.
func (st Statement) Locales() []string { return locales(st.Current()) }

// indexLocales lists the languages the index is offered in: every
// language of any statement's current version, the most recently updated
// one's default first, then those only earlier versions have; English when
// there is none.
func indexLocales(sts []Statement) []string {
	var out []string
	for _, st := range sts {
		for _, l := range st.Locales() {
			if !slices.Contains(out, l) {
				out = append(out, l)
			}
		}
	}
	// Earlier versions link to the index in their language too.
	for _, st := range sts {
		for _, v := range st.Versions {
			for _, l := range locales(v) {
				if !slices.Contains(out, l) {
					out = append(out, l)
				}
			}
		}
	}
	if len(out) == 0 {
		return []string{"en"}
	}
	return out
}

// IndexLocales is indexLocales for callers outside (the export).
func IndexLocales(sts []Statement) []string { return indexLocales(sts) }
