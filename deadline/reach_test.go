package deadline_test

import (
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/deadline"
)

// A duty to individuals is met by e-mail and letters together, at the last
// first reach; or, under an approved substitute_notice decision on it, by
// substitute notices covering every jurisdiction someone is left in.
func TestResolveIndividualsByReach(t *testing.T) {
	obs := []deadline.Obligation{dueIn("jp-people", "JP", deadline.AudienceIndividuals, "", 100)}
	mailed, emailed, published := hours(60), hours(40), hours(80)
	approved := hours(70)
	batch := []deadline.LetterBatchRef{{BatchID: "b1", DisclosureID: "d1", MailedOn: "2026-01-03", Letters: 2, At: mailed}}
	sends := []deadline.SendRef{{SendID: "n1", DisclosureID: "d1", Delivered: 8, At: emailed}}
	decision := candor.Decision{ObligationID: "jp-people", Decision: candor.DecisionSubstituteNotice, State: candor.DecisionApproved, ApprovedAt: &approved}
	notice := candor.SubstituteNotice{ID: "s1", Jurisdictions: []string{"JP"}, PublishedAt: published}
	for _, tc := range []struct {
		name    string
		reach   deadline.AreaReach
		ev      deadline.Evidence
		at      time.Time
		met     time.Time // zero: not met
		send    string
		letters int
		subs    int
	}{
		{"e-mail and letter: met when the letter was mailed, no send completed it",
			deadline.AreaReach{EmailCustomers: 8, Notified: 8, Customers: 10, Letters: 2, CompletedAt: &mailed, ReachedAt: &mailed, Sends: sends, LetterBatches: batch},
			deadline.Evidence{}, hours(200), mailed, "", 1, 0},
		{"e-mail alone, postal customers left: not met",
			deadline.AreaReach{EmailCustomers: 8, Notified: 8, Customers: 10, ReachedAt: &emailed, Sends: sends, Unreached: map[string]int{"JP": 2}},
			deadline.Evidence{}, hours(200), time.Time{}, "", 0, 0},
		{"a substitute notice without a decision covers nobody",
			deadline.AreaReach{EmailCustomers: 8, Notified: 8, Customers: 10, ReachedAt: &emailed, Sends: sends, Unreached: map[string]int{"JP": 2}},
			deadline.Evidence{Substitutes: []candor.SubstituteNotice{notice}}, hours(200), time.Time{}, "", 0, 0},
		{"with the decision: met when the notice went up",
			deadline.AreaReach{EmailCustomers: 8, Notified: 8, Customers: 10, ReachedAt: &emailed, Sends: sends, Unreached: map[string]int{"JP": 2}},
			deadline.Evidence{Substitutes: []candor.SubstituteNotice{notice}, Decisions: []candor.Decision{decision}}, hours(200), published, "", 0, 1},
		{"before the decision was approved: not met",
			deadline.AreaReach{EmailCustomers: 8, Notified: 8, Customers: 10, ReachedAt: &emailed, Sends: sends, Unreached: map[string]int{"JP": 2}},
			deadline.Evidence{Substitutes: []candor.SubstituteNotice{notice}, Decisions: []candor.Decision{decision}}, hours(65), time.Time{}, "", 0, 0},
		{"a notice for another country does not cover Japan",
			deadline.AreaReach{EmailCustomers: 8, Notified: 8, Customers: 10, ReachedAt: &emailed, Sends: sends, Unreached: map[string]int{"JP": 2}},
			deadline.Evidence{Substitutes: []candor.SubstituteNotice{{ID: "s2", Jurisdictions: []string{"TH"}, PublishedAt: published}},
				Decisions: []candor.Decision{decision}}, hours(200), time.Time{}, "", 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.ev.Reach = map[string]deadline.AreaReach{"JP": tc.reach}
			st := deadline.ResolveObligations(obs, nil, tc.ev, tc.at)[0]
			if tc.met.IsZero() {
				if st.MetBy != nil || st.Status == deadline.StatusMet {
					t.Errorf("met: %s %+v", st.Status, st.MetBy)
				}
				return
			}
			if st.Status != deadline.StatusMet || st.MetBy == nil || !st.MetBy.At.Equal(tc.met) || st.MetBy.SendID != tc.send ||
				len(st.MetBy.LetterBatches) != tc.letters || len(st.MetBy.SubstituteNotices) != tc.subs || len(st.MetBy.Sends) != 1 {
				t.Errorf("%s %+v", st.Status, st.MetBy)
			}
		})
	}
}
