package pages

import (
	"net/url"
	"strconv"
	"strings"
)

// Links makes the addresses a page links to. On the live site they are
// absolute URLs under the base URL, a language being ?lang=; in the static
// export they are file paths relative to the page being written, one file
// per language (index.ja.html), so the export works from any directory.
// Feed entries always get absolute URLs.
type Links struct {
	base   string // live: CANDOR_BASE_URL; static: where the export will be served, may be ""
	static bool
	here   string // static: the path of the page being written, from the export's root
}

// LiveLinks links the pages served at base + /statements.
func LiveLinks(base string) Links { return Links{base: strings.TrimRight(base, "/")} }

// StaticLinks links the files of an export that will be served at base
// (its index at base + "/"); here is the path of the page being written.
func StaticLinks(base, here string) Links {
	return Links{base: strings.TrimRight(base, "/"), static: true, here: here}
}

// At returns the links for another page of the same export.
func (l Links) At(here string) Links { l.here = here; return l }

func (l Links) live(p, lang string) string {
	u := l.base + "/statements" + p
	if lang != "" {
		u += "?lang=" + url.QueryEscape(lang)
	}
	return u
}

// file is the export's file for a page directory and language.
func file(dir, lang string) string {
	name := "index.html"
	if lang != "" {
		name = "index." + lang + ".html"
	}
	if dir == "" {
		return name
	}
	return dir + "/" + name
}

func (l Links) rel(target string) string {
	return strings.Repeat("../", strings.Count(l.here, "/")) + target
}

// Index is the list of statements, in lang ("" for the default).
func (l Links) Index(lang string) string {
	if l.static {
		return l.rel(file("", lang))
	}
	return l.live("", lang)
}

// Statement is a statement's page, in lang ("" for the reader's choice).
func (l Links) Statement(slug, lang string) string {
	if l.static {
		return l.rel(file(slug, lang))
	}
	return l.live("/"+slug, lang)
}

// Version is version n of a statement, in lang.
func (l Links) Version(slug string, n int, lang string) string {
	if l.static {
		return l.rel(file(slug+"/v/"+strconv.Itoa(n), lang))
	}
	return l.live("/"+slug+"/v/"+strconv.Itoa(n), lang)
}

// Feed is the Atom feed.
func (l Links) Feed() string {
	if l.static {
		return l.rel("feed.atom")
	}
	return l.base + "/statements/feed.atom"
}

// absStatement is a statement's absolute address, for feed entries and
// webhooks.
func (l Links) absStatement(slug string) string {
	if l.static {
		return l.base + "/" + slug + "/"
	}
	return l.base + "/statements/" + slug
}

func (l Links) absVersion(slug string, n int) string {
	if l.static {
		return l.base + "/" + slug + "/v/" + strconv.Itoa(n) + "/"
	}
	return l.base + "/statements/" + slug + "/v/" + strconv.Itoa(n)
}

func (l Links) absIndex() string {
	if l.static {
		return l.base + "/"
	}
	return l.base + "/statements"
}

func (l Links) absFeed() string {
	if l.static {
		return l.base + "/feed.atom"
	}
	return l.base + "/statements/feed.atom"
}

// StatementFile and VersionFile name the export's files (for the export
// command): dir/index.lang.html.
func StatementFile(slug, lang string) string { return file(slug, lang) }
func VersionFile(slug string, n int, lang string) string {
	return file(slug+"/v/"+strconv.Itoa(n), lang)
}
func IndexFile(lang string) string { return file("", lang) }
