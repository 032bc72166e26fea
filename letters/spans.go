package letters

import (
	"fmt"
	"net/url"
)

// Span is where one letter lies in its part's PDF: the page it begins on
// (from 1) and how many pages it takes.
type Span struct {
	FirstPage, Pages int
}

// Spans finds each letter of a printed part from the links of its pages
// (pdf.PageLinks): a letter begins on the first page whose links include
// its reference's lookup link (DocumentFor puts one at the top of each
// letter) and ends where the next begins. refs are the part's letters in
// print order. A letter not found, or found out of order, is an error: the
// manifest would send a print house's cut to the wrong envelope.
func Spans(pages [][]string, refs []string) ([]Span, error) {
	index := make(map[string]int, len(refs))
	for i, r := range refs {
		index[r] = i
	}
	first := make([]int, len(refs))
	for p, links := range pages {
		for _, l := range links {
			u, err := url.Parse(l)
			if err != nil {
				continue
			}
			if i, ok := index[u.Query().Get("ref")]; ok && first[i] == 0 {
				first[i] = p + 1
			}
		}
	}
	out := make([]Span, len(refs))
	for i := range refs {
		if first[i] == 0 {
			return nil, fmt.Errorf("letters: letter %s is not in the PDF (no link to its reference)", refs[i])
		}
		if i > 0 && first[i] <= first[i-1] {
			return nil, fmt.Errorf("letters: letter %s begins on page %d, not after the letter before it (page %d)", refs[i], first[i], first[i-1])
		}
		end := len(pages) + 1
		if i+1 < len(refs) && first[i+1] > 0 {
			end = first[i+1]
		}
		out[i] = Span{FirstPage: first[i], Pages: end - first[i]}
	}
	return out, nil
}
