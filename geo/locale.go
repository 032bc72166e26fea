package geo

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/text/language"
)

// MaxLocaleLen bounds a locale tag. RFC 5646 4.4.1 asks implementations to
// handle at least 35 characters; anything much longer is not a locale.
const MaxLocaleLen = 64

// Locales implements candor.LocaleCanonicalizer with
// golang.org/x/text/language. Its zero value is ready and safe for
// concurrent use; use it by pointer.
//
// It remembers the answers for up to localeCacheSize distinct tags: an
// import of a million rows has a handful of locales, and parsing one costs
// more than the rest of the row's validation. The bound keeps a file of a
// million distinct tags from growing memory.
type Locales struct {
	cache sync.Map // input tag → canonical
	size  atomic.Int64
}

const localeCacheSize = 1024

// CanonicalLocale parses tag as BCP 47 and returns its canonical form:
// case-normalised ("EN-us" → "en-US"), deprecated codes replaced ("iw" →
// "he"), extensions kept. As CRM and HR exports write POSIX locales, "_"
// is read as "-" and a codeset or modifier ("ja_JP.UTF-8", "de_DE@euro") is
// dropped. Refused: tags that are not well-formed ("zz-ZZ-xyz"), languages
// not in the IANA registry ("zz"), and "und", which says nothing.
func (l *Locales) CanonicalLocale(tag string) (string, error) {
	if v, ok := l.cache.Load(tag); ok {
		return v.(string), nil
	}
	out, err := canonicalLocale(tag)
	if err == nil && l.size.Load() < localeCacheSize {
		// Clone: tag may be a slice of a whole CSV record, which the cache
		// would otherwise keep alive.
		if _, loaded := l.cache.LoadOrStore(strings.Clone(tag), out); !loaded {
			l.size.Add(1)
		}
	}
	return out, err
}

func canonicalLocale(tag string) (string, error) {
	tag = strings.TrimSpace(tag)
	if len(tag) > MaxLocaleLen {
		return "", errors.New("longer than 64 characters")
	}
	if i := strings.IndexAny(tag, ".@"); i > 0 && strings.Contains(tag[:i], "_") {
		tag = tag[:i]
	}
	t, err := language.Parse(tag)
	if err != nil {
		return "", fmt.Errorf("%s", strings.TrimPrefix(err.Error(), "language: "))
	}
	// Base guesses a language for "und" or "und-JP" with less than Exact
	// confidence; a customer's locale must name one.
	if _, conf := t.Base(); conf != language.Exact {
		return "", errors.New("names no language")
	}
	return t.String(), nil
}
