package candor_test

import (
	"testing"

	"github.com/candor-dev/candor"
)

func TestClassifyReach(t *testing.T) {
	const (
		none, failed, underway, done = candor.ProgressNone, candor.ProgressFailed, candor.ProgressUnderway, candor.ProgressDone
	)
	for _, tc := range []struct {
		name       string
		f          candor.ReachFacts
		class, why string
	}{
		{"e-mail sent", candor.ReachFacts{HasEmail: true, Email: done}, candor.ReachEmail, ""},
		{"e-mail sent and a letter too: once, as e-mail", candor.ReachFacts{HasEmail: true, HasAddress: true, Email: done, Letter: done}, candor.ReachEmail, ""},
		{"bounced, then a letter mailed", candor.ReachFacts{HasEmail: true, HasAddress: true, Email: failed, Letter: done}, candor.ReachLetter, ""},
		{"postal, letter mailed", candor.ReachFacts{HasAddress: true, Letter: done}, candor.ReachLetter, ""},
		{"e-mail pending", candor.ReachFacts{HasEmail: true, Email: underway}, candor.ReachPending, ""},
		{"letter printed, not mailed", candor.ReachFacts{HasAddress: true, Letter: underway}, candor.ReachPending, ""},
		{"postal, no batch yet", candor.ReachFacts{HasAddress: true}, candor.ReachPending, ""},
		{"e-mail, no send yet", candor.ReachFacts{HasEmail: true}, candor.ReachPending, ""},
		{"bounced with an address: the next batch", candor.ReachFacts{HasEmail: true, HasAddress: true, Email: failed}, candor.ReachPending, ""},
		{"bounced, no address", candor.ReachFacts{HasEmail: true, Email: failed}, candor.ReachUnreachable, candor.WhyEmailFailed},
		{"letter returned", candor.ReachFacts{HasAddress: true, Letter: failed}, candor.ReachUnreachable, candor.WhyReturnedMail},
		{"no contact at all", candor.ReachFacts{}, candor.ReachUnreachable, candor.WhyNoContact},
		{"no contact, covered", candor.ReachFacts{Covered: true}, candor.ReachSubstitute, ""},
		{"returned, covered", candor.ReachFacts{HasAddress: true, Letter: failed, Covered: true}, candor.ReachSubstitute, ""},
		{"erased before reached", candor.ReachFacts{Erased: true}, candor.ReachUnreachable, candor.WhyErasedUnnamed},
		{"erased after the e-mail", candor.ReachFacts{Erased: true, Email: done}, candor.ReachEmail, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			class, why := candor.ClassifyReach(tc.f)
			if class != tc.class || why != tc.why {
				t.Errorf("got %s/%s, want %s/%s", class, why, tc.class, tc.why)
			}
		})
	}
}

func TestJurisdictionReach(t *testing.T) {
	var r candor.JurisdictionReach
	r.Add(candor.ReachEmail, "", 5)
	r.Add(candor.ReachLetter, "", 2)
	r.Add(candor.ReachUnreachable, candor.WhyNoContact, 1)
	if r.Customers != 8 || r.Reached() != 7 || r.Complete() || r.Why[candor.WhyNoContact] != 1 {
		t.Fatalf("%+v", r)
	}
	r.Unreachable, r.Substitute = 0, 1
	if !r.Complete() {
		t.Fatalf("covered: %+v", r)
	}
	for _, tc := range [][3]string{{"US", "US-CA", "US-CA"}, {"US", "", "US"}, {"JP", "JP-13", "JP"}, {"", "", ""}} {
		if got := candor.ReachJurisdiction(tc[0], tc[1]); got != tc[2] {
			t.Errorf("ReachJurisdiction(%q, %q) = %q", tc[0], tc[1], got)
		}
	}
}
