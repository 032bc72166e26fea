package api

import (
	"context"
	"maps"
	"slices"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/compose"
	"github.com/candor-dev/candor/render"
)

// checkTranslations refuses (422) a disclosure whose variant in language L
// would show a fact with no text in L, one error per fact and language,
// unless L is in accept: the submitter's recorded choice to send the
// default language's text there.
func checkTranslations(ctx context.Context, f *compose.Facts, c candor.DisclosureContent, accept []string) error {
	var v candor.Validation
	reported := map[compose.Fallback]bool{}
	for _, key := range slices.Sorted(maps.Keys(c.Variants)) {
		var sample render.CustomerView
		if c.Regulator == nil {
			sample = render.SampleCustomer(languagePart(key), f.Incident.DataCategories)
		}
		shown, err := f.Untranslated(ctx, key, c.Variants[key], sample)
		if err != nil {
			return err
		}
		for _, fb := range shown {
			if slices.Contains(accept, fb.Language) || reported[fb] {
				continue
			}
			reported[fb] = true
			v.Add(translationField(fb), "variant %s shows this fact, which has no %s text: add the translation, or submit with accept_untranslated: [%q] to send the %s text", key, fb.Language, fb.Language, f.Incident.Language())
		}
	}
	return v.Err()
}

// translationField names where a missing translation goes:
// "translations.ja.summary" on the incident,
// "events.<id>.translations.ja.description" on an event.
func translationField(fb compose.Fallback) string {
	const ev = "events."
	if len(fb.Field) > len(ev) && fb.Field[:len(ev)] == ev {
		id := fb.Field[len(ev) : len(fb.Field)-len(".description")]
		return ev + id + ".translations." + fb.Language + ".description"
	}
	if fb.Field == "reporting_entity.name" {
		return "translations." + fb.Language + ".reporting_entity"
	}
	return "translations." + fb.Language + "." + fb.Field
}

func languagePart(key string) string {
	for i := 0; i < len(key); i++ {
		if key[i] == '@' {
			return key[:i]
		}
	}
	return key
}

// languageKeys canonicalises a list of languages ("JA", "ja-JP" → "ja").
func languageKeys(field string, in []string) ([]string, error) {
	var v candor.Validation
	out := make([]string, 0, len(in))
	for i, l := range in {
		k, err := candor.LanguageKey(l)
		if err != nil {
			v.Add(field, "item %d: %s", i, err.Error())
			continue
		}
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out, v.Err()
}

// orEmpty gives an empty list for nil, so JSON says [] rather than null.
func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
