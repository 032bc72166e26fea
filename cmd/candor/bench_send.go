package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/compose"
	"github.com/candor-dev/candor/internal/smtptest"
	"github.com/candor-dev/candor/internal/synth"
	"github.com/candor-dev/candor/jobs"
	"github.com/candor-dev/candor/mail"
	"github.com/candor-dev/candor/render"
	"github.com/candor-dev/candor/roster"
	"github.com/candor-dev/candor/store"
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
	order := fs.String("order", "pipeline-first", "the parts' order in each run: pipeline-first, ceiling-first, or alternate (odd runs pipeline first)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	validOrder := *order == "pipeline-first" || *order == "ceiling-first" || *order == "alternate"
	if *n < 1 || *conns < 1 || *runs < 1 || *chunk < 1 || *parallel < 1 || *concurrency < 0 || !validOrder || fs.NArg() != 0 {
		return errors.New("usage: candor bench send [--recipients N] [--conns N] [--runs N] [--chunk N] [--concurrency N] [--parallel N] [--order pipeline-first|ceiling-first|alternate]")
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

	sink, err := smtptest.New(smtptest.WithDiscard())
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

	fmt.Fprintf(out, "bench send: db=%s recipients=%d conns=%d chunk=%d concurrency=%d parallel=%d runs=%d cpus=%d MALLOC_ARENA_MAX=%s\n",
		db.Dialect(), *n, *conns, *chunk, *concurrency, *parallel, *runs, runtime.NumCPU(), os.Getenv("MALLOC_ARENA_MAX"))
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
		for _, part := range parts {
			if err := part(); err != nil {
				return err
			}
		}
		fmt.Fprintf(out, "bench send: run=%d ratio=%.3f\n", run, p.rate(*n)/cps)
		pipe, ceil, ratios = append(pipe, p.rate(*n)), append(ceil, cps), append(ratios, p.rate(*n)/cps)
		pipeRSS, ceilRSS = append(pipeRSS, p.rss), append(ceilRSS, c.rss)
		sink.Reset()
	}
	fmt.Fprintf(out, "bench send: median db=%s recipients=%d conns=%d runs=%d pipeline_msgs/s=%.0f ceiling_msgs/s=%.0f ratio=%.3f pipeline_peak_rss_mb=%.1f ceiling_peak_rss_mb=%.1f load=%s\n",
		db.Dialect(), *n, *conns, *runs, median(pipe), median(ceil), median(ratios), median(pipeRSS), median(ceilRSS), loadAvg())
	return nil
}

// sendFixture is one run's incident, approved notice and the ceiling's
// pre-rendered messages.
type sendFixture struct {
	incidentID string
	disclosure candor.Disclosure
	comms      context.Context
	n          int
	// The ceiling's messages: one rendered notice per locale variant, and
	// for message i the variant order[i] (the customers' own sequence of
	// locales), so both parts send the same mix.
	rendered []*mail.Message
	order    []uint8
}

// message is the ceiling's message i: the pre-rendered variant of the i-th
// customer's locale, to its own recipient, with its own delivery id.
func (fx *sendFixture) message(i int) *mail.Message {
	m := *fx.rendered[fx.order[i]]
	m.DeliveryID = fmt.Sprintf("%032x", i)
	m.To.Email = "bench." + strconv.Itoa(i) + "@example.com"
	m.Headers = map[string]string{"X-Candor-Send": m.Headers["X-Candor-Send"]}
	return &m
}

// prepareSendRun makes a run's incident, customers and approved notice;
// nothing of it is timed.
func prepareSendRun(ctx context.Context, cfg Config, db *store.DB, n int, seed uint64) (*sendFixture, error) {
	// Two people: comms writes and submits, legal approves (four eyes).
	comms := candor.NewContextWithActor(ctx, candor.Actor{TokenID: "bench-comms", Name: "bench comms", Role: candor.RoleComms})
	legal := candor.NewContextWithActor(ctx, candor.Actor{TokenID: "bench-legal", Name: "bench legal", Role: candor.RoleLegal})

	in, err := db.CreateIncident(comms, seedIncident())
	if err != nil {
		return nil, err
	}
	for _, e := range seedEvents {
		ev := candor.Event{OccurredOn: e.on.Format(candor.DateLayout), Description: e.description, Public: true}
		if _, err := db.CreateEvent(comms, in.ID, ev); err != nil {
			return nil, err
		}
	}

	// Every 50th synthetic customer is postal: import enough that exactly
	// n have an email address.
	total := n
	for total-total/50 < n {
		total++
	}
	var buf bytes.Buffer
	if err := synth.WriteCSV(&buf, total, seed); err != nil {
		return nil, err
	}
	fx := &sendFixture{incidentID: in.ID, comms: comms, n: n, order: make([]uint8, 0, n)}
	var locales []string
	r := csv.NewReader(bytes.NewReader(buf.Bytes()))
	r.ReuseRecord = true
	if _, err := r.Read(); err != nil { // synth.Header
		return nil, err
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		} else if err != nil {
			return nil, err
		}
		if rec[2] == "" { // email
			continue
		}
		k := slices.Index(locales, rec[6])
		if k < 0 {
			k = len(locales)
			locales = append(locales, rec[6])
		}
		fx.order = append(fx.order, uint8(k))
	}
	if len(fx.order) != n {
		return nil, fmt.Errorf("%d synthetic customers with email, want %d", len(fx.order), n)
	}
	rd, err := roster.NewReader("text/csv", &buf, roster.Options{})
	if err != nil {
		return nil, err
	}
	rep, err := db.ImportCustomers(comms, in.ID, rd, nil)
	if err != nil {
		return nil, fmt.Errorf("import customers: %w", err)
	}
	if rep.Accepted != total {
		return nil, fmt.Errorf("imported %d of %d customers (%d rejected)", rep.Accepted, total, rep.Rejected)
	}

	d, err := db.CreateDisclosure(comms, in.ID, candor.KindCustomerNotice, candor.DisclosureContent{Title: "Notice"}, true)
	if err != nil {
		return nil, err
	}
	if d, err = db.SubmitDisclosure(comms, d.ID, d.Revision); err != nil {
		return nil, err
	}
	if d, err = db.ApproveDisclosure(legal, d.ID, d.Revision); err != nil {
		return nil, err
	}
	fx.disclosure = d

	// The ceiling's messages, rendered as the sender renders them: the
	// same data (compose.Base + the customer), the same variant choice and
	// compiled template, the same addressing.
	facts, err := compose.Load(ctx, db, in.ID, cfg.organisation(), cfg.BaseURL, time.Now())
	if err != nil {
		return nil, err
	}
	for _, loc := range locales {
		page, err := db.ListCustomers(ctx, candor.CustomerFilter{IncidentID: in.ID, Locale: loc, Limit: 1})
		if err != nil {
			return nil, err
		}
		if len(page.Items) == 0 {
			return nil, fmt.Errorf("no customer of locale %s", loc)
		}
		c := page.Items[0]
		vloc, v := render.PickVariantFor(d.Variants, d.DefaultLocale, c.Locale, c.Country, c.Region)
		data := facts.Data(vloc)
		data.Customer = compose.Customer(&c)
		tpl, err := render.Compile(vloc, v)
		if err != nil {
			return nil, err
		}
		res, err := tpl.Execute(ctx, data)
		if err != nil {
			return nil, err
		}
		res = render.Letter(res, tpl.Locale(), data.Org.Name)
		fx.rendered = append(fx.rendered, &mail.Message{From: mailFrom(cfg), To: mail.Address{Name: c.Name, Email: c.Email},
			ReplyTo: mail.Address{Name: cfg.OrgName, Email: cfg.OrgContactEmail}, Subject: res.Subject,
			HTML: res.HTML, Text: res.Text, Locale: tpl.Locale(),
			Headers: map[string]string{"X-Candor-Send": store.NewID()}})
	}
	return fx, nil
}

// runPipeline creates and schedules the send, then waits for the worker to
// report it completed (checking its state once a second besides), and
// checks its counts.
func runPipeline(ctx context.Context, fx *sendFixture, sends *jobs.Sender, db *store.DB, completed <-chan string) error {
	send, err := db.CreateSend(fx.comms, store.NewSend{DisclosureID: fx.disclosure.ID, IncidentID: fx.incidentID,
		Kind: string(fx.disclosure.Kind), Revision: fx.disclosure.ApprovedRevision, SendAt: time.Now()})
	if err != nil {
		return err
	}
	if err := sends.Schedule(ctx, send, 0); err != nil {
		return err
	}
	// Generous: a stall fails the benchmark rather than hanging it.
	deadline := time.Now().Add(max(2*time.Minute, time.Duration(fx.n)*2*time.Millisecond))
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
wait:
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case id := <-completed:
			if id == send.ID {
				break wait
			}
			continue
		case <-tick.C:
		}
		st, err := db.GetSend(ctx, send.ID)
		if err != nil {
			return err
		}
		if st.State == candor.SendCompleted {
			break
		}
		if st.State != candor.SendRunning && st.State != candor.SendScheduled {
			return fmt.Errorf("send %s is %s", st.ID, st.State)
		}
		if time.Now().After(deadline) {
			s, err := db.GetSend(ctx, send.ID)
			if err != nil {
				return err
			}
			return fmt.Errorf("send %s not completed in time: %d of %d sent, %d pending, %d sending",
				s.ID, s.Sent, s.Total, s.Pending, s.Sending)
		}
	}
	s, err := db.GetSend(ctx, send.ID)
	if err != nil {
		return err
	}
	if s.Total != fx.n || s.Sent != fx.n {
		return fmt.Errorf("send %s completed with total %d, sent %d, failed %d, want %d sent",
			s.ID, s.Total, s.Sent, s.Failed, fx.n)
	}
	return nil
}

// verifySink checks the sink accepted exactly n messages (and, for the
// pipeline, each recipient once).
func verifySink(sink *smtptest.Server, n int, once bool) error {
	if got := sink.Count(); got != n {
		return fmt.Errorf("the sink accepted %d messages, want %d", got, n)
	}
	if once {
		if d := sink.Duplicates(); d != 0 {
			return fmt.Errorf("the sink saw %d duplicate messages", d)
		}
	}
	return nil
}

// part is what one timed part measured.
type part struct {
	elapsed time.Duration
	rss     float64       // MiB
	cpu     time.Duration // this process's user + system time
	machine time.Duration // every CPU's busy time (/proc/stat): the database, Redis, other users
	bytes   int64         // DATA bytes the sink accepted
}

func (p part) rate(n int) float64          { return float64(n) / p.elapsed.Seconds() }
func (p part) cpuPerMsg(n int) float64     { return float64(p.cpu.Microseconds()) / float64(n) }
func (p part) machinePerMsg(n int) float64 { return float64(p.machine.Microseconds()) / float64(n) }

// timePart runs f with the peak RSS reset (after returning what the Go heap
// holds from the untimed preparation) and, when profile is set, a CPU
// profile.
func timePart(profile string, f func() error) (part, error) {
	runtime.GC()
	debug.FreeOSMemory()
	stop := func() {}
	if profile != "" {
		if pf, err := os.Create(profile); err == nil {
			if err := pprof.StartCPUProfile(pf); err == nil {
				stop = func() { pprof.StopCPUProfile(); pf.Close() }
			} else {
				pf.Close()
			}
		}
		// Allocations during the part: the cumulative profile before and
		// after (go tool pprof -sample_index=alloc_space -diff_base
		// path.allocs0 path.allocs).
		writeAllocs(profile + ".allocs0")
		cpuStop := stop
		stop = func() { cpuStop(); writeAllocs(profile + ".allocs") }
	}
	resetPeakRSS()
	cpu0, busy0 := cpuTime(), machineBusy()
	start := time.Now()
	err := f()
	p := part{elapsed: time.Since(start), cpu: cpuTime() - cpu0, machine: machineBusy() - busy0, rss: peakRSSMB()}
	stop()
	return p, err
}

func writeAllocs(path string) {
	if f, err := os.Create(path); err == nil {
		_ = pprof.Lookup("allocs").WriteTo(f, 0)
		f.Close()
	}
}

// cpuTime is this process's user + system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// machineBusy is the time all CPUs together spent not idle, from the
// first line of /proc/stat (in USER_HZ ticks, 100 a second on Linux).
func machineBusy() time.Duration {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	var busy int64
	for i, v := range f[1:] {
		t, _ := strconv.ParseInt(v, 10, 64)
		// user nice system idle iowait irq softirq steal (guest time is
		// already in user)
		if i != 3 && i != 4 && i < 8 {
			busy += t
		}
	}
	return time.Duration(busy) * 10 * time.Millisecond
}

// loadAvg is the 1-minute load average, as uptime shows it.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	if f := strings.Fields(string(b)); len(f) > 0 {
		return f[0]
	}
	return "?"
}

func suffix(path, s string) string {
	if path == "" {
		return ""
	}
	return path + s
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(xs))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
