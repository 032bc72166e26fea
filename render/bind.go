package render

import (
	"context"
	"sync"
	"text/template/parse"
)

// Bound is a Template prepared for many recipients of one disclosure: the
// incident, organisation and statement (the base data) are fixed, only the
// customer changes. Most of a notice — the summary, the course of events
// with its dates, the contact point — does not read .Customer, yet executing
// it for every recipient was the larger part of a send's rendering cost,
// and so was deriving the plain text from the whole HTML. Bind renders
// those parts, and their text, once; Execute runs only the parts that
// read the customer and pastes the rest in. The HTML and subject are
// exactly what rendering every node gives, and so is the derived text, up
// to spaces within a line next to an empty value (the tests hold it to
// that). The shared parts are rendered with an empty customer: a part
// misjudged as shared would show nothing, never another recipient's data.
// Template.Execute goes through a Bound as well, so a preview is what the
// sender sends.
//
// The split works on the top-level nodes of each part's parse tree, after
// html/template has escaped it, so the escaping of every action stays
// what html/template chose for its context. A top-level node is rendered
// once only when it provably does not depend on the customer: it reads no
// .Customer and no $.Customer, passes neither dot nor $ whole to a function
// or template, uses no variable declared outside itself, and declares none
// for later nodes. Anything else — including what the analysis does not
// understand — runs per recipient.
type Bound struct {
	t    *Template
	base Data

	once    sync.Once
	static  map[string][]string // by part: the output of each top-level node, "" where it runs per recipient
	dynamic map[string][]bool   // by part: which top-level nodes run per recipient
	err     error               // preparing failed: execute in full
	pool    sync.Pool           // of *instance whose trees are reduced

	// The plain text, when it is derived from the HTML: html2text's
	// conversion of the body with a placeholder word for each dynamic
	// node's output, done once; per message each placeholder is replaced
	// by that output (marked in the rendered HTML) when the output is plain
	// text, which html2text would have left as it is. A message whose
	// customer parts hold markup or entities is converted whole.
	token     string   // random, lower-case hex: in markers and placeholders
	skelText  string   // "" when the text is not derived this way
	textParts []string // skelText cut at its placeholders
	textSlots []int    // the dynamic node each cut stands for
	textLines *lines   // the skeleton's shared lines finished once; nil: finish whole

	baseSteps int // the steps of the parts rendered once

	memos []*memo // the body's customer parts rendered once per value (memo.go)

	shapes variants // the text of messages whose customer parts hold markup (bind_variant.go)
}

// plainText reports whether s reads the same to html2text alone as in its
// place: no tag, no entity (nor a ';' that could end one begun before it),
// and no space or line break it would fold (it drops a leading space and
// folds runs, line breaks and controls into one space). A name, an
// address, a sentence.
func plainText(s string) bool {
	prev := ' ' // a leading space is dropped
	for _, r := range s {
		switch {
		case r == '<', r == '&', r == '>', r == ';', r < ' ', r == 0x85, r >= 0x2008 && r <= 0x200B, r == 0x2028, r == 0x2029:
			return false
		case r == ' ' && prev == ' ':
			return false
		}
		prev = r
	}
	return true
}

// Bind prepares t for recipients of base (whose Customer is ignored).
func (t *Template) Bind(base Data) *Bound {
	base.Customer = CustomerView{}
	return &Bound{t: t, base: base}
}

// Template is the template b was bound from.
func (b *Bound) Template() *Template { return b.t }

// Execute renders the template for customer c, as t.Execute would with the
// base data and c.
func (b *Bound) Execute(ctx context.Context, c CustomerView) (Rendered, error) {
	return b.ExecuteNotice(ctx, c, "")
}

// ExecuteNotice is Execute for one notice with its own reference (a
// delivery's or a letter's), shown as .Notice.Reference instead of the
// incident's; "" keeps the base's. Nodes that read .Notice.Reference run
// per recipient, like those that read .Customer.
func (b *Bound) ExecuteNotice(ctx context.Context, c CustomerView, reference string) (Rendered, error) {
	data := b.base
	data.Customer = c
	if reference != "" {
		data.Notice.Reference = reference
	}
	// The first caller's context may end early; the Bound lives on.
	b.once.Do(func() { b.err = b.prepare(context.WithoutCancel(ctx)) })
	if b.err != nil {
		return b.t.executeFull(ctx, data)
	}
	in, ok := b.pool.Get().(*instance)
	if !ok {
		var err error
		if in, err = b.reduced(ctx); err != nil {
			return b.t.executeFull(ctx, data)
		}
	}
	var derive func(string, []span) string
	if b.skelText != "" {
		ref := data.Notice.Reference
		derive = func(html string, spans []span) string { return b.derive(html, spans, ref) }
	}
	if len(b.memos) == 0 {
		return b.t.run(ctx, in, &b.pool, data, derive)
	}
	// Memoised parts already rendered for this customer's values are
	// pasted in for this run; the others run, and their output is kept.
	nodes := in.body.Tree.Root.Nodes
	type swap struct {
		pos  int
		node parse.Node
	}
	var swapped [4]swap
	done := swapped[:0]
	var missed []int
	keys := make([]string, len(b.memos))
	for i, m := range b.memos {
		keys[i] = m.key(c)
		pos := in.memoPos[m.node]
		if out, ok := m.get(keys[i]); ok {
			done = append(done, swap{pos, nodes[pos]})
			nodes[pos] = out.text
			in.memoSteps += out.steps // counted as if it ran
		} else {
			missed = append(missed, i)
		}
	}
	r, err := b.t.run(ctx, in, nil, data, derive)
	in.memoSteps = 0
	for _, s := range done {
		nodes[s.pos] = s.node
	}
	if err == nil {
		for _, i := range missed {
			for _, sp := range in.spans {
				if sp.node == b.memos[i].node && sp.end >= sp.start {
					b.memos[i].put(keys[i], r.HTML[sp.start:sp.end], sp.steps)
				}
			}
		}
	}
	in.spans = nil
	b.pool.Put(in)
	return r, err
}
