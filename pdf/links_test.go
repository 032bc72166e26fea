package pdf_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/candor-dev/candor/pdf"
)

// TestPageLinks prints three sections, each starting on a new sheet with a
// link of its own, the second long enough for several pages, tagged and
// untagged, and finds each link on the page pdfinfo and pdftotext put it.
func TestPageLinks(t *testing.T) {
	p := newPrinter(t)
	long := strings.Repeat("<p>"+strings.Repeat("Lorem ipsum dolor sit amet. ", 40)+"</p>", 12)
	body := `<section><a href="https://example.com/check?ref=A">A</a><p>one</p></section>` +
		`<section style="break-before:page"><a href="https://example.com/check?ref=B">B</a>` + long + `<a href="mailto:x@example.com">mail</a></section>` +
		`<section style="break-before:page"><a href="https://example.com/check?ref=(C)">C</a><p>三</p></section>`
	for _, untagged := range []bool{false, true} {
		t.Run("untagged="+strconv.FormatBool(untagged), func(t *testing.T) {
			pg := pdf.A4
			pg.Untagged = untagged
			out, err := p.Print(context.Background(), doc("en", body), pg)
			if err != nil {
				t.Fatal(err)
			}
			links, err := pdf.PageLinks(out)
			if err != nil {
				t.Fatal(err)
			}
			f := filepath.Join(t.TempDir(), "doc.pdf")
			os.WriteFile(f, out, 0o600)
			info, err := exec.Command("pdfinfo", f).Output()
			if err != nil {
				t.Fatalf("pdfinfo (poppler-utils): %v", err)
			}
			m := regexp.MustCompile(`Pages:\s+(\d+)`).FindSubmatch(info)
			if m == nil || string(m[1]) != strconv.Itoa(len(links)) || len(links) < 4 {
				t.Fatalf("%d pages read, pdfinfo says %s", len(links), m)
			}
			last := len(links)
			want := map[int][]string{1: {"https://example.com/check?ref=A"}, 2: {"https://example.com/check?ref=B"},
				last: {"https://example.com/check?ref=(C)"}}
			for page, ls := range links {
				w := want[page+1]
				if page+1 == last-1 {
					w = []string{"mailto:x@example.com"}
				}
				if strings.Join(ls, " ") != strings.Join(w, " ") {
					t.Errorf("page %d links %q, want %q", page+1, ls, w)
				}
			}
			// pdftotext agrees on where C begins.
			text, _ := exec.Command("pdftotext", "-f", strconv.Itoa(last), "-l", strconv.Itoa(last), f, "-").Output()
			if !strings.Contains(string(text), "三") {
				t.Errorf("page %d's text: %q", last, text)
			}
		})
	}
	if _, err := pdf.PageLinks([]byte("%PDF-1.7\nnot really")); err == nil {
		t.Error("a broken PDF was read")
	}
}
