package candor_test

import (
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
)

// ptr returns a pointer to v, for the optional fields of a literal.
func ptr[T any](v T) *T { return &v }

func TestCheckText(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		singleLine bool
		want       string // the value to store when accepted
		msg        string // part of the refusal; "" when accepted
	}{
		{"plain", "Ann Lee", true, "Ann Lee", ""},
		{"two-line name folds", "Wei\nLi", true, "Wei Li", ""},
		{"CRLF and spaces fold to one space", "Wei \r\n Li", true, "Wei Li", ""},
		{"tab folds", "a\tb", true, "a b", ""},
		{"plain double space kept", "a  b", true, "a  b", ""},
		{"trimmed", " \n Ann \t", true, "Ann", ""},
		{"NUL", "a\x00b", true, "", "NUL"},
		{"NUL in multi-line", "a\x00b", false, "", "NUL"},
		{"invalid UTF-8", "Andr\xe9", true, "", "UTF-8"},
		{"escape", "a\x1b[2Jb", true, "", "control character (U+001B)"},
		{"DEL", "a\x7fb", false, "", "control character"},
		{"C1", "a\u0085b", true, "", "control character (U+0085)"},
		{"RLO", "invoice\u202Efdp.exe", true, "", "bidirectional override (U+202E)"},
		{"LRE", "a\u202Ab", true, "", "U+202A"},
		{"FSI", "a\u2068b", true, "", "U+2068"},
		{"PDI", "a\u2069b", true, "", "U+2069"},
		{"multi-line keeps lines and tabs", "a\r\n\tb", false, "a\r\n\tb", ""},
		{"multi-line allows bidi isolates", "a\u2067b\u2069", false, "a\u2067b\u2069", ""},
		{"Japanese", "川崎重工業株式会社", true, "川崎重工業株式会社", ""},
		{"zero-width joiner is text", "👩\u200d💻", true, "👩\u200d💻", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, msg := candor.CheckText(tt.in, tt.singleLine)
			switch {
			case tt.msg == "" && msg != "":
				t.Fatalf("CheckText(%q) refused: %s", tt.in, msg)
			case tt.msg != "" && !strings.Contains(msg, tt.msg):
				t.Fatalf("CheckText(%q) message %q, want one containing %q", tt.in, msg, tt.msg)
			case tt.msg == "" && got != tt.want:
				t.Errorf("CheckText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestTextRuleInValidate checks that each single-line field folds and each
// text field refuses NUL and the rest, whichever way it is created.
func TestTextRuleInValidate(t *testing.T) {
	inc := func(f func(*candor.Incident)) *candor.Incident {
		in := &candor.Incident{Title: "t", DiscoveredAt: time.Date(2020, 6, 11, 0, 0, 0, 0, time.UTC), Severity: "high"}
		f(in)
		return in
	}
	tests := []struct {
		name  string
		check func() error
		field string // "" when accepted
	}{
		{"incident title NUL", func() error { return inc(func(i *candor.Incident) { i.Title = "a\x00b" }).Validate() }, "title"},
		{"incident title bidi", func() error { return inc(func(i *candor.Incident) { i.Title = "a\u202eb" }).Validate() }, "title"},
		{"incident summary NUL", func() error { return inc(func(i *candor.Incident) { i.Summary = "a\x00b" }).Validate() }, "summary"},
		{"incident summary lines kept", func() error {
			i := inc(func(i *candor.Incident) { i.Summary = "a\nb" })
			if err := i.Validate(); err != nil || i.Summary != "a\nb" {
				return candor.Invalid(candor.FieldError{Field: "summary", Message: i.Summary})
			}
			return nil
		}, ""},
		{"incident title folds", func() error {
			i := inc(func(i *candor.Incident) { i.Title = "Breach\r\nat the depot" })
			if err := i.Validate(); err != nil || i.Title != "Breach at the depot" {
				return candor.Invalid(candor.FieldError{Field: "title", Message: i.Title})
			}
			return nil
		}, ""},
		{"reporting entity name", func() error {
			return inc(func(i *candor.Incident) { i.ReportingEntity = &candor.ReportingEntity{Name: "a\x1bb", Country: "JP"} }).Validate()
		}, "reporting_entity.name"},
		{"translated title", func() error {
			return inc(func(i *candor.Incident) { i.Translations = map[string]candor.IncidentText{"ja": {Title: "a\u2066b"}} }).Validate()
		}, "translations.ja.title"},
		{"event description NUL", func() error {
			return (&candor.Event{Description: "a\x00b", OccurredOn: "2020-06-11"}).Validate()
		}, "description"},
		{"token name with a line break", func() error { return candor.ValidateTokenInput("ci\nbot", candor.RoleViewer) }, "name"},
		{"token name NUL", func() error { return candor.ValidateTokenInput("ci\x00bot", candor.RoleViewer) }, "name"},
		{"reject reason NUL", func() error {
			d := candor.Disclosure{State: candor.DisclosureInReview}
			return d.Reject("no\x00", candor.Actor{TokenID: "t1", Name: "bob", Role: candor.RoleLegal}, time.Now())
		}, "reason"},
		{"reject reason folds", func() error {
			d := candor.Disclosure{State: candor.DisclosureInReview}
			if err := d.Reject("Fix the date.\nAnd the name.", candor.Actor{TokenID: "t1", Name: "bob", Role: candor.RoleLegal}, time.Now()); err != nil {
				return err
			}
			if d.RejectReason != "Fix the date. And the name." {
				return candor.Invalid(candor.FieldError{Field: "reason", Message: d.RejectReason})
			}
			return nil
		}, ""},
		{"customer two-line name folds", func() error {
			c, errs := candor.NormalizeCustomer(candor.CustomerInput{Name: "Wei\nLi", Email: "wei@example.com"}, noGeo{}, noLoc{})
			if len(errs) > 0 {
				return candor.Invalid(errs...)
			}
			if c.Name != "Wei Li" {
				return candor.Invalid(candor.FieldError{Field: "name", Message: c.Name})
			}
			return nil
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.check()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if candor.ErrorCode(err) != candor.EINVALID {
				t.Fatalf("err = %v, want invalid on %s", err, tt.field)
			}
			for _, f := range candor.ErrorFields(err) {
				if f.Field == tt.field {
					return
				}
			}
			t.Errorf("fields %v do not name %s", candor.ErrorFields(err), tt.field)
		})
	}
}

func TestDateRange(t *testing.T) {
	at := func(s string) time.Time {
		t.Helper()
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name  string
		in    *candor.Incident
		event *candor.Event
		field string // "" when accepted
	}{
		{name: "discovered in range", in: &candor.Incident{DiscoveredAt: at("2020-06-11T00:00:00Z")}},
		{name: "first instant", in: &candor.Incident{DiscoveredAt: at("1970-01-01T00:00:00Z")}},
		{name: "last instant", in: &candor.Incident{DiscoveredAt: at("2200-12-31T23:59:59Z")}},
		{name: "discovered 9999-12-31", in: &candor.Incident{DiscoveredAt: at("9999-12-31T00:00:00Z")}, field: "discovered_at"},
		// UTC year 10000: cannot be encoded as RFC 3339 at all.
		{name: "discovered past 9999 in UTC", in: &candor.Incident{DiscoveredAt: at("9999-12-31T23:59:59-23:59")}, field: "discovered_at"},
		{name: "discovered 1969", in: &candor.Incident{DiscoveredAt: at("1969-12-31T23:59:59Z")}, field: "discovered_at"},
		{name: "2201 in Tokyo is still 2200 in UTC", in: &candor.Incident{DiscoveredAt: at("2201-01-01T08:00:00+09:00")}},
		{name: "contained year 3000", in: &candor.Incident{DiscoveredAt: at("2020-06-11T00:00:00Z"), ContainedAt: ptr(at("3000-01-01T00:00:00Z"))}, field: "contained_at"},
		{name: "occurred_from year 1", in: &candor.Incident{DiscoveredAt: at("2020-06-11T00:00:00Z"), OccurredFrom: ptr(at("0001-01-01T00:00:00Z"))}, field: "occurred_from"},
		{name: "notifiable 2201", in: &candor.Incident{DiscoveredAt: at("2020-06-11T00:00:00Z"), NotifiableAssessedAt: ptr(at("2201-01-01T00:00:00Z"))}, field: "notifiable_assessed_at"},
		{name: "event on 9999-12-31", event: &candor.Event{Description: "d", OccurredOn: "9999-12-31"}, field: "occurred_on"},
		{name: "event at 1900", event: &candor.Event{Description: "d", OccurredAt: ptr(at("1900-01-01T00:00:00Z"))}, field: "occurred_at"},
		{name: "event on 2200-12-31", event: &candor.Event{Description: "d", OccurredOn: "2200-12-31"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if tt.in != nil {
				tt.in.Title, tt.in.Severity = "t", "high"
				err = tt.in.Validate()
			} else {
				err = tt.event.Validate()
			}
			fields := candor.ErrorFields(err)
			switch {
			case tt.field == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.field != "" && (len(fields) != 1 || fields[0].Field != tt.field || fields[0].Message != candor.DateRangeMessage):
				t.Fatalf("err = %v, want one on %s: %s", err, tt.field, candor.DateRangeMessage)
			}
		})
	}
}

type noGeo struct{}

func (noGeo) Country(string) (string, bool) { return "", false }
func (noGeo) Region(string) (string, bool)  { return "", false }

type noLoc struct{}

func (noLoc) CanonicalLocale(tag string) (string, error) { return tag, nil }
