package main

// The benchmarks' SMTP sink, in this process or in a child process of its
// own. In process it is simplest; but then its bookkeeping (a count per
// recipient: 16 bytes each, 30 MB and more for a send to a million) is in
// the peak RSS measured for Candor. With --sink process the child (this
// binary's hidden "candor bench sink") holds it, and the figure is
// Candor's alone, as a worker talking to a real relay would be.

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/candor-dev/candor/internal/smtptest"
)

// benchSink is what a benchmark asks of its sink.
type benchSink interface {
	URL() string
	Addr() string
	Reset()
	Count() int
	Duplicates() int
	Bytes() int64
	Span() (first, last time.Time)
	Close() error
}

// sinkStats is the child's answer to "stats".
type sinkStats struct {
	Count      int       `json:"count"`
	Duplicates int       `json:"duplicates"`
	Bytes      int64     `json:"bytes"`
	First      time.Time `json:"first"`
	Last       time.Time `json:"last"`
}

// openSink starts the sink where asked: "inline" or "process".
func openSink(ctx context.Context, where string) (benchSink, error) {
	switch where {
	case "inline":
		return smtptest.New(smtptest.WithDiscard())
	case "process":
		return startSinkProcess(ctx)
	}
	return nil, fmt.Errorf("--sink %q: want inline or process", where)
}

// processSink talks to the child over its standard input and output, one
// line a command: rarely (a few times a run), so a pipe is plenty.
type processSink struct {
	cmd       *exec.Cmd
	in        io.WriteCloser
	out       *bufio.Scanner
	url, addr string
	mu        sync.Mutex
	err       error // the first failure; later calls return zero values
}

func startSinkProcess(ctx context.Context) (*processSink, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, exe, "bench", "sink")
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	outPipe, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &processSink{cmd: cmd, in: in, out: bufio.NewScanner(outPipe)}
	var hello struct{ URL, Addr string }
	if err := s.read(&hello); err != nil {
		s.Close()
		return nil, fmt.Errorf("sink process: %w", err)
	}
	s.url, s.addr = hello.URL, hello.Addr
	return s, nil
}

func (s *processSink) read(v any) error {
	if !s.out.Scan() {
		if err := s.out.Err(); err != nil {
			return err
		}
		return io.ErrUnexpectedEOF
	}
	return json.Unmarshal(s.out.Bytes(), v)
}

// ask sends one command and reads its answer into v.
func (s *processSink) ask(command string, v any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return
	}
	if _, err := io.WriteString(s.in, command+"\n"); err != nil {
		s.err = err
		return
	}
	if err := s.read(v); err != nil {
		s.err = fmt.Errorf("sink process: %s: %w", command, err)
	}
}

func (s *processSink) stats() sinkStats {
	var st sinkStats
	s.ask("stats", &st)
	return st
}

func (s *processSink) URL() string  { return s.url }
func (s *processSink) Addr() string { return s.addr }
func (s *processSink) Reset() {
	var ok bool
	s.ask("reset", &ok)
}
func (s *processSink) Count() int { return s.stats().Count }

// Duplicates is -1 when the child stopped answering, so that a check for
// none fails rather than passes.
func (s *processSink) Duplicates() int {
	st := s.stats()
	if s.Err() != nil {
		return -1
	}
	return st.Duplicates
}
func (s *processSink) Bytes() int64 { return s.stats().Bytes }
func (s *processSink) Span() (time.Time, time.Time) {
	st := s.stats()
	return st.First, st.Last
}

// Err is the first failure talking to the child.
func (s *processSink) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

func (s *processSink) Close() error {
	s.in.Close() // the child exits at the end of its input
	err := s.cmd.Wait()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return fmt.Errorf("sink process: %w", err)
	}
	return err
}

// benchSinkChild is "candor bench sink": a discarding SMTP sink that says
// where it listens, then answers "stats" and "reset" on its standard
// input until that ends. Only bench send --sink process starts it.
func benchSinkChild(_ context.Context, _ Config, args []string, out io.Writer) error {
	if len(args) != 0 {
		return errors.New("usage: candor bench sink (started by bench send --sink process)")
	}
	srv, err := smtptest.New(smtptest.WithDiscard())
	if err != nil {
		return err
	}
	defer srv.Close()
	enc := json.NewEncoder(out)
	if err := enc.Encode(map[string]string{"URL": srv.URL(), "Addr": srv.Addr()}); err != nil {
		return err
	}
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		switch strings.TrimSpace(sc.Text()) {
		case "stats":
			first, last := srv.Span()
			err = enc.Encode(sinkStats{Count: srv.Count(), Duplicates: srv.Duplicates(), Bytes: srv.Bytes(), First: first, Last: last})
		case "reset":
			srv.Reset()
			err = enc.Encode(true)
		default:
			err = fmt.Errorf("bench sink: unknown command %q", sc.Text())
		}
		if err != nil {
			return err
		}
	}
	return sc.Err()
}
