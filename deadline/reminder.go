package deadline

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
)

// Reminder is one deadline reminder to one person: the mark (50, 80 or 100
// percent of the obligation's time) reached for an obligation of an
// incident. The reminder task sends each at most once.
type Reminder struct {
	IncidentID string
	// ObligationKey is the rule's ID, stable across recomputations.
	ObligationKey string
	Mark          int
	// Recipient is RecipientKey of the address: the log of reminders
	// holds no addresses.
	Recipient string
	// DueAt is the due date the reminder spoke of, for the record.
	DueAt time.Time
	// ClaimedAt is when a run took it on; SentAt when the relay accepted
	// it (nil while it is being sent).
	ClaimedAt time.Time
	SentAt    *time.Time
}

// RecipientKey identifies an address in the reminder log without storing
// it: the SHA-256 of its lower-cased form.
func RecipientKey(email string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(email))))
	return hex.EncodeToString(sum[:])
}

// ReminderMark returns the mark to remind of at now: the highest of
// ReminderMarks, for an obligation not met. Only the highest: a worker that
// was down through the 50% and 80% marks sends one message, not two. ok is
// false when nothing is due, or when the deadline passed more than
// staleAfter ago (0: never stale), as for an incident recorded long after
// the fact, whose list shows every duty overdue already.
func (st ObligationState) ReminderMark(now time.Time, staleAfter time.Duration) (mark int, ok bool) {
	if st.Status == StatusMet || st.Status == StatusDecided || st.DueAt == nil {
		return 0, false
	}
	if staleAfter > 0 && now.Sub(*st.DueAt) > staleAfter {
		return 0, false
	}
	marks := st.ReminderMarks(now)
	if len(marks) == 0 {
		return 0, false
	}
	return marks[len(marks)-1], true
}
