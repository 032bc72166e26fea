// Package templates holds Candor's embedded templates: the default
// disclosure variants a new draft can start from ("from_default"), in
// defaults/<kind>/<locale>.{subject.txt,body.html[,text.txt]}. Page layouts
// for public statements live beside them in pages/, with their own
// embed.
//
// The defaults follow the shape of a published breach statement: Summary,
// Course of events, Impact, Future actions and a contact point; regulator
// reports add the organisation, the categories and approximate numbers of
// people concerned, likely consequences and measures taken. They are a
// starting point for legal review, not advice: each makes only claims that
// hold for almost any incident ("we have taken steps to contain it"), and
// says "being determined" where data is missing.
package templates

import (
	"embed"
	"io/fs"
	"path"
	"strings"

	"github.com/candor-dev/candor"
)

// DefaultLocale is the default locale of every default disclosure.
const DefaultLocale = "en"

// The embedded files are read-only; this is the package's only state.
//
//go:embed defaults
var defaults embed.FS

// Defaults returns the default variants of kind, keyed by locale, and the
// default locale; nil and "" for an unknown kind. The map is the caller's
// to change.
func Defaults(kind candor.DisclosureKind) (map[string]candor.Variant, string) {
	if !kind.Valid() {
		return nil, ""
	}
	dir := path.Join("defaults", string(kind))
	entries, err := fs.ReadDir(defaults, dir)
	if err != nil {
		return nil, ""
	}
	variants := make(map[string]candor.Variant)
	for _, e := range entries {
		loc, part, ok := strings.Cut(e.Name(), ".")
		if !ok {
			continue
		}
		b, err := fs.ReadFile(defaults, path.Join(dir, e.Name()))
		if err != nil {
			return nil, ""
		}
		v := variants[loc]
		switch part {
		case "subject.txt":
			v.Subject = strings.TrimSpace(string(b))
		case "body.html":
			v.Body = string(b)
		case "text.txt":
			v.Text = string(b)
		default:
			continue
		}
		variants[loc] = v
	}
	return variants, DefaultLocale
}
