package mail_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/candor-dev/candor/internal/smtptest"
	cmail "github.com/candor-dev/candor/mail"
)

func TestRawCeiling(t *testing.T) {
	srv := smtptest.Start(t, smtptest.WithDiscard())
	rate, err := cmail.RawCeiling(ctx(t), srv.Addr(), 4, 500)
	if err != nil {
		t.Fatal(err)
	}
	if srv.Count() != 500 || srv.Connections() != 4 || srv.Duplicates() != 0 {
		t.Errorf("server: %d messages, %d connections, %d duplicates", srv.Count(), srv.Connections(), srv.Duplicates())
	}
	if rate <= 0 {
		t.Errorf("rate %f", rate)
	}
	t.Logf("raw ceiling: %.0f msgs/s (4 connections, 500 messages, with -race if set)", rate)

	if _, err := cmail.RawCeiling(ctx(t), "127.0.0.1:1", 2, 10); cmail.Classify(err) != cmail.Temporary {
		t.Errorf("no server: %v", err)
	}
}

// BenchmarkRawCeiling is go-mail alone: b.N messages over 8 connections to
// a discard sink. For the figure: -benchtime=20000x.
func BenchmarkRawCeiling(b *testing.B) {
	srv := smtptest.Start(b, smtptest.WithDiscard())
	b.ResetTimer()
	rate, err := cmail.RawCeiling(context.Background(), srv.Addr(), 8, b.N)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(rate, "msgs/s")
}

// BenchmarkSMTPSender is the same messages through Candor's pool of 8
// connections, from 16 goroutines (twice the pool, so that a connection is
// never idle while a caller builds its next message). Its msgs/s over
// BenchmarkRawCeiling's is the mail layer's share of the end-to-end ratio.
func BenchmarkSMTPSender(b *testing.B) {
	srv := smtptest.Start(b, smtptest.WithDiscard())
	cfg, err := cmail.ParseURL(srv.URL() + "&pool=8")
	if err != nil {
		b.Fatal(err)
	}
	s, err := cmail.NewSMTPSender(cfg, cmail.BenchDomain, cmail.DKIMConfig{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	var next atomic.Int64
	var wg sync.WaitGroup
	var failed atomic.Int64
	b.ResetTimer()
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)) - 1; i < b.N; i = int(next.Add(1)) - 1 {
				if _, err := s.Send(context.Background(), cmail.BenchMessage(i)); err != nil {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	if failed.Load() > 0 {
		b.Fatalf("%d sends failed", failed.Load())
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	b.ReportMetric(float64(srv.Connections()), "conns")
}
