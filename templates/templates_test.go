package templates_test

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/render"
	"github.com/candor-dev/candor/templates"
)

// shipped is every locale each kind must ship, with how that locale writes
// 11 June 2020, the discovery date of the test incident.
var shipped = map[string]string{
	"en":  "11 June 2020",
	"ja":  "2020年6月11日",
	"th":  "11 มิถุนายน พ.ศ. 2563",
	"id":  "11 Juni 2020",
	"fil": "Hunyo 11, 2020",
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// fullData is the seed case with every field set.
func fullData() render.Data {
	return render.Data{
		Incident: render.IncidentView{
			Title:          "Unauthorized access from overseas offices",
			Summary:        "An internal system audit revealed a connection to a server in Japan from an overseas office that should not have occurred.",
			DiscoveredAt:   date(2020, 6, 11),
			OccurredFrom:   date(2020, 6, 1),
			OccurredTo:     date(2020, 8, 3),
			Severity:       "high",
			DataCategories: []string{"name", "email", "postal_address", "phone"},
			Affected:       26000,
			Events: []render.EventView{
				{Date: date(2020, 6, 11), DateOnly: true, Description: "Identified unauthorized access from an overseas office in Thailand"},
				{Date: date(2020, 6, 15), DateOnly: true, Description: "Confirmed a possibility of data breach to external parties"},
				{Date: date(2020, 7, 8), DateOnly: true, Description: "Confirmed suspicious access from the United States office & restricted it"},
			},
		},
		Org:       render.OrgView{Name: "Kawasaki Heavy Industries, Ltd.", ContactEmail: "privacy@example.com", ContactPhone: "+81 3 0000 0000", WebsiteURL: "https://example.com"},
		Statement: render.StatementView{URL: "https://example.com/statements/2020-12-28"},
	}
}

// sparseData is an incident early on: no timeline, no categories, no count,
// no phone, website or statement yet.
func sparseData() render.Data {
	d := fullData()
	d.Incident.Events, d.Incident.DataCategories, d.Incident.Affected = nil, nil, 0
	d.Incident.OccurredFrom, d.Incident.OccurredTo = time.Time{}, time.Time{}
	d.Org.ContactPhone, d.Org.WebsiteURL, d.Statement.URL = "", "", ""
	return d
}

func content(t *testing.T, kind candor.DisclosureKind) candor.DisclosureContent {
	t.Helper()
	variants, def := templates.Defaults(kind)
	c := candor.DisclosureContent{Title: "Default " + string(kind), DefaultLocale: def, Variants: variants}
	if kind == candor.KindRegulatorReport {
		c.Regulator = &candor.Regulator{Jurisdiction: "JP", Email: "report@example.go.jp"}
	}
	return c
}

func TestDefaultsShipEveryLocale(t *testing.T) {
	for _, kind := range candor.DisclosureKinds() {
		t.Run(string(kind), func(t *testing.T) {
			variants, def := templates.Defaults(kind)
			if def != "en" {
				t.Errorf("default locale %q", def)
			}
			for loc := range shipped {
				if v, ok := variants[loc]; !ok || v.Subject == "" || v.Body == "" {
					t.Errorf("locale %s: %+v", loc, v)
				}
			}
			if len(variants) != len(shipped) {
				t.Errorf("locales %v, want %d", slices.Sorted(maps.Keys(variants)), len(shipped))
			}
			if _, err := candor.NormalizeContent(kind, content(t, kind), render.CanonicalLocale); err != nil {
				t.Errorf("NormalizeContent: %v %+v", err, candor.ErrorFields(err))
			}
			if err := render.CheckSyntax(content(t, kind).Clone()); err != nil {
				t.Errorf("CheckSyntax: %v %+v", err, candor.ErrorFields(err))
			}
		})
	}
	t.Run("unknown kind", func(t *testing.T) {
		if v, def := templates.Defaults("press_release"); v != nil || def != "" {
			t.Errorf("Defaults = %v, %q", v, def)
		}
	})
	t.Run("a fresh map each time", func(t *testing.T) {
		v, _ := templates.Defaults(candor.KindCustomerNotice)
		delete(v, "en")
		if v, _ := templates.Defaults(candor.KindCustomerNotice); v["en"].Body == "" {
			t.Error("Defaults shares its map")
		}
	})
}

// TestDefaultsRender renders every default for every kind and locale, with a
// full and an empty customer and with full and sparse incident data.
func TestDefaultsRender(t *testing.T) {
	customers := map[string]func(loc string) render.CustomerView{
		"full customer":  func(loc string) render.CustomerView { return render.SampleCustomer(loc, []string{"name", "email"}) },
		"empty customer": func(string) render.CustomerView { return render.CustomerView{} },
	}
	datas := map[string]func() render.Data{"full data": fullData, "sparse data": sparseData}
	for _, kind := range candor.DisclosureKinds() {
		variants, _ := templates.Defaults(kind)
		for loc, wantDate := range shipped {
			for cname, customer := range customers {
				for dname, data := range datas {
					t.Run(strings.Join([]string{string(kind), loc, cname, dname}, "/"), func(t *testing.T) {
						d := data()
						d.Customer = customer(loc)
						got, err := render.Render(context.Background(), variants[loc], loc, d)
						if err != nil {
							t.Fatalf("Render: %v %+v", err, candor.ErrorFields(err))
						}
						if got.Text == "" || got.Subject == "" || strings.ContainsAny(got.Subject, "\r\n") {
							t.Fatalf("subject %q, text %q", got.Subject, got.Text)
						}
						for _, part := range []string{got.Subject, got.HTML, got.Text} {
							if strings.Contains(part, "{{") || strings.Contains(part, "<no value>") || strings.Contains(part, "ZgotmplZ") {
								t.Errorf("leftover template syntax or unsafe value in %q", part)
							}
						}
						if !strings.Contains(got.Text, wantDate) || !strings.Contains(got.Text, d.Org.Name) || !strings.Contains(got.Text, d.Org.ContactEmail) {
							t.Errorf("text lacks the date %q, the organisation or its contact:\n%s", wantDate, got.Text)
						}
						for _, section := range []string{"1. ", "2. ", "3. ", "4. "} {
							if !strings.Contains(got.Text, section) {
								t.Errorf("text lacks section %q", section)
							}
						}
						if name := d.Customer.Name; kind == candor.KindCustomerNotice && name != "" && !strings.Contains(got.Text, name) {
							t.Errorf("customer notice does not address %q", name)
						}
						if dname == "full data" && !strings.Contains(got.HTML, "<li>") {
							t.Errorf("full data renders no course of events")
						}
					})
				}
			}
		}
	}
}

func TestDefaultsPassCheck(t *testing.T) {
	for _, kind := range candor.DisclosureKinds() {
		t.Run(string(kind), func(t *testing.T) {
			locales := []string{"ja-JP", "th", "id", "tl", "en-US", "pt-BR"}
			if err := render.Check(context.Background(), content(t, kind), fullData(), locales); err != nil {
				t.Fatalf("Check: %v %+v", err, candor.ErrorFields(err))
			}
		})
	}
}
