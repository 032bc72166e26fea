package render

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"text/template/parse"
	"time"
)

// Limits on one render. Templates are written by trusted-but-fallible staff
// and rendered for every customer, so a template must not be able to make a
// worker loop, recurse or allocate without bound. Data is bounded by the
// store, but Go templates can range over integers, call templates that call
// templates, and grow strings in variables; these limits close each of those.
const (
	MaxOutput     = 1 << 20         // bytes of rendered HTML, or of text
	MaxSteps      = 100_000         // range iterations plus template calls, per render
	MaxRenderTime = 2 * time.Second // wall time per render, whatever the context allows
	MaxValue      = 64 << 10        // bytes of any string a template function returns

	maxSubjectOutput = 4 << 10 // bytes of rendered subject, before folding to one line
	tickFunc         = "_candor_tick"
)

// limitError is a limit being hit; it becomes ETOOLARGE. A type rather than
// sentinel values, so the package has no mutable state.
type limitError string

func (e limitError) Error() string { return string(e) }

// limitWriter stops a render once it has produced max bytes, so a loop that
// prints cannot fill memory before it is noticed.
//
// Given marks, it keeps a Bound's markers out of the output and notes
// instead where each marked node's output starts and ends (spans): the
// markers are text nodes of their own, so each arrives as one whole Write.
type limitWriter struct {
	buf   strings.Builder // String() without a copy
	max   int
	marks *marks
	spans []span
}

// marks are the markers around a Bound's dynamic nodes: an opening one per
// node, by its text, and one closing marker for all.
type marks struct {
	open   map[string]int
	close  string
	budget *budget // the instance's: each span notes the steps its node took
}

// span is where dynamic node node's output lies in the rendered body, and
// the steps running it took.
type span struct{ node, start, end, steps int }

func (w *limitWriter) Write(p []byte) (int, error) {
	if w.marks != nil && len(p) > 0 && p[0] == 0 { // every marker starts with NUL
		if n, ok := w.marks.open[string(p)]; ok {
			w.spans = append(w.spans, span{node: n, start: w.buf.Len(), end: -1, steps: w.marks.budget.steps})
			return len(p), nil
		}
		if string(p) == w.marks.close && len(w.spans) > 0 {
			sp := &w.spans[len(w.spans)-1]
			sp.end, sp.steps = w.buf.Len(), w.marks.budget.steps-sp.steps
			return len(p), nil
		}
	}
	if w.buf.Len()+len(p) > w.max {
		return 0, limitError(fmt.Sprintf("renders more than %s", sizeString(w.max)))
	}
	return w.buf.Write(p)
}

// budget counts the steps of one render. The tick function is spliced into
// every range body and every template body (see instrument), so loops and
// template calls spend steps even when they print nothing.
type budget struct {
	ctx      context.Context
	deadline time.Time // MaxRenderTime from the start; a deadline of its own, not a context.WithTimeout, whose timer cost a send more than the check
	steps    int
}

func (b *budget) tick() (string, error) {
	b.steps++
	if b.steps > MaxSteps {
		return "", limitError(fmt.Sprintf("takes more than %d steps (loop iterations and template calls)", MaxSteps))
	}
	if b.steps%64 == 0 {
		if err := b.ctx.Err(); err != nil {
			return "", err
		}
		if time.Now().After(b.deadline) {
			return "", context.DeadlineExceeded
		}
	}
	return "", nil
}

// tickNode returns a fresh {{$candorTick := _candor_tick}}. It declares a
// variable, so html/template leaves it alone and it prints nothing in any
// context.
func tickNode() parse.Node {
	trees, err := parse.Parse("tick", "{{$candorTick := "+tickFunc+"}}", "", "", map[string]any{tickFunc: func() string { return "" }})
	if err != nil {
		panic("render: tick node does not parse: " + err.Error()) // a constant; cannot happen
	}
	return trees["tick"].Root.Nodes[0]
}

// isTick reports whether n is a tick node (tickNode).
func isTick(n parse.Node) bool {
	a, ok := n.(*parse.ActionNode)
	if !ok || a.Pipe == nil || len(a.Pipe.Decl) != 1 || a.Pipe.Decl[0].Ident[0] != "$candorTick" || len(a.Pipe.Cmds) != 1 {
		return false
	}
	c := a.Pipe.Cmds[0]
	id, ok := c.Args[0].(*parse.IdentifierNode)
	return ok && len(c.Args) == 1 && id.Ident == tickFunc
}

// instrument splices a tick at the start of every template body and of every
// range body in trees.
func instrument(trees []*parse.Tree) {
	tick := tickNode()
	for _, t := range trees {
		if t == nil || t.Root == nil {
			continue
		}
		walk(t.Root, func(n parse.Node) {
			if r, ok := n.(*parse.RangeNode); ok && r.List != nil {
				r.List.Nodes = append([]parse.Node{tick.Copy()}, r.List.Nodes...)
			}
		})
		t.Root.Nodes = append([]parse.Node{tick.Copy()}, t.Root.Nodes...)
	}
}

// walk calls fn for n and every node below it, pipelines included.
func walk(n parse.Node, fn func(parse.Node)) {
	switch v := n.(type) { // typed nils: a template call without a pipeline
	case nil:
		return
	case *parse.PipeNode:
		if v == nil {
			return
		}
	case *parse.ListNode:
		if v == nil {
			return
		}
	}
	fn(n)
	switch n := n.(type) {
	case *parse.ListNode:
		for _, c := range n.Nodes {
			walk(c, fn)
		}
	case *parse.ActionNode:
		walk(n.Pipe, fn)
	case *parse.PipeNode:
		for _, c := range n.Cmds {
			walk(c, fn)
		}
	case *parse.CommandNode:
		for _, a := range n.Args {
			walk(a, fn)
		}
	case *parse.ChainNode:
		walk(n.Node, fn)
	case *parse.IfNode:
		walkBranch(&n.BranchNode, fn)
	case *parse.RangeNode:
		walkBranch(&n.BranchNode, fn)
	case *parse.WithNode:
		walkBranch(&n.BranchNode, fn)
	case *parse.TemplateNode:
		walk(n.Pipe, fn)
	}
}

func walkBranch(b *parse.BranchNode, fn func(parse.Node)) {
	walk(b.Pipe, fn)
	walk(b.List, fn)
	walk(b.ElseList, fn)
}

// staticCheck finds, before anything runs, what would otherwise fail late or
// blow up: calls to templates that do not exist, recursive template calls
// (a template that calls itself twice on a shrinking slice is exponential;
// html/template's own depth limit only stops it 100,000 calls deep), and
// time formatting with a computed layout, which can double a string per
// call. It returns the offending node and a message, or nil.
func staticCheck(trees map[string]*parse.Tree) (parse.Node, string) {
	calls := make(map[string][]*parse.TemplateNode, len(trees))
	for name, t := range trees {
		var bad parse.Node
		var msg string
		walk(t.Root, func(n parse.Node) {
			if bad != nil {
				return
			}
			switch n := n.(type) {
			case *parse.TemplateNode:
				if trees[n.Name] == nil {
					bad, msg = n, fmt.Sprintf("no such template %q", n.Name)
				}
				calls[name] = append(calls[name], n)
			case *parse.PipeNode:
				bad, msg = checkFormatCalls(n)
			}
		})
		if bad != nil {
			return bad, msg
		}
	}
	return findCycle(calls)
}

// checkFormatCalls allows time's Format only with a literal layout, as the
// first command of its pipeline, and AppendFormat never; `date` is the way
// to print a date.
func checkFormatCalls(p *parse.PipeNode) (parse.Node, string) {
	for i, cmd := range p.Cmds {
		switch methodName(cmd.Args[0]) {
		case "Format":
			if i > 0 || len(cmd.Args) != 2 || cmd.Args[1].Type() != parse.NodeString {
				return cmd, "Format takes one literal layout string; use date for dates"
			}
		case "AppendFormat":
			return cmd, "AppendFormat is not allowed; use date for dates"
		}
	}
	return nil, ""
}

// methodName is the last name in a field, chain or variable reference:
// "Format" for .Incident.DiscoveredAt.Format.
func methodName(n parse.Node) string {
	var idents []string
	switch n := n.(type) {
	case *parse.FieldNode:
		idents = n.Ident
	case *parse.ChainNode:
		idents = n.Field
	case *parse.VariableNode:
		if len(n.Ident) > 1 {
			idents = n.Ident
		}
	}
	if len(idents) == 0 {
		return ""
	}
	return idents[len(idents)-1]
}

// findCycle reports the first template call that closes a cycle, visiting
// templates in a fixed order so the report does not depend on map order.
func findCycle(calls map[string][]*parse.TemplateNode) (parse.Node, string) {
	const (
		unseen = iota
		active
		done
	)
	state := make(map[string]int, len(calls))
	var visit func(name string, path []string) (parse.Node, string)
	visit = func(name string, path []string) (parse.Node, string) {
		state[name] = active
		for _, call := range calls[name] {
			switch state[call.Name] {
			case active:
				return call, fmt.Sprintf("recursive template call: %s", cyclePath(append(path, call.Name)))
			case unseen:
				if n, msg := visit(call.Name, append(path, call.Name)); n != nil {
					return n, msg
				}
			}
		}
		state[name] = done
		return nil, ""
	}
	for _, name := range slices.Sorted(maps.Keys(calls)) {
		if state[name] == unseen {
			if n, msg := visit(name, []string{name}); n != nil {
				return n, msg
			}
		}
	}
	return nil, ""
}

func cyclePath(path []string) string {
	// Show only the cycle, not how we came to it.
	last := path[len(path)-1]
	for i, p := range path {
		if p == last {
			path = path[i:]
			break
		}
	}
	s := ""
	for i, p := range path {
		if i > 0 {
			s += " → "
		}
		s += fmt.Sprintf("%q", p)
	}
	return s
}

func sizeString(n int) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	if n >= 1<<10 && n%(1<<10) == 0 {
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
