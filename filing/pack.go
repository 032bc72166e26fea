// Package filing builds filing packs: for each regulator duty of an
// incident and each stage, the authority's form (jurisdictions/filings.json)
// with its fields in the form's order and language, filled from the
// incident, its counts per jurisdiction, its notices and statement, and
// what was already filed; every field says where its value came from, or
// that it is missing and must be written by a person. A pack is what legal
// copies, field by field, into the regulator's web form, or prints.
package filing

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/compose"
	"github.com/candor-dev/candor/deadline"
	"github.com/candor-dev/candor/jurisdictions"
)

// Pack is one filing pack.
type Pack struct {
	ID           string `json:"id"`
	IncidentID   string `json:"incident_id"`
	ObligationID string `json:"obligation_id"`
	FormID       string `json:"form"`
	Jurisdiction string `json:"jurisdiction"`
	// Country is the EEA country whose authority a GDPR pack is for.
	Country   string `json:"country,omitempty"`
	Authority string `json:"authority"`
	Stage     string `json:"stage,omitempty"`
	Language  string `json:"language"`
	Title     string `json:"title"`
	Portal    string `json:"portal,omitempty"`
	Note      string `json:"note,omitempty"`
	// Version changes whenever a value does: a filing records the version
	// it was made from.
	Version string     `json:"version"`
	Status  string     `json:"status"`
	DueAt   *time.Time `json:"due_at"`
	Late    bool       `json:"late"`
	Fields  []Field    `json:"fields"`
	// Missing counts the required fields without a value.
	Missing int               `json:"missing"`
	Sources map[string]string `json:"sources"`
	Filed   []candor.Filing   `json:"filed"`
}

// Field is one item of a pack.
type Field struct {
	Key      string `json:"key"`
	Label    string `json:"label"`
	Value    string `json:"value"`
	Required string `json:"required"`
	// Source says where the value came from ("incident.translations.ja.summary",
	// "customers: 4 in JP"), or why it is missing.
	Source    string `json:"source"`
	Missing   bool   `json:"missing"`
	LawSource string `json:"law_source"`
	Confirmed bool   `json:"confirmed"`
}

// Input is what the packs of one incident are filled from.
type Input struct {
	// Facts are the incident with its whole timeline (not only the public
	// entries), its counts, the organisation and the statement.
	Facts compose.Facts
	// Obligations are the incident's duties with their status.
	Obligations []deadline.ObligationState
	// Approved are the incident's approved disclosures.
	Approved []candor.Disclosure
	// Filed are the filings recorded for the incident.
	Filed []candor.Filing
}

// Build returns the packs of every duty of in that a form covers, in the
// obligations' order.
func Build(forms []jurisdictions.FilingForm, in Input) []Pack {
	byRule := map[string]jurisdictions.FilingForm{}
	for _, f := range forms {
		for _, r := range f.Rules {
			byRule[r] = f
		}
	}
	var out []Pack
	for _, o := range in.Obligations {
		form, ok := byRule[o.RuleID]
		if !ok {
			continue
		}
		countries := []string{""}
		if form.PerCountry {
			countries = concerned(in.Facts.Countries)
		}
		for _, c := range countries {
			out = append(out, build(form, o, c, in))
		}
	}
	return out
}

// concerned lists the EEA countries with affected customers, or "" (the
// authority of the entity's establishment) when there are none.
func concerned(counts map[string]int) []string {
	var out []string
	for c, n := range counts {
		if n > 0 && candor.IsEEA(c) {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return []string{""}
	}
	slices.Sort(out)
	return out
}

// PackID is the id of the pack of obligation ob of incident inc (for the
// authority of country, in a per-country form): "<incident>.<rule>[.<CC>]".
func PackID(inc, ob, country string) string {
	id := inc + "." + ob
	if country != "" {
		id += "." + country
	}
	return id
}

// ParsePackID splits a pack id; ok is false when it is not one.
func ParsePackID(id string) (inc, ob, country string, ok bool) {
	parts := strings.Split(id, ".")
	switch len(parts) {
	case 2:
		return parts[0], parts[1], "", parts[0] != "" && parts[1] != ""
	case 3:
		return parts[0], parts[1], parts[2], parts[0] != "" && parts[1] != "" && len(parts[2]) == 2
	}
	return "", "", "", false
}

func build(form jurisdictions.FilingForm, o deadline.ObligationState, country string, in Input) Pack {
	inc := in.Facts.Incident
	juris := form.Jurisdiction
	if country != "" {
		juris = country
	}
	auth := candor.AuthorityOf(juris)
	name := auth.Name
	if auth.Local != "" && auth.Language == form.Language {
		name = auth.Local
	}
	if country != "" {
		name = "Supervisory authority of " + country + " (GDPR Art. 55/56)"
	}
	p := Pack{ID: PackID(inc.ID, o.RuleID, country), IncidentID: inc.ID, ObligationID: o.RuleID, FormID: form.ID,
		Jurisdiction: form.Jurisdiction, Country: country, Authority: name, Stage: form.Stage, Language: form.Language,
		Title: form.Title, Portal: form.Portal, Note: form.Note, Status: o.Status, DueAt: o.DueAt,
		Late: o.Late || o.Status == deadline.StatusOverdue, Sources: form.Sources, Filed: []candor.Filing{}}
	for _, f := range in.Filed {
		if f.ObligationID == o.RuleID && (country == "" || f.PackID == p.ID) {
			p.Filed = append(p.Filed, f)
		}
	}
	fc := newFiller(in, form, o, juris, p)
	for _, ff := range form.Fields {
		v := fc.fill(ff.Fill)
		f := Field{Key: ff.Key, Label: ff.Label, Value: v.value, Required: ff.Required, Source: v.source,
			Missing: v.value == "", LawSource: form.Sources[ff.Source], Confirmed: ff.Confirmed}
		if f.Missing && ff.Required == "REQ" {
			p.Missing++
		}
		p.Fields = append(p.Fields, f)
	}
	p.Version = version(p)
	return p
}

// version is a short hash of what the pack says.
func version(p Pack) string {
	type kv struct{ K, V string }
	var vals []kv
	for _, f := range p.Fields {
		vals = append(vals, kv{f.Key, f.Value})
	}
	b, _ := json.Marshal(struct {
		ID, Form, Lang string
		Fields         []kv
	}{p.ID, p.FormID, p.Language, vals})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:6])
}
