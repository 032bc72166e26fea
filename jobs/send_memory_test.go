package jobs_test

import (
	"testing"
	"time"

	"github.com/candor-dev/candor/internal/testenv"
)

// A memory budget smaller than one message still sends everyone once: a
// task holding nothing always gets its message, and one holding some
// sends it before asking for more, so tasks never wait on each other.
func TestSendWithinATinyMemoryBudget(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			p := newPipe(t, d, pipeOpts{customers: 150, memory: 1})
			s := p.wait(p.send(p.notice()).ID, 60*time.Second, "completed", completed)
			if s.Sent != len(p.emails) || s.Failed != 0 {
				t.Fatalf("counts: %+v, want %d sent", s.SendCounts, len(p.emails))
			}
			for _, e := range p.emails {
				if n := p.smtp.CountFor(e); n != 1 {
					t.Errorf("%s got %d messages", e, n)
				}
			}
		})
	}
}
