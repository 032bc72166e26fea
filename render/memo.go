package render

import (
	"strings"
	"sync"
	"text/template/parse"
)

// A customer part whose output depends on nothing of the customer but
// where they live, their locale and their data categories — the notices'
// "the information about you that may have been affected is your ..." —
// is the same for every customer with the same values: a Bound renders it
// once per value and then pastes the output in, as it does the shared
// parts. Whether a part qualifies is decided from its parse tree
// (memoFields), erring towards no: a part that may read the name or the
// email, or that passes dot or $ whole anywhere, runs for every recipient.
type memo struct {
	node   int      // the body's top-level node
	fields []string // the customer fields it reads, in a fixed order
	mu     sync.RWMutex
	out    map[string]memoized // by key
}

// memoized is a node's output and the steps running it took, which a
// message that pastes it in still counts.
type memoized struct {
	text  *parse.TextNode
	steps int
}

// memoMax bounds each memo's outputs: customers have few distinct places
// and category sets, but nothing forces that.
const memoMax = 4096

// memoable are the customer fields a memoised part may read.
var memoable = []string{"Country", "Region", "Locale", "DataCategories"}

func (m *memo) key(c CustomerView) string {
	var sb strings.Builder
	for _, f := range m.fields {
		switch f {
		case "Country":
			sb.WriteString(c.Country)
		case "Region":
			sb.WriteString(c.Region)
		case "Locale":
			sb.WriteString(c.Locale)
		case "DataCategories":
			sb.WriteString(strings.Join(c.DataCategories, "\x01"))
		}
		sb.WriteByte(0)
	}
	return sb.String()
}

func (m *memo) get(key string) (memoized, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	v, ok := m.out[key]
	return v, ok
}

func (m *memo) put(key, output string, steps int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.out[key]; !ok && len(m.out) < memoMax {
		m.out[key] = memoized{textNode(output), steps}
	}
}

// memoFields returns the customer fields top-level node n reads, and
// whether it reads the customer only through them: every reference is
// .Customer.F or $.Customer.F with F memoable, and dot and $ are never used
// whole while they are the template's data. A node that uses a variable
// other than $ at all is not memoised: declared in an inner scope, one may
// shadow an outer one that holds the name, and an assignment must run for
// the nodes after it.
func memoFields(n parse.Node) ([]string, bool) {
	if declaresAtTop(n) {
		return nil, false
	}
	w := memoWalk{read: map[string]bool{}, ok: true}
	w.node(n, true)
	if !w.ok || len(w.read) == 0 {
		return nil, false
	}
	var fields []string
	for _, f := range memoable {
		if w.read[f] {
			fields = append(fields, f)
		}
	}
	return fields, true
}

type memoWalk struct {
	read map[string]bool // customer fields read
	ok   bool
}

// node walks n with dot the template's data (root) or a value of it.
func (w *memoWalk) node(n parse.Node, root bool) {
	switch n := n.(type) {
	case *parse.TextNode, *parse.CommentNode, *parse.BreakNode, *parse.ContinueNode:
	case *parse.ListNode:
		if n != nil {
			for _, c := range n.Nodes {
				w.node(c, root)
			}
		}
	case *parse.ActionNode:
		if !isTick(n) { // the step counter's own variable
			w.pipe(n.Pipe, root)
		}
	case *parse.IfNode:
		w.branch(&n.BranchNode, root, root)
	case *parse.RangeNode:
		w.branch(&n.BranchNode, root, false) // the body's dot is an element
	case *parse.WithNode:
		w.branch(&n.BranchNode, root, false) // the body's dot is the value
	case *parse.TemplateNode:
		w.pipe(n.Pipe, root) // the called template sees only what is passed
	default:
		w.ok = false
	}
}

// branch walks an if, range or with: its body with dot root when bodyRoot,
// its else branch with the outer dot.
func (w *memoWalk) branch(b *parse.BranchNode, root, bodyRoot bool) {
	w.pipe(b.Pipe, root)
	w.node(b.List, bodyRoot)
	w.node(b.ElseList, root)
}

func (w *memoWalk) pipe(p *parse.PipeNode, root bool) {
	if p == nil {
		return
	}
	for _, c := range p.Cmds {
		for _, a := range c.Args {
			w.arg(a, root)
		}
	}
	if len(p.Decl) > 0 {
		w.ok = false // declares or assigns a variable
	}
}

func (w *memoWalk) arg(a parse.Node, root bool) {
	switch a := a.(type) {
	case *parse.BoolNode, *parse.NumberNode, *parse.StringNode, *parse.NilNode, *parse.IdentifierNode:
	case *parse.DotNode:
		if root {
			w.ok = false // the whole data
		}
	case *parse.FieldNode:
		if root {
			w.field(a.Ident)
		}
	case *parse.VariableNode:
		if a.Ident[0] != "$" {
			w.ok = false // a variable other than $
			return
		}
		w.field(a.Ident[1:])
	case *parse.ChainNode:
		w.arg(a.Node, root)
	case *parse.PipeNode:
		w.pipe(a, root)
	default:
		w.ok = false
	}
}

// field notes a selection from the template's data.
func (w *memoWalk) field(idents []string) {
	if len(idents) == 0 {
		w.ok = false // $ whole
		return
	}
	if perNotice(idents) {
		w.ok = false // one per notice: never the same for two recipients
		return
	}
	if idents[0] != "Customer" {
		return
	}
	if len(idents) < 2 {
		w.ok = false // the whole customer
		return
	}
	for _, f := range memoable {
		if idents[1] == f {
			w.read[f] = true
			return
		}
	}
	w.ok = false // the name, the email, or a field this does not know
}
