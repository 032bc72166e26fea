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
	jst        = time.FixedZone("JST", 9*3600)
	discovered = time.Date(2020, 6, 11, 0, 0, 0, 0, jst) // 2020-06-10T15:00Z: the UTC date is the day before
	at         = time.Date(2020, 7, 8, 7, 0, 0, 0, jst)  // 07:00 JST, still 7 July in UTC
	incident   = candor.Incident{ID: "0190f3a2-7c1e-7b3a-9d4e-5f6a7b8c9d0e", Title: "Unauthorized access",
		Summary: "Connections from overseas offices.", DiscoveredAt: discovered.UTC(), Severity: "high",
		DataCategories: []string{"name", "email"}, Timezone: "Asia/Tokyo",
		ReportingEntity: &candor.ReportingEntity{Name: "Kawasaki Heavy Industries, Ltd.", Country: "JP"},
		Translations: map[string]candor.IncidentText{"ja": {Title: "不正アクセス", Summary: "海外拠点からの接続。",
			ReportingEntity: "川崎重工業株式会社"}}}
	events = []candor.Event{
		{ID: "e1", OccurredOn: "2020-06-11", Description: "Identified unauthorized access", Public: true,
			Translations: map[string]candor.EventText{"ja": {Description: "不正アクセスを確認"}}},
		{ID: "e2", OccurredOn: "2020-06-12", Description: "internal only", Public: false},
		{ID: "e3", OccurredAt: &at, Description: "Confirmed access from the US office", Public: true},
	}
	org = compose.Org(" Example ", "privacy@example.com", "", "https://example.com")
)

func facts() *compose.Facts {
	return &compose.Facts{Incident: incident, Events: events, Org: org,
		Countries: map[string]int{"JP": 1200, "TH": 300, "US": 250, "": 2}, Regions: map[string]int{"US-CA": 200, "US-TX": 50},
		Now: time.Date(2020, 12, 27, 20, 0, 0, 0, time.UTC)} // 28 December in Tokyo
}

func TestBaseIsInTheIncidentsZoneAndLanguage(t *testing.T) {
	for _, tc := range []struct {
		variant, title, summary, org, ev0 string
		fallbacks                         []string
	}{
		{"en", "Unauthorized access", "Connections from overseas offices.", "Kawasaki Heavy Industries, Ltd.", "Identified unauthorized access", nil},
		{"ja", "不正アクセス", "海外拠点からの接続。", "川崎重工業株式会社", "不正アクセスを確認", []string{"events.e3.description"}},
		{"en@US-CA", "Unauthorized access", "Connections from overseas offices.", "Kawasaki Heavy Industries, Ltd.", "Identified unauthorized access", nil},
		{"th", "Unauthorized access", "Connections from overseas offices.", "Kawasaki Heavy Industries, Ltd.", "Identified unauthorized access",
			[]string{"title", "summary", "events.e1.description", "events.e3.description"}},
	} {
		d, fb := facts().Base(tc.variant)
		if d.Incident.Title != tc.title || d.Incident.Summary != tc.summary || d.Org.Name != tc.org {
			t.Errorf("%s: title %q summary %q org %q", tc.variant, d.Incident.Title, d.Incident.Summary, d.Org.Name)
		}
		if len(d.Incident.Events) != 2 || d.Incident.Events[0].Description != tc.ev0 {
			t.Errorf("%s: events %+v", tc.variant, d.Incident.Events)
		}
		var got []string
		for _, f := range fb {
			got = append(got, f.Field)
		}
		if strings.Join(got, ",") != strings.Join(tc.fallbacks, ",") {
			t.Errorf("%s: fallbacks %v, want %v", tc.variant, got, tc.fallbacks)
		}
		// Dates: the local day in Tokyo, whatever the server's zone.
		if y, m, day := d.Incident.DiscoveredAt.Date(); y != 2020 || m != 6 || day != 11 || d.Incident.TimeZone != "Asia/Tokyo" {
			t.Errorf("%s: discovered %v in %s", tc.variant, d.Incident.DiscoveredAt, d.Incident.TimeZone)
		}
		if _, _, day := d.Incident.Events[0].Date.Date(); day != 11 || !d.Incident.Events[0].DateOnly {
			t.Errorf("%s: date-only event %v", tc.variant, d.Incident.Events[0])
		}
		if _, _, day := d.Incident.Events[1].Date.Date(); day != 8 || d.Incident.Events[1].Date.Hour() != 7 {
			t.Errorf("%s: timed event %v", tc.variant, d.Incident.Events[1].Date)
		}
		if _, _, day := d.Notice.Date.Date(); day != 28 || d.Notice.Reference == "" || d.Notice.Reference != d.Incident.Reference {
			t.Errorf("%s: notice %+v", tc.variant, d.Notice)
		}
	}
}

func TestAffectedCounts(t *testing.T) {
	f := facts()
	d, _ := f.Base("en")
	if d.Affected.Total != 1752 || d.Affected.Jurisdiction != 1752 || d.Incident.Affected != 1752 {
		t.Errorf("total %+v", d.Affected)
	}
	if len(d.Affected.Countries) != 3 || d.Affected.Countries[0] != (render.CountView{Code: "JP", Count: 1200}) ||
		d.Affected.Regions[0].Code != "US-CA" {
		t.Errorf("countries %+v regions %+v", d.Affected.Countries, d.Affected.Regions)
	}
	for jur, want := range map[string]int{"JP": 1200, "US-CA": 200, "TH": 300, "EU": 0} {
		f.Regulator = &candor.Regulator{Jurisdiction: jur, Email: "r@example.org"}
		d, _ := f.Base("en")
		if d.Affected.Jurisdiction != want || d.Regulator.Jurisdiction != jur || d.Regulator.Authority == "" {
			t.Errorf("%s: %d %+v", jur, d.Affected.Jurisdiction, d.Regulator)
		}
	}
	f.Regulator = &candor.Regulator{Jurisdiction: "JP"}
	if d, _ := f.Base("ja"); d.Regulator.Authority != "個人情報保護委員会" {
		t.Errorf("ja authority %q", d.Regulator.Authority)
	}
}

func TestStatementOnlyWhenThereIsOne(t *testing.T) {
	f := facts()
	if d, _ := f.Base("en"); d.Statement.URL != "" || d.Statement.Published {
		t.Errorf("no statement: %+v", d.Statement)
	}
	f.Statement = compose.Statement{URL: "https://x/statements/k", PublishAt: time.Date(2020, 12, 28, 0, 0, 0, 0, time.UTC)}
	if d, _ := f.Base("ja"); d.Statement.URL == "" || d.Statement.Published || d.Statement.PublishAt.Location().String() != "Asia/Tokyo" {
		t.Errorf("scheduled: %+v", d.Statement)
	}
	if got := compose.StatementURL("https://x.example/", ""); got != "" {
		t.Errorf("no slug: %q", got)
	}
}

func TestOrganisationPerLanguage(t *testing.T) {
	o := compose.Org("Example Corp", "p@example.com", "", "")
	o.Names = map[string]string{"ja": "株式会社例"}
	o.Signatory, o.Signatories = "Data Protection Officer", map[string]string{"ja": "個人情報保護管理者"}
	if v := o.View("ja", ""); v.Name != "株式会社例" || v.Signatory != "個人情報保護管理者" {
		t.Errorf("ja %+v", v)
	}
	if v := o.View("th", ""); v.Name != "Example Corp" || v.Signatory != "Data Protection Officer" {
		t.Errorf("th %+v", v)
	}
	if v := o.View("ja", "川崎重工業株式会社"); v.Name != "川崎重工業株式会社" {
		t.Errorf("entity %+v", v)
	}
}

// A fallback counts only when the variant shows it.
func TestUntranslatedOnlyWhatIsShown(t *testing.T) {
	f := facts()
	shows := candor.Variant{Subject: "{{.Incident.Title}}", Body: "<p>{{.Incident.Summary}}</p>{{range .Incident.Events}}<p>{{.Description}}</p>{{end}}"}
	hides := candor.Variant{Subject: "お知らせ", Body: "<p>{{date .Incident.DiscoveredAt}}</p>"}
	got, err := f.Untranslated(context.Background(), "ja", shows, render.CustomerView{})
	if err != nil || len(got) != 1 || got[0].Field != "events.e3.description" || got[0].Language != "ja" {
		t.Errorf("ja shows: %+v %v", got, err)
	}
	got, err = f.Untranslated(context.Background(), "th", shows, render.CustomerView{})
	if err != nil || len(got) != 4 { // title, summary, two events; the entity's name is not shown
		t.Errorf("th shows: %+v %v", got, err)
	}
	if got, err := f.Untranslated(context.Background(), "th", hides, render.CustomerView{}); err != nil || len(got) != 0 {
		t.Errorf("th hides: %+v %v", got, err)
	}
}

// The date of a date-only event prints as that date in the variant's
// locale, wherever the server runs; a time names the zone.
func TestEventsRenderInLocale(t *testing.T) {
	v := candor.Variant{Subject: "{{.Incident.Title}}",
		Body: "<p>{{date .Incident.DiscoveredAt}}</p><ul>{{range .Incident.Events}}<li>{{if .DateOnly}}{{date .Date}}{{else}}{{datetime .Date}}{{end}} {{.Description}}</li>{{end}}</ul>"}
	for loc, want := range map[string][]string{
		"ja": {"2020年6月11日", "2020年7月8日 7時00分（JST）"},
		"en": {"11 June 2020", "8 July 2020, 07:00 JST"},
		"th": {"11 มิถุนายน พ.ศ. 2563", "8 กรกฎาคม พ.ศ. 2563 เวลา 07:00 น. (JST)"},
	} {
		out, err := render.Render(context.Background(), v, loc, facts().Data(loc))
		for _, w := range want {
			if err != nil || !strings.Contains(out.Text, w) {
				t.Errorf("%s: %q lacks %q (%v)", loc, out.Text, w, err)
			}
		}
		if strings.Contains(out.Text, "10") && strings.Contains(out.Text, "June 10") {
			t.Errorf("%s: a UTC date leaked: %q", loc, out.Text)
		}
	}
}

// The sender computes the base once per variant and sets Customer per
// recipient.
func TestAllocations(t *testing.T) {
	c := &candor.Customer{Name: "A", Email: "a@example.com", DataCategories: []string{"email"}}
	base := facts().Data("en")
	if n := testing.AllocsPerRun(100, func() {
		d := base
		d.Customer = compose.Customer(c)
		_ = d
	}); n != 0 {
		t.Errorf("per-recipient data allocates %v times", n)
	}
}
