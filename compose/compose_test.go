package compose_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/compose"
	"github.com/candor-dev/candor/render"
)

var (
	discovered = time.Date(2020, 6, 11, 0, 0, 0, 0, time.UTC)
	at         = time.Date(2020, 7, 8, 9, 30, 0, 0, time.FixedZone("JST", 9*3600))
	incident   = candor.Incident{Title: "Unauthorized access", Summary: "Connections from overseas offices.",
		DiscoveredAt: discovered, Severity: "high", DataCategories: []string{"name", "email"}}
	events = []candor.Event{
		{OccurredOn: "2020-06-11", Description: "Identified unauthorized access", Public: true},
		{OccurredOn: "2020-06-12", Description: "internal only", Public: false},
		{OccurredAt: &at, Description: "Confirmed access from the US office", Public: true},
	}
	org = compose.Org(" Kawasaki ", "privacy@example.com", "", "https://example.com")
)

func TestData(t *testing.T) {
	c := &candor.Customer{Name: "山田 花子", Email: "hanako@example.jp", Country: "JP", Region: "JP-13", Locale: "ja",
		DataCategories: []string{"email"}, PostalAddress: "secret"}
	d := compose.Data(incident, events, org, c, compose.StatementURL("https://x.example/", "kawasaki-2020"))
	if d.Customer.Name != c.Name || d.Customer.Locale != "ja" || d.Customer.DataCategories[0] != "email" {
		t.Errorf("customer: %+v", d.Customer)
	}
	if d.Org.Name != "Kawasaki" || d.Statement.URL != "https://x.example/statements/kawasaki-2020" {
		t.Errorf("org %+v statement %q", d.Org, d.Statement.URL)
	}
	ev := d.Incident.Events
	if len(ev) != 2 || !ev[0].DateOnly || !ev[0].Date.Equal(discovered) || ev[1].DateOnly ||
		!ev[1].Date.Equal(at) || ev[1].Date.Location() != time.UTC {
		t.Errorf("events: %+v", ev)
	}
	if e := compose.Data(incident, nil, org, nil, "").Customer; e.Name != "" || e.DataCategories != nil {
		t.Errorf("nil customer: %+v", e)
	}
	if got := compose.StatementURL("https://x.example", ""); got != "https://x.example/statements" {
		t.Errorf("index URL %q", got)
	}
}

// The date of a date-only event prints as that date in the variant's
// locale, wherever the server runs.
func TestEventsRenderInLocale(t *testing.T) {
	v := candor.Variant{Subject: "{{.Incident.Title}}",
		Body: "<ul>{{range .Incident.Events}}<li>{{date .Date}} {{.Description}}</li>{{end}}</ul>"}
	for loc, want := range map[string]string{"ja": "2020年6月11日", "en": "11 June 2020", "th": "11 มิถุนายน พ.ศ. 2563"} {
		out, err := render.Render(context.Background(), v, loc, compose.Data(incident, events, org, nil, ""))
		if err != nil || !strings.Contains(out.Text, want) {
			t.Errorf("%s: %q %v", loc, out.Text, err)
		}
	}
}

// The sender calls Base once per send and Customer per recipient.
func TestAllocations(t *testing.T) {
	c := &candor.Customer{Name: "A", Email: "a@example.com", DataCategories: []string{"email"}}
	base := compose.Base(incident, events, org, "")
	if n := testing.AllocsPerRun(100, func() {
		d := base
		d.Customer = compose.Customer(c)
		_ = d
	}); n != 0 {
		t.Errorf("per-recipient data allocates %v times", n)
	}
	if n := testing.AllocsPerRun(100, func() { _ = compose.Data(incident, events, org, c, "") }); n > 1 {
		t.Errorf("Data allocates %v times", n)
	}
}

func BenchmarkData(b *testing.B) {
	c := &candor.Customer{Name: "A", Email: "a@example.com"}
	b.ReportAllocs()
	for b.Loop() {
		_ = compose.Data(incident, events, org, c, "")
	}
}
