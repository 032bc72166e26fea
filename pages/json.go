package pages

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/candor-dev/candor"
)

// StatementDoc is a statement page as JSON (Accept: application/json): the
// same content as the HTML page, in the same language.
type StatementDoc struct {
	Slug            string       `json:"slug"`
	URL             string       `json:"url"`
	Lang            string       `json:"lang"`
	DefaultLanguage string       `json:"default_language"`
	Languages       []LangDoc    `json:"languages"`
	Version         int          `json:"version"`      // the version shown, from 1
	Current         bool         `json:"current"`      // it is the latest version
	State           string       `json:"state"`        // published or withdrawn
	Title           string       `json:"title"`        // empty when withdrawn
	HTML            string       `json:"html"`         // the statement's body; empty when withdrawn
	Text            string       `json:"text"`         // the same as plain text
	PublishedAt     time.Time    `json:"published_at"` // first publication (of this version, on a version page)
	UpdatedAt       time.Time    `json:"updated_at"`   // the last visible change
	WithdrawnAt     *time.Time   `json:"withdrawn_at"`
	Events          []EventDoc   `json:"events"`
	FAQ             *FAQDoc      `json:"faq,omitempty"` // published with this version; absent without
	Versions        []VersionDoc `json:"versions"`      // every version, oldest first
}

// FAQDoc is the questions and answers published under a statement, in the
// page's language when the FAQ has it.
type FAQDoc struct {
	Lang  string           `json:"lang"`
	Title string           `json:"title"`
	Items []candor.FAQItem `json:"items"`
}

// LangDoc is one language a page is offered in.
type LangDoc struct {
	Lang string `json:"lang"`
	Name string `json:"name"`
	URL  string `json:"url"`
}

// EventDoc is one public timeline entry.
type EventDoc struct {
	Date        string `json:"date"` // 2020-06-11, or an RFC 3339 instant
	DateOnly    bool   `json:"date_only"`
	Description string `json:"description"`
}

// VersionDoc is one version of a statement.
type VersionDoc struct {
	Version     int        `json:"version"`
	URL         string     `json:"url"`
	PublishedAt time.Time  `json:"published_at"`
	WithdrawnAt *time.Time `json:"withdrawn_at"`
}

// StatementJSON is StatementHTML's content as JSON.
func (s *Site) StatementJSON(st Statement, n int, loc string, l Links) ([]byte, error) {
	doc, err := s.StatementDoc(st, n, loc, l)
	if err != nil {
		return nil, err
	}
	return json.MarshalIndent(doc, "", "  ")
}

// StatementDoc builds the JSON document of a page (also the webhook's body).
func (s *Site) StatementDoc(st Statement, n int, loc string, l Links) (StatementDoc, error) {
	p, k, ok := st.Shown(n)
	if !ok || p.Content == nil {
		return StatementDoc{}, candor.Errorf(candor.ENOTFOUND, "statement not found")
	}
	loc = langFor(p, loc)
	abs := func(lang string) string {
		u := l.absStatement(st.Slug)
		if n != 0 {
			u = l.absVersion(st.Slug, k)
		}
		if lang != "" && !l.static {
			u += "?lang=" + lang
		}
		return u
	}
	doc := StatementDoc{Slug: st.Slug, URL: abs(""), Lang: loc, DefaultLanguage: p.Content.DefaultLocale,
		Version: k, Current: k == len(st.Versions), State: "published", PublishedAt: p.PublishAt,
		UpdatedAt: st.Updated(), Events: []EventDoc{}, Languages: []LangDoc{}, Versions: []VersionDoc{}}
	if n == 0 {
		doc.PublishedAt = st.Published()
	}
	for _, lang := range locales(p) {
		doc.Languages = append(doc.Languages, LangDoc{Lang: lang, Name: languageName(lang), URL: abs(lang)})
	}
	if p.State == candor.PublicationRetracted {
		doc.State = "withdrawn"
		at := retractedAt(p)
		doc.WithdrawnAt = &at
	} else {
		text := p.Content.Variants[loc]
		doc.Title, doc.HTML, doc.Text = text.Title, s.clean.clean(text.HTML), text.Text
		for _, e := range p.Content.Events {
			d := EventDoc{DateOnly: e.DateOnly, Description: e.Description, Date: e.Date.UTC().Format(time.RFC3339)}
			if e.DateOnly {
				d.Date = e.Date.UTC().Format(candor.DateLayout)
			}
			doc.Events = append(doc.Events, d)
		}
		if f := s.faqFor(p.Content, loc); f != nil {
			fd := &FAQDoc{Lang: f.Lang, Title: f.Title}
			for i, it := range p.Content.FAQ.Variants[f.Lang].Items {
				fd.Items = append(fd.Items, candor.FAQItem{Question: it.Question, AnswerHTML: string(f.Items[i].Answer), Answer: it.Answer})
			}
			doc.FAQ = fd
		}
	}
	for i, v := range st.Versions {
		vd := VersionDoc{Version: i + 1, URL: l.absVersion(st.Slug, i+1), PublishedAt: v.PublishAt}
		if v.State == candor.PublicationRetracted {
			at := retractedAt(v)
			vd.WithdrawnAt = &at
		}
		doc.Versions = append(doc.Versions, vd)
	}
	return doc, nil
}

// IndexDoc is the list of statements as JSON.
type IndexDoc struct {
	Items []IndexItemDoc `json:"items"`
}

// IndexItemDoc is one statement in the list.
type IndexItemDoc struct {
	Slug        string     `json:"slug"`
	URL         string     `json:"url"`
	Lang        string     `json:"lang"`
	Title       string     `json:"title"`
	State       string     `json:"state"`
	PublishedAt time.Time  `json:"published_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	WithdrawnAt *time.Time `json:"withdrawn_at"`
	Versions    int        `json:"versions"`
	Languages   []string   `json:"languages"`
}

// IndexJSON lists the statements, newest first, titled in loc where they
// have it.
func (s *Site) IndexJSON(sts []Statement, loc string, l Links) ([]byte, error) {
	doc := IndexDoc{Items: []IndexItemDoc{}}
	for _, st := range sts {
		cur := st.Current()
		if cur.Content == nil {
			continue
		}
		lang := Negotiate(st.Locales(), loc, "")
		it := IndexItemDoc{Slug: st.Slug, URL: l.absStatement(st.Slug), Lang: lang, State: "published",
			PublishedAt: st.Published(), UpdatedAt: st.Updated(), Versions: len(st.Versions),
			Languages: slices.Clone(st.Locales())}
		if st.Withdrawn() {
			it.State = "withdrawn"
			at := retractedAt(cur)
			it.WithdrawnAt = &at
		} else {
			it.Title = cur.Content.Variants[lang].Title
		}
		doc.Items = append(doc.Items, it)
	}
	return json.MarshalIndent(doc, "", "  ")
}
