package main

import (
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// treeWatch samples the processes this one started (Chromium's browser,
// zygote, renderers: grandchildren included, which RUSAGE_CHILDREN never
// sees) every interval: the peak of their summed proportional set size
// (RSS with each shared page split among the processes sharing it, so
// that Chromium's shared libraries count once), and their CPU time.
type treeWatch struct {
	mu      sync.Mutex
	peakMB  float64
	cpu     map[int]float64 // pid: user+system seconds, as last seen
	kind    map[int]string  // pid: Chromium's --type (browser when none)
	stop    chan struct{}
	stopped chan struct{}
}

func watchTree(interval time.Duration) *treeWatch {
	w := &treeWatch{cpu: map[int]float64{}, kind: map[int]string{}, stop: make(chan struct{}), stopped: make(chan struct{})}
	go func() {
		defer close(w.stopped)
		t := time.NewTicker(interval)
		defer t.Stop()
		for n := 0; ; n++ {
			w.sample(n%pssEvery == 0)
			select {
			case <-w.stop:
				return
			case <-t.C:
			}
		}
	}()
	return w
}

// Stop ends the sampling (after one last sample) and returns the peak
// memory in MiB, the CPU seconds the descendants used, and those seconds
// by kind of process.
func (w *treeWatch) Stop() (peakMB, cpuSeconds float64, byKind map[string]float64) {
	close(w.stop)
	<-w.stopped
	w.sample(true)
	w.mu.Lock()
	defer w.mu.Unlock()
	byKind = map[string]float64{}
	for pid, s := range w.cpu {
		cpuSeconds += s
		byKind[w.kind[pid]] += s
	}
	return w.peakMB, cpuSeconds, byKind
}

// processKind is a Chromium process's --type (renderer, gpu-process,
// utility, zygote), "browser" without one, with --top-chrome-webui marked;
// "" when it cannot tell (an exited process has no command line).
func processKind(pid int) string {
	b, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if len(b) == 0 {
		return "" // exited, not yet reaped
	}
	kind := "browser"
	for _, a := range strings.Fields(strings.ReplaceAll(string(b), "\x00", " ")) { // a retitled process: one string
		if v, ok := strings.CutPrefix(a, "--type="); ok {
			kind = v
		}
		if a == "--top-chrome-webui" {
			kind += "(webui)"
		}
	}
	return kind
}

var clockTicks = 100.0 // USER_HZ on Linux

// pssEvery: memory is read at every pssEvery-th sample only (8 s). Reading
// smaps_rollup walks a process's mappings: about 55 ms of CPU for all of
// Chromium's processes with three renderers, which at every sample (4 a
// second) took a tenth of the machine from the printing it measures. CPU
// times (/proc/pid/stat) are cheap, and are read at every sample so that
// short-lived processes (the print compositors) are seen.
const pssEvery = 32

func (w *treeWatch) sample(pss bool) {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return
	}
	parent := map[int]int{}
	stat := map[int][]string{}
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		if i < 0 || i+2 >= len(s) {
			continue
		}
		f := strings.Fields(s[i+2:]) // from field 3, state
		if len(f) < 22 {
			continue
		}
		parent[pid], _ = strconv.Atoi(f[1])
		stat[pid] = f
	}
	self := os.Getpid()
	var rssMB float64
	w.mu.Lock()
	defer w.mu.Unlock()
	for pid, f := range stat {
		p := parent[pid]
		for p != 0 && p != self && p != 1 {
			p = parent[p]
		}
		if p != self || pid == self {
			continue
		}
		utime, _ := strconv.ParseFloat(f[11], 64)
		stime, _ := strconv.ParseFloat(f[12], 64)
		w.cpu[pid] = (utime + stime) / clockTicks
		if k := processKind(pid); k != "" {
			w.kind[pid] = k // again: a zygote's child takes its title late
		}
		if pss {
			rssMB += pssMB(pid)
		}
	}
	w.peakMB = max(w.peakMB, rssMB)
}

// pssMB is a process's proportional set size (/proc/pid/smaps_rollup),
// falling back to its RSS.
func pssMB(pid int) float64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/smaps_rollup")
	if err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "Pss:"); ok {
				kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
				return kb / 1024
			}
		}
	}
	b, err = os.ReadFile("/proc/" + strconv.Itoa(pid) + "/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, _ := strconv.ParseFloat(f[1], 64)
	return pages * float64(os.Getpagesize()) / (1 << 20)
}
