package render

// Which template nodes depend on the customer: a small taint analysis over
// text/template's parse tree, for Bound's split.

import (
	"text/template/parse"
)

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
