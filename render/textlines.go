package render

import (
	"bytes"
	"strings"
)

// lines finishes the text of a Bound's messages. Every message's text is
// the shared skeleton with each placeholder replaced by a customer's value,
// and a value is plain text (plainText: no line break, no '<' or '>'), so
// a message's text has the skeleton's lines, and each line without a
// placeholder is the same in every message. finishTextBytes works line by
// line (its link clean-up looks no further than the line, given that every
// " <" on the line has a '>' after it there; its tidying trims lines and
// counts blank ones), so those lines are finished once, here, and a message
// only finishes the lines that hold its values. finishTextBytes ran over
// the whole text of every message, the larger part of deriving it.
type lines struct {
	line []textLine
}

type textLine struct {
	dynamic bool   // holds a placeholder: finished per message
	raw     string // a shared line as it stands in every message
	done    string // raw, finished: links dropped, trimmed
}

// newLines splits skel into its lines; isDynamic says which hold a
// placeholder. It returns nil when a shared line has a " <" with no '>'
// after it on the line: the link clean-up might then read across lines.
func newLines(skel string, isDynamic func(line string) bool) *lines {
	raw := strings.Split(skel, "\n")
	l := &lines{line: make([]textLine, len(raw))}
	for i, r := range raw {
		if isDynamic(r) {
			l.line[i].dynamic = true
			continue
		}
		if !linksClosed([]byte(r)) {
			return nil
		}
		done := bytes.TrimSpace(appendWithoutRedundantLinks(nil, []byte(r)))
		l.line[i] = textLine{raw: r, done: string(done)}
	}
	return l
}

// finish is finishTextBytes(text) for a text made from the skeleton. It
// reports false, having done nothing, when text does not have the
// skeleton's shared lines in their places or a line of its own has a " <"
// left open; the caller then finishes the whole text.
func (l *lines) finish(text []byte) (string, bool) {
	var b strings.Builder
	b.Grow(len(text))
	var scratch []byte
	blank := false // as in tidyBytes
	for i := range l.line {
		ln, last := &l.line[i], i == len(l.line)-1
		var done []byte // this message's own line, finished
		shared := ""    // or a shared line, finished once
		if ln.dynamic {
			end := bytes.IndexByte(text, '\n')
			switch {
			case end < 0 && !last, end >= 0 && last:
				return "", false
			case end < 0:
				end = len(text)
			}
			line := text[:end]
			text = text[min(end+1, len(text)):]
			if !linksClosed(line) {
				return "", false
			}
			if bytes.Contains(line, linkOpen) {
				scratch = appendWithoutRedundantLinks(scratch[:0], line)
				line = scratch
			}
			done = bytes.TrimSpace(line)
		} else {
			n := len(ln.raw)
			if len(text) < n || string(text[:n]) != ln.raw {
				return "", false
			}
			switch {
			case last && len(text) != n, !last && (len(text) == n || text[n] != '\n'):
				return "", false
			}
			text = text[min(n+1, len(text)):]
			shared = ln.done
		}
		if len(done) == 0 && shared == "" {
			blank = b.Len() > 0
			continue
		}
		separate(&b, &blank)
		b.Write(done)
		b.WriteString(shared)
	}
	return b.String(), true
}

// separate starts a non-empty line of tidied text: after a blank line if
// one is owed, else after a line break (none before the first).
func separate(b *strings.Builder, blank *bool) {
	switch {
	case *blank:
		b.WriteString("\n\n")
	case b.Len() > 0:
		b.WriteByte('\n')
	}
	*blank = false
}

// linksClosed reports whether every " <" in line has a '>' after it in the
// line, so that dropping redundant links reads nothing beyond it.
func linksClosed(line []byte) bool {
	for {
		i := bytes.Index(line, linkOpen)
		if i < 0 {
			return true
		}
		j := bytes.IndexByte(line[i+2:], '>')
		if j < 0 {
			return false
		}
		// Every " <" before that '>' is closed by it as well.
		line = line[i+2+j+1:]
	}
}
