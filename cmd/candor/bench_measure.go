package main

// What a benchmark part measured: wall time, peak RSS, this process's and the
// machine's CPU, and the small statistics the reports use.

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

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
		stopHeap := watchHeapPeak(profile + ".heap")
		cpuStop := stop
		stop = func() { cpuStop(); stopHeap(); writeAllocs(profile + ".allocs") }
	}
	resetPeakRSS()
	cpu0, busy0 := cpuTime(), machineBusy()
	start := time.Now()
	err := f()
	p := part{elapsed: time.Since(start), cpu: cpuTime() - cpu0, machine: machineBusy() - busy0, rss: peakRSSMB()}
	stop()
	return p, err
}

// watchHeapPeak writes a heap profile to path each time the heap in use
// reaches a new high (checked every two seconds), so the profile left
// when it is stopped shows what was live at the part's peak, not at its
// end.
func watchHeapPeak(path string) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		var peak uint64
		tick := time.NewTicker(2 * time.Second)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse <= peak {
				continue
			}
			peak = ms.HeapInuse
			if f, err := os.Create(path); err == nil {
				_ = pprof.Lookup("heap").WriteTo(f, 0)
				f.Close()
			}
		}
	}()
	return func() { close(done); <-finished }
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
