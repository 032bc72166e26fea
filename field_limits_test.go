package candor_test

import (
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
)

// emailOfLen is a valid address of exactly n bytes (n from 76 to 254+).
func emailOfLen(n int) string {
	var b strings.Builder
	b.WriteString(strings.Repeat("a", 64) + "@")
	for r := n - 65 - len("example.com"); r > 0; {
		k := min(63, r-1)
		b.WriteString(strings.Repeat("b", k) + ".")
		r -= k + 1
	}
	b.WriteString("example.com")
	return b.String()
}

func letters(n int) string { return strings.Repeat("a", n) }

// TestFieldLimits lists every free-text field of every request with its
// limit: a value at the limit passes, one byte more is refused naming the
// field, and a megabyte is refused with a short message (the value is not
// echoed into the problem document or a log). fill makes a valid value of
// a given length (nil: letters; noAtLimit: no valid value is that long).
func TestFieldLimits(t *testing.T) {
	incident := func(set func(*candor.Incident, string)) func(string) error {
		return func(s string) error {
			in := candor.Incident{Title: "t", DiscoveredAt: time.Date(2020, 6, 11, 0, 0, 0, 0, time.UTC), Severity: "high",
				ReportingEntity: &candor.ReportingEntity{Name: "Kawasaki", Country: "JP"}}
			set(&in, s)
			return in.Validate()
		}
	}
	event := func(set func(*candor.Event, string)) func(string) error {
		return func(s string) error {
			e := candor.Event{OccurredOn: "2020-06-11", Description: "d"}
			set(&e, s)
			return e.Validate()
		}
	}
	customer := func(set func(*candor.CustomerInput, string)) func(string) error {
		return func(s string) error {
			in := candor.CustomerInput{ExternalID: "crm-1"}
			set(&in, s)
			_, errs := candor.NormalizeCustomer(in, fakeGeo{}, fakeLocales{})
			return candor.Validation(errs).Err()
		}
	}
	content := func(set func(*candor.DisclosureContent, string)) func(string) error {
		return func(s string) error {
			c := candor.DisclosureContent{Title: "Report", DefaultLocale: "en",
				Variants:  map[string]candor.Variant{"en": {Subject: "s", Body: "<p>b</p>"}},
				Regulator: &candor.Regulator{Jurisdiction: "JP", Email: "r@example.jp"}}
			set(&c, s)
			_, err := candor.NormalizeContent(candor.KindRegulatorReport, c, canon)
			return err
		}
	}
	legal := candor.Actor{TokenID: "t", Name: "legal", Role: candor.RoleLegal}
	submit := func(set func(*candor.SubmitOptions, string)) func(string) error {
		return func(s string) error {
			o := candor.SubmitOptions{Waivers: []candor.Waiver{{Jurisdiction: "US-CA", Element: "contact", Reason: "r"}}}
			set(&o, s)
			_, err := candor.NormalizeSubmitOptions(o, legal)
			return err
		}
	}
	tests := []struct {
		field     string
		limit     int
		check     func(string) error
		fill      func(int) string
		noAtLimit bool
	}{
		{"title", 300, incident(func(in *candor.Incident, s string) { in.Title = s }), nil, false},
		{"summary", 20000, incident(func(in *candor.Incident, s string) { in.Summary = s }), nil, false},
		{"reporting_entity.name", 300, incident(func(in *candor.Incident, s string) { in.ReportingEntity.Name = s }), nil, false},
		{"owner_email", 254, incident(func(in *candor.Incident, s string) { in.OwnerEmail = s }), emailOfLen, false},
		{"timezone", 64, incident(func(in *candor.Incident, s string) { in.Timezone = s }), nil, true},
		{"translations.ja.title", 300, incident(func(in *candor.Incident, s string) {
			in.Translations = map[string]candor.IncidentText{"ja": {Title: s}}
		}), nil, false},
		{"translations.ja.summary", 20000, incident(func(in *candor.Incident, s string) {
			in.Translations = map[string]candor.IncidentText{"ja": {Summary: s}}
		}), nil, false},
		{"translations.ja.reporting_entity", 300, incident(func(in *candor.Incident, s string) {
			in.Translations = map[string]candor.IncidentText{"ja": {ReportingEntity: s}}
		}), nil, false},
		{"data_categories", 64, incident(func(in *candor.Incident, s string) { in.DataCategories = []string{s} }), nil, false},
		{"description", 5000, event(func(e *candor.Event, s string) { e.Description = s }), nil, false},
		{"translations.ja.description", 5000, event(func(e *candor.Event, s string) {
			e.Translations = map[string]candor.EventText{"ja": {Description: s}}
		}), nil, false},
		{"external_id", candor.MaxExternalIDLen, customer(func(in *candor.CustomerInput, s string) { in.ExternalID = s }), nil, false},
		{"name", candor.MaxNameLen, customer(func(in *candor.CustomerInput, s string) { in.Name = s }), nil, false},
		{"email", candor.MaxEmailLen, customer(func(in *candor.CustomerInput, s string) { in.Email = s }), emailOfLen, false},
		{"postal_address", candor.MaxPostalAddressLen, customer(func(in *candor.CustomerInput, s string) { in.PostalAddress = s }), nil, false},
		{"data_categories", candor.MaxCategoryLen, customer(func(in *candor.CustomerInput, s string) { in.DataCategories = []string{s} }), nil, false},
		{"q", candor.MaxQueryLen, func(s string) error {
			_, err := candor.CustomerFilter{Q: s}.Normalize(fakeGeo{}, fakeLocales{})
			return err
		}, nil, false},
		{"name", 100, func(s string) error { return candor.ValidateTokenInput(s, candor.RoleViewer) }, nil, false},
		{"name", candor.MaxPersonName, func(s string) error {
			_, err := candor.NormalizePerson(candor.Person{Name: s, Role: candor.RoleViewer}, false)
			return err
		}, nil, false},
		{"email", candor.MaxEmailLen, func(s string) error {
			_, err := candor.NormalizePerson(candor.Person{Name: "p", Email: s, Role: candor.RoleViewer}, true)
			return err
		}, emailOfLen, false},
		{"title", candor.MaxTitleLength, content(func(c *candor.DisclosureContent, s string) { c.Title = s }), nil, false},
		{"variants.en.subject", candor.MaxSubjectSize, content(func(c *candor.DisclosureContent, s string) {
			c.Variants["en"] = candor.Variant{Subject: s, Body: "<p>b</p>"}
		}), nil, false},
		{"variants.en.body", candor.MaxTemplateSize, content(func(c *candor.DisclosureContent, s string) {
			c.Variants["en"] = candor.Variant{Subject: "s", Body: s}
		}), nil, false},
		{"variants.en.text", candor.MaxTemplateSize, content(func(c *candor.DisclosureContent, s string) {
			c.Variants["en"] = candor.Variant{Subject: "s", Body: "<p>b</p>", Text: s}
		}), nil, false},
		{"regulator.jurisdiction", candor.MaxJurisdictionLength, content(func(c *candor.DisclosureContent, s string) { c.Regulator.Jurisdiction = s }), nil, false},
		{"regulator.email", candor.MaxEmailLen, content(func(c *candor.DisclosureContent, s string) { c.Regulator.Email = s }), emailOfLen, false},
		{"reason", candor.MaxRejectReason, func(s string) error {
			d := candor.Disclosure{State: candor.DisclosureInReview}
			return d.Reject(s, legal, time.Now())
		}, nil, false},
		{"waivers.0.reason", candor.MaxWaiverReason, submit(func(o *candor.SubmitOptions, s string) { o.Waivers[0].Reason = s }), nil, false},
		{"waivers.0.jurisdiction", candor.MaxWaiverCode, submit(func(o *candor.SubmitOptions, s string) { o.Waivers[0].Jurisdiction = s }), nil, false},
		{"waivers.0.element", candor.MaxWaiverCode, submit(func(o *candor.SubmitOptions, s string) { o.Waivers[0].Element = s }), nil, false},
		{"accept_untranslated.0", 64, submit(func(o *candor.SubmitOptions, s string) { o.AcceptUntranslated = []string{s} }), nil, false},
		{"slug", candor.MaxSlugLength, candor.ValidateSlug, nil, false},
	}
	names := func(err error) []string {
		var out []string
		for _, f := range candor.ErrorFields(err) {
			out = append(out, f.Field)
		}
		return out
	}
	for _, tt := range tests {
		t.Run(tt.field, func(t *testing.T) {
			fill := tt.fill
			if fill == nil {
				fill = letters
			}
			if !tt.noAtLimit {
				if err := tt.check(fill(tt.limit)); err != nil {
					t.Errorf("at the limit (%d): %v", tt.limit, err)
				}
			}
			for _, n := range []int{tt.limit + 1, 1_000_000} {
				err := tt.check(fill(n))
				// One field, maybe twice (an external_id refused is also missing).
				if got := names(err); len(got) == 0 || strings.Join(got, "") != strings.Repeat(tt.field, len(got)) {
					t.Errorf("%d bytes: fields %v (%v); want %s", n, got, err, tt.field)
				}
				if err != nil && len(err.Error()) > 300 {
					t.Errorf("%d bytes: a message of %d bytes echoes the value", n, len(err.Error()))
				}
			}
		})
	}
}

// TestListLimits: lists in requests are bounded too, with one error
// however long the list.
func TestListLimits(t *testing.T) {
	many := func(n int, v string) []string { return strings.Split(strings.Repeat(v+",", n-1)+v, ",") }
	legal := candor.Actor{TokenID: "t", Name: "legal", Role: candor.RoleLegal}
	_, err := candor.NormalizeSubmitOptions(candor.SubmitOptions{AcceptUntranslated: many(candor.MaxAcceptUntranslated+1, "ja")}, legal)
	if fe := candor.ErrorFields(err); len(fe) != 1 || fe[0].Field != "accept_untranslated" {
		t.Errorf("accept_untranslated: %v", err)
	}
	_, err = candor.SendFilter{Countries: many(candor.MaxFilterValues+1, "US")}.Normalize(fakeGeo{}, fakeLocales{})
	if fe := candor.ErrorFields(err); len(fe) != 1 || fe[0].Field != "filter.countries" {
		t.Errorf("filter.countries: %v", err)
	}
	_, err = candor.SendFilter{Regions: []string{letters(1_000_000)}}.Normalize(fakeGeo{}, fakeLocales{})
	if err == nil || len(err.Error()) > 300 {
		t.Errorf("a megabyte region: %.300v", err)
	}
}
