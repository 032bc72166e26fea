package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/candor-dev/candor/jobs"
	"github.com/candor-dev/candor/mail"
	"github.com/hibiken/asynq"
)

// benchSend measures the send pipeline end to end against the raw ceiling,
// in the same process and the same run:
//
//	candor bench send [--recipients 100000] [--conns 8] [--runs 3] [--chunk 200]
//	                  [--concurrency 2×conns] [--parallel 8]
//
// Each run makes a fresh incident (the seed case with its public timeline),
// imports synthetic customers (untimed) so that exactly --recipients have an
// email address, and approves a customer notice from the default
// templates (comms submits, legal approves). Before each timed part the
// database is settled (store.DB.Settle: VACUUM ANALYZE and CHECKPOINT on
// PostgreSQL, a WAL checkpoint on SQLite), so neither part pays for the
// background work the step before it left: the pipeline for the import's,
// the ceiling for the pipeline's. Then:
//
//   - pipeline: the clock runs from CreateSend + Schedule to the worker's
//     commit of the send's completion (the counts checked after): dispatch, Asynq chunk tasks on
//     an in-process worker, rendering, the SMTP pool of --conns connections
//     to an in-process sink over loopback TCP, every outcome committed;
//   - ceiling: go-mail alone (mail.RawCeilingWith) over --conns connections
//     to the same sink, sending the same messages: the notice pre-rendered
//     once per locale variant the customers use, cycled in the customers'
//     proportions with distinct recipients and delivery ids.
//
// Each part reports messages/s, peak RSS (VmHWM, reset before the part) and
// this process's CPU time per message; after the runs, the medians.
// CANDOR_CPUPROFILE=path profiles the first run: the pipeline to path, the
// ceiling to path.ceiling, and the allocations of each part to
// path[.ceiling].allocs0 (before) and .allocs (after).
func benchSend(ctx context.Context, cfg Config, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("bench send", flag.ContinueOnError)
	n := fs.Int("recipients", 100_000, "recipients (customers with an email address) per run")
	conns := fs.Int("conns", 8, "SMTP connections, for the pipeline's pool and for the ceiling")
	runs := fs.Int("runs", 3, "runs, each a pipeline send and a ceiling (see --order)")
	chunk := fs.Int("chunk", cfg.SendChunk, "deliveries per chunk task (CANDOR_SEND_CHUNK)")
	concurrency := fs.Int("concurrency", 0, "worker concurrency: tasks at once (0: 2×conns)")
	parallel := fs.Int("parallel", cfg.SendParallel, "messages rendered and sent at once, all tasks together (CANDOR_SEND_PARALLEL)")
	seed := fs.Uint64("seed", 1, "seed of the synthetic customers")
	withCeiling := fs.Bool("ceiling", true, "also measure go-mail alone in each run (false: the pipeline only, e.g. for a send to 1,000,000)")
	order := fs.String("order", "pipeline-first", "the parts' order in each run: pipeline-first, ceiling-first, or alternate (odd runs pipeline first)")
	sinkWhere := fs.String("sink", "inline", "where the SMTP sink runs: inline (this process) or process (a child, so peak RSS is Candor's alone)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	validOrder := *order == "pipeline-first" || *order == "ceiling-first" || *order == "alternate"
	if *n < 1 || *conns < 1 || *runs < 1 || *chunk < 1 || *parallel < 1 || *concurrency < 0 || !validOrder || fs.NArg() != 0 {
		return errors.New("usage: candor bench send [--recipients N] [--conns N] [--runs N] [--ceiling=false] [--chunk N] [--concurrency N] [--parallel N] [--order pipeline-first|ceiling-first|alternate] [--sink inline|process]")
	}
	if *concurrency == 0 {
		*concurrency = 2 * *conns
	}
	log := newLogger(cfg.LogLevel)

	db, err := openCustomerDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	ropt, rc, err := openRedis(ctx, cfg)
	if err != nil {
		return err
	}
	defer rc.Close()

	sink, err := openSink(ctx, *sinkWhere)
	if err != nil {
		return err
	}
	defer sink.Close()
	smtpCfg, err := mail.ParseURL(sink.URL() + "&pool=" + strconv.Itoa(*conns))
	if err != nil {
		return err
	}
	_, domain, _ := strings.Cut(cfg.MailFrom, "@")
	sender, err := mail.NewSMTPSender(smtpCfg, domain, mail.DKIMConfig{})
	if err != nil {
		return err
	}
	defer sender.Close()

	// The production wiring, with a rate limit that does not bind.
	pcfg := cfg
	pcfg.MailRate = 1e7
	pcfg.SendChunk = *chunk
	pcfg.SendParallel = *parallel
	qc := asynq.NewClientFromRedisClient(rc)
	sends := newSendPipeline(pcfg, log, db, qc, rc, sender, nil)
	// The pipeline's clock stops when the worker commits the send's
	// completion: polling its state 50 times a second cost the pipeline
	// up to a tenth of a core (under a send's writes each SQLite query
	// starts with a cold page cache), which is the harness's, not the
	// product's.
	completed := make(chan string, 16)
	sends.Completed = func(id string) {
		select {
		case completed <- id:
		default: // never hold up a worker; the once-a-second check catches it
		}
	}
	w := jobs.NewWorker(ropt, jobs.WorkerConfig{Concurrency: *concurrency, ShutdownTimeout: 30 * time.Second, Logger: log},
		sends.Handlers()...)
	if err := w.Start(); err != nil {
		return err
	}
	defer w.Shutdown()

	fmt.Fprintf(out, "bench send: db=%s recipients=%d conns=%d chunk=%d concurrency=%d parallel=%d runs=%d cpus=%d MALLOC_ARENA_MAX=%s sink=%s\n",
		db.Dialect(), *n, *conns, *chunk, *concurrency, *parallel, *runs, runtime.NumCPU(), os.Getenv("MALLOC_ARENA_MAX"), *sinkWhere)
	var pipe, ceil, ratios, pipeRSS, ceilRSS []float64
	for run := 1; run <= *runs; run++ {
		fx, err := prepareSendRun(ctx, cfg, db, *n, *seed)
		if err != nil {
			return fmt.Errorf("run %d: prepare: %w", run, err)
		}
		profile := os.Getenv("CANDOR_CPUPROFILE")
		if run > 1 {
			profile = ""
		}

		var p, c part
		var cps float64
		// measure settles the database, so that a part does not pay for
		// the background work the step before it left, empties the sink,
		// times f and checks that the sink got all n messages (each once
		// when once).
		measure := func(name, profile string, once bool, f func() error) (part, error) {
			if err := db.Settle(ctx); err != nil {
				return part{}, fmt.Errorf("run %d: %w", run, err)
			}
			sink.Reset()
			pt, err := timePart(profile, f)
			if err == nil {
				err = verifySink(sink, *n, once)
			}
			if err != nil {
				return part{}, fmt.Errorf("run %d: %s: %w", run, name, err)
			}
			pt.bytes = sink.Bytes()
			return pt, nil
		}
		pipelinePart := func() error {
			var began, ended time.Time
			var err error
			p, err = measure("pipeline", profile, true, func() error {
				began = time.Now()
				defer func() { ended = time.Now() }()
				return runPipeline(ctx, fx, sends, db, completed)
			})
			if err != nil {
				return err
			}
			first, last := sink.Span()
			// first_msg: from the send's creation to the sink's first message;
			// after_last: from its last message to the completion seen.
			fmt.Fprintf(out, "bench send: run=%d part=pipeline db=%s msgs=%d time=%s msgs/s=%.0f bytes/msg=%d peak_rss_mb=%.1f cpu_us/msg=%.0f machine_cpu_us/msg=%.0f first_msg=%s after_last=%s load=%s\n",
				run, db.Dialect(), *n, p.elapsed.Round(time.Millisecond), p.rate(*n), p.bytes/int64(*n), p.rss, p.cpuPerMsg(*n), p.machinePerMsg(*n),
				first.Sub(began).Round(time.Millisecond), ended.Sub(last).Round(time.Millisecond), loadAvg())
			return nil
		}
		ceilingPart := func() error {
			var err error
			c, err = measure("ceiling", suffix(profile, ".ceiling"), false, func() error {
				var err error
				cps, err = mail.RawCeilingWith(ctx, sink.Addr(), *conns, *n, fx.message)
				return err
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "bench send: run=%d part=ceiling db=%s msgs=%d time=%s msgs/s=%.0f bytes/msg=%d peak_rss_mb=%.1f cpu_us/msg=%.0f machine_cpu_us/msg=%.0f load=%s\n",
				run, db.Dialect(), *n, c.elapsed.Round(time.Millisecond), cps, c.bytes/int64(*n), c.rss, c.cpuPerMsg(*n), c.machinePerMsg(*n), loadAvg())
			return nil
		}
		// Which part runs first can favour one: the machine's speed drifts
		// over the minute a run takes. alternate cancels that over the runs.
		parts := []func() error{pipelinePart, ceilingPart}
		if *order == "ceiling-first" || *order == "alternate" && run%2 == 0 {
			parts[0], parts[1] = parts[1], parts[0]
		}
		if !*withCeiling {
			parts = []func() error{pipelinePart}
		}
		for _, part := range parts {
			if err := part(); err != nil {
				return err
			}
		}
		if !*withCeiling {
			pipe, pipeRSS = append(pipe, p.rate(*n)), append(pipeRSS, p.rss)
			continue
		}
		fmt.Fprintf(out, "bench send: run=%d ratio=%.3f\n", run, p.rate(*n)/cps)
		pipe, ceil, ratios = append(pipe, p.rate(*n)), append(ceil, cps), append(ratios, p.rate(*n)/cps)
		pipeRSS, ceilRSS = append(pipeRSS, p.rss), append(ceilRSS, c.rss)
		sink.Reset()
	}
	if !*withCeiling {
		fmt.Fprintf(out, "bench send: median db=%s recipients=%d conns=%d runs=%d pipeline_msgs/s=%.0f pipeline_peak_rss_mb=%.1f load=%s\n",
			db.Dialect(), *n, *conns, *runs, median(pipe), median(pipeRSS), loadAvg())
		return nil
	}
	fmt.Fprintf(out, "bench send: median db=%s recipients=%d conns=%d runs=%d pipeline_msgs/s=%.0f ceiling_msgs/s=%.0f ratio=%.3f pipeline_peak_rss_mb=%.1f ceiling_peak_rss_mb=%.1f load=%s\n",
		db.Dialect(), *n, *conns, *runs, median(pipe), median(ceil), median(ratios), median(pipeRSS), median(ceilRSS), loadAvg())
	return nil
}
