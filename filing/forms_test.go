package filing_test

import (
	"slices"
	"testing"

	"github.com/candor-dev/candor/deadline"
	"github.com/candor-dev/candor/filing"
	"github.com/candor-dev/candor/jurisdictions"
)

// Every form names catalogue rules of a filable duty, cites its sources,
// and fills its fields only from what package filing knows how to fill.
func TestFormsAgainstTheCatalogue(t *testing.T) {
	rules, err := jurisdictions.Load()
	if err != nil {
		t.Fatal(err)
	}
	forms, err := jurisdictions.FilingForms(rules)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]deadline.Rule{}
	for _, r := range rules {
		byID[r.ID] = r
	}
	covered := map[string]bool{}
	for _, f := range forms {
		for _, r := range f.Rules {
			covered[r] = true
			if !deadline.FilableAudience(byID[r].Audience) {
				t.Errorf("%s: rule %s is a duty to %s", f.ID, r, byID[r].Audience)
			}
		}
		for _, fl := range f.Fields {
			if !slices.Contains(filing.Fills, fl.Fill) {
				t.Errorf("%s.%s: unknown fill %q", f.ID, fl.Key, fl.Fill)
			}
		}
	}
	// The duties issue 21 names each have a form.
	for _, r := range []string{"jp-appi-ppc-preliminary", "jp-appi-ppc-final", "jp-appi-ppc-final-malicious", "eu-gdpr-33-authority",
		"gb-ukgdpr-33-ico", "th-pdpa-office", "ph-dpa-npc-notice", "ph-dpa-npc-full-report", "id-pdp-authority",
		"us-ca-ag", "us-ny-regulators", "us-tx-ag", "us-wa-ag", "us-co-ag", "us-fl-dla"} {
		if !covered[r] {
			t.Errorf("no form for %s", r)
		}
	}
}

func TestPackIDs(t *testing.T) {
	for _, c := range []struct {
		id          string
		inc, ob, cc string
		ok          bool
	}{
		{"abc.jp-appi-ppc-preliminary", "abc", "jp-appi-ppc-preliminary", "", true},
		{"abc.eu-gdpr-33-authority.DE", "abc", "eu-gdpr-33-authority", "DE", true},
		{"abc", "", "", "", false},
		{"abc.x.DEU", "", "", "", false},
		{".x", "", "", "", false},
	} {
		inc, ob, cc, ok := filing.ParsePackID(c.id)
		if ok != c.ok || ok && (inc != c.inc || ob != c.ob || cc != c.cc) {
			t.Errorf("%s: %s %s %s %v", c.id, inc, ob, cc, ok)
		}
		if ok && filing.PackID(inc, ob, cc) != c.id {
			t.Errorf("%s does not round-trip", c.id)
		}
	}
}
