package render

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"sync"
	texttemplate "text/template"
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
		derive = b.derive
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

// parts lists an instance's parsed parts by name (text only when the
// variant has a text template).
func (in *instance) parts() map[string]*parse.Tree {
	p := map[string]*parse.Tree{"subject": in.subject.Tree, "body": in.body.Tree}
	if in.text != nil {
		p["text"] = in.text.Tree
	}
	return p
}

// prepare escapes a fresh instance, finds each part's dynamic top-level
// nodes, and renders the static ones once with markers between them.
func (b *Bound) prepare(ctx context.Context) error {
	in, err := b.escaped(ctx)
	if err != nil {
		return err
	}
	var mark [12]byte
	if _, err := rand.Read(mark[:]); err != nil {
		return err
	}
	b.token = hex.EncodeToString(mark[:])
	marker := "\x00candor:" + b.token + ":"
	b.static, b.dynamic = map[string][]string{}, map[string][]bool{}
	fullSteps := 0 // of the parts split, run whole for the base data
	for name, tr := range in.parts() {
		if assignsDollar(tr) {
			return fmt.Errorf("render: bind %s: the template assigns to $", name)
		}
		nodes := tr.Root.Nodes
		dyn := make([]bool, len(nodes))
		any := false
		for i, n := range nodes {
			dyn[i] = dependsOnCustomer(n)
			any = any || !dyn[i]
		}
		b.dynamic[name] = dyn
		if !any {
			continue
		}
		marked := make([]parse.Node, 0, 2*len(nodes)+1)
		markBytes := 0
		for i := range len(nodes) + 1 {
			m := fmt.Sprintf("%s%d\x00", marker, i)
			markBytes += len(m)
			marked = append(marked, textNode(m))
			if i < len(nodes) {
				marked = append(marked, nodes[i])
			}
		}
		tr.Root.Nodes = marked
		out, steps, err := b.t.runPart(ctx, in, name, b.base, markBytes)
		tr.Root.Nodes = nodes
		if err != nil {
			return err
		}
		fullSteps += steps
		segs := make([]string, len(nodes))
		for i := range nodes {
			start := strings.Index(out, fmt.Sprintf("%s%d\x00", marker, i))
			end := strings.Index(out, fmt.Sprintf("%s%d\x00", marker, i+1))
			if start < 0 || end < start {
				return fmt.Errorf("render: bind %s: markers out of order", name)
			}
			segs[i] = out[start+len(fmt.Sprintf("%s%d\x00", marker, i)) : end]
		}
		b.static[name] = segs
	}
	if segs, ok := b.static["body"]; ok && b.t.text == nil {
		var skel strings.Builder
		for i, seg := range segs {
			if b.dynamic["body"][i] {
				skel.WriteString(b.placeholder(i))
			} else {
				skel.WriteString(seg)
			}
		}
		b.skelText = convertHTML(skel.String())
		if b.skelText == "" {
			b.skelText = " " // a body of dynamic nodes only; still derived
		}
		b.textParts, b.textSlots = b.splitText(b.skelText)
		// Each per-recipient part must show in the text exactly once, as a
		// word: one inside a tag, a script or a dropped element, or one
		// html2text repeats, is converted with the whole body instead.
		for i, d := range b.dynamic["body"] {
			if d && strings.Count(b.skelText, b.placeholder(i)) != 1 {
				b.skelText, b.textParts, b.textSlots = "", nil, nil
				break
			}
		}
		if b.skelText != "" {
			slot := b.slotPrefix()
			b.textLines = newLines(b.skelText, func(line string) bool { return strings.Contains(line, slot) })
		}
	}
	// Customer parts that read only memoable fields (memo.go); their
	// output is found through the markers, so only when the text is
	// derived this way.
	if b.skelText != "" {
		for i, n := range in.body.Tree.Root.Nodes {
			if !b.dynamic["body"][i] {
				continue
			}
			if fields, ok := memoFields(n); ok {
				b.memos = append(b.memos, &memo{node: i, fields: fields, out: map[string]memoized{}})
			}
		}
	}
	// The shared parts' steps count towards each message's budget, as if
	// they ran: the difference between the split parts run whole and
	// reduced, for the same data.
	red, err := b.reduced(ctx)
	if err != nil {
		return err
	}
	reducedSteps := 0
	for name := range b.static {
		extra := 0
		if name == "body" {
			extra = red.markBytes
		}
		_, steps, err := b.t.runPart(ctx, red, name, b.base, extra)
		if err != nil {
			return err
		}
		reducedSteps += steps
	}
	b.baseSteps = fullSteps - reducedSteps
	red.baseSteps = b.baseSteps
	b.pool.Put(red)
	return nil
}

// splitText cuts the shared text at its placeholders, so that a message's
// text is a concatenation: parts[0], slot slots[0]'s text, parts[1], ...
func (b *Bound) splitText(text string) (parts []string, slots []int) {
	prefix := b.slotPrefix()
	for {
		i := strings.Index(text, prefix)
		if i < 0 {
			break
		}
		j := strings.IndexByte(text[i+len(prefix):], 'e')
		if j < 0 {
			break
		}
		n, err := strconv.Atoi(text[i+len(prefix) : i+len(prefix)+j])
		if err != nil {
			break
		}
		parts, slots = append(parts, text[:i]), append(slots, n)
		text = text[i+len(prefix)+j+1:]
	}
	return append(parts, text), slots
}

// placeholder stands for dynamic node i's output in the text: letters and
// digits only, so html2text passes it through as a word.
func (b *Bound) placeholder(i int) string {
	return b.slotPrefix() + strconv.Itoa(i) + "e"
}

// slotPrefix begins every placeholder.
func (b *Bound) slotPrefix() string { return "candorslot" + b.token + "n" }

// Markers around each dynamic node's output in the rendered HTML.
func (b *Bound) openMark(i int) string { return "\x00" + b.token + "<" + strconv.Itoa(i) + "\x00" }
func (b *Bound) closeMark() string     { return "\x00" + b.token + ">\x00" }

// derive returns the plain text of the body html, whose dynamic nodes'
// outputs lie at spans: the shared text with each placeholder replaced by
// the conversion of that node's output.
func (b *Bound) derive(html string, spans []span) string {
	conv := make([]string, len(b.dynamic["body"]))
	for _, s := range spans {
		if s.end < s.start || s.node >= len(conv) {
			return htmlToText(html) // cannot happen: the markers are ours
		}
		out := html[s.start:s.end]
		if !plainText(out) {
			// Markup or an entity converts differently alone than in
			// its place (html2text keeps state: paragraph breaks, open
			// links, skipped elements): convert the whole body.
			return htmlToText(html)
		}
		conv[s.node] = out
	}
	buf := getScratch() // the joined text is only read by finishTextBytes
	text := *buf
	next := b.textParts[0]
	for k, n := range b.textSlots {
		part, c := next, conv[n]
		next = b.textParts[k+1]
		if c == "" && strings.HasSuffix(part, " ") && strings.HasPrefix(next, " ") {
			next = next[1:] // html2text would have collapsed the spaces around it
		}
		text = append(text, part...)
		text = append(text, c...)
	}
	text = append(text, next...)
	out, ok := "", false
	if b.textLines != nil {
		out, ok = b.textLines.finish(text)
	}
	if !ok {
		out = finishTextBytes(text)
	}
	*buf = text
	putScratch(buf)
	return out
}

// escaped returns a new instance that has run once, so html/template has
// escaped its body (escaping happens on the first execution, and rewrites
// the tree in place).
func (b *Bound) escaped(ctx context.Context) (*instance, error) {
	in, err := b.t.newInstance()
	if err != nil {
		return nil, err
	}
	if _, _, err := b.t.runPart(ctx, in, "body", b.base, 0); err != nil {
		return nil, err
	}
	// text/template clones share their trees with the original: give the
	// text parts their own, so reducing them leaves the Template alone.
	if in.subject, err = ownTree(in.subject); err != nil {
		return nil, err
	}
	if in.text != nil {
		if in.text, err = ownTree(in.text); err != nil {
			return nil, err
		}
	}
	return in, nil
}

func ownTree(t *texttemplate.Template) (*texttemplate.Template, error) {
	return t.AddParseTree(t.Name(), t.Tree.Copy())
}

// reduced returns an instance whose parts keep their dynamic top-level
// nodes and have each run of static ones replaced by its text.
func (b *Bound) reduced(ctx context.Context) (*instance, error) {
	in, err := b.escaped(ctx)
	if err != nil {
		return nil, err
	}
	for name, tr := range in.parts() {
		segs, ok := b.static[name]
		if !ok {
			continue
		}
		dyn := b.dynamic[name]
		if len(dyn) != len(tr.Root.Nodes) {
			return nil, fmt.Errorf("render: bind %s: %d nodes, prepared %d", name, len(tr.Root.Nodes), len(dyn))
		}
		var nodes []parse.Node
		var text strings.Builder
		flush := func() {
			if text.Len() > 0 {
				nodes = append(nodes, textNode(text.String()))
				text.Reset()
			}
		}
		markText := name == "body" && b.skelText != ""
		if markText {
			in.marks = &marks{open: map[string]int{}, close: b.closeMark(), budget: in.budget}
		}
		for i, n := range tr.Root.Nodes {
			if dyn[i] {
				flush()
				if markText {
					if in.memoPos == nil {
						in.memoPos = map[int]int{}
					}
					in.memoPos[i] = len(nodes) + 1
					nodes = append(nodes, textNode(b.openMark(i)), n, textNode(b.closeMark()))
					in.marks.open[b.openMark(i)] = i
					in.markBytes += len(b.openMark(i)) + len(b.closeMark())
				} else {
					nodes = append(nodes, n)
				}
				continue
			}
			text.WriteString(segs[i])
		}
		flush()
		tr.Root.Nodes = nodes
		if name == "subject" {
			in.subjectLine, in.subjectTicks = fixedSubject(nodes)
		}
	}
	in.baseSteps = b.baseSteps
	return in, nil
}

// fixedSubject is the subject (one line) when its reduced nodes are text
// and step ticks only, so that running it always gives the same, and the
// ticks it would run; nil when it must run.
func fixedSubject(nodes []parse.Node) (*string, int) {
	var sb strings.Builder
	ticks := 0
	for _, n := range nodes {
		switch n := n.(type) {
		case *parse.TextNode:
			sb.Write(n.Text)
		default:
			if !isTick(n) {
				return nil, 0
			}
			ticks++
		}
	}
	if sb.Len() > maxSubjectOutput {
		return nil, 0 // let it run, and fail as it does
	}
	line := oneLine(sb.String())
	return &line, ticks
}

func textNode(s string) *parse.TextNode {
	return &parse.TextNode{NodeType: parse.NodeText, Text: []byte(s)}
}

// taint is what a value in a template may carry: nothing of the customer,
// the whole template data (dot or $ at the top), or the customer.
type taint uint8

const (
	untainted taint = iota
	root
	tainted
)

// scope maps the variables declared so far within one top-level node.
type scope map[string]taint

func (s scope) with() scope {
	c := make(scope, len(s))
	for k, v := range s {
		c[k] = v
	}
	return c
}

// dependsOnCustomer reports whether top-level node n must run for every
// recipient. It errs towards true.
func dependsOnCustomer(n parse.Node) bool {
	if declaresAtTop(n) {
		return true // declares or assigns a variable a later node may use
	}
	return dependsNode(n, root, scope{})
}

// declaresAtTop reports whether top-level node n declares or assigns a
// variable that outlives it: in its own pipeline, in a parenthesised one
// within it, or in a template call's. (The pipelines and bodies of if,
// range and with keep their variables to themselves.)
func declaresAtTop(n parse.Node) bool {
	var p *parse.PipeNode
	switch n := n.(type) {
	case *parse.ActionNode:
		p = n.Pipe
	case *parse.TemplateNode:
		p = n.Pipe
	default:
		return false
	}
	found := false
	walk(p, func(x parse.Node) {
		if q, ok := x.(*parse.PipeNode); ok && len(q.Decl) > 0 {
			found = true
		}
	})
	return found
}

// assignsDollar reports whether anything in tree assigns to $, after
// which $ no longer is the template's data: such a template is not split.
func assignsDollar(tr *parse.Tree) bool {
	found := false
	walk(tr.Root, func(x parse.Node) {
		if q, ok := x.(*parse.PipeNode); ok {
			for _, v := range q.Decl {
				found = found || v.Ident[0] == "$"
			}
		}
	})
	return found
}

func dependsNode(n parse.Node, dot taint, vars scope) bool {
	switch n := n.(type) {
	case *parse.TextNode, *parse.CommentNode, *parse.BreakNode, *parse.ContinueNode:
		return false
	case *parse.ListNode:
		if n == nil {
			return false
		}
		for _, c := range n.Nodes {
			if dependsNode(c, dot, vars) {
				return true
			}
		}
		return false
	case *parse.ActionNode:
		return pipeTaint(n.Pipe, dot, vars) != untainted
	case *parse.IfNode:
		return dependsBranch(&n.BranchNode, dot, vars, false)
	case *parse.RangeNode:
		return dependsBranch(&n.BranchNode, dot, vars, true)
	case *parse.WithNode:
		return dependsBranch(&n.BranchNode, dot, vars, true)
	case *parse.TemplateNode:
		return n.Pipe != nil && pipeTaint(n.Pipe, dot, vars) != untainted
	}
	return true
}

// dependsBranch: if, range and with depend on the customer when their
// condition may; their bodies run with dot rebound (range, with) to the
// untainted value of the condition, and their else branches with the outer dot.
func dependsBranch(b *parse.BranchNode, dot taint, vars scope, rebinds bool) bool {
	inner := vars.with()
	if pipeTaint(b.Pipe, dot, inner) != untainted {
		return true
	}
	bodyDot := dot
	if rebinds {
		bodyDot = untainted
	}
	return dependsNode(b.List, bodyDot, inner) || dependsNode(b.ElseList, dot, vars.with())
}

// pipeTaint is the taint of a pipeline's value; it declares the
// pipeline's variables in vars. Assigning to a variable the node did not
// declare makes it tainted.
func pipeTaint(p *parse.PipeNode, dot taint, vars scope) taint {
	if p == nil {
		return untainted
	}
	acc := untainted
	for i, c := range p.Cmds {
		t := cmdTaint(c, dot, vars)
		if i > 0 { // the previous value is the last argument of a call
			t = max(t, asArg(acc))
		}
		acc = t
	}
	for _, v := range p.Decl {
		name := v.Ident[0]
		if _, ok := vars[name]; p.IsAssign && !ok {
			return tainted
		}
		vars[name] = acc
	}
	return acc
}

// asArg: the whole data passed to a function or template may reach the
// customer.
func asArg(t taint) taint {
	if t == root {
		return tainted
	}
	return t
}

func cmdTaint(c *parse.CommandNode, dot taint, vars scope) taint {
	if len(c.Args) == 0 {
		return untainted
	}
	if _, call := c.Args[0].(*parse.IdentifierNode); !call {
		if len(c.Args) == 1 {
			return argTaint(c.Args[0], dot, vars)
		}
		return tainted // a method call with arguments: not used by Candor's data
	}
	t := untainted
	for _, a := range c.Args[1:] {
		t = max(t, asArg(argTaint(a, dot, vars)))
	}
	return t
}

func argTaint(n parse.Node, dot taint, vars scope) taint {
	switch n := n.(type) {
	case *parse.BoolNode, *parse.NumberNode, *parse.StringNode, *parse.NilNode, *parse.IdentifierNode:
		return untainted
	case *parse.DotNode:
		return dot
	case *parse.FieldNode:
		return field(dot, n.Ident)
	case *parse.VariableNode:
		if n.Ident[0] == "$" {
			return field(root, n.Ident[1:])
		}
		v, ok := vars[n.Ident[0]]
		if !ok {
			return tainted // declared outside this node
		}
		return field(v, n.Ident[1:])
	case *parse.ChainNode:
		var t taint
		switch x := n.Node.(type) {
		case *parse.PipeNode:
			t = pipeTaint(x, dot, vars)
		default:
			t = argTaint(x, dot, vars)
		}
		return field(t, n.Field)
	case *parse.PipeNode:
		return pipeTaint(n, dot, vars)
	}
	return tainted
}

// field is the taint of selecting idents from a value of taint t: from the
// whole data, everything but .Customer is untainted.
func field(t taint, idents []string) taint {
	if t != root || len(idents) == 0 {
		return t
	}
	if idents[0] == "Customer" || perNotice(idents) {
		return tainted
	}
	return untainted
}

// perNotice reports whether selecting idents from the data reads the
// notice's own reference (or the whole notice), which differs per
// recipient (ExecuteNotice).
func perNotice(idents []string) bool {
	return idents[0] == "Notice" && (len(idents) < 2 || idents[1] == "Reference")
}
