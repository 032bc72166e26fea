package faq

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"time"

	"github.com/candor-dev/candor"
)

//go:embed pack.html
var packHTML string

var packTmpl = template.Must(template.New("pack").Funcs(template.FuncMap{
	"inc":     func(i int) int { return i + 1 },
	"percent": func(f float64) string { return fmt.Sprintf("%g%%", float64(int(f*1000+0.5))/10) },
}).Parse(packHTML))

// Volume is the expected calls with the model behind them.
type Volume struct {
	TimeZone string
	Model    Model
	Days     []Day
	Total    float64
}

// PackHTML is the call centre's pack as a standalone document for package
// pdf: the expected calls first (for staffing), then every language's
// questions and answers, each language on its own pages and marked with
// its lang so that Japanese and Thai get their fonts and line breaking.
// The frame is in English, the call centre's working language; the
// answers are in the readers'.
func PackHTML(title string, f candor.PublishedFAQ, v Volume, now time.Time) ([]byte, error) {
	type section struct {
		Lang, Title string
		Items       []candor.FAQItem
	}
	data := struct {
		Title     string
		Revision  int
		Made      string
		Languages []string
		Volume    Volume
		Sections  []section
	}{Title: title, Revision: f.Revision, Made: now.UTC().Format("2006-01-02 15:04 UTC"), Languages: Languages(f), Volume: v}
	for _, loc := range data.Languages {
		data.Sections = append(data.Sections, section{Lang: loc, Title: f.Variants[loc].Title, Items: f.Variants[loc].Items})
	}
	var b bytes.Buffer
	err := packTmpl.Execute(&b, data)
	return b.Bytes(), err
}
