package candor

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// AuditEntry records one change. Entries form a hash chain: each carries the
// hash of the one before, so editing or deleting a stored row breaks every
// hash after it and `candor audit verify` finds the first broken link.
type AuditEntry struct {
	Seq        int64           `json:"seq"`
	At         time.Time       `json:"at"`
	ActorID    string          `json:"actor_id"`
	ActorName  string          `json:"actor_name"`
	Action     string          `json:"action"`
	Resource   string          `json:"resource"`
	ResourceID string          `json:"resource_id"`
	IncidentID string          `json:"incident_id,omitempty"`
	Summary    json.RawMessage `json:"summary"`
	PrevHash   string          `json:"prev_hash"`
	Hash       string          `json:"hash"`
}

// GenesisHash is the PrevHash of the first entry.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// ComputeHash returns the hash of e over every field but Hash itself. Fields
// are joined with a separator that cannot appear in them unescaped, so two
// different entries never serialise alike.
func (e *AuditEntry) ComputeHash() string {
	parts := []string{
		strconv.FormatInt(e.Seq, 10),
		e.At.UTC().Format(time.RFC3339Nano),
		e.ActorID, e.ActorName, e.Action, e.Resource, e.ResourceID, e.IncidentID,
		string(e.Summary),
		e.PrevHash,
	}
	for i, p := range parts {
		parts[i] = strconv.Quote(p)
	}
	sum := sha256.Sum256([]byte(strings.Join(parts, "\n")))
	return hex.EncodeToString(sum[:])
}

// Change is a before/after pair in an audit summary.
type Change struct {
	Before any `json:"before"`
	After  any `json:"after"`
}

// AuditFilter narrows the audit log.
type AuditFilter struct {
	IncidentID string
	Cursor     string
	Limit      int
	// The console's audit page narrows further: the actor's name, the
	// action (exact), and [Since, Until) (zero: unbounded).
	ActorName    string
	Action       string
	Since, Until time.Time
}
