package render

import (
	"fmt"
	"maps"
	"slices"

	"github.com/candor-dev/candor"
	"golang.org/x/text/language"
)

// maxTagLength bounds what we hand to the BCP 47 parser; real tags are short.
const maxTagLength = 64

// CanonicalLocale returns the canonical form of a BCP 47 language tag
// ("EN_us" → "en-US", "tl" → "fil", "iw" → "he"), or an error if tag is not
// one. "und" and private-use-only tags are refused: a variant must say which
// language it is in. It has the shape of candor.LocaleFunc.
func CanonicalLocale(tag string) (string, error) {
	if tag == "" || len(tag) > maxTagLength {
		return "", fmt.Errorf("%q is not a BCP 47 language tag", tag)
	}
	t, err := language.Parse(tag)
	if err != nil {
		return "", fmt.Errorf("%q is not a BCP 47 language tag: %w", tag, err)
	}
	if base, conf := t.Base(); conf == language.No || base.String() == "und" || t.IsRoot() {
		return "", fmt.Errorf("%q names no language", tag)
	}
	return t.String(), nil
}

var _ candor.LocaleFunc = CanonicalLocale

// PickVariant chooses the variant a customer gets: the best BCP 47 match for
// their locale among the variants ("pt-BR" gets "pt", "en-GB" gets "en",
// "tl" gets "fil"), else the default locale's. It returns the chosen
// variant's locale, which is the one to render it in (dates, lists). An empty
// or malformed customer locale gets the default. If defaultLocale has no
// variant, the first locale in sorted order stands in for it.
func PickVariant(variants map[string]candor.Variant, defaultLocale, customerLocale string) (string, candor.Variant) {
	if len(variants) == 0 {
		return "", candor.Variant{}
	}
	keys := orderedLocales(variants, defaultLocale)
	want, err := language.Parse(customerLocale)
	if customerLocale == "" || err != nil {
		return keys[0], variants[keys[0]]
	}
	tags := make([]language.Tag, 0, len(keys))
	idx := make([]int, 0, len(keys)) // tags[i] is keys[idx[i]]; unparsable keys are skipped
	for i, k := range keys {
		if t, err := language.Parse(k); err == nil {
			tags = append(tags, t)
			idx = append(idx, i)
		}
	}
	if len(tags) == 0 {
		return keys[0], variants[keys[0]]
	}
	// The matcher falls back to its first tag when nothing matches, so the
	// default locale goes first.
	_, i, conf := language.NewMatcher(tags).Match(want)
	if conf == language.No {
		return keys[0], variants[keys[0]]
	}
	k := keys[idx[i]]
	return k, variants[k]
}

// orderedLocales lists the variant locales, the default first, the rest
// sorted, so that matching does not depend on map order.
func orderedLocales(variants map[string]candor.Variant, defaultLocale string) []string {
	keys := slices.Sorted(maps.Keys(variants))
	if i := slices.Index(keys, defaultLocale); i > 0 {
		keys = slices.Insert(slices.Delete(keys, i, i+1), 0, defaultLocale)
	}
	return keys
}
