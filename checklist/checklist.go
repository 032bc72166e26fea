package checklist

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/jurisdictions"
	"github.com/candor-dev/candor/render"
)

// Item is one element of one jurisdiction's list, checked in one variant.
type Item struct {
	Jurisdiction string `json:"jurisdiction"`
	Variant      string `json:"variant"`
	Element      string `json:"element"`
	Required     bool   `json:"required"` // false: forbidden
	Present      bool   `json:"present"`
	Where        *Where `json:"where,omitempty"`
	// Text is literal wording the element must contain ("Notice of Data
	// Breach"); an element found without it is not present.
	Text      string  `json:"text,omitempty"`
	Source    string  `json:"source"`
	Label     string  `json:"label"`
	Confirmed bool    `json:"confirmed"`
	Waived    *Waived `json:"waived,omitempty"`
}

// Waived says who let a failing item through, and why.
type Waived struct {
	Reason string `json:"reason"`
	By     string `json:"by"`
}

// Failed reports whether the item stops a submit: a required element
// missing or a forbidden one present, not waived.
func (it Item) Failed() bool { return it.Required != it.Present && it.Waived == nil }

// Input is what a check needs.
type Input struct {
	Kind      candor.DisclosureKind
	Content   candor.DisclosureContent
	Catalogue *jurisdictions.ElementCatalogue
	// Data returns the template data every message of a variant shares
	// (compose's base, without a customer) for a variant key.
	Data func(variant string) (render.Data, error)
	// Places are the incident's customers per country, region and locale
	// (a customer notice's audience).
	Places []candor.PlaceLocaleCount
	// Now is when the message would be composed: it decides whether a
	// late report must give its reasons.
	Now time.Time
	// Waivers let failing items through (candor.SubmitOptions.Waivers).
	Waivers []candor.Waiver
}

// target is one (jurisdiction, variant) to check, with the customer that
// stands for the jurisdiction's audience in that variant.
type target struct {
	jurisdiction, variant string
	customer              *candor.PlaceLocaleCount // nil for a regulator report
	elements              []jurisdictions.Element
}

// Run checks the disclosure: a customer notice for each jurisdiction of
// its customers that has elements for individuals, in each variant those
// customers get (render.PickVariantFor); a regulator report for its
// regulator's jurisdiction, in the variant a regulator there gets. A
// public statement has no checklist. Items come sorted by jurisdiction,
// variant and the catalogue's order. Errors: those of rendering (EINVALID
// naming the variant), ctx's.
func Run(ctx context.Context, in Input) ([]Item, error) {
	items := []Item{}
	if in.Kind != candor.KindCustomerNotice && in.Kind != candor.KindRegulatorReport || len(in.Content.Variants) == 0 {
		return items, nil
	}
	base, err := in.Data(in.Content.DefaultLocale)
	if err != nil {
		return nil, err
	}
	targets := targets(in, slices.Contains(base.Incident.DataCategories, candor.CategoryHealth))
	for _, t := range targets {
		v := in.Content.Variants[t.variant]
		tpl, err := render.Compile(t.variant, v)
		if err != nil {
			return nil, err
		}
		data, err := in.Data(t.variant)
		if err != nil {
			return nil, err
		}
		if t.customer != nil {
			data.Customer = render.SampleCustomer(tpl.Locale(), data.Incident.DataCategories)
			data.Customer.Country, data.Customer.Region = t.customer.Country, t.customer.Region
			if t.customer.Locale != "" {
				data.Customer.Locale = t.customer.Locale
			}
		}
		out, err := tpl.Execute(ctx, data)
		if err != nil {
			return nil, err
		}
		found, err := Scan(out.HTML)
		if err != nil {
			return nil, fmt.Errorf("checklist: scan %s: %w", t.variant, err)
		}
		lines := markerLines(v.Body)
		lang := baseLanguage(tpl.Locale())
		for _, e := range t.elements {
			if !applies(e, base, in.Now) {
				continue
			}
			it := Item{Jurisdiction: t.jurisdiction, Variant: t.variant, Element: e.Key, Required: !e.Forbidden,
				Text: e.Text[lang], Source: e.Source, Label: e.Label, Confirmed: e.Confirmed}
			for _, w := range found[e.Key] {
				if it.Text == "" || contains(w.full, it.Text) {
					w.Line = lines[e.Key]
					it.Present, it.Where = true, &w
					break
				}
			}
			if it.Failed() {
				for _, w := range in.Waivers {
					if w.Jurisdiction == it.Jurisdiction && w.Element == it.Element {
						it.Waived = &Waived{Reason: w.Reason, By: w.By}
						break
					}
				}
			}
			items = append(items, it)
		}
	}
	return items, nil
}

// Failures lists the failed items as field errors, one per jurisdiction,
// variant and element: field "checklist.<jurisdiction>.<element>".
func Failures(items []Item) []candor.FieldError {
	var out []candor.FieldError
	for _, it := range items {
		if !it.Failed() {
			continue
		}
		var msg string
		switch {
		case !it.Required:
			msg = fmt.Sprintf("variant %q must not contain %s: %s (%s); found in <%s>: %q",
				it.Variant, it.Element, it.Label, it.Source, it.Where.Tag, it.Where.Text)
		case it.Text != "":
			msg = fmt.Sprintf("variant %q lacks %s with the text %q: %s (%s); mark it with data-element=%q or waive it",
				it.Variant, it.Element, it.Text, it.Label, it.Source, it.Element)
		default:
			msg = fmt.Sprintf("variant %q lacks %s: %s (%s); mark it with data-element=%q or waive it",
				it.Variant, it.Element, it.Label, it.Source, it.Element)
		}
		out = append(out, candor.FieldError{Field: "checklist." + it.Jurisdiction + "." + it.Element, Message: msg})
	}
	return out
}

// Err returns the failures as one EINVALID error, or nil.
func Err(items []Item) error {
	f := Failures(items)
	if len(f) == 0 {
		return nil
	}
	return &candor.Error{Code: candor.EINVALID,
		Message: "the notice lacks content a law requires (see GET .../checklist); add it, or have legal submit with waivers",
		Fields:  f}
}

// applies reports whether an element's condition holds for the incident.
func applies(e jurisdictions.Element, base render.Data, now time.Time) bool {
	if len(e.IfData) > 0 && !slices.ContainsFunc(base.Incident.DataCategories, func(c string) bool { return slices.Contains(e.IfData, c) }) {
		return false
	}
	if e.IfLateHours > 0 {
		d := base.Incident.DiscoveredAt
		if d.IsZero() || now.Sub(d) < time.Duration(e.IfLateHours)*time.Hour {
			return false
		}
	}
	return true
}

// targets lists what to check, sorted by jurisdiction and variant. health
// says whether health data is involved (HIPAA).
func targets(in Input, health bool) []target {
	c := in.Content
	if len(c.Variants) == 0 || in.Catalogue == nil {
		return nil
	}
	var out []target
	switch in.Kind {
	case candor.KindRegulatorReport:
		if c.Regulator == nil {
			return nil
		}
		code := in.Catalogue.CatalogueCode(c.Regulator.Jurisdiction)
		elems, _ := in.Catalogue.For(code, jurisdictions.AudienceRegulator)
		if len(elems) == 0 {
			return nil
		}
		// The variant the send picks for the regulator: its language's,
		// for its own jurisdiction ("DE", not the catalogue's "EU").
		jur := c.Regulator.Jurisdiction
		country, region := candor.JurisdictionPlace(jur)
		key, _ := render.PickVariantFor(c.Variants, c.DefaultLocale, candor.AuthorityOf(jur).Language, country, region)
		out = append(out, target{jurisdiction: code, variant: key, elements: elems})
	case candor.KindCustomerNotice:
		seen := map[[2]string]*target{}
		// Largest groups first, so that the customer standing for a
		// (jurisdiction, variant) is the commonest one.
		places := slices.Clone(in.Places)
		slices.SortStableFunc(places, func(a, b candor.PlaceLocaleCount) int { return cmp.Compare(b.N, a.N) })
		for _, p := range places {
			key, _ := render.PickVariantFor(c.Variants, c.DefaultLocale, p.Locale, p.Country, p.Region)
			for _, code := range codesOf(in.Catalogue, p, health) {
				if seen[[2]string{code, key}] != nil {
					continue
				}
				elems, _ := in.Catalogue.For(code, jurisdictions.AudienceIndividuals)
				if len(elems) == 0 {
					continue
				}
				p := p
				t := &target{jurisdiction: code, variant: key, customer: &p, elements: elems}
				seen[[2]string{code, key}] = t
			}
		}
		for _, k := range slices.SortedFunc(maps.Keys(seen), func(a, b [2]string) int {
			return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1]))
		}) {
			out = append(out, *seen[k])
		}
	}
	return out
}

// codesOf lists the catalogue jurisdictions a customer's place is in: its
// region and its country (an EEA country's is "EU") when the catalogue
// has them, and US-HIPAA for a US customer when health data is involved.
func codesOf(cat *jurisdictions.ElementCatalogue, p candor.PlaceLocaleCount, health bool) []string {
	var out []string
	for _, code := range []string{p.Region, p.Country} {
		if code == "" {
			continue
		}
		if _, ok := cat.For(code, jurisdictions.AudienceIndividuals); ok {
			out = append(out, cat.CatalogueCode(code))
		}
	}
	if p.Country == "US" && health {
		out = append(out, "US-HIPAA")
	}
	return out
}

func baseLanguage(loc string) string {
	for i := 0; i < len(loc); i++ {
		if loc[i] == '-' {
			return loc[:i]
		}
	}
	return loc
}
