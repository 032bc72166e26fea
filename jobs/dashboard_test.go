package jobs_test

import (
	"context"
	"testing"

	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/jobs"
	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"
)

// A ready process shows its queues at zero before any task is queued.
func TestQueuesAtZeroBeforeAnyTask(t *testing.T) {
	r := testenv.StartRedis(t)
	qc, insp, err := jobs.QueueCollector(context.Background(), asynq.RedisClientOpt{Addr: r.Addr()})
	if err != nil {
		t.Fatal(err)
	}
	defer insp.Close()
	reg := prometheus.NewRegistry()
	reg.MustRegister(qc)
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]float64{}
	for _, f := range families {
		if f.GetName() != "asynq_queue_size" {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "queue" {
					seen[l.GetValue()] = m.GetGauge().GetValue()
				}
			}
		}
	}
	for _, q := range []string{"critical", "default", "low"} {
		if v, ok := seen[q]; !ok || v != 0 {
			t.Errorf("queue %s: size %v, listed %v (all: %v)", q, v, ok, seen)
		}
	}
}
