package candor_test

import (
	"testing"
	"time"

	"github.com/candor-dev/candor"
)

func TestAuditHashCoversEveryField(t *testing.T) {
	base := candor.AuditEntry{Seq: 1, At: time.Date(2020, 6, 11, 0, 0, 0, 0, time.UTC), ActorID: "a", ActorName: "n",
		Action: "incident.create", Resource: "incident", ResourceID: "r", IncidentID: "i", Summary: []byte(`{}`), PrevHash: candor.GenesisHash}
	h := base.ComputeHash()
	changes := map[string]func(e *candor.AuditEntry){
		"seq":      func(e *candor.AuditEntry) { e.Seq = 2 },
		"at":       func(e *candor.AuditEntry) { e.At = e.At.Add(time.Microsecond) },
		"actor":    func(e *candor.AuditEntry) { e.ActorName = "m" },
		"action":   func(e *candor.AuditEntry) { e.Action = "incident.update" },
		"summary":  func(e *candor.AuditEntry) { e.Summary = []byte(`{"a":1}`) },
		"prev":     func(e *candor.AuditEntry) { e.PrevHash = "x" },
		"boundary": func(e *candor.AuditEntry) { e.ActorID, e.ActorName = "an", "" },
	}
	for name, change := range changes {
		t.Run(name, func(t *testing.T) {
			e := base
			change(&e)
			if e.ComputeHash() == h {
				t.Fatal("hash did not change")
			}
		})
	}
}

func TestEventValidate(t *testing.T) {
	at := time.Now()
	tests := []struct {
		name string
		e    candor.Event
		ok   bool
	}{
		{"date only", candor.Event{OccurredOn: "2020-06-11", Description: "x"}, true},
		{"instant", candor.Event{OccurredAt: &at, Description: "x"}, true},
		{"both", candor.Event{OccurredAt: &at, OccurredOn: "2020-06-11", Description: "x"}, false},
		{"neither", candor.Event{Description: "x"}, false},
		{"bad date", candor.Event{OccurredOn: "June 11", Description: "x"}, false},
		{"no description", candor.Event{OccurredOn: "2020-06-11"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.e.Validate(); (err == nil) != tt.ok {
				t.Fatalf("Validate() = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}
