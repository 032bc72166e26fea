package jobs

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/candor-dev/candor"
)

// The chunk tasks of a process share one read of a send's state per
// stateCheck; a failed read is not remembered.
func TestSendStatesShareReads(t *testing.T) {
	reads := 0
	state, fail := candor.SendRunning, false
	s := newSendStates(func(ctx context.Context, id string) (candor.SendState, error) {
		reads++
		if fail {
			return "", errors.New("database down")
		}
		return state, nil
	})
	now := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	s.now = func() time.Time { return now }
	steps := []struct {
		advance   time.Duration
		set       candor.SendState
		fail      bool
		want      candor.SendState
		wantErr   bool
		wantReads int
	}{
		{0, candor.SendRunning, false, candor.SendRunning, false, 1},
		{100 * time.Millisecond, candor.SendPaused, false, candor.SendRunning, false, 1}, // fresh enough: no read
		{200 * time.Millisecond, candor.SendPaused, false, candor.SendPaused, false, 2},  // 300 ms old: read again
		{stateCheck, candor.SendCancelled, true, "", true, 3},                            // the read fails
		{0, candor.SendCancelled, false, candor.SendCancelled, false, 4},                 // and is not remembered
	}
	for i, st := range steps {
		now = now.Add(st.advance)
		state, fail = st.set, st.fail
		got, err := s.get(context.Background(), "send-1")
		if (err != nil) != st.wantErr || got != st.want || reads != st.wantReads {
			t.Fatalf("step %d: got %q, %v after %d reads; want %q (error %v) after %d", i, got, err, reads, st.want, st.wantErr, st.wantReads)
		}
	}
	// Another send has its own entry, and a send not asked about for a
	// minute is forgotten.
	if _, err := s.get(context.Background(), "send-2"); err != nil || reads != 5 {
		t.Fatalf("second send: %v after %d reads", err, reads)
	}
	now = now.Add(2 * time.Minute)
	s.get(context.Background(), "send-2")
	if _, ok := s.seen["send-1"]; ok || len(s.seen) != 1 {
		t.Fatalf("entries after two minutes: %v", s.seen)
	}
}
