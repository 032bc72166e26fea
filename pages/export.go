package pages

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"

	"github.com/candor-dev/candor"
)

// safeLocale guards file names: canonical BCP 47 tags are letters, digits
// and '-', and nothing else may reach a path.
var safeLocale = regexp.MustCompile(`^[A-Za-z0-9-]{1,64}$`)

// Export writes the statements in pubs (those public now, as
// store.VisiblePublications returns them) as static files under dir, for a
// site that will serve them at base (e.g. https://www.example.com/statements):
//
//	index.html, index.<lang>.html            the list, in each language
//	feed.atom                                the Atom feed
//	<slug>/index.html, index.<lang>.html     each statement, in each language
//	<slug>/v/<n>/index.html, index.<lang>.html   every version
//
// index.html is the default language's page. Links between the files are
// relative. It returns the files written, relative to dir.
func (s *Site) Export(dir, base string, pubs []candor.Publication) ([]string, error) {
	sts := Group(pubs)
	var written []string
	write := func(rel string, b []byte) error {
		path := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			return err
		}
		written = append(written, rel)
		return nil
	}
	// page writes one page in each language, and index.html in the first.
	page := func(file func(lang string) string, langs []string, render func(loc string, l Links) ([]byte, error)) error {
		for i, loc := range langs {
			if !safeLocale.MatchString(loc) {
				continue
			}
			names := []string{file(loc)}
			if i == 0 {
				names = append(names, file(""))
			}
			for _, name := range names {
				b, err := render(loc, StaticLinks(base, name))
				if err != nil {
					return fmt.Errorf("export %s: %w", name, err)
				}
				if err := write(name, b); err != nil {
					return fmt.Errorf("export %s: %w", name, err)
				}
			}
		}
		return nil
	}
	if err := page(IndexFile, indexLocales(sts), func(loc string, l Links) ([]byte, error) { return s.IndexHTML(sts, loc, l) }); err != nil {
		return written, err
	}
	feed, err := s.Feed(sts, StaticLinks(base, "feed.atom"))
	if err != nil {
		return written, err
	}
	if err := write("feed.atom", feed); err != nil {
		return written, err
	}
	for _, st := range sts {
		if candor.ValidateSlug(st.Slug) != nil {
			continue
		}
		err := page(func(lang string) string { return StatementFile(st.Slug, lang) }, st.PageLocales(0),
			func(loc string, l Links) ([]byte, error) { return s.StatementHTML(st, 0, loc, l) })
		if err != nil {
			return written, err
		}
		for n := 1; n <= len(st.Versions); n++ {
			err := page(func(lang string) string { return VersionFile(st.Slug, n, lang) }, st.PageLocales(n),
				func(loc string, l Links) ([]byte, error) { return s.StatementHTML(st, n, loc, l) })
			if err != nil {
				return written, err
			}
		}
	}
	return written, nil
}
