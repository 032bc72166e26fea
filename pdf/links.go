package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
)

// PageLinks returns the URIs of each page's link annotations, page by page
// in reading order (the page tree's), so that a caller who put a link of
// its own at the top of each of many documents printed as one can tell on
// which page each begins (the letters' manifest does).
//
// It reads the PDFs Print makes (Chromium's Skia writer: a classic
// cross-reference table, dictionaries outside object streams) and refuses
// anything else with an error rather than guess.
func PageLinks(doc []byte) ([][]string, error) {
	r := &reader{doc: doc, offsets: map[int]int{}}
	if err := r.xref(); err != nil {
		return nil, err
	}
	var pages [][]string
	if err := r.walk(r.root, &pages, 0); err != nil {
		return nil, err
	}
	return pages, nil
}

var (
	errNotChromium = errors.New("pdf: not a PDF this package reads (no classic cross-reference table)")
	refRE          = regexp.MustCompile(`(\d+)\s+(\d+)\s+R`)
	typeRE         = regexp.MustCompile(`/Type\s*/(Pages|Page)\b`)
	kidsRE         = regexp.MustCompile(`/Kids\s*\[([^\]]*)\]`)
	annotsRE       = regexp.MustCompile(`/Annots\s*(\[[^\]]*\]|\d+\s+\d+\s+R)`)
	uriRE          = regexp.MustCompile(`/URI\s*([(<])`)
	pagesRE        = regexp.MustCompile(`/Pages\s+(\d+)\s+\d+\s+R`)
	rootRE         = regexp.MustCompile(`/Root\s+(\d+)\s+\d+\s+R`)
)

type reader struct {
	doc     []byte
	offsets map[int]int // object number: offset of "n g obj"
	root    int         // the page tree's root
}

// xref reads the cross-reference table and the trailer's catalogue.
func (r *reader) xref() error {
	i := bytes.LastIndex(r.doc, []byte("startxref"))
	if i < 0 {
		return errNotChromium
	}
	var off int
	if _, err := fmt.Sscan(string(r.doc[i+len("startxref"):min(len(r.doc), i+40)]), &off); err != nil || off <= 0 || off >= len(r.doc) {
		return errNotChromium
	}
	rest := r.doc[off:]
	if !bytes.HasPrefix(rest, []byte("xref")) {
		return errNotChromium
	}
	end := bytes.Index(rest, []byte("trailer"))
	if end < 0 {
		return errNotChromium
	}
	fields := bytes.Fields(rest[len("xref"):end])
	for k := 0; k+1 < len(fields); {
		first, err1 := strconv.Atoi(string(fields[k]))
		n, err2 := strconv.Atoi(string(fields[k+1]))
		if err1 != nil || err2 != nil || k+2+3*n > len(fields) {
			return fmt.Errorf("pdf: bad cross-reference table")
		}
		for j := range n {
			e := fields[k+2+3*j:]
			if string(e[2]) == "n" {
				o, err := strconv.Atoi(string(e[0]))
				if err != nil {
					return fmt.Errorf("pdf: bad cross-reference entry")
				}
				r.offsets[first+j] = o
			}
		}
		k += 2 + 3*n
	}
	m := rootRE.FindSubmatch(rest[end:])
	if m == nil {
		return fmt.Errorf("pdf: no catalogue in the trailer")
	}
	cat, err := r.object(atoi(m[1]))
	if err != nil {
		return err
	}
	if m = pagesRE.FindSubmatch(cat); m == nil {
		return fmt.Errorf("pdf: the catalogue has no page tree")
	}
	r.root = atoi(m[1])
	return nil
}

// object is the text of object n up to its stream or its end.
func (r *reader) object(n int) ([]byte, error) {
	off, ok := r.offsets[n]
	if !ok || off >= len(r.doc) {
		return nil, fmt.Errorf("pdf: object %d is not in the cross-reference table", n)
	}
	body := r.doc[off:]
	head := strconv.Itoa(n) + " "
	if !bytes.HasPrefix(body, []byte(head)) {
		return nil, fmt.Errorf("pdf: object %d is not where the table says", n)
	}
	end := bytes.Index(body, []byte("endobj"))
	if end < 0 {
		return nil, fmt.Errorf("pdf: object %d has no end", n)
	}
	if s := bytes.Index(body[:end], []byte("stream")); s >= 0 {
		end = s
	}
	return body[:end], nil
}

// walk visits a page tree node: a page's links are appended, a node's
// kids walked in order.
func (r *reader) walk(n int, pages *[][]string, depth int) error {
	if depth > 64 {
		return fmt.Errorf("pdf: the page tree is too deep")
	}
	obj, err := r.object(n)
	if err != nil {
		return err
	}
	t := typeRE.FindSubmatch(obj)
	switch {
	case t == nil:
		return fmt.Errorf("pdf: object %d in the page tree is neither a page nor a node", n)
	case string(t[1]) == "Pages":
		k := kidsRE.FindSubmatch(obj)
		if k == nil {
			return fmt.Errorf("pdf: page tree node %d has no kids", n)
		}
		for _, kid := range refRE.FindAllSubmatch(k[1], -1) {
			if err := r.walk(atoi(kid[1]), pages, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	links := []string{}
	if a := annotsRE.FindSubmatch(obj); a != nil {
		list := a[1]
		if list[0] != '[' { // an array of its own
			if list, err = r.object(atoi(refRE.FindSubmatch(list)[1])); err != nil {
				return err
			}
		}
		for _, ref := range refRE.FindAllSubmatch(list, -1) {
			annot, err := r.object(atoi(ref[1]))
			if err != nil {
				return err
			}
			if loc := uriRE.FindSubmatchIndex(annot); loc != nil {
				links = append(links, pdfString(annot[loc[2]:]))
			}
		}
	}
	*pages = append(*pages, links)
	return nil
}

// pdfString decodes the literal "(...)" or hex "<...>" string s starts with.
func pdfString(s []byte) string {
	var out []byte
	if s[0] == '<' {
		var hi int = -1
		for _, c := range s[1:] {
			if c == '>' {
				break
			}
			v, ok := hexVal(c)
			if !ok {
				continue
			}
			if hi < 0 {
				hi = v
			} else {
				out = append(out, byte(hi<<4|v))
				hi = -1
			}
		}
		if hi >= 0 {
			out = append(out, byte(hi<<4))
		}
		return string(out)
	}
	depth := 0
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\\':
			i++
			if i >= len(s) {
				return string(out)
			}
			switch e := s[i]; e {
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case '\n':
			case '0', '1', '2', '3', '4', '5', '6', '7':
				v := int(e - '0')
				for k := 0; k < 2 && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '7'; k++ {
					i++
					v = v*8 + int(s[i]-'0')
				}
				out = append(out, byte(v))
			default:
				out = append(out, e)
			}
		case '(':
			depth++
			out = append(out, c)
		case ')':
			if depth == 0 {
				return string(out)
			}
			depth--
			out = append(out, c)
		default:
			out = append(out, c)
		}
	}
	return string(out)
}

func hexVal(c byte) (int, bool) {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0'), true
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10, true
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10, true
	}
	return 0, false
}

func atoi(b []byte) int {
	n, _ := strconv.Atoi(string(b))
	return n
}
