package deadline

import (
	"maps"
	"slices"
	"time"

	"github.com/candor-dev/candor"
)

// How far the customer notices reached each area, by e-mail and by letter,
// and when that (or substitute notices under an approved decision) meets a
// duty to individuals: every customer of the area reached or covered.

// AreaReach says how far notices reached the customers of one area: by
// e-mail (EmailCustomers, Notified: the e-mail customers and those a
// customer notice was sent to) and by letter (Letters: those a mailed
// letter, not returned, reached and no e-mail did), out of every customer
// (Customers, whatever their channel). Erased customers count: they were
// affected and were (or were not) told; erasure removes their address, not
// the fact.
type AreaReach struct {
	EmailCustomers int `json:"email_customers"`
	Notified       int `json:"notified"`
	// Customers counts every affected customer of the area; Letters those
	// reached by letter and not by e-mail.
	Customers int `json:"customers"`
	Letters   int `json:"letters"`
	// CompletedAt is when the last of them was first reached in person:
	// set only when every one was (Notified + Letters == Customers > 0).
	CompletedAt *time.Time `json:"completed_at,omitempty"`
	// ReachedAt is when the last customer reached in person so far was
	// first reached (nil: nobody yet).
	ReachedAt *time.Time `json:"reached_at,omitempty"`
	// Sends are the customer-notice sends that reached the area, the one
	// that finished last first.
	Sends []SendRef `json:"sends,omitempty"`
	// LetterBatches are the mailed letter batches that reached the area,
	// the last mailed first.
	LetterBatches []LetterBatchRef `json:"letter_batches,omitempty"`
	// Unreached counts, per reach jurisdiction (candor.ReachJurisdiction),
	// the customers neither an e-mail nor a letter reached.
	Unreached map[string]int `json:"unreached,omitempty"`
}

// Complete reports whether every customer of the area was reached in
// person. An AreaReach built with e-mail counts only (Customers 0, as
// before letters were counted) is complete when every e-mail customer was.
func (r AreaReach) Complete() bool {
	total := r.Customers
	if total == 0 {
		total = r.EmailCustomers
	}
	return total > 0 && r.Notified+r.Letters == total && r.CompletedAt != nil
}

// LetterBatchRef names one mailed letter batch that is evidence for a
// duty to individuals.
type LetterBatchRef struct {
	BatchID      string    `json:"batch_id"`
	DisclosureID string    `json:"disclosure_id"`
	MailedOn     string    `json:"mailed_on"`
	Letters      int       `json:"letters"` // letters to the area that reached someone no e-mail did
	At           time.Time `json:"at"`      // the first instant of MailedOn in the incident's zone
}

// IndividualsNotifiedAt returns, for every area all of whose customers
// were reached in person (by e-mail or letter), when that completed: the clock of duties that
// follow the customer notice.
func (ev Evidence) IndividualsNotifiedAt() map[string]time.Time {
	out := map[string]time.Time{}
	for area, r := range ev.Reach {
		if r.Complete() {
			out[area] = *r.CompletedAt
		}
	}
	return out
}

// reachedBy is what met a duty to individuals of area, or nil: everyone
// reached in person (by e-mail or letter), dated by the last of them; or,
// with an approved substitute_notice decision on the duty, everyone not
// reached in person covered by substitute notices of their jurisdiction,
// dated by the later of the last reached in person and the first notice
// covering each jurisdiction left.
func reachedBy(reach AreaReach, ruleID, area string, ev Evidence, at time.Time) *MetBy {
	sends := reach.Sends
	if sends == nil {
		sends = []SendRef{}
	}
	if reach.Complete() && !reach.CompletedAt.After(at) && (len(reach.Sends) > 0 || len(reach.LetterBatches) > 0) {
		by := MetBy{At: reach.CompletedAt.UTC(), Sends: sends, LetterBatches: reach.LetterBatches}
		if len(reach.Sends) > 0 {
			if s := completingSend(reach); !s.At.Before(*reach.CompletedAt) || len(reach.LetterBatches) == 0 {
				by.SendID, by.DisclosureID = s.SendID, s.DisclosureID
			}
		}
		return &by
	}
	if len(reach.Unreached) == 0 || len(ev.Substitutes) == 0 {
		return nil
	}
	areas := candor.SubstituteAreas(ev.Decisions, func(id string) (string, bool) { return area, id == ruleID }, at)
	if len(areas) == 0 {
		return nil
	}
	cover := candor.SubstituteCoverage(ev.Substitutes, areas, at)
	var last time.Time
	if reach.ReachedAt != nil {
		last = *reach.ReachedAt
	}
	var used []string
	for _, r := range slices.Sorted(maps.Keys(reach.Unreached)) {
		if reach.Unreached[r] == 0 {
			continue
		}
		from, ok := cover(r)
		if !ok {
			return nil
		}
		last = maxTime(last, from)
		for _, n := range ev.Substitutes {
			if n.PublishedAt.Equal(from) && slices.ContainsFunc(n.Jurisdictions, func(j string) bool { return candor.NoticeCovers(j, r) }) &&
				!slices.Contains(used, n.ID) {
				used = append(used, n.ID)
				break
			}
		}
	}
	if last.After(at) {
		return nil
	}
	return &MetBy{At: last.UTC(), Sends: sends, LetterBatches: reach.LetterBatches, SubstituteNotices: used}
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// completingSend picks the send that reached the area's last customer: the
// one whose last delivery is the earliest at or after the completion (a
// later follow-up notice did not complete anything).
func completingSend(r AreaReach) SendRef {
	best := r.Sends[0]
	for _, s := range r.Sends {
		if !s.At.Before(*r.CompletedAt) && s.At.Before(best.At) {
			best = s
		}
	}
	return best
}
