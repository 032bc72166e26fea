package checklist_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/checklist"
	"github.com/candor-dev/candor/jurisdictions"
	"github.com/candor-dev/candor/render"
)

var discovered = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// facts is template data with the data conditions of the catalogue met
// (national id; health data too with health, which brings in HIPAA).
func facts(health bool) func(string) (render.Data, error) {
	cats := []string{"name", "national_id"}
	if health {
		cats = append(cats, "health")
	}
	return func(string) (render.Data, error) {
		return render.Data{
			Incident: render.IncidentView{Title: "Unauthorized access", Summary: "Someone got in.", DiscoveredAt: discovered,
				Severity: "high", DataCategories: cats},
			Org: render.OrgView{Name: "Example Ltd", ContactEmail: "privacy@example.com"},
		}, nil
	}
}

// body marks every element the list requires, with its literal text,
// leaving out skip; extra elements are marked as well.
func body(elems []jurisdictions.Element, skip string, extra ...string) string {
	var b strings.Builder
	b.WriteString("<h1>{{.Incident.Title}}</h1>\n")
	for _, e := range elems {
		if e.Forbidden || e.Key == skip {
			continue
		}
		fmt.Fprintf(&b, "<p data-element=%q>%s: {{.Org.Name}}</p>\n", e.Key, e.Text["en"]+" "+e.Key)
	}
	for _, k := range extra {
		fmt.Fprintf(&b, "<p data-element=%q>%s {{.Incident.Affected}}</p>\n", k, k)
	}
	// An empty marked element is not present.
	b.WriteString(`<p data-element="` + skip + `">  </p>`)
	return b.String()
}

// input checks one variant for one jurisdiction: a customer notice for a
// customer there, or a regulator report to it.
func input(kind candor.DisclosureKind, code, src string) checklist.Input {
	cat, _ := jurisdictions.LoadElements()
	c := candor.DisclosureContent{Title: "N", DefaultLocale: "en", Variants: map[string]candor.Variant{
		"en": {Subject: "Notice", Body: src}}}
	in := checklist.Input{Kind: kind, Content: c, Catalogue: cat, Data: facts(code == "US-HIPAA"), Now: discovered.Add(100 * time.Hour)}
	if kind == candor.KindRegulatorReport {
		in.Content.Regulator = &candor.Regulator{Jurisdiction: code, Email: "r@example.org"}
		return in
	}
	country, region := candor.JurisdictionPlace(code)
	switch code {
	case "EU":
		country, region = "DE", ""
	case "US-HIPAA":
		region = "" // a US customer anywhere
	}
	in.Places = []candor.PlaceLocaleCount{{Country: country, Region: region, Locale: "en-US", N: 3}}
	return in
}

// TestEveryJurisdictionsChecklist: for each catalogue jurisdiction and
// audience, a template carrying every required marker passes, the same
// without contact fails naming checklist.<code>.contact, and a forbidden
// element (Massachusetts) fails when present.
func TestEveryJurisdictionsChecklist(t *testing.T) {
	cat, err := jurisdictions.LoadElements()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, j := range cat.Jurisdictions {
		for _, aud := range []struct {
			kind  candor.DisclosureKind
			elems []jurisdictions.Element
		}{{candor.KindCustomerNotice, j.Individuals}, {candor.KindRegulatorReport, j.Regulator}} {
			if len(aud.elems) == 0 {
				continue
			}
			t.Run(j.Code+"/"+string(aud.kind), func(t *testing.T) {
				items, err := checklist.Run(ctx, input(aud.kind, j.Code, body(aud.elems, "")))
				if err != nil {
					t.Fatal(err)
				}
				if f := checklist.Failures(items); len(f) != 0 || len(items) == 0 {
					t.Fatalf("all markers: %d items, failures %+v", len(items), f)
				}
				for _, it := range items {
					if it.Jurisdiction != j.Code || it.Variant != "en" || it.Source == "" || it.Label == "" {
						t.Errorf("item %+v", it)
					}
					if it.Required && (it.Where == nil || it.Where.Tag != "p" || it.Where.Line == 0) {
						t.Errorf("%s: where %+v", it.Element, it.Where)
					}
				}
				requiresContact := false
				for _, e := range aud.elems {
					requiresContact = requiresContact || e.Key == "contact" && !e.Forbidden
				}
				items, err = checklist.Run(ctx, input(aud.kind, j.Code, body(aud.elems, "contact")))
				if err != nil {
					t.Fatal(err)
				}
				f := checklist.Failures(items)
				switch {
				case requiresContact && (len(f) != 1 || f[0].Field != "checklist."+j.Code+".contact" || !strings.Contains(f[0].Message, `variant "en"`)):
					t.Errorf("without contact: %+v", f)
				case !requiresContact && len(f) != 0:
					t.Errorf("contact is not required, yet: %+v", f)
				}
			})
		}
	}

	t.Run("US-MA forbids the number affected", func(t *testing.T) {
		ma, _ := cat.For("US-MA", jurisdictions.AudienceIndividuals)
		items, err := checklist.Run(ctx, input(candor.KindCustomerNotice, "US-MA", body(ma, "", "affected_count")))
		if err != nil {
			t.Fatal(err)
		}
		f := checklist.Failures(items)
		if len(f) != 1 || f[0].Field != "checklist.US-MA.affected_count" || !strings.Contains(f[0].Message, "must not contain") {
			t.Fatalf("failures %+v", f)
		}
		err = checklist.Err(items)
		if candor.ErrorCode(err) != candor.EINVALID {
			t.Errorf("Err: %v", err)
		}
	})
	t.Run("California needs its literal title", func(t *testing.T) {
		src := strings.Replace(body(mustFor(t, cat, "US-CA"), ""), "Notice of Data Breach title", "Important notice", 1)
		items, err := checklist.Run(ctx, input(candor.KindCustomerNotice, "US-CA", src))
		if err != nil {
			t.Fatal(err)
		}
		f := checklist.Failures(items)
		if len(f) != 1 || f[0].Field != "checklist.US-CA.title" || !strings.Contains(f[0].Message, `"Notice of Data Breach"`) {
			t.Fatalf("failures %+v", f)
		}
	})
	t.Run("a waiver lets a failure through", func(t *testing.T) {
		in := input(candor.KindCustomerNotice, "JP", body(mustFor(t, cat, "JP"), "contact"))
		in.Waivers = []candor.Waiver{{Jurisdiction: "JP", Element: "contact", Reason: "printed on the letterhead", By: "Lena"}}
		items, err := checklist.Run(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if f := checklist.Failures(items); len(f) != 0 {
			t.Fatalf("failures %+v", f)
		}
		for _, it := range items {
			if it.Element == "contact" && (it.Present || it.Waived == nil || it.Waived.By != "Lena") {
				t.Errorf("waived item %+v", it)
			}
		}
	})
	t.Run("conditions", func(t *testing.T) {
		in := input(candor.KindRegulatorReport, "EU", body(mustFor(t, cat, "EU", jurisdictions.AudienceRegulator), "delay_reasons"))
		in.Now = discovered.Add(10 * time.Hour) // on time: no reasons for delay needed
		items, err := checklist.Run(ctx, in)
		if err != nil || len(checklist.Failures(items)) != 0 {
			t.Fatalf("on time: %v %+v", err, checklist.Failures(items))
		}
		in.Now = discovered.Add(80 * time.Hour)
		items, _ = checklist.Run(ctx, in)
		if f := checklist.Failures(items); len(f) != 1 || f[0].Field != "checklist.EU.delay_reasons" {
			t.Fatalf("late: %+v", f)
		}
	})
	t.Run("no customers, no checklist", func(t *testing.T) {
		in := input(candor.KindCustomerNotice, "JP", "<p>x</p>")
		in.Places = nil
		if items, err := checklist.Run(ctx, in); err != nil || len(items) != 0 {
			t.Fatalf("%v %+v", err, items)
		}
	})
}

// TestChecklistFollowsTheVariants: a California customer is checked
// against en@US-CA, a Texan's plain en is not checked (Texas prescribes
// no content), and each jurisdiction's items name the variant they got.
func TestChecklistFollowsTheVariants(t *testing.T) {
	cat, _ := jurisdictions.LoadElements()
	ca := mustFor(t, cat, "US-CA")
	in := checklist.Input{Kind: candor.KindCustomerNotice, Catalogue: cat, Data: facts(false), Now: discovered,
		Content: candor.DisclosureContent{Title: "N", DefaultLocale: "en", Variants: map[string]candor.Variant{
			"en":       {Subject: "Notice", Body: "<p>Hello</p>"},
			"en@US-CA": {Subject: "Notice", Body: body(ca, "")},
			"ja":       {Subject: "お知らせ", Body: "<p data-element=\"what_happened\">概要</p>"},
		}},
		Places: []candor.PlaceLocaleCount{
			{Country: "US", Region: "US-CA", Locale: "en-US", N: 5}, {Country: "US", Region: "US-TX", Locale: "en-US", N: 9},
			{Country: "JP", Region: "JP-13", Locale: "ja", N: 2},
		}}
	items, err := checklist.Run(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, it := range items {
		seen[it.Jurisdiction+" "+it.Variant] = true
	}
	if len(seen) != 2 || !seen["US-CA en@US-CA"] || !seen["JP ja"] {
		t.Fatalf("checked %v", seen)
	}
	for _, f := range checklist.Failures(items) {
		if !strings.HasPrefix(f.Field, "checklist.JP.") {
			t.Errorf("failure outside Japan: %+v", f)
		}
	}
}

func mustFor(t *testing.T, cat *jurisdictions.ElementCatalogue, code string, audience ...string) []jurisdictions.Element {
	t.Helper()
	aud := jurisdictions.AudienceIndividuals
	if len(audience) > 0 {
		aud = audience[0]
	}
	e, ok := cat.For(code, aud)
	if !ok {
		t.Fatalf("no %s", code)
	}
	return e
}

func TestScan(t *testing.T) {
	got, err := checklist.Scan(`<html><body><h1 data-element="title">Notice of
	Data   Breach</h1><section data-element="what_happened cause"><h2>What Happened</h2><p>A server was <b>breached</b>.</p></section>
	<p data-element="contact"> </p><div data-element="contact"><script>x()</script></div></body></html>`)
	if err != nil {
		t.Fatal(err)
	}
	if w := got["title"]; len(w) != 1 || w[0].Tag != "h1" || w[0].Text != "Notice of Data Breach" {
		t.Errorf("title %+v", w)
	}
	if w := got["cause"]; len(w) != 1 || w[0].Tag != "section" || w[0].Text != "What Happened A server was breached ." {
		t.Errorf("cause %+v", w)
	}
	if len(got["contact"]) != 0 || len(got["what_happened"]) != 1 {
		t.Errorf("blank or script-only elements count: %+v", got)
	}
}
