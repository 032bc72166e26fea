package candor_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/candor-dev/candor"
)

// fakeGeo knows a handful of codes: the domain's rules are tested here, the
// real table in geo.
type fakeGeo struct{}

func (fakeGeo) Country(c string) (string, bool) {
	c = strings.ToUpper(c)
	return c, c == "US" || c == "JP" || c == "FR"
}

func (fakeGeo) Region(c string) (string, bool) {
	c = strings.ToUpper(c)
	return c, slices.Contains([]string{"US-CA", "US-NY", "JP-13", "FR-IDF"}, c)
}

type fakeLocales struct{}

func (fakeLocales) CanonicalLocale(s string) (string, error) {
	switch strings.ToLower(s) {
	case "ja":
		return "ja", nil
	case "en-us":
		return "en-US", nil
	}
	return "", errors.New("not well-formed")
}

func normalize(in candor.CustomerInput) (candor.Customer, []candor.FieldError) {
	return candor.NormalizeCustomer(in, fakeGeo{}, fakeLocales{})
}

func TestNormalizeCustomer(t *testing.T) {
	tests := []struct {
		name  string
		in    candor.CustomerInput
		check func(t *testing.T, c candor.Customer)
	}{
		{"everything canonicalised",
			candor.CustomerInput{ExternalID: " 42 ", Name: " Ann Lee ", Email: " Ann.Lee@Example.COM ",
				Country: "us", Region: "us-ca", Locale: "EN-us", DataCategories: []string{"Email", " SSN", "email", ""}},
			func(t *testing.T, c candor.Customer) {
				want := candor.Customer{ExternalID: "42", Name: "Ann Lee", Email: "Ann.Lee@example.com",
					Country: "US", Region: "US-CA", Locale: "en-US", DataCategories: []string{"email", "national_id"},
					Channel: "email", Status: "pending"}
				if !equalCustomer(c, want) {
					t.Errorf("got %+v\nwant %+v", c, want)
				}
			}},
		{"no email is postal",
			candor.CustomerInput{ExternalID: "7", Name: "Bo", PostalAddress: "1 Main St\r\nSpringfield"},
			func(t *testing.T, c candor.Customer) {
				if c.Channel != "postal" || c.Status != "postal" || c.PostalAddress != "1 Main St\nSpringfield" {
					t.Errorf("got %+v", c)
				}
			}},
		{"bare region read within country",
			candor.CustomerInput{Email: "a@example.com", Country: "US", Region: "ny"},
			func(t *testing.T, c candor.Customer) {
				if c.Country != "US" || c.Region != "US-NY" {
					t.Errorf("got %q %q", c.Country, c.Region)
				}
			}},
		{"region implies country",
			candor.CustomerInput{Email: "a@example.com", Region: "jp-13"},
			func(t *testing.T, c candor.Customer) {
				if c.Country != "JP" || c.Region != "JP-13" {
					t.Errorf("got %q %q", c.Country, c.Region)
				}
			}},
		{"quoted local part kept quoted",
			candor.CustomerInput{Email: `"john doe"@Example.com`},
			func(t *testing.T, c candor.Customer) {
				if c.Email != `"john doe"@example.com` {
					t.Errorf("got %q", c.Email)
				}
			}},
		{"angle brackets without a name",
			candor.CustomerInput{Email: "<a@example.com>"},
			func(t *testing.T, c candor.Customer) {
				if c.Email != "a@example.com" {
					t.Errorf("got %q", c.Email)
				}
			}},
		{"unicode address",
			candor.CustomerInput{Email: "Ünal@BÜCHER.de"},
			func(t *testing.T, c candor.Customer) {
				if c.Email != "Ünal@bücher.de" {
					t.Errorf("got %q", c.Email)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, errs := normalize(tt.in)
			if len(errs) > 0 {
				t.Fatalf("unexpected errors %v", errs)
			}
			tt.check(t, c)
		})
	}
}

func equalCustomer(a, b candor.Customer) bool {
	return a.ExternalID == b.ExternalID && a.Name == b.Name && a.Email == b.Email &&
		a.Country == b.Country && a.Region == b.Region && a.Locale == b.Locale &&
		slices.Equal(a.DataCategories, b.DataCategories) && a.Channel == b.Channel && a.Status == b.Status
}

func TestNormalizeCustomerRejects(t *testing.T) {
	ok := candor.CustomerInput{ExternalID: "1", Email: "a@example.com"}
	with := func(f func(*candor.CustomerInput)) candor.CustomerInput {
		in := ok
		f(&in)
		return in
	}
	tests := []struct {
		name, field, msg string
		in               candor.CustomerInput
	}{
		{"email without dot in domain", "email", "has no dot", with(func(i *candor.CustomerInput) { i.Email = "a@b" })},
		{"address literal", "email", "address literals", with(func(i *candor.CustomerInput) { i.Email = `"x"@[127.0.0.1]` })},
		{"IPv6 literal", "email", "not a valid email", with(func(i *candor.CustomerInput) { i.Email = "x@[IPv6:::1]" })},
		{"numeric domain", "email", "is a number", with(func(i *candor.CustomerInput) { i.Email = "a@1.2.3.4" })},
		{"display name", "email", "display name", with(func(i *candor.CustomerInput) { i.Email = "Bob <bob@example.com>" })},
		{"comment", "email", "display name", with(func(i *candor.CustomerInput) { i.Email = "bob@example.com (Bob)" })},
		{"two addresses", "email", "exactly one", with(func(i *candor.CustomerInput) { i.Email = "a@example.com, b@example.com" })},
		{"no at", "email", "not a valid email", with(func(i *candor.CustomerInput) { i.Email = "example.com" })},
		{"trailing dot", "email", "not a valid email", with(func(i *candor.CustomerInput) { i.Email = "a@example.com." })},
		{"local part too long", "email", "64 bytes", with(func(i *candor.CustomerInput) { i.Email = strings.Repeat("a", 65) + "@example.com" })},
		{"address too long", "email", "254 bytes", with(func(i *candor.CustomerInput) {
			i.Email = "a@" + strings.Repeat("b", 60) + "." + strings.Repeat("c.", 100) + "com"
		})},
		{"huge cell", "email", "254 bytes", with(func(i *candor.CustomerInput) { i.Email = strings.Repeat("a", 100000) })},
		{"country XX", "country", "ISO 3166-1", with(func(i *candor.CustomerInput) { i.Country = "XX" })},
		{"country alpha-3", "country", "ISO 3166-1", with(func(i *candor.CustomerInput) { i.Country = "USA" })},
		{"region of another country", "region", "JP-13 is a region of JP, not of US", with(func(i *candor.CustomerInput) { i.Country, i.Region = "US", "JP-13" })},
		{"unknown region", "region", "ISO 3166-2", with(func(i *candor.CustomerInput) { i.Country, i.Region = "US", "US-ZZ" })},
		{"bare region without country", "region", "needs the country", with(func(i *candor.CustomerInput) { i.Region = "CA" })},
		{"locale zz-ZZ-xyz", "locale", "BCP 47", with(func(i *candor.CustomerInput) { i.Locale = "zz-ZZ-xyz" })},
		{"no key", "external_id", "is required", candor.CustomerInput{Name: "Ann"}},
		{"NUL in name", "name", "NUL", with(func(i *candor.CustomerInput) { i.Name = "Ann\x00Lee" })},
		{"control char in name", "name", "control character", with(func(i *candor.CustomerInput) { i.Name = "Ann\x1bLee" })},
		{"bidi override in name", "name", "bidirectional", with(func(i *candor.CustomerInput) { i.Name = "Ann\u202eLee" })},
		{"invalid UTF-8 name", "name", "UTF-8", with(func(i *candor.CustomerInput) { i.Name = "Ann\xffLee" })},
		{"name too long", "name", "256 bytes", with(func(i *candor.CustomerInput) { i.Name = strings.Repeat("n", 257) })},
		{"external id too long", "external_id", "128 bytes", with(func(i *candor.CustomerInput) { i.ExternalID = strings.Repeat("1", 129) })},
		{"category not a slug", "data_categories", "letters, digits", with(func(i *candor.CustomerInput) { i.DataCategories = []string{"=cmd|' /C calc'!A0"} })},
		{"category starting with digit", "data_categories", "letters, digits", with(func(i *candor.CustomerInput) { i.DataCategories = []string{"1st"} })},
		{"category too long", "data_categories", "64 bytes", with(func(i *candor.CustomerInput) { i.DataCategories = []string{strings.Repeat("a", 65)} })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs := normalize(tt.in)
			if len(errs) != 1 || errs[0].Field != tt.field || !strings.Contains(errs[0].Message, tt.msg) {
				t.Fatalf("errors = %+v; want one on %s containing %q", errs, tt.field, tt.msg)
			}
			if errs[0].Line != 0 {
				t.Errorf("line = %d; the reader sets it", errs[0].Line)
			}
		})
	}
}

func TestNormalizeCustomerReportsEveryField(t *testing.T) {
	_, errs := normalize(candor.CustomerInput{Email: "a@b", Country: "XX", Locale: "zz-ZZ-xyz", DataCategories: []string{"!"}})
	var fields []string
	for _, e := range errs {
		fields = append(fields, e.Field)
	}
	want := []string{"email", "country", "locale", "data_categories"}
	if !slices.Equal(fields, want) {
		t.Errorf("fields = %v; want %v", fields, want)
	}
}

func TestNormalizeEmail(t *testing.T) {
	got, err := candor.NormalizeEmail("  X@EXAMPLE.ORG ")
	if err != nil || got != "X@example.org" {
		t.Errorf("got %q, %v", got, err)
	}
	_, err = candor.NormalizeEmail("a@b")
	if candor.ErrorCode(err) != candor.EINVALID || candor.ErrorFields(err)[0].Field != "email" {
		t.Errorf("err = %v; want EINVALID on email", err)
	}
}

func TestImportReportCapsErrors(t *testing.T) {
	var r candor.ImportReport
	for i := range candor.MaxImportErrors + 5 {
		r.Reject([]candor.FieldError{{Line: i + 2, Field: "email", Message: "bad"}})
	}
	if r.Rejected != candor.MaxImportErrors+5 || len(r.Errors) != candor.MaxImportErrors || !r.Truncated {
		t.Errorf("rejected %d, errors %d, truncated %v", r.Rejected, len(r.Errors), r.Truncated)
	}
}

func TestErase(t *testing.T) {
	c := candor.Customer{ExternalID: "9", Name: "Ann", Email: "a@example.com", PostalAddress: "x", Country: "US", Status: "sent"}
	c.Erase(c.CreatedAt)
	if !c.Erased() || c.Name != "" || c.Email != "" || c.PostalAddress != "" || c.Status != "sent" || c.Country != "US" || c.ExternalID != "9" {
		t.Errorf("after erase %+v", c)
	}
}

func TestSameDataAndInput(t *testing.T) {
	in := candor.CustomerInput{ExternalID: "1", Name: "Ann", Email: "A@Example.com", Country: "us", DataCategories: []string{"name", "email"}}
	a, _ := normalize(in)
	b, _ := normalize(in)
	b.Status, b.ID = candor.CustomerSent, "other"
	if !a.SameData(&b) {
		t.Error("same row, different store state: not SameData")
	}
	again, errs := normalize(a.Input())
	if len(errs) > 0 || !again.SameData(&a) {
		t.Errorf("normalising a normalised customer changed it: %+v %v", again, errs)
	}
	b.DataCategories = []string{"email"}
	if a.SameData(&b) {
		t.Error("different categories: SameData")
	}
}
