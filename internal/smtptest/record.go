package smtptest

import (
	"hash/maphash"
	"strings"
	"time"
)

// Message is one message the server accepted.
type Message struct {
	From      string   // envelope sender (MAIL FROM)
	To        []string // envelope recipients (RCPT TO)
	Data      []byte   // the raw message as received; nil in discard mode
	MessageID string   // the Message-ID header, with its angle brackets; "" in discard mode
	At        time.Time
	size      int64 // len(Data), also in discard mode
}

// state is what the server has seen; guarded by Server.mu.
type state struct {
	messages []Message
	rcpts    tally
	perMsgID map[string]int // accepted messages per Message-ID
	bucket   tokenBucket
	first    time.Time // when the first accepted message arrived
	last     time.Time // when the last one did
}

func newState(rate float64, discard bool) state {
	st := state{
		rcpts:    tally{seed: maphash.MakeSeed(), counts: map[uint64]rcptCount{}, names: map[uint64]string{}},
		perMsgID: map[string]int{},
		bucket:   tokenBucket{rate: rate, tokens: rate, last: time.Now()},
	}
	if discard {
		st.rcpts.names = nil
	}
	return st
}

// normal is the key recipients are counted under: addresses are compared
// case-insensitively, as every real mailbox provider does.
func normal(addr string) string { return strings.ToLower(strings.TrimSpace(addr)) }

// tally counts, per recipient, the RCPT TO commands and the accepted
// messages. It is keyed by a 64-bit hash of the address: a benchmark's
// sink counts a million recipients, and a map of a million strings (one
// for messages, one for attempts) was most of the benchmark process's
// memory and a table the collector scanned on every cycle; hashes hold no
// pointers and take 16 bytes an entry. The addresses themselves are kept
// only outside discard mode, for Recipients. Two addresses colliding in 64
// bits among a million has a chance of about 3 in 100 million.
type tally struct {
	seed   maphash.Seed
	counts map[uint64]rcptCount
	names  map[uint64]string // nil in discard mode
}

type rcptCount struct{ accepted, attempts uint32 }

func (t tally) key(addr string) uint64 { return maphash.String(t.seed, normal(addr)) }

// attempt counts a RCPT TO for addr and returns how many there were.
func (t tally) attempt(addr string) int {
	k := t.key(addr)
	c := t.counts[k]
	c.attempts++
	t.counts[k] = c
	if t.names != nil {
		t.names[k] = normal(addr)
	}
	return int(c.attempts)
}

func (t tally) accept(addr string) {
	k := t.key(addr)
	c := t.counts[k]
	c.accepted++
	t.counts[k] = c
	if t.names != nil {
		t.names[k] = normal(addr)
	}
}

func (t tally) get(addr string) rcptCount { return t.counts[t.key(addr)] }

func (s *Server) record(m Message) {
	s.mu.Lock()
	if !s.cfg.discard {
		s.state.messages = append(s.state.messages, m)
	}
	for _, r := range m.To {
		s.state.rcpts.accept(r)
	}
	if m.MessageID != "" {
		s.state.perMsgID[m.MessageID]++
	}
	if s.state.first.IsZero() {
		s.state.first = m.At
	}
	s.state.last = m.At
	s.mu.Unlock()
	s.accepted.Add(1)
	s.dataBytes.Add(m.size)
	select {
	case s.notify <- struct{}{}:
	default:
	}
}

// Messages returns a copy of the accepted messages, oldest first (empty in
// discard mode).
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.state.messages...)
}

// CountFor is the number of accepted messages addressed to rcpt.
func (s *Server) CountFor(rcpt string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return int(s.state.rcpts.get(rcpt).accepted)
}

// CountMessageID is the number of accepted messages with this Message-ID
// (give it with or without angle brackets). Always 0 in discard mode.
func (s *Server) CountMessageID(id string) int {
	if !strings.HasPrefix(id, "<") {
		id = "<" + id + ">"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state.perMsgID[id]
}

// Attempts is the number of RCPT TO commands for rcpt, whatever the reply.
func (s *Server) Attempts(rcpt string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return int(s.state.rcpts.get(rcpt).attempts)
}

// Recipients returns accepted messages per recipient (lower-cased); nil
// in discard mode, which keeps counts, not addresses.
func (s *Server) Recipients() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state.rcpts.names == nil {
		return nil
	}
	out := map[string]int{}
	for k, c := range s.state.rcpts.counts {
		if c.accepted > 0 {
			out[s.state.rcpts.names[k]] = int(c.accepted)
		}
	}
	return out
}

// Duplicates is the number of accepted messages beyond the first for each
// recipient: how many times a recipient was sent the same notice again.
func (s *Server) Duplicates() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.state.rcpts.counts {
		if c.accepted > 1 {
			n += int(c.accepted) - 1
		}
	}
	return n
}

// Span is when the first and the last accepted message arrived (zero
// times before any): a benchmark tells from it how long a sender took to
// start and to finish around the messages themselves.
func (s *Server) Span() (first, last time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state.first, s.state.last
}

// Reset forgets every message, count and attempt (not the connection count).
func (s *Server) Reset() {
	s.mu.Lock()
	s.state = newState(s.cfg.rate, s.cfg.discard)
	s.mu.Unlock()
	s.accepted.Store(0)
	s.dataBytes.Store(0)
}

// tokenBucket is the throttle of WithRateLimit: rate tokens a second, at
// most rate in store (one second of burst).
type tokenBucket struct {
	rate   float64
	tokens float64
	last   time.Time
}

func (b *tokenBucket) take(now time.Time) bool {
	if b.rate <= 0 {
		return true
	}
	b.tokens += now.Sub(b.last).Seconds() * b.rate
	b.last = now
	if b.tokens > b.rate {
		b.tokens = b.rate
	}
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
