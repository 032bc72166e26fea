package candor

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"golang.org/x/text/language"
)

// IncidentText is an incident's facts in one more language. An empty field
// has no translation: the default text stands in, and a disclosure whose
// variant would show it must say so at submit (accept_untranslated).
type IncidentText struct {
	Title   string `json:"title,omitempty"`
	Summary string `json:"summary,omitempty"`
	// ReportingEntity is the reporting entity's name in this language
	// (川崎重工業株式会社 for Kawasaki Heavy Industries, Ltd.).
	ReportingEntity string `json:"reporting_entity,omitempty"`
}

// EventText is a timeline entry's description in one more language.
type EventText struct {
	Description string `json:"description,omitempty"`
}

// maxTranslations bounds the languages an incident or event carries: a
// disclosure has at most a few dozen variants.
const maxTranslations = 40

// LanguageKey is the canonical key of a translation: the base language of a
// BCP 47 tag ("JA" → "ja", "ja-JP" → "ja", "tl" → "fil"), since the facts are
// written once per language, not per country. A variant key ("en@US-CA",
// "pt-BR") finds its facts under LanguageKey of its language part.
func LanguageKey(tag string) (string, error) {
	tag, _, _ = strings.Cut(tag, "@")
	if tag == "" || len(tag) > 64 {
		return "", fmt.Errorf("%q is not a language tag", tag)
	}
	t, err := language.Parse(tag)
	if err != nil {
		return "", fmt.Errorf("%q is not a BCP 47 language tag", tag)
	}
	base, conf := t.Base()
	if conf == language.No || base.String() == "und" {
		return "", fmt.Errorf("%q names no language", tag)
	}
	// "tl" is Filipino's older code; the templates use "fil".
	if b := base.String(); b == "tl" {
		return "fil", nil
	} else {
		return b, nil
	}
}

// normalizeTranslations canonicalises the keys of a translation map and
// trims its texts; field is the API name for errors ("translations").
func normalizeTranslations[T any](v *Validation, field string, in map[string]T, trim func(*T) (empty bool)) map[string]T {
	if len(in) > maxTranslations {
		v.Add(field, "at most %d languages", maxTranslations)
		return in
	}
	out := make(map[string]T, len(in))
	for _, k := range slices.Sorted(maps.Keys(in)) {
		key, err := LanguageKey(k)
		if err != nil {
			v.Add(field+"."+k, "%s", err.Error())
			continue
		}
		if _, dup := out[key]; dup {
			v.Add(field+"."+k, "is the same language as another key (%s)", key)
			continue
		}
		t := in[k]
		if trim(&t) {
			continue
		}
		out[key] = t
	}
	return out
}

// Text returns the incident's facts in language lang (a tag or a variant
// key), and the API names of the fields that fell back to the default text
// because they have no translation (title, summary). The default text is the language of
// DefaultLanguage; asking for it never falls back.
func (in *Incident) Text(lang string) (title, summary, entity string, fallback []string) {
	title, summary = in.Title, in.Summary
	if in.ReportingEntity != nil {
		entity = in.ReportingEntity.Name
	}
	key, err := LanguageKey(lang)
	if err != nil || key == in.Language() {
		return title, summary, entity, nil
	}
	tr := in.Translations[key]
	pick := func(field, def, t string) string {
		if t != "" {
			return t
		}
		if def != "" {
			fallback = append(fallback, field)
		}
		return def
	}
	title = pick("title", title, tr.Title)
	summary = pick("summary", summary, tr.Summary)
	// The entity's name falls back silently: a registered name in Latin
	// script is how many readers know a company, not a gap in translation.
	if tr.ReportingEntity != "" {
		entity = tr.ReportingEntity
	}
	return title, summary, entity, fallback
}

// Language is the language the incident's own fields are written in
// (`language`, default "en").
func (in *Incident) Language() string {
	if in.DefaultLanguage == "" {
		return "en"
	}
	return in.DefaultLanguage
}

// Description returns the event's description in language lang, and
// whether it fell back to the default text.
func (e *Event) Text(lang, defaultLang string) (string, bool) {
	key, err := LanguageKey(lang)
	if err != nil || key == defaultLang {
		return e.Description, false
	}
	if t := e.Translations[key].Description; t != "" {
		return t, false
	}
	return e.Description, true
}

// Location is the incident's time zone; UTC when it has none or an unknown
// one (Validate refuses unknown zones, so only old rows lack one).
func (in *Incident) Location() *time.Location {
	if in.Timezone == "" {
		return time.UTC
	}
	loc, err := time.LoadLocation(in.Timezone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// Reference is the incident's short reference for follow-ups, from the
// random tail of its id: "INC-7Q4M2K9D" style, 8 characters of
// Crockford's base 32 (no I, L, O, U).
func (in *Incident) Reference() string {
	hex := strings.ReplaceAll(in.ID, "-", "")
	if len(hex) < 10 {
		return ""
	}
	const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	var v uint64
	for _, c := range hex[len(hex)-10:] {
		v <<= 4
		switch {
		case c >= '0' && c <= '9':
			v |= uint64(c - '0')
		case c >= 'a' && c <= 'f':
			v |= uint64(c-'a') + 10
		case c >= 'A' && c <= 'F':
			v |= uint64(c-'A') + 10
		}
	}
	b := make([]byte, 8)
	for i := 7; i >= 0; i-- {
		b[i] = alphabet[v&31]
		v >>= 5
	}
	return "INC-" + string(b[:4]) + "-" + string(b[4:])
}

// validTimezone checks an IANA zone name; "Local" and "" are refused, since
// the server's own zone means nothing to a reader.
func validTimezone(name string) bool {
	if name == "" || name == "Local" || len(name) > 64 {
		return false
	}
	_, err := time.LoadLocation(name)
	return err == nil
}
