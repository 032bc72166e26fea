package render

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/candor-dev/candor"
)

// maxCheckLocales bounds how many customer locales Check samples; beyond
// it, locales add nothing the variants' own locales do not already cover.
const maxCheckLocales = 64

// CheckSyntax compiles every variant of c without running it: what create
// and edit call so that a template with a syntax error is refused before it
// becomes a revision. Errors: EINVALID or ETOOLARGE naming every failing
// field.
func CheckSyntax(c candor.DisclosureContent) error {
	var fields []candor.FieldError
	code := candor.EINVALID
	for _, loc := range slices.Sorted(maps.Keys(c.Variants)) {
		if _, err := Compile(loc, c.Variants[loc]); err != nil {
			fields = append(fields, candor.ErrorFields(err)...)
			if candor.ErrorCode(err) == candor.ETOOLARGE {
				code = candor.ETOOLARGE
			}
		}
	}
	if len(fields) == 0 {
		return nil
	}
	return &candor.Error{Code: code, Message: "templates do not compile", Fields: fields}
}

// Check is what submit runs: it renders every variant of c with base's
// incident, organisation and statement, once for a sample customer of each
// locale in locales (the locales of the incident's customers) and of each
// variant, and once for a customer whose optional fields are all empty
// (no name, postal, no country or locale, no data categories of its own).
// Base's own Customer is not used. It returns nil, ctx's error, or an
// EINVALID error (ETOOLARGE if a template is over its size limit) listing
// each failing field once, with the sample customer it failed for.
func Check(ctx context.Context, c candor.DisclosureContent, base Data, locales []string) error {
	return CheckEach(ctx, c, func(string) Data { return base }, locales)
}

// CheckEach is Check with the base data of each variant from baseFor (its
// key: the incident's facts differ by language).
func CheckEach(ctx context.Context, c candor.DisclosureContent, baseFor func(variant string) Data, locales []string) error {
	if err := CheckSyntax(c); err != nil {
		return err
	}
	type sample struct {
		who      string
		customer CustomerView
	}
	samples := []sample{{"a customer with empty optional fields", CustomerView{}}}
	categories := baseFor(c.DefaultLocale).Incident.DataCategories
	seen := make(map[string]bool)
	for _, loc := range append(slices.Sorted(maps.Keys(c.Variants)), locales...) {
		canonical, err := VariantLocale(loc)
		if err != nil || seen[canonical] || len(seen) == maxCheckLocales {
			continue
		}
		seen[canonical] = true
		samples = append(samples, sample{"a customer of locale " + canonical, SampleCustomer(canonical, categories)})
	}

	var fields candor.Validation
	reported := make(map[candor.FieldError]bool)
	for _, loc := range slices.Sorted(maps.Keys(c.Variants)) {
		t, err := Compile(loc, c.Variants[loc])
		if err != nil {
			return err // CheckSyntax passed; cannot happen
		}
		base := baseFor(loc)
		for _, s := range samples {
			data := base
			data.Customer = s.customer
			_, err := t.Execute(ctx, data)
			if err == nil {
				continue
			}
			if ctx.Err() != nil {
				return fmt.Errorf("check templates: %w", ctx.Err())
			}
			for _, fe := range candor.ErrorFields(err) {
				if !reported[fe] {
					reported[fe] = true
					fe.Message += " (rendering for " + s.who + ")"
					fields = append(fields, fe)
				}
			}
			if candor.ErrorCode(err) == candor.ETOOLARGE {
				break // limits hardly depend on the customer; spare the other samples
			}
		}
	}
	if len(fields) == 0 {
		return nil
	}
	return &candor.Error{Code: candor.EINVALID, Message: "templates fail to render", Fields: fields}
}
