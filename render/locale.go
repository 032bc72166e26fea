package render

import (
	"fmt"
	"maps"
	"slices"
	"strings"

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

// VariantLocale returns the canonical language of a variant key: the key
// itself for a language ("ja"), its language part for a language for one
// jurisdiction ("en@US-CA" → "en"). A variant is compiled and formatted
// for that language.
func VariantLocale(key string) (string, error) {
	lang, _ := candor.SplitVariantKey(key)
	return CanonicalLocale(lang)
}

// PickVariantFor chooses the variant a customer gets, the most specific
// match first: a variant for the customer's region ("en@US-CA") in their
// language, then one for their country ("en@DE", or "en@EU" for an EEA
// country), then their language as PickVariant matches it among the plain
// language keys, and last the default locale, itself for the region or
// country when there is such a variant. An empty or malformed customer
// locale wants the default locale's language. It returns the variant key,
// which names the variant's language (VariantLocale) and the facts'
// language (compose).
func PickVariantFor(variants map[string]candor.Variant, defaultLocale, customerLocale, country, region string) (string, candor.Variant) {
	if len(variants) == 0 {
		return "", candor.Variant{}
	}
	plain := make(map[string]candor.Variant, len(variants))
	byPlace := map[string]map[string]candor.Variant{} // jurisdiction → language → variant
	for k, v := range variants {
		lang, jur := candor.SplitVariantKey(k)
		if jur == "" {
			plain[k] = v
			continue
		}
		if byPlace[jur] == nil {
			byPlace[jur] = map[string]candor.Variant{}
		}
		byPlace[jur][lang] = v
	}
	places := placesOf(country, region)
	want := customerLocale
	if _, err := language.Parse(want); want == "" || err != nil {
		want = defaultLocale
	}
	for _, p := range places {
		if m := byPlace[p]; m != nil {
			if lang, ok := matchLocale(m, want); ok {
				return lang + candor.VariantKeySeparator + p, m[lang]
			}
		}
	}
	if len(plain) > 0 && want != defaultLocale {
		if k, ok := matchLocale(plain, want); ok {
			return k, plain[k]
		}
	}
	// The default language: for the place if a variant is, else plain.
	for _, p := range places {
		if m := byPlace[p]; m != nil {
			if lang, ok := matchLocale(m, defaultLocale); ok {
				return lang + candor.VariantKeySeparator + p, m[lang]
			}
		}
	}
	if len(plain) > 0 {
		return PickVariant(plain, defaultLocale, "")
	}
	return PickVariant(variants, defaultLocale, "") // only jurisdiction variants, none for this place
}

// placesOf lists the jurisdictions a customer is in, most specific first:
// region, country, and the EU for an EEA country.
func placesOf(country, region string) []string {
	var out []string
	if region = strings.ToUpper(strings.TrimSpace(region)); region != "" {
		out = append(out, region)
	}
	if country = strings.ToUpper(strings.TrimSpace(country)); country != "" {
		out = append(out, country)
		if candor.IsEEA(country) {
			out = append(out, "EU")
		}
	}
	return out
}

// matchLocale returns the key of m that best matches locale want, if any
// matches at all (PickVariant's matching, without its fallback).
func matchLocale(m map[string]candor.Variant, want string) (string, bool) {
	w, err := language.Parse(want)
	if err != nil {
		return "", false
	}
	keys := slices.Sorted(maps.Keys(m))
	if i, ok := bestMatch(keys, w); ok {
		return keys[i], true
	}
	return "", false
}

// bestMatch is the index in keys of the best BCP 47 match for want, if any
// key matches at all; keys that do not parse are passed over. On a tie the
// earlier key wins, so callers order keys by preference.
func bestMatch(keys []string, want language.Tag) (int, bool) {
	tags := make([]language.Tag, 0, len(keys))
	idx := make([]int, 0, len(keys)) // tags[i] is keys[idx[i]]
	for i, k := range keys {
		if t, err := language.Parse(k); err == nil {
			tags = append(tags, t)
			idx = append(idx, i)
		}
	}
	if len(tags) == 0 {
		return 0, false
	}
	_, i, conf := language.NewMatcher(tags).Match(want)
	if conf == language.No {
		return 0, false
	}
	return idx[i], true
}

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
	// The default locale goes first: it wins ties and stands in when
	// nothing matches.
	i, ok := bestMatch(keys, want)
	if !ok {
		i = 0
	}
	return keys[i], variants[keys[i]]
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
