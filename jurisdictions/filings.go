package jurisdictions

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/candor-dev/candor/deadline"
)

//go:embed filings.json
var embeddedForms []byte

// FilingForm is what one authority's breach report asks for, in its order
// and language: the field list a filing pack is filled from. Rules are the
// catalogue rules (rules.json) whose duty the form discharges.
type FilingForm struct {
	ID           string   `json:"id"`
	Rules        []string `json:"rules"`
	Jurisdiction string   `json:"jurisdiction"`
	Stage        string   `json:"stage,omitempty"`
	Language     string   `json:"language"`
	Title        string   `json:"title"`
	Portal       string   `json:"portal,omitempty"`
	Note         string   `json:"note,omitempty"`
	// PerCountry makes one pack per EEA country with affected customers
	// (GDPR Art. 33: each supervisory authority concerned).
	PerCountry bool              `json:"per_country,omitempty"`
	Sources    map[string]string `json:"sources"`
	Fields     []FormField       `json:"fields"`
}

// FormField is one item of a form. Fill names what Candor fills it from
// (package filing); "manual" is written by a person.
type FormField struct {
	Key       string `json:"key"`
	Label     string `json:"label"`
	Fill      string `json:"fill"`
	Required  string `json:"required"`
	Source    string `json:"source"`
	Confirmed bool   `json:"confirmed"`
}

// FilingForms returns the embedded forms, checked against rules: every
// rule a form names exists, no rule has two forms, and every field cites
// one of the form's sources.
func FilingForms(rules []deadline.Rule) ([]FilingForm, error) {
	var f struct {
		Forms []FilingForm `json:"forms"`
	}
	if err := json.Unmarshal(embeddedForms, &f); err != nil {
		return nil, fmt.Errorf("filings.json: %w", err)
	}
	known := map[string]bool{}
	for _, r := range rules {
		known[r.ID] = true
	}
	owner := map[string]string{}
	for _, form := range f.Forms {
		if form.ID == "" || form.Language == "" || len(form.Fields) == 0 {
			return nil, fmt.Errorf("filings.json: form %q lacks an id, a language or fields", form.ID)
		}
		for _, r := range form.Rules {
			if rules != nil && !known[r] {
				return nil, fmt.Errorf("filings.json: form %s: no rule %q in the catalogue", form.ID, r)
			}
			if o, dup := owner[r]; dup {
				return nil, fmt.Errorf("filings.json: rule %s has two forms, %s and %s", r, o, form.ID)
			}
			owner[r] = form.ID
		}
		var keys []string
		for _, fl := range form.Fields {
			if _, ok := form.Sources[fl.Source]; !ok {
				return nil, fmt.Errorf("filings.json: form %s field %s cites %q, not one of its sources", form.ID, fl.Key, fl.Source)
			}
			if fl.Key == "" || fl.Label == "" || fl.Fill == "" {
				return nil, fmt.Errorf("filings.json: form %s has a field without key, label or fill", form.ID)
			}
			if slices.Contains(keys, fl.Key) {
				return nil, fmt.Errorf("filings.json: form %s has field %s twice", form.ID, fl.Key)
			}
			keys = append(keys, fl.Key)
		}
	}
	return f.Forms, nil
}
