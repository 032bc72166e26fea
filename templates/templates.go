// Package templates holds Candor's embedded templates: the default
// disclosure variants a new draft can start from ("from_default"), in
// defaults/<kind>/<locale>.{subject.txt,body.html[,text.txt]}. Page layouts
// for public statements live beside them in pages/, with their own
// embed.
//
// The defaults follow what the laws ask of each kind (the design notes'
// notice-requirements and template-review): a customer notice in the
// shape of a letter (English: California's "Notice of Data Breach" headings;
// Japanese: お詫びとお知らせ with APPI's items; Thai: the PDPC
// notification's items; Indonesian: UU 27/2022 art. 46(2); Filipino: NPC
// Circular 16-03 s.18), a public statement, and a regulator report in the
// order of the authority's list (APPI Rules art. 8(1), GDPR art. 33(3),
// NPC Circular 16-03 s.17). They are a starting point for legal review,
// not advice.
//
// Say only what is true: every claim depends on data. Containment is
// stated only when ContainedAt is recorded, a public statement only when
// Statement.URL is set ("will be published on …" until it is live), a
// regulator report says that the individuals' notification status follows
// rather than claiming it, and "being determined" appears only where a
// value is unknown (a count of 0, no categories, no cause). Each block a
// law asks for carries data-element="KEY" (title, organisation,
// notice_date, reference, what_happened, breach_date, discovery_date,
// cause, data_involved, affected_count, consequences, measures_taken,
// what_you_can_do, contact, statement, delay_reasons, credit_agencies,
// security_freeze, signatory) for the content checker.
//
// A regulator report is written in its authority's language
// (RegulatorLocale: the PPC gets ja, the Thai PDPC th, Indonesia id, the
// NPC and everyone else en). Some authorities take reports only through
// their own web form (the PPC, the NPC's DBNMS): there an e-mailed report
// is the text for that form, not the filing.
package templates

import (
	"embed"
	"io/fs"
	"path"
	"strings"

	"github.com/candor-dev/candor"
)

// DefaultLocale is the default locale of the default disclosures: the
// language of a customer notice or statement when a customer's own has no
// variant, and of a regulator report whose jurisdiction is unknown.
const DefaultLocale = "en"

// RegulatorLocale is the variant a regulator report to an authority of
// jurisdiction (a catalogue code: "JP", "TH", "US-CA") is written in: the
// language that authority works in (candor.AuthorityOf). The shipped
// defaults have ja for the PPC, th for the Thai PDPC and id for Indonesia;
// the Philippine NPC works in English, and so do the others the catalogue
// knows. A subdivision code ("JP-13") is its country's authority's.
func RegulatorLocale(jurisdiction string) string {
	code := strings.ToUpper(strings.TrimSpace(jurisdiction))
	if a, ok := candor.KnownAuthority(code); ok {
		return a.Language
	}
	country, _, _ := strings.Cut(code, "-")
	return candor.AuthorityOf(country).Language
}

// DefaultLocaleFor is the default locale a new disclosure of kind starts
// with: for a regulator report with a known regulator, the regulator's
// language (RegulatorLocale), so that PickVariant, which falls back to the
// default locale for a report's empty customer locale, sends the PPC the
// Japanese report; DefaultLocale otherwise.
func DefaultLocaleFor(kind candor.DisclosureKind, regulator *candor.Regulator) string {
	if kind == candor.KindRegulatorReport && regulator != nil && strings.TrimSpace(regulator.Jurisdiction) != "" {
		return RegulatorLocale(regulator.Jurisdiction)
	}
	return DefaultLocale
}

// The embedded files are read-only; this is the package's only state.
//
//go:embed defaults
var defaults embed.FS

// Defaults returns the default variants of kind, keyed by locale, and the
// default locale; nil and "" for an unknown kind. The map is the caller's
// to change.
func Defaults(kind candor.DisclosureKind) (map[string]candor.Variant, string) {
	if !kind.Valid() {
		return nil, ""
	}
	dir := path.Join("defaults", string(kind))
	entries, err := fs.ReadDir(defaults, dir)
	if err != nil {
		return nil, ""
	}
	variants := make(map[string]candor.Variant)
	for _, e := range entries {
		loc, part, ok := strings.Cut(e.Name(), ".")
		if !ok {
			continue
		}
		b, err := fs.ReadFile(defaults, path.Join(dir, e.Name()))
		if err != nil {
			return nil, ""
		}
		v := variants[loc]
		switch part {
		case "subject.txt":
			v.Subject = strings.TrimSpace(string(b))
		case "body.html":
			v.Body = string(b)
		case "text.txt":
			v.Text = string(b)
		default:
			continue
		}
		variants[loc] = v
	}
	return variants, DefaultLocale
}
