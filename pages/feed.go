package pages

import (
	"time"

	"github.com/gorilla/feeds"
)

// FeedUpdated is the feed's last change: the latest statement's, or the
// epoch when there is none (an Atom feed must say when it was updated).
func FeedUpdated(sts []Statement) time.Time {
	u := time.Unix(0, 0).UTC()
	for _, st := range sts {
		if t := st.Updated(); t.After(u) {
			u = t
		}
	}
	return u
}

// Feed renders the statements as an Atom feed: one entry per statement,
// in its default language, updated when a new version or a withdrawal was
// published. A withdrawn statement stays in the feed as its notice, so
// that mirrors learn of the withdrawal.
func (s *Site) Feed(sts []Statement, l Links) ([]byte, error) {
	w := words("en")
	title := w["statements"]
	if s.cfg.Org.Name != "" {
		title = s.cfg.Org.Name + " — " + title
	}
	feed := &feeds.AtomFeed{
		Xmlns:   "http://www.w3.org/2005/Atom",
		Title:   title,
		Id:      l.absIndex(),
		Updated: FeedUpdated(sts).Format(time.RFC3339),
		Link:    &feeds.AtomLink{Href: l.absFeed(), Rel: "self", Type: "application/atom+xml"},
		Author:  &feeds.AtomAuthor{AtomPerson: feeds.AtomPerson{Name: orDefault(s.cfg.Org.Name, "Candor"), Email: s.cfg.Org.ContactEmail}},
	}
	for _, st := range sts {
		cur := st.Current()
		if cur.Content == nil {
			continue
		}
		loc := cur.Content.DefaultLocale
		e := &feeds.AtomEntry{
			Id:        l.absStatement(st.Slug),
			Updated:   st.Updated().UTC().Format(time.RFC3339),
			Published: st.Published().UTC().Format(time.RFC3339),
			Links:     []feeds.AtomLink{{Href: l.absStatement(st.Slug), Rel: "alternate", Type: "text/html"}},
		}
		if st.Withdrawn() {
			ew := words(loc)
			e.Title = ew["withdrawn_title"]
			e.Content = &feeds.AtomContent{Type: "text", Content: wordf(ew, "withdrawn",
				s.when(loc, st.Published()).Text, s.when(loc, retractedAt(cur)).Text)}
		} else {
			text := cur.Content.Variants[loc]
			e.Title = text.Title
			e.Summary = &feeds.AtomSummary{Type: "text", Content: summary(text.Text)}
			e.Content = &feeds.AtomContent{Type: "html", Content: s.clean.clean(text.HTML)}
		}
		feed.Entries = append(feed.Entries, e)
	}
	x, err := feeds.ToXML(feed)
	if err != nil {
		return nil, err
	}
	return []byte(x + "\n"), nil
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
