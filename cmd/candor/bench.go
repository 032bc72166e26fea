package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/internal/synth"
	"github.com/candor-dev/candor/roster"
)

// cmdBench runs end-to-end benchmarks against the configured database:
//
//	candor bench import --rows 1000000
//	candor bench send --recipients 100000 --conns 8   (bench_send.go)
//
// It reports rows/s and the process's peak RSS (VmHWM), reset before the
// run so start-up does not count.
func cmdBench(ctx context.Context, cfg Config, args []string, out io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: candor bench import [--rows N] | send [--recipients N] [--conns N] [--runs N]")
	}
	switch args[0] {
	case "import":
		return benchImport(ctx, cfg, args[1:], out)
	case "load":
		return benchLoad(ctx, cfg, args[1:], out)
	}
	if b, ok := benches[args[0]]; ok {
		return b(ctx, cfg, args[1:], out)
	}
	return fmt.Errorf("unknown benchmark %q", args[0])
}

// benches holds the benchmarks of other files of this package.
var benches = map[string]command{
	"send":    benchSend,
	"letters": benchLetters,
	"sink":    benchSinkChild, // started by bench send --sink process
}

func benchImport(ctx context.Context, cfg Config, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("bench import", flag.ContinueOnError)
	rows := fs.Int("rows", 1_000_000, "customers to import")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := openCustomerDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx = cliContext(ctx)
	in, err := db.CreateIncident(ctx, candor.Incident{Title: "bench import", DiscoveredAt: time.Now(), Severity: "low"})
	if err != nil {
		return err
	}
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(synth.WriteCSV(pw, *rows, 1)) }()
	rd, err := roster.NewReader("text/csv", pr, roster.Options{})
	if err != nil {
		return err
	}
	stop := startProfile()
	resetPeakRSS()
	start := time.Now()
	rep, err := db.ImportCustomers(ctx, in.ID, rd, nil)
	el := time.Since(start)
	stop()
	if err != nil {
		return err
	}
	n := rep.Accepted + rep.Updated + rep.Unchanged + rep.Rejected
	fmt.Fprintf(out, "bench import: db=%s rows=%d accepted=%d rejected=%d time=%s rows/s=%.0f peak_rss_mb=%.1f\n",
		db.Dialect(), n, rep.Accepted, rep.Rejected, el.Round(time.Millisecond), float64(n)/el.Seconds(), peakRSSMB())
	return nil
}

// startProfile writes a CPU profile to $CANDOR_CPUPROFILE when set (bench
// import, and candor run: the benchmarks' child server inherits it).
func startProfile() func() {
	path := os.Getenv("CANDOR_CPUPROFILE")
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		return func() {}
	}
	pprof.StartCPUProfile(f)
	return func() { pprof.StopCPUProfile(); f.Close() }
}

// resetPeakRSS resets the kernel's high-water mark of this process's RSS
// (Linux: writing 5 to clear_refs), so VmHWM measures only what follows.
func resetPeakRSS() { os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSSMB reads VmHWM from /proc/self/status, in MiB.
func peakRSSMB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return float64(kb) / 1024
		}
	}
	return -1
}
