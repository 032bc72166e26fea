package candor

import (
	"fmt"
	"maps"
	"net/mail"
	"slices"
	"strings"
	"unicode/utf8"
)

// Size limits on disclosure content. Templates are bounded so that rendering
// them for every customer stays cheap; the rendered output has its own limit
// in the render package.
const (
	MaxTemplateSize       = 64 << 10 // bytes, for each Body and Text
	MaxSubjectSize        = 1 << 10  // bytes, for each Subject
	MaxTitleLength        = 500      // characters
	MaxVariants           = 32       // locales per disclosure
	MaxJurisdictionLength = 64       // characters
)

// LocaleFunc returns the canonical form of a BCP 47 tag ("EN-us" → "en-US"),
// or an error if the tag is not well-formed. The domain cannot parse BCP 47
// with the standard library alone; render.CanonicalLocale is the
// implementation to pass.
type LocaleFunc func(tag string) (string, error)

// NormalizeContent checks content for a disclosure of the given kind and
// returns it normalised: title trimmed, locale keys and default_locale in
// canonical form, regulator email bare. It does not parse templates (the
// render package does). Errors: ETOOLARGE when a template is over its size
// limit, otherwise EINVALID listing every field that failed.
func NormalizeContent(kind DisclosureKind, c DisclosureContent, canon LocaleFunc) (DisclosureContent, error) {
	if tooBig := oversized(c); len(tooBig) > 0 {
		return DisclosureContent{}, &Error{Code: ETOOLARGE, Message: "template over its size limit", Fields: tooBig}
	}
	var v Validation
	if !kind.Valid() {
		v.Add("kind", "must be customer_notice, regulator_report or public_statement")
	}
	out := DisclosureContent{Title: strings.TrimSpace(c.Title)}
	checkLine(&v, "title", out.Title, MaxTitleLength)

	out.Variants = normalizeVariants(&v, c.Variants, canon)
	switch def := strings.TrimSpace(c.DefaultLocale); {
	case def == "":
		v.Add("default_locale", "is required")
	default:
		tag, err := canon(def)
		if err != nil {
			v.Add("default_locale", "%q is not a BCP 47 language tag", def)
		} else if _, ok := out.Variants[tag]; !ok && len(out.Variants) > 0 {
			v.Add("default_locale", "%q has no variant", def)
		}
		out.DefaultLocale = tag
	}
	out.Regulator = normalizeRegulator(&v, kind, c.Regulator)
	if err := v.Err(); err != nil {
		return DisclosureContent{}, err
	}
	return out, nil
}

// oversized reports every template over its limit, before anything else is
// looked at: there is no point validating a megabyte of template further.
func oversized(c DisclosureContent) []FieldError {
	var fields []FieldError
	for _, loc := range slices.Sorted(maps.Keys(c.Variants)) {
		vr := c.Variants[loc]
		for _, f := range []struct {
			name, src string
			max       int
		}{{"subject", vr.Subject, MaxSubjectSize}, {"body", vr.Body, MaxTemplateSize}, {"text", vr.Text, MaxTemplateSize}} {
			if len(f.src) > f.max {
				fields = append(fields, FieldError{
					Field:   "variants." + loc + "." + f.name,
					Message: fmt.Sprintf("is %d bytes; the limit is %d", len(f.src), f.max),
				})
			}
		}
	}
	return fields
}

func normalizeVariants(v *Validation, in map[string]Variant, canon LocaleFunc) map[string]Variant {
	switch {
	case len(in) == 0:
		v.Add("variants", "at least one locale is required")
		return nil
	case len(in) > MaxVariants:
		v.Add("variants", "has %d locales; the limit is %d", len(in), MaxVariants)
		return nil
	}
	out := make(map[string]Variant, len(in))
	from := make(map[string]string, len(in)) // canonical tag → key as given, to name duplicates
	for _, key := range slices.Sorted(maps.Keys(in)) {
		field := "variants." + key
		tag, err := canon(strings.TrimSpace(key))
		if err != nil {
			v.Add(field, "%q is not a BCP 47 language tag", key)
			continue
		}
		if prev, dup := from[tag]; dup {
			v.Add(field, "is the same locale as %q", prev)
			continue
		}
		from[tag] = key
		vr := in[key]
		checkLine(v, field+".subject", vr.Subject, 0)
		if strings.TrimSpace(vr.Body) == "" {
			v.Add(field+".body", "is required")
		}
		if !utf8.ValidString(vr.Body) {
			v.Add(field+".body", "is not valid UTF-8")
		}
		if !utf8.ValidString(vr.Text) {
			v.Add(field+".text", "is not valid UTF-8")
		}
		out[tag] = vr
	}
	return out
}

// checkLine requires a non-blank, single-line, valid UTF-8 value of at most
// max characters (0: no limit). Subjects end up in a mail header, where a
// line break would start a new header.
func checkLine(v *Validation, field, s string, max int) {
	switch {
	case strings.TrimSpace(s) == "":
		v.Add(field, "is required")
	case !utf8.ValidString(s):
		v.Add(field, "is not valid UTF-8")
	case strings.ContainsAny(s, "\r\n"):
		v.Add(field, "must be a single line")
	case max > 0 && utf8.RuneCountInString(s) > max:
		v.Add(field, "is longer than %d characters", max)
	}
}

func normalizeRegulator(v *Validation, kind DisclosureKind, r *Regulator) *Regulator {
	if kind != KindRegulatorReport {
		if r != nil {
			v.Add("regulator", "is only for a regulator_report")
		}
		return nil
	}
	if r == nil {
		v.Add("regulator", "is required for a regulator_report")
		return nil
	}
	out := &Regulator{Jurisdiction: strings.TrimSpace(r.Jurisdiction)}
	checkLine(v, "regulator.jurisdiction", out.Jurisdiction, MaxJurisdictionLength)
	email := strings.TrimSpace(r.Email)
	// A bare address only: a display name or a group would not survive being
	// put in an envelope recipient.
	addr, err := mail.ParseAddress(email)
	switch {
	case email == "":
		v.Add("regulator.email", "is required")
	case err != nil || addr.Name != "" || addr.Address != email || !strings.Contains(addr.Address, "@"):
		v.Add("regulator.email", "%q is not an email address", email)
	default:
		out.Email = addr.Address
	}
	return out
}
