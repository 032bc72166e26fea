package render

import (
	"context"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	texttemplate "text/template"
	"text/template/parse"
	"time"
	"unicode"

	"github.com/candor-dev/candor"
)

// Rendered is one message as it would be sent.
type Rendered struct {
	Subject string `json:"subject"` // one line
	HTML    string `json:"html"`
	Text    string `json:"text"` // never empty
}

// Template is a variant compiled for its locale: parse and check once, then
// Execute for every recipient. It is safe for concurrent use.
type Template struct {
	locale  string
	subject *texttemplate.Template
	body    *htmltemplate.Template
	text    *texttemplate.Template // nil: the text part is derived from the HTML
	parts   map[string]part        // by name, for error reports

	// Executable copies, each with its own step budget. html/template
	// escapes a template on its first execution and cannot be cloned after
	// it, so the parsed originals above are never run; copies are, and are
	// reused so that escaping is paid once per copy, not per recipient.
	pool sync.Pool // of *instance

	// The Bound of the last Execute: previews and submit's checks render
	// one template for many sample customers with the same base data.
	last atomic.Pointer[Bound]
}

type instance struct {
	budget  *budget
	subject *texttemplate.Template
	body    *htmltemplate.Template
	text    *texttemplate.Template
	size    [3]int // the last output sizes (subject, body, text): the next buffer's

	// A Bound's reduced instance: the steps its shared parts took, counted
	// to every message as if they ran, and the bytes of the markers around
	// its dynamic nodes, which do not count towards the output limit.
	baseSteps, markBytes int
	// The markers around the body's dynamic nodes when its text is derived
	// (nil otherwise): the writer keeps them out of the HTML and notes
	// where each node's output is (spans, of the last run).
	marks *marks
	spans []span
	// Where each memoised node of the body is among its top-level nodes.
	memoPos map[int]int
	// A Bound's subject when no part of it reads the customer: what running
	// it gives (one line), run once, and the step ticks it would run.
	subjectLine  *string
	subjectTicks int
	// The steps of the memoised nodes pasted in for this run (memo.go).
	memoSteps int
}

func (t *Template) instance() (*instance, error) {
	if in, ok := t.pool.Get().(*instance); ok {
		return in, nil
	}
	return t.newInstance()
}

func (t *Template) newInstance() (*instance, error) {
	in := &instance{budget: &budget{}}
	tick := map[string]any{tickFunc: in.budget.tick}
	var err error
	if in.subject, err = t.subject.Clone(); err != nil {
		return nil, fmt.Errorf("render: clone subject: %w", err)
	}
	in.subject.Funcs(tick)
	if in.body, err = t.body.Clone(); err != nil {
		return nil, fmt.Errorf("render: clone body: %w", err)
	}
	in.body.Funcs(tick)
	if t.text != nil {
		if in.text, err = t.text.Clone(); err != nil {
			return nil, fmt.Errorf("render: clone text: %w", err)
		}
		in.text.Funcs(tick)
	}
	return in, nil
}

// Locale is the canonical locale the template formats dates and lists in.
func (t *Template) Locale() string { return t.locale }

// Render compiles variant v for locale loc and executes it with data.
// Senders rendering many recipients should Compile once instead.
func Render(ctx context.Context, v candor.Variant, loc string, data Data) (Rendered, error) {
	t, err := Compile(loc, v)
	if err != nil {
		return Rendered{}, err
	}
	return t.Execute(ctx, data)
}

// Compile parses and checks variant v, keyed loc in its disclosure. Errors
// name fields as the API does ("variants.ja.body") and say where: "line 3,
// col 7: …". Errors: EINVALID (a bad locale, a syntax error, a call to an
// undefined or recursive template, a computed time layout), ETOOLARGE (a
// template over its size limit).
func Compile(loc string, v candor.Variant) (*Template, error) {
	canonical, err := VariantLocale(loc) // "en@US-CA" is compiled for "en"
	if err != nil {
		return nil, candor.Invalid(candor.FieldError{Field: "variants." + loc, Message: err.Error()})
	}
	fm := funcs(newLocale(canonical))
	t := &Template{locale: canonical, parts: make(map[string]part, 3)}
	var bad, tooBig candor.Validation
	for _, src := range []struct {
		name, text string
		max        int
	}{{"subject", v.Subject, candor.MaxSubjectSize}, {"body", v.Body, candor.MaxTemplateSize}, {"text", v.Text, candor.MaxTemplateSize}} {
		p := part{field: "variants." + loc + "." + src.name, name: src.name, src: src.text, funcs: fm}
		t.parts[src.name] = p
		switch {
		case len(src.text) > src.max:
			tooBig.Add(p.field, "is %d bytes; the limit is %s", len(src.text), sizeString(src.max))
			continue
		case strings.TrimSpace(src.text) == "" && src.name != "text":
			bad.Add(p.field, "is required")
			continue
		case src.text == "":
			continue
		}
		var fe *candor.FieldError
		switch src.name {
		case "subject":
			t.subject, fe = compileText(p)
		case "body":
			t.body, fe = compileHTML(p)
		case "text":
			t.text, fe = compileText(p)
		}
		if fe != nil {
			bad = append(bad, *fe)
		}
	}
	if len(tooBig) > 0 {
		return nil, &candor.Error{Code: candor.ETOOLARGE, Message: "template over its size limit", Fields: tooBig}
	}
	if err := bad.Err(); err != nil {
		return nil, err
	}
	return t, nil
}

func compileHTML(p part) (*htmltemplate.Template, *candor.FieldError) {
	t, err := htmltemplate.New(p.name).Funcs(p.funcs).Option("missingkey=error").Parse(p.src)
	if err != nil {
		fe := p.fieldError(err, true)
		return nil, &fe
	}
	trees := make(map[string]*parse.Tree)
	for _, x := range t.Templates() {
		if x.Tree != nil {
			trees[x.Name()] = x.Tree
		}
	}
	return t, check(p, trees)
}

func compileText(p part) (*texttemplate.Template, *candor.FieldError) {
	t, err := texttemplate.New(p.name).Funcs(p.funcs).Option("missingkey=error").Parse(p.src)
	if err != nil {
		fe := p.fieldError(err, true)
		return nil, &fe
	}
	trees := make(map[string]*parse.Tree)
	for _, x := range t.Templates() {
		if x.Tree != nil {
			trees[x.Name()] = x.Tree
		}
	}
	return t, check(p, trees)
}

// check runs the static checks and, if they pass, instruments the trees
// with the step counter.
func check(p part, trees map[string]*parse.Tree) *candor.FieldError {
	if n, msg := staticCheck(trees); n != nil {
		pos := int(n.Position())
		line := 1 + strings.Count(p.src[:pos], "\n")
		fe := p.fieldError(fmt.Errorf("template: %s:%d:%d: %s", p.name, line, pos-lineStart(p.src, line), msg), false)
		return &fe
	}
	list := make([]*parse.Tree, 0, len(trees))
	for _, tr := range trees {
		list = append(list, tr)
	}
	instrument(list)
	return nil
}

// Execute renders the template with data. Errors: EINVALID when the
// template fails on this data (a missing field, a function error) or renders
// an empty subject, body or text; ETOOLARGE when it hits a limit (output
// size, steps, time); ctx's own error, wrapped, when ctx ends first.
func (t *Template) Execute(ctx context.Context, data Data) (Rendered, error) {
	base := data
	base.Customer = CustomerView{}
	b := t.last.Load()
	if b == nil || !reflect.DeepEqual(b.base, base) {
		b = t.Bind(base)
		t.last.Store(b)
	}
	return b.Execute(ctx, data.Customer)
}

// executeFull renders every node of the template for data: what a Bound
// falls back to when it cannot split a template.
func (t *Template) executeFull(ctx context.Context, data Data) (Rendered, error) {
	in, err := t.instance()
	if err != nil {
		return Rendered{}, err
	}
	return t.run(ctx, in, &t.pool, data, nil)
}

// run executes instance in with data and returns it to pool. derive, if
// not nil, takes the rendered HTML and where its dynamic nodes' outputs
// are (in.marks), and returns the plain text derived from it; else the
// text is htmlToText's.
func (t *Template) run(ctx context.Context, in *instance, pool *sync.Pool, data Data,
	derive func(html string, spans []span) string) (Rendered, error) {
	*in.budget = budget{ctx: ctx, deadline: time.Now().Add(MaxRenderTime), steps: in.baseSteps + in.memoSteps}
	defer func() {
		*in.budget = budget{}
		if pool != nil { // nil: the caller puts it back
			pool.Put(in)
		}
	}()
	var out Rendered
	var err error

	if in.subjectLine != nil {
		out.Subject = *in.subjectLine
		in.budget.steps += in.subjectTicks // counted as if it ran
	} else {
		subject, _, err := execute(in.subject, data, maxSubjectOutput, &in.size[0], nil)
		if err != nil {
			return Rendered{}, t.fail(ctx, "subject", err)
		}
		out.Subject = oneLine(subject)
	}
	var marks *marks
	if derive != nil {
		marks = in.marks
	}
	limit := MaxOutput + in.markBytes // markers written, and not counted
	if marks != nil {
		limit = MaxOutput // markers kept out
	}
	var spans []span
	if out.HTML, spans, err = execute(in.body, data, limit, &in.size[1], marks); err != nil {
		return Rendered{}, t.fail(ctx, "body", err)
	}
	in.spans = spans
	if in.text != nil {
		text, _, err := execute(in.text, data, MaxOutput, &in.size[2], nil)
		if err != nil {
			return Rendered{}, t.fail(ctx, "text", err)
		}
		out.Text = tidyText(text)
	} else if derive != nil && marks != nil {
		out.Text = derive(out.HTML, spans)
	} else {
		out.Text = htmlToText(out.HTML)
	}

	var empty candor.Validation
	if out.Subject == "" {
		empty.Add(t.parts["subject"].field, "renders empty")
	}
	switch {
	case strings.TrimSpace(out.HTML) == "":
		empty.Add(t.parts["body"].field, "renders empty")
	case out.Text == "" && t.text == nil:
		empty.Add(t.parts["body"].field, "renders no text for the plain-text part; add visible text or a text template")
	case out.Text == "":
		empty.Add(t.parts["text"].field, "renders empty")
	}
	if err := empty.Err(); err != nil {
		return Rendered{}, err
	}
	return out, nil
}

// runPart executes one part of instance in ("subject", "body" or "text")
// with data, within the usual limits, and returns its raw output.
// It also returns the steps the execution took.
func (t *Template) runPart(ctx context.Context, in *instance, name string, data Data, extra int) (string, int, error) {
	*in.budget = budget{ctx: ctx, deadline: time.Now().Add(MaxRenderTime)}
	defer func() { *in.budget = budget{} }()
	var out string
	var err error
	switch name {
	case "subject":
		out, _, err = execute(in.subject, data, maxSubjectOutput+extra, new(int), nil)
	case "body":
		out, _, err = execute(in.body, data, MaxOutput+extra, new(int), nil)
	case "text":
		out, _, err = execute(in.text, data, MaxOutput+extra, new(int), nil)
	default:
		err = fmt.Errorf("render: no part %q", name)
	}
	return out, in.budget.steps, err
}

func execute(t interface {
	Execute(io.Writer, any) error
}, data Data, max int, size *int, mk *marks) (string, []span, error) {
	w := &limitWriter{max: max, marks: mk}
	if mk != nil {
		w.spans = make([]span, 0, len(mk.open))
	}
	// Start at the size of this part's last output: a notice's body is
	// about the same for every recipient, and growing a buffer from
	// nothing copies it several times.
	w.buf.Grow(min(*size+*size/8, max))
	if err := t.Execute(w, data); err != nil {
		return "", nil, err
	}
	*size = w.buf.Len()
	return w.buf.String(), w.spans, nil
}

// fail classifies an execution error of part name.
func (t *Template) fail(ctx context.Context, name string, err error) error {
	if ctx.Err() != nil {
		// The caller gave up; that says nothing about the template.
		return fmt.Errorf("render: %w", ctx.Err())
	}
	p := t.parts[name]
	var le limitError
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return tooLarge(candor.FieldError{Field: p.field, Message: fmt.Sprintf("takes longer than %v to render", MaxRenderTime)})
	case errors.As(err, &le):
		fe := p.fieldError(err, false)
		if fe.Line == 0 {
			fe.Message = le.Error()
		}
		return tooLarge(fe)
	}
	return candor.Invalid(p.fieldError(err, false))
}

func tooLarge(fe candor.FieldError) error {
	return &candor.Error{Code: candor.ETOOLARGE, Message: fe.Field + ": " + fe.Message, Fields: []candor.FieldError{fe}}
}

// oneLine folds a rendered subject onto one line: data such as a customer's
// name must not be able to start a new mail header.
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}
