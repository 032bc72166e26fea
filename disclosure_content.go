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
	return NormalizeContentWith(kind, c, canon, nil)
}

// JurisdictionFunc returns the canonical code of the jurisdiction a
// variant is for ("us-ca" → "US-CA"), or an error if it is not one the
// catalogue knows. jurisdictions.VariantJurisdiction is the implementation
// to pass.
type JurisdictionFunc func(code string) (string, error)

// NormalizeContentWith is NormalizeContent with jur checking the
// jurisdiction part of variant keys ("en@US-CA"). A nil jur accepts any
// well-formed code (two letters, optionally a hyphen and up to eight
// letters or digits) in upper case: the domain alone cannot know the
// catalogue, and the store passes it.
func NormalizeContentWith(kind DisclosureKind, c DisclosureContent, canon LocaleFunc, jur JurisdictionFunc) (DisclosureContent, error) {
	if tooBig := oversized(c); len(tooBig) > 0 {
		return DisclosureContent{}, &Error{Code: ETOOLARGE, Message: "template over its size limit", Fields: tooBig}
	}
	var v Validation
	if !kind.Valid() {
		v.Add("kind", "must be customer_notice, regulator_report, public_statement or faq")
	}
	out := DisclosureContent{Title: strings.TrimSpace(c.Title)}
	out.Title = v.Text("title", out.Title, true)
	checkLine(&v, "title", out.Title, MaxTitleLength)

	out.Variants = normalizeVariants(&v, c.Variants, canon, jur)
	if kind == KindFAQ {
		checkFAQ(&v, out.Variants)
	}
	switch def := strings.TrimSpace(c.DefaultLocale); {
	case def == "":
		v.Add("default_locale", "is required")
	case strings.Contains(def, "@"):
		v.Add("default_locale", "%q is for one jurisdiction; the default must be a language", def)
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

func normalizeVariants(v *Validation, in map[string]Variant, canon LocaleFunc, jur JurisdictionFunc) map[string]Variant {
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
		tag, msg := canonicalVariantKey(key, canon, jur)
		if msg != "" {
			v.Add(field, "%s", msg)
			continue
		}
		if prev, dup := from[tag]; dup {
			v.Add(field, "is the same variant as %q", prev)
			continue
		}
		from[tag] = key
		vr := in[key]
		vr.Subject = v.Text(field+".subject", vr.Subject, true)
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

// VariantKeySeparator joins a variant key's language and jurisdiction:
// "en@US-CA" is English for California customers.
const VariantKeySeparator = "@"

// SplitVariantKey splits a variant key into its language and its
// jurisdiction ("" for a plain language key).
func SplitVariantKey(key string) (lang, jurisdiction string) {
	lang, jurisdiction, _ = strings.Cut(key, VariantKeySeparator)
	return lang, jurisdiction
}

// canonicalVariantKey returns the canonical form of a variant key
// ("EN-us@us-ca" → "en-US@US-CA"), or why it is not one.
func canonicalVariantKey(key string, canon LocaleFunc, jur JurisdictionFunc) (string, string) {
	lang, code, hasJur := strings.Cut(strings.TrimSpace(key), VariantKeySeparator)
	tag, err := canon(strings.TrimSpace(lang))
	if err != nil {
		return "", fmt.Sprintf("%q is not a BCP 47 language tag", lang)
	}
	if !hasJur {
		return tag, ""
	}
	code = strings.TrimSpace(code)
	if jur == nil {
		code = strings.ToUpper(code)
		if !wellFormedJurisdiction(code) {
			return "", fmt.Sprintf("%q is not a jurisdiction code (a country such as DE, or US-CA)", code)
		}
		return tag + VariantKeySeparator + code, ""
	}
	c, err := jur(code)
	if err != nil {
		return "", fmt.Sprintf("unknown jurisdiction: %v", err)
	}
	return tag + VariantKeySeparator + c, ""
}

// wellFormedJurisdiction accepts "DE", "US-CA", "US-HIPAA": two upper-case
// letters, then optionally "-" and one to eight upper-case letters or digits.
func wellFormedJurisdiction(code string) bool {
	country, sub, hasSub := strings.Cut(code, "-")
	if len(country) != 2 || !isUpperAlnum(country, false) {
		return false
	}
	return !hasSub || len(sub) >= 1 && len(sub) <= 8 && isUpperAlnum(sub, true)
}

func isUpperAlnum(s string, digits bool) bool {
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || digits && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
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
	case len(email) > MaxEmailLen:
		v.Add("regulator.email", "must be at most %d bytes", MaxEmailLen)
	case err != nil || addr.Name != "" || addr.Address != email || !strings.Contains(addr.Address, "@"):
		v.Add("regulator.email", "%q is not an email address", email)
	default:
		out.Email = addr.Address
	}
	return out
}

// checkFAQ requires each variant of a FAQ to hold its questions and answers
// as a definition list, <dt> the question and <dd> its answer: that is
// what the statement page shows and what the call-centre export reads
// (package faq). The rendered HTML is checked again when it is published
// or exported, where a template could have produced no pair after all.
func checkFAQ(v *Validation, variants map[string]Variant) {
	for _, loc := range slices.Sorted(maps.Keys(variants)) {
		body := strings.ToLower(variants[loc].Body)
		if !strings.Contains(body, "<dt") || !strings.Contains(body, "<dd") {
			v.Add("variants."+loc+".body", "a FAQ holds its questions as <dt> and each answer as the <dd> after it, in a <dl>")
		}
	}
}
