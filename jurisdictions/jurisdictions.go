// Package jurisdictions holds Candor's breach-notification rule catalogue
// as data: rules.json, embedded in the binary, one entry per duty (a law
// with two audiences or two stages is two rules). The engine in package
// candor reads rules and never names a jurisdiction, so a changed law is a
// data change: a new rule with its own effective_from, the old one closed
// with effective_to.
//
// Deployments adjust the catalogue without a rebuild: LoadDir merges the
// *.json files of a directory (CANDOR_RULES_DIR) over the embedded rules,
// a rule with an existing id replacing it and a new id adding one.
//
// The catalogue is not legal advice; see Disclaimer.
package jurisdictions

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // validate zones the same way on any host

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/deadline"
)

//go:embed rules.json
var embedded []byte

// Disclaimer is the text to show wherever the catalogue or its deadlines
// are displayed (API responses, the console, calendar feeds, the README).
const Disclaimer = "Candor's deadline catalogue is a research aid, not legal advice. " +
	"Rules are summaries of laws and guidance as read by the Candor project, may be incomplete, " +
	"out of date or wrong for your organisation, and soft deadlines are targets Candor chose, not figures from the law. " +
	"Confirm every obligation and date with qualified counsel in each jurisdiction."

// File is the format of rules.json and of every override file: a list of
// rules, with free text about them that loaders ignore.
type File struct {
	About string          `json:"about,omitempty"`
	Rules []deadline.Rule `json:"rules"`
}

// Load returns the embedded catalogue, validated.
func Load() ([]deadline.Rule, error) {
	rules, err := Parse("rules.json", embedded)
	if err != nil {
		return nil, fmt.Errorf("embedded catalogue: %w", err)
	}
	return rules, nil
}

// LoadDir returns the embedded catalogue with the *.json files in dir
// merged over it, in file-name order: a rule whose id is already present
// replaces it where it stands, any other is appended. dir "" means no
// overrides. Files that are not *.json, and subdirectories, are ignored,
// so a README can sit beside the rules. Any invalid file fails the whole
// load, naming the file and rule id: a half-applied override would
// silently compute the wrong deadlines.
func LoadDir(dir string) ([]deadline.Rule, error) {
	rules, err := Load()
	if err != nil || dir == "" {
		return rules, err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read rules dir: %w", err)
	}
	index := make(map[string]int, len(rules))
	for i, r := range rules {
		index[r.ID] = i
	}
	for _, e := range entries { // os.ReadDir sorts by name
		if e.IsDir() || !strings.EqualFold(filepath.Ext(e.Name()), ".json") {
			continue
		}
		path := filepath.Join(dir, e.Name())
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("read rules file: %w", err)
		}
		extra, err := Parse(e.Name(), data)
		if err != nil {
			return nil, err
		}
		for _, r := range extra {
			if i, ok := index[r.ID]; ok {
				rules[i] = r
				continue
			}
			index[r.ID] = len(rules)
			rules = append(rules, r)
		}
	}
	return rules, nil
}

// Parse decodes and validates one rules file; name is used in errors.
// Unknown fields are errors, so a misspelt "clock_start" cannot silently
// fall back to a default. Every invalid rule is reported, each error
// naming the file and rule id and carrying candor.EINVALID.
func Parse(name string, data []byte) ([]deadline.Rule, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var f File
	if err := dec.Decode(&f); err != nil {
		return nil, candor.Errorf(candor.EINVALID, "rules file %s: %v", name, err)
	}
	if dec.More() {
		return nil, candor.Errorf(candor.EINVALID, "rules file %s: data after the JSON object", name)
	}
	if f.Rules == nil {
		return nil, candor.Errorf(candor.EINVALID, `rules file %s: no "rules" list`, name)
	}
	var errs []error
	seen := map[string]bool{}
	for i, r := range f.Rules {
		label := r.ID
		if label == "" {
			label = fmt.Sprintf("#%d", i+1)
		}
		if seen[r.ID] {
			errs = append(errs, candor.Errorf(candor.EINVALID, "rules file %s: rule %s: duplicate id", name, label))
			continue
		}
		seen[r.ID] = true
		if err := Validate(r); err != nil {
			fields := candor.ErrorFields(err)
			msgs := make([]string, len(fields))
			for i, fe := range fields {
				msgs[i] = fe.Field + ": " + fe.Message
			}
			// Every field in the message, for the operator reading the log.
			errs = append(errs, candor.Errorf(candor.EINVALID, "rules file %s: rule %s: %s", name, label, strings.Join(msgs, "; ")))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return f.Rules, nil
}

// Validate checks a rule as the loaders do: deadline.Rule.Validate, plus a
// time zone that exists in the zone database.
func Validate(r deadline.Rule) error {
	err := r.Validate()
	fields := slices.Clone(candor.ErrorFields(err))
	if r.TimeZone != "" && r.TimeZone != "Local" {
		if _, zerr := time.LoadLocation(r.TimeZone); zerr != nil {
			fields = append(fields, candor.FieldError{Field: "time_zone", Message: fmt.Sprintf("unknown IANA zone %q", r.TimeZone)})
		}
	} else if r.TimeZone == "Local" {
		fields = append(fields, candor.FieldError{Field: "time_zone", Message: `"Local" depends on the host; name an IANA zone`})
	}
	if len(fields) == 0 {
		return nil
	}
	return candor.Invalid(fields...)
}
