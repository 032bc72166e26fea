package render

import (
	"strconv"
	"strings"
	"sync"
)

// The text of a message whose customer parts hold markup.
//
// derive pastes each customer part's output into the shared text only when
// that output is plain text; markup converts differently alone than in its
// place. Yet the shipped notices have such parts in every message: the
// notice's reference in its own paragraph, the US readers' block about
// credit agencies. Converting the whole body for each of them was most of
// a send's rendering time. Those outputs take few shapes, though: the US
// block is the same for every US reader, the reference paragraph the same
// but for the reference. So the text is derived per shape (a variant): the
// body converted once with those outputs in their places, the reference
// replaced by a placeholder word, and the plain parts by theirs as before;
// per message only the values are pasted in. A reference is letters,
// digits and hyphens, which html2text passes through as a word wherever it
// passes the placeholder; one that is not is converted whole, as is any
// body once a Bound has met maxVariants shapes.

// maxVariants bounds the shapes a Bound keeps: a template whose customer
// parts print markup around values not known here (a name in bold) makes a
// shape per recipient, and those are converted whole.
const maxVariants = 64

// textVariant is the shared text of one shape: parts cut at the slots,
// slot n the output of dynamic node n, or of the reference where n < 0.
type textVariant struct {
	parts []string
	slots []int
	lines *lines // nil: finish the whole text
}

type variants struct {
	mu sync.RWMutex
	m  map[string]*textVariant // nil value: this shape is converted whole
}

// refWord reports whether a reference reads the same to html2text in any
// place as the placeholder that stands for it.
func refWord(ref string) bool {
	if ref == "" || len(ref) > 64 {
		return false
	}
	for i := 0; i < len(ref); i++ {
		c := ref[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// refPlaceholder stands for the reference in a variant's text.
func (b *Bound) refPlaceholder() string { return "candorref" + b.token + "e" }

// variantFor returns the shared text for a message whose non-plain customer
// parts printed marked[node] (with the reference already replaced by its
// placeholder), or nil when the message is to be converted whole.
func (b *Bound) variantFor(marked map[int]string) *textVariant {
	var key strings.Builder
	for i := range b.dynamic["body"] {
		if out, ok := marked[i]; ok {
			key.WriteString(strconv.Itoa(i))
			key.WriteByte(0)
			key.WriteString(out)
			key.WriteByte(0)
		}
	}
	k := key.String()
	b.shapes.mu.RLock()
	v, ok := b.shapes.m[k]
	full := len(b.shapes.m) >= maxVariants
	b.shapes.mu.RUnlock()
	if ok || full {
		return v
	}
	v = b.newVariant(marked)
	b.shapes.mu.Lock()
	if b.shapes.m == nil {
		b.shapes.m = map[string]*textVariant{}
	}
	if len(b.shapes.m) < maxVariants {
		b.shapes.m[k] = v
	}
	b.shapes.mu.Unlock()
	return v
}

// newVariant converts the body with marked's outputs in their places and
// placeholders for the plain parts; nil when a plain part's placeholder
// does not show exactly once as a word.
func (b *Bound) newVariant(marked map[int]string) *textVariant {
	var skel strings.Builder
	for i, seg := range b.static["body"] {
		switch out, ok := marked[i]; {
		case ok:
			skel.WriteString(out)
		case b.dynamic["body"][i]:
			skel.WriteString(b.placeholder(i))
		default:
			skel.WriteString(seg)
		}
	}
	text := convertHTML(skel.String())
	converted := text
	for i, d := range b.dynamic["body"] {
		if _, ok := marked[i]; d && !ok && strings.Count(text, b.placeholder(i)) != 1 {
			return nil
		}
	}
	v := &textVariant{}
	slot, ref := b.slotPrefix(), b.refPlaceholder()
	for {
		i, r := strings.Index(text, slot), strings.Index(text, ref)
		if r >= 0 && (i < 0 || r < i) {
			v.parts, v.slots = append(v.parts, text[:r]), append(v.slots, -1)
			text = text[r+len(ref):]
			continue
		}
		if i < 0 {
			break
		}
		j := strings.IndexByte(text[i+len(slot):], 'e')
		if j < 0 {
			return nil
		}
		n, err := strconv.Atoi(text[i+len(slot) : i+len(slot)+j])
		if err != nil {
			return nil
		}
		v.parts, v.slots = append(v.parts, text[:i]), append(v.slots, n)
		text = text[i+len(slot)+j+1:]
	}
	v.parts = append(v.parts, text)
	v.lines = newLines(converted, func(line string) bool {
		return strings.Contains(line, slot) || strings.Contains(line, ref)
	})
	return v
}
