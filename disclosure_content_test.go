package candor_test

import (
	"strings"
	"testing"

	"github.com/candor-dev/candor"
)

func TestNormalizeContent(t *testing.T) {
	reg := &candor.Regulator{Jurisdiction: "JP", Email: "report@ppc.example.jp"}
	with := func(kind candor.DisclosureKind, edit func(c *candor.DisclosureContent)) (candor.DisclosureKind, candor.DisclosureContent) {
		c := content("Notice")
		if kind == candor.KindRegulatorReport {
			r := *reg
			c.Regulator = &r
		}
		edit(&c)
		return kind, c
	}
	variant := func(loc string, v candor.Variant) func(c *candor.DisclosureContent) {
		return func(c *candor.DisclosureContent) { c.Variants[loc] = v }
	}
	huge := strings.Repeat("x", candor.MaxTemplateSize+1)
	tests := []struct {
		name   string
		kind   candor.DisclosureKind
		c      candor.DisclosureContent
		code   string
		fields []string // the fields named by the error, in order
	}{
		{name: "customer notice", kind: candor.KindCustomerNotice, c: content("Notice")},
		{name: "public statement", kind: candor.KindPublicStatement, c: content("Notice")},
		{name: "regulator report", kind: candor.KindRegulatorReport, c: func() candor.DisclosureContent {
			_, c := with(candor.KindRegulatorReport, func(*candor.DisclosureContent) {})
			return c
		}()},
		{name: "unknown kind", kind: "press_release", c: content("x"), code: candor.EINVALID, fields: []string{"kind"}},
		{name: "no title", kind: candor.KindCustomerNotice, c: content(""), code: candor.EINVALID, fields: []string{"title"}},
		{name: "title with a bidi override", kind: candor.KindCustomerNotice, c: content("a\u202eb"), code: candor.EINVALID, fields: []string{"title"}},
		{name: "long title", kind: candor.KindCustomerNotice, c: content(strings.Repeat("題", candor.MaxTitleLength+1)), code: candor.EINVALID, fields: []string{"title"}},
		{name: "no variants", kind: candor.KindCustomerNotice, c: candor.DisclosureContent{Title: "x", DefaultLocale: "en"}, code: candor.EINVALID, fields: []string{"variants"}},
		{name: "no default locale", kind: candor.KindCustomerNotice, c: func() candor.DisclosureContent { c := content("x"); c.DefaultLocale = ""; return c }(), code: candor.EINVALID, fields: []string{"default_locale"}},
		{name: "default locale without a variant", kind: candor.KindCustomerNotice, c: func() candor.DisclosureContent { c := content("x"); c.DefaultLocale = "th"; return c }(), code: candor.EINVALID, fields: []string{"default_locale"}},
		{name: "locale not BCP 47", kind: candor.KindCustomerNotice, c: func() candor.DisclosureContent {
			_, c := with(candor.KindCustomerNotice, variant("english!", candor.Variant{Subject: "s", Body: "b"}))
			return c
		}(), code: candor.EINVALID, fields: []string{"variants.english!"}},
		{name: "same locale twice", kind: candor.KindCustomerNotice, c: func() candor.DisclosureContent {
			_, c := with(candor.KindCustomerNotice, variant("JA", candor.Variant{Subject: "s", Body: "b"}))
			return c
		}(), code: candor.EINVALID, fields: []string{"variants.ja"}},
		{name: "subject with a control character", kind: candor.KindCustomerNotice, c: func() candor.DisclosureContent {
			_, c := with(candor.KindCustomerNotice, variant("en", candor.Variant{Subject: "a\x1b[2Jb", Body: "b"}))
			return c
		}(), code: candor.EINVALID, fields: []string{"variants.en.subject"}},
		{name: "empty body", kind: candor.KindCustomerNotice, c: func() candor.DisclosureContent {
			_, c := with(candor.KindCustomerNotice, variant("en", candor.Variant{Subject: "s", Body: " "}))
			return c
		}(), code: candor.EINVALID, fields: []string{"variants.en.body"}},
		{name: "body not UTF-8", kind: candor.KindCustomerNotice, c: func() candor.DisclosureContent {
			_, c := with(candor.KindCustomerNotice, variant("en", candor.Variant{Subject: "s", Body: "b\xff"}))
			return c
		}(), code: candor.EINVALID, fields: []string{"variants.en.body"}},
		{name: "body too large", kind: candor.KindCustomerNotice, c: func() candor.DisclosureContent {
			_, c := with(candor.KindCustomerNotice, variant("ja", candor.Variant{Subject: "s", Body: huge, Text: huge}))
			return c
		}(), code: candor.ETOOLARGE, fields: []string{"variants.ja.body", "variants.ja.text"}},
		{name: "subject too large", kind: candor.KindCustomerNotice, c: func() candor.DisclosureContent {
			_, c := with(candor.KindCustomerNotice, variant("en", candor.Variant{Subject: strings.Repeat("s", candor.MaxSubjectSize+1), Body: "b"}))
			return c
		}(), code: candor.ETOOLARGE, fields: []string{"variants.en.subject"}},
		{name: "regulator report without regulator", kind: candor.KindRegulatorReport, c: content("x"), code: candor.EINVALID, fields: []string{"regulator"}},
		{name: "regulator on a customer notice", kind: candor.KindCustomerNotice, c: func() candor.DisclosureContent { c := content("x"); c.Regulator = reg; return c }(), code: candor.EINVALID, fields: []string{"regulator"}},
		{name: "regulator email invalid", kind: candor.KindRegulatorReport, c: func() candor.DisclosureContent {
			_, c := with(candor.KindRegulatorReport, func(c *candor.DisclosureContent) { c.Regulator.Email = "PPC <report@ppc.example.jp>" })
			return c
		}(), code: candor.EINVALID, fields: []string{"regulator.email"}},
		{name: "regulator without jurisdiction or email", kind: candor.KindRegulatorReport, c: func() candor.DisclosureContent {
			_, c := with(candor.KindRegulatorReport, func(c *candor.DisclosureContent) { c.Regulator = &candor.Regulator{} })
			return c
		}(), code: candor.EINVALID, fields: []string{"regulator.jurisdiction", "regulator.email"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := candor.NormalizeContent(tt.kind, tt.c, canon)
			wantCode(t, err, tt.code)
			var fields []string
			for _, f := range candor.ErrorFields(err) {
				fields = append(fields, f.Field)
			}
			if strings.Join(fields, " ") != strings.Join(tt.fields, " ") {
				t.Errorf("fields %q, want %q (%v)", fields, tt.fields, err)
			}
			if err == nil && (got.Title != tt.c.Title || len(got.Variants) != len(tt.c.Variants)) {
				t.Errorf("normalised to %+v", got)
			}
		})
	}
}

func TestNormalizeContentCanonicalises(t *testing.T) {
	c := candor.DisclosureContent{
		Title:         "  Notice  ",
		DefaultLocale: "EN-gb",
		Variants:      map[string]candor.Variant{"en-GB": {Subject: "s", Body: "b"}, "Ja_jp": {Subject: "s", Body: "b"}},
	}
	got, err := candor.NormalizeContent(candor.KindPublicStatement, c, canon)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "Notice" || got.DefaultLocale != "en-GB" {
		t.Errorf("title %q default %q", got.Title, got.DefaultLocale)
	}
	for _, loc := range []string{"en-GB", "ja-JP"} {
		if _, ok := got.Variants[loc]; !ok {
			t.Errorf("no variant %q in %v", loc, got.Variants)
		}
	}
}

func TestRevisionIsACopy(t *testing.T) {
	d, rev, err := candor.NewDisclosure("d", "i", candor.KindCustomerNotice, content("x"), alice, t0, canon)
	if err != nil {
		t.Fatal(err)
	}
	d.Variants["en"] = candor.Variant{Subject: "changed", Body: "changed"}
	if rev.Content.Variants["en"].Subject != "Notice" {
		t.Errorf("revision content shares the disclosure's map")
	}
}
