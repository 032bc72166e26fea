//go:build unix

package roster_test

import (
	"syscall"
	"time"
)

// cpuTime returns the CPU time this process has used (user + system), which
// the import benchmark divides by rows: on a shared machine, wall time
// measures the neighbours too.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
