package pages

import (
	"context"
	"html/template"
	"maps"
	"slices"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/compose"
	"github.com/candor-dev/candor/faq"
	"github.com/candor-dev/candor/render"
)

// RenderFAQ renders every language of an approved FAQ's revision against
// the incident's facts, as RenderContent does a statement, and reads each
// into questions and answers (sanitised). Errors: EINVALID naming the
// variant when a language renders no question.
func RenderFAQ(ctx context.Context, rev candor.Revision, f *compose.Facts) (candor.PublishedFAQ, error) {
	out := candor.PublishedFAQ{DisclosureID: rev.DisclosureID, Revision: rev.Number, DefaultLocale: rev.Content.DefaultLocale,
		Variants: make(map[string]candor.FAQText, len(rev.Content.Variants))}
	for _, loc := range slices.Sorted(maps.Keys(rev.Content.Variants)) {
		t, err := render.Compile(loc, rev.Content.Variants[loc])
		if err != nil {
			return out, err
		}
		r, err := t.Execute(ctx, f.Data(loc))
		if err != nil {
			return out, err
		}
		items, err := faq.Parse(SanitizeHTML(r.HTML))
		if err != nil {
			if e, ok := err.(*candor.Error); ok {
				for i := range e.Fields {
					e.Fields[i].Field = "variants." + loc + "." + e.Fields[i].Field
				}
			}
			return out, err
		}
		out.Variants[loc] = candor.FAQText{Title: r.Subject, Items: items}
	}
	if len(out.Variants) == 0 {
		return out, candor.Invalid(candor.FieldError{Field: "variants", Message: "the FAQ has no language"})
	}
	return out, nil
}

// faqView is the FAQ as a statement page shows it, in the page's language
// when the FAQ has it, else in its default.
type faqView struct {
	Lang, Title string
	Items       []faqItemView
}

type faqItemView struct {
	Question string
	Answer   template.HTML
}

func (s *Site) faqFor(c *candor.PublicationContent, loc string) *faqView {
	if c == nil || c.FAQ == nil {
		return nil
	}
	lang := loc
	text, ok := c.FAQ.Variants[loc]
	if !ok {
		lang = c.FAQ.DefaultLocale
		text = c.FAQ.Variants[lang]
	}
	if len(text.Items) == 0 {
		return nil
	}
	v := &faqView{Lang: lang, Title: text.Title}
	for _, it := range text.Items {
		// Sanitised when published; once more here, as the statement is.
		v.Items = append(v.Items, faqItemView{Question: it.Question, Answer: template.HTML(s.clean.clean(it.AnswerHTML))})
	}
	return v
}
