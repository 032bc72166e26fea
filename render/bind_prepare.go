package render

// Preparing a Bound: the template split into the parts that are the same
// for every recipient (rendered once, escaped) and those that depend on the
// customer (rendered per message).

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	texttemplate "text/template"
	"text/template/parse"
)

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
// outputs lie at spans, for a message whose reference is ref: the shared
// text with each placeholder replaced by the conversion of that node's
// output, and when some outputs hold markup, the text of their shape
// (bind_variant.go) filled in the same way.
func (b *Bound) derive(html string, spans []span, ref string) string {
	conv := make([]string, len(b.dynamic["body"]))
	var marked map[int]string // the outputs that are not plain text
	for _, s := range spans {
		if s.end < s.start || s.node >= len(conv) {
			return htmlToText(html) // cannot happen: the markers are ours
		}
		out := html[s.start:s.end]
		if plainText(out) {
			conv[s.node] = out
			continue
		}
		// Markup or an entity converts differently alone than in its
		// place (html2text keeps state: paragraph breaks, open links,
		// skipped elements): it is converted in its place, once per shape.
		if ref != "" {
			if !refWord(ref) {
				return htmlToText(html)
			}
			out = strings.ReplaceAll(out, ref, b.refPlaceholder())
		}
		if marked == nil {
			marked = map[int]string{}
		}
		marked[s.node] = out
	}
	parts, slots, lines := b.textParts, b.textSlots, b.textLines
	if marked != nil {
		v := b.variantFor(marked)
		if v == nil {
			return htmlToText(html)
		}
		parts, slots, lines = v.parts, v.slots, v.lines
	}
	buf := getScratch() // the joined text is only read by finishTextBytes
	text := *buf
	next := parts[0]
	for k, n := range slots {
		part, c := next, ref
		if n >= 0 {
			c = conv[n]
		}
		next = parts[k+1]
		if c == "" && strings.HasSuffix(part, " ") && strings.HasPrefix(next, " ") {
			next = next[1:] // html2text would have collapsed the spaces around it
		}
		text = append(text, part...)
		text = append(text, c...)
	}
	text = append(text, next...)
	out, ok := "", false
	if lines != nil {
		out, ok = lines.finish(text)
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
