package jurisdictions

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/geo"
)

//go:embed elements.json
var embeddedElements []byte

// Audiences of a notice: the affected people (a customer notice) or the
// authority (a regulator report).
const (
	AudienceIndividuals = "individuals"
	AudienceRegulator   = "regulator"
)

// ElementCatalogue is elements.json: per jurisdiction and audience, what a
// notice must (or must not) contain. Templates mark where they say each
// thing with data-element="KEY"; package checklist looks for the marks.
type ElementCatalogue struct {
	About string `json:"about,omitempty"`
	// Vocabulary is every element key with its meaning; entries may use
	// no other key.
	Vocabulary    map[string]string      `json:"vocabulary"`
	Jurisdictions []JurisdictionElements `json:"jurisdictions"`
}

// JurisdictionElements is one jurisdiction's list per audience.
type JurisdictionElements struct {
	Code        string            `json:"code"` // as in rules.json: "JP", "EU", "US-CA", "US-HIPAA"
	Law         string            `json:"law"`
	References  map[string]string `json:"references"` // research tag ("jp3") → address
	Individuals []Element         `json:"individuals"`
	Regulator   []Element         `json:"regulator"`
}

// Element is one thing a notice must say, or must not (Forbidden).
type Element struct {
	Key       string `json:"element"`
	Forbidden bool   `json:"forbidden,omitempty"`
	Label     string `json:"label"`
	Source    string `json:"source"` // law and article, and the research tags read ("[jp3]")
	Confirmed bool   `json:"confirmed"`
	Note      string `json:"note,omitempty"`
	// Text is literal wording the element must contain in a variant of
	// that language ("en": "Notice of Data Breach").
	Text map[string]string `json:"text,omitempty"`
	// IfData: required only when the incident involves one of these data
	// categories.
	IfData []string `json:"if_data,omitempty"`
	// IfLateHours: required only when the message is composed this many
	// hours or more after discovery (reasons for a late report).
	IfLateHours int `json:"if_late_hours,omitempty"`
}

// LoadElements returns the embedded element catalogue, validated.
func LoadElements() (*ElementCatalogue, error) {
	c, err := ParseElements("elements.json", embeddedElements)
	if err != nil {
		return nil, fmt.Errorf("embedded element catalogue: %w", err)
	}
	return c, nil
}

// For returns the elements of code for audience; ok is false when the
// catalogue has no entry for that code at all. An EEA country's code gives
// the EU's.
func (c *ElementCatalogue) For(code, audience string) ([]Element, bool) {
	code = c.CatalogueCode(code)
	for i := range c.Jurisdictions {
		j := &c.Jurisdictions[i]
		if j.Code != code {
			continue
		}
		if audience == AudienceRegulator {
			return j.Regulator, true
		}
		return j.Individuals, true
	}
	return nil, false
}

// CatalogueCode maps a place to the catalogue's code for it: an EEA
// country to "EU", anything else to itself in upper case.
func (c *ElementCatalogue) CatalogueCode(code string) string {
	code = strings.ToUpper(strings.TrimSpace(code))
	if len(code) == 2 && candor.IsEEA(code) {
		return "EU"
	}
	return code
}

// Codes lists the catalogue's jurisdiction codes in file order.
func (c *ElementCatalogue) Codes() []string {
	out := make([]string, len(c.Jurisdictions))
	for i, j := range c.Jurisdictions {
		out[i] = j.Code
	}
	return out
}

var (
	codeShape = regexp.MustCompile(`^[A-Z]{2}(-[A-Z0-9]{1,8})?$`)
	tagRef    = regexp.MustCompile(`\[([a-z0-9]+)\]`)
)

// ParseElements decodes and validates an element catalogue: known element
// keys only, a label and a source on every entry, every research tag a
// source cites listed in its jurisdiction's references, no element twice
// per audience. name is used in errors.
func ParseElements(name string, data []byte) (*ElementCatalogue, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var c ElementCatalogue
	if err := dec.Decode(&c); err != nil {
		return nil, candor.Errorf(candor.EINVALID, "element file %s: %v", name, err)
	}
	if len(c.Vocabulary) == 0 {
		return nil, candor.Errorf(candor.EINVALID, `element file %s: no "vocabulary"`, name)
	}
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, candor.Errorf(candor.EINVALID, "element file %s: "+format, append([]any{name}, args...)...))
	}
	seen := map[string]bool{}
	for _, j := range c.Jurisdictions {
		if !codeShape.MatchString(j.Code) {
			bad("jurisdiction %q: code must be like JP, EU or US-CA", j.Code)
		}
		if seen[j.Code] {
			bad("jurisdiction %s: listed twice", j.Code)
		}
		seen[j.Code] = true
		if strings.TrimSpace(j.Law) == "" {
			bad("jurisdiction %s: law is required", j.Code)
		}
		for _, aud := range []struct {
			name string
			list []Element
		}{{AudienceIndividuals, j.Individuals}, {AudienceRegulator, j.Regulator}} {
			keys := map[string]bool{}
			for _, e := range aud.list {
				where := fmt.Sprintf("jurisdiction %s, %s, element %q", j.Code, aud.name, e.Key)
				if _, ok := c.Vocabulary[e.Key]; !ok {
					bad("%s: unknown element key", where)
				}
				if keys[e.Key] {
					bad("%s: listed twice", where)
				}
				keys[e.Key] = true
				if strings.TrimSpace(e.Label) == "" {
					bad("%s: label is required", where)
				}
				if strings.TrimSpace(e.Source) == "" {
					bad("%s: source is required", where)
				}
				for _, m := range tagRef.FindAllStringSubmatch(e.Source, -1) {
					if j.References[m[1]] == "" {
						bad("%s: source cites [%s], which references does not list", where, m[1])
					}
				}
				if e.Forbidden && (len(e.Text) > 0 || len(e.IfData) > 0 || e.IfLateHours != 0) {
					bad("%s: a forbidden element takes no text or condition", where)
				}
				if e.IfLateHours < 0 {
					bad("%s: if_late_hours must not be negative", where)
				}
				for _, d := range e.IfData {
					if !candor.IsKnownDataCategory(d) {
						bad("%s: if_data %q is not a known data category", where, d)
					}
				}
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &c, nil
}

// VariantJurisdiction returns the canonical form of the jurisdiction of a
// variant key ("en@us-ca" → "US-CA"): a catalogue code (rules.json or
// elements.json: "EU", "US-HIPAA"), an ISO 3166-1 country ("DE"), or an
// ISO 3166-2 subdivision the catalogue knows ("US-CA"). It has the shape
// of candor.JurisdictionFunc.
func VariantJurisdiction(code string) (string, error) {
	up := strings.ToUpper(strings.TrimSpace(code))
	if known, err := knownCodes(); err != nil {
		return "", err
	} else if slices.Contains(known, up) {
		return up, nil
	}
	if c, ok := (geo.Table{}).Country(up); ok {
		return c, nil
	}
	if _, ok := (geo.Table{}).Region(up); ok {
		return "", fmt.Errorf("%q is a subdivision the catalogue has no rules for; use its country", code)
	}
	return "", fmt.Errorf("%q is not a catalogue jurisdiction or an ISO 3166-1 country", code)
}

var _ candor.JurisdictionFunc = VariantJurisdiction

// knownCodes lists the codes of both catalogues.
func knownCodes() ([]string, error) {
	rules, err := Load()
	if err != nil {
		return nil, err
	}
	el, err := LoadElements()
	if err != nil {
		return nil, err
	}
	out := el.Codes()
	for _, r := range rules {
		out = append(out, r.Jurisdiction)
	}
	return out, nil
}
