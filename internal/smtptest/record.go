package smtptest

import (
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
	perRcpt  map[string]int // accepted messages per recipient
	perMsgID map[string]int // accepted messages per Message-ID
	attempts map[string]int // RCPT TO commands per recipient, accepted or not
	bucket   tokenBucket
	first    time.Time // when the first accepted message arrived
	last     time.Time // when the last one did
}

func newState(rate float64) state {
	return state{
		perRcpt:  map[string]int{},
		perMsgID: map[string]int{},
		attempts: map[string]int{},
		bucket:   tokenBucket{rate: rate, tokens: rate, last: time.Now()},
	}
}

// normal is the key recipients are counted under: addresses are compared
// case-insensitively, as every real mailbox provider does.
func normal(addr string) string { return strings.ToLower(strings.TrimSpace(addr)) }

func (s *Server) record(m Message) {
	s.mu.Lock()
	if !s.cfg.discard {
		s.state.messages = append(s.state.messages, m)
	}
	for _, r := range m.To {
		s.state.perRcpt[normal(r)]++
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
	return s.state.perRcpt[normal(rcpt)]
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
	return s.state.attempts[normal(rcpt)]
}

// Recipients returns accepted messages per recipient (lower-cased).
func (s *Server) Recipients() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.state.perRcpt))
	for k, v := range s.state.perRcpt {
		out[k] = v
	}
	return out
}

// Duplicates is the number of accepted messages beyond the first for each
// recipient: how many times a recipient was sent the same notice again.
func (s *Server) Duplicates() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.state.perRcpt {
		n += c - 1
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
	s.state = newState(s.cfg.rate)
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
