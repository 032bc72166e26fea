package store

import "fmt"

// ChainBreak is VerifyAudit's error for a chain that does not hold: Seq is
// the first entry that fails (the console shows "broken at entry Seq";
// every entry before it is intact).
type ChainBreak struct {
	Seq    int64
	Reason string
}

func (b *ChainBreak) Error() string { return fmt.Sprintf("audit entry %d: %s", b.Seq, b.Reason) }
