package roster

import (
	"errors"
	"io"
)

// errRecordTooLong is returned by recordLimiter when a record runs past its
// budget; the readers turn it into a request error with a line.
var errRecordTooLong = errors.New("record too long")

// readAhead is what a parser may buffer beyond the current record: the 4 KiB
// bufio.Reader inside encoding/csv, or encoding/json's read chunks.
const readAhead = 64 << 10

// recordLimiter stops a parser from buffering one enormous record. The
// parser tells it where each record ends (setBase with the parser's input
// offset); it then hands out at most max bytes past that point, plus the
// parser's read-ahead, and fails after. Memory is therefore bounded by the
// limit, whatever the body: a 10 MB field is refused after about 256 KiB.
type recordLimiter struct {
	r     io.Reader
	read  int64 // bytes handed to the parser
	limit int64 // read may not pass it
	base  int64 // where the parser's current record starts
	max   int64
}

func newRecordLimiter(r io.Reader, max int) *recordLimiter {
	l := &recordLimiter{r: r, max: int64(max)}
	l.setBase(0)
	return l
}

// setBase records that the parser has consumed the input up to offset.
func (l *recordLimiter) setBase(offset int64) {
	l.base = offset
	l.limit = offset + l.max + readAhead
}

// over reports whether the record from base to end is past the limit.
func (l *recordLimiter) over(end int64) bool { return end-l.base > l.max }

func (l *recordLimiter) Read(p []byte) (int, error) {
	room := l.limit - l.read
	if room <= 0 {
		return 0, errRecordTooLong
	}
	if int64(len(p)) > room {
		p = p[:room]
	}
	n, err := l.r.Read(p)
	l.read += int64(n)
	return n, err
}
