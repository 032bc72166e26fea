package letters

import (
	"context"
	"fmt"
	"html"
	"strconv"
	"strings"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/compose"
	"github.com/candor-dev/candor/render"
)

// Source is what a book needs of storage: the incident's facts and the
// notice's pinned revision.
type Source interface {
	compose.Source
	GetRevision(ctx context.Context, disclosureID string, number int) (candor.Revision, error)
}

// Recipient is one letter to print: its reference and its customer, and
// once printed, the pages it took in its part's PDF (0: not known).
type Recipient struct {
	Reference        string
	Customer         candor.Customer
	FirstPage, Pages int
}

// Book renders the letters of one batch: the notice's approved revision
// compiled once per variant, as a send compiles it.
type Book struct {
	content candor.DisclosureContent
	facts   compose.Facts
	org     string
	byLoc   map[string]*render.Bound
	check   string // the lookup page, which each letter's reference links to
}

// Open loads the batch's notice and facts as of now.
func Open(ctx context.Context, src Source, b candor.LetterBatch, org compose.Organisation, baseURL string, now time.Time) (*Book, error) {
	rev, err := src.GetRevision(ctx, b.DisclosureID, b.Revision)
	if err != nil {
		return nil, err
	}
	facts, err := compose.Load(ctx, src, b.IncidentID, org, baseURL, now)
	if err != nil {
		return nil, err
	}
	return &Book{content: rev.Content, facts: facts, byLoc: map[string]*render.Bound{}, check: compose.CheckURL(baseURL)}, nil
}

// Letter renders one recipient's notice: its variant (the customer's
// language, or their jurisdiction's variant), with the letter's reference
// as .Notice.Reference. It returns the body's HTML and the variant's
// locale.
func (b *Book) Letter(ctx context.Context, r Recipient) (string, string, error) {
	c := &r.Customer
	loc, v := render.PickVariantFor(b.content.Variants, b.content.DefaultLocale, c.Locale, c.Country, c.Region)
	t, ok := b.byLoc[loc]
	if !ok {
		tpl, err := render.Compile(loc, v)
		if err != nil {
			return "", "", err
		}
		base, _ := b.facts.Base(loc)
		t = tpl.Bind(base)
		b.byLoc[loc] = t
	}
	out, err := t.ExecuteNotice(ctx, compose.Customer(c), r.Reference)
	if err != nil {
		return "", "", err
	}
	return out.HTML, loc, nil
}

// DocumentFor is the HTML of the letters printed on one sheet ("A4" or
// "Letter"), one after another, each starting on a new sheet with its
// address block in the window of the envelope its country's post uses
// (PaperFor: on A4, the Japanese 長形3号's window near the top, the DL's
// lower down). Fonts are the system's, chosen by each letter's lang;
// nothing is loaded from anywhere. It returns the document and each
// letter's language.
func (b *Book) DocumentFor(ctx context.Context, sheet string, rs []Recipient) ([]byte, []string, error) {
	var sb strings.Builder
	// The printer's margin is 15 mm on A4 and 19.05 mm on Letter
	// (pdf.A4, pdf.Letter): the block is placed from the content box.
	margin, fallback := 15.0, PaperFor("")
	if sheet == "Letter" {
		margin, fallback = 19.05, PaperFor("US")
	}
	mm := func(f float64) string { return strconv.FormatFloat(f, 'f', 2, 64) + "mm" }
	// Fonts by language, so that a letter's text finds its glyphs in the
	// first font it tries: Latin in a Latin font (Noto Sans where installed,
	// else Liberation Sans, which Debian's Chromium brings), Japanese in IPA
	// P Gothic (its Latin too, as Japanese is set), Noto Sans CJK JP for
	// what it lacks, Thai in a Thai font. Printing is Chromium's CPU, and
	// the fonts were much of it: English set in the CJK collection's Latin
	// cost 16-19 ms a letter, 11 in Liberation Sans. Chromium embeds the
	// CFF outlines of the Noto CJK collection as Type 3 fonts, glyph by
	// glyph, where IPA P Gothic (TrueType) goes in as a subset font, as
	// print shops' preflight prefers, at half the print compositor's
	// time. optimizeSpeed drops kerning and optional ligatures only: Thai
	// marks and Japanese punctuation are still shaped (checked on the
	// printed pages). Japanese is set solid (text-spacing-trim:
	// space-all: full-width punctuation keeps its full width, as business
	// letters and word processors set it): trimming its spacing cost a
	// fifth of a Japanese letter's printing.
	//
	// The address block and the reference are in the flow, not positioned:
	// an absolutely positioned box in a paginated document is laid out
	// apart, at a fifth of the printing's CPU. In the flow, the window's
	// top margin is kept after the forced page break, and the reference,
	// one line of no height, is pulled up beside the block (the pages print
	// the same to the pixel as positioned).
	//
	// The document is only ever printed, but a tab lays it out for its
	// screen too, before printing and again after (Chromium's trace: the
	// two screen layouts were two fifths of a letter's printing). On screen
	// its content is hidden (content-visibility keeps the boxes, so the
	// print layout is not rebuilt, and skips their layout and paint).
	// candor bench letters, docs/benchmarks.md.
	sb.WriteString(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>letters</title><style>
body{margin:0;text-rendering:optimizeSpeed;font:10.5pt/1.55 "Noto Sans","Liberation Sans","Noto Sans CJK JP","Noto Sans Thai","Loma","DejaVu Sans",sans-serif;color:#000}
section.letter{break-before:page}
section.letter:first-child{break-before:auto}
.window{overflow:hidden;font-size:10.5pt;line-height:1.35}
.window p{margin:0}
.ref{height:0;font-size:9pt;text-align:right}
.body h1{font-size:14pt}.body h2{font-size:11.5pt;margin:1em 0 .3em}
:lang(ja) .body,:lang(th) .body{line-height:1.75}
section:lang(ja){font-family:"IPAPGothic","Noto Sans CJK JP",sans-serif;text-spacing-trim:space-all}
section:lang(th){font-family:"Noto Sans Thai","Loma","Noto Sans CJK JP",sans-serif}
a{color:#000;text-decoration:none}
@media screen{body{content-visibility:hidden}}
`)
	// A class per envelope the part's letters use.
	windows := map[Paper]string{}
	window := func(country string) string {
		p := PaperFor(country)
		if p.Name != sheet { // a part holds one sheet: its default window
			p = fallback
		}
		if c, ok := windows[p]; ok {
			return c
		}
		c := "w" + strconv.Itoa(len(windows))
		windows[p] = c
		sb.WriteString(`.` + c + ` .window{margin:` + mm(p.Top-margin) + ` 0 0 ` + mm(p.Left-margin) + `;width:` + mm(p.Width) + `;height:` + mm(p.Height) + "}\n" +
			`.` + c + ` .ref{margin-top:-` + mm(p.Height) + "}\n" +
			`.` + c + ` .body{padding-top:` + mm(p.Height+8) + "}\n")
		return c
	}
	classes := make([]string, len(rs))
	for i, r := range rs {
		classes[i] = window(r.Customer.Country)
	}
	sb.WriteString("</style></head><body>")
	locs := make([]string, 0, len(rs))
	for i, r := range rs {
		body, loc, err := b.Letter(ctx, r)
		if err != nil {
			return nil, nil, fmt.Errorf("letter %s: %w", r.Reference, err)
		}
		lang := loc
		if at := strings.IndexByte(lang, '@'); at >= 0 {
			lang = lang[:at]
		}
		sb.WriteString(`<section class="letter ` + classes[i] + `" lang="` + html.EscapeString(lang) + `"><div class="window">`)
		for _, l := range AddressLines(r.Customer) {
			sb.WriteString("<p>" + html.EscapeString(l) + "</p>")
		}
		// The reference links to the lookup page: a reader of the PDF checks
		// it in a click, and the link, on the letter's first page only, tells
		// Spans where the letter begins.
		ref := html.EscapeString(r.Reference)
		if b.check != "" {
			ref = `<a href="` + html.EscapeString(b.check+"?ref="+r.Reference) + `">` + ref + `</a>`
		}
		sb.WriteString(`</div><div class="ref">` + ref + `</div><div class="body">`)
		sb.WriteString(body)
		sb.WriteString("</div></section>\n")
		locs = append(locs, lang)
	}
	sb.WriteString("</body></html>")
	return []byte(sb.String()), locs, nil
}

// Language is the language a customer's letter is written in.
func (b *Book) Language(c candor.Customer) string {
	loc, _ := render.PickVariantFor(b.content.Variants, b.content.DefaultLocale, c.Locale, c.Country, c.Region)
	if i := strings.IndexByte(loc, '@'); i >= 0 {
		loc = loc[:i]
	}
	return loc
}
