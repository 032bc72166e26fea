package main

import (
	"context"
	"html"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/compose"
	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/render"
	"github.com/candor-dev/candor/store"
	"github.com/candor-dev/candor/vault"
)

// The demo's customer notice shows the seed case's facts in each
// customer's language: the discovery date in that language's form (a Tokyo
// date), the summary and the timeline translated, and nothing that submit
// would have to accept as untranslated.
func TestDemoNoticeFactsInEveryLanguage(t *testing.T) {
	want := []struct{ lang, discovered string }{
		{"en", "11 June 2020"},
		{"ja", "2020年6月11日"},
		{"th", "11 มิถุนายน พ.ศ. 2563"},
		{"id", "11 Juni 2020"},
		{"fil", "Hunyo 11, 2020"},
	}
	discovery := regexp.MustCompile(`(?s)<p data-element="discovery_date">(.*?)</p>`)
	seed := seedIncident()
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			env := []string{"CANDOR_DATABASE_URL=" + d.URL, "CANDOR_ORG_NAME=Kawasaki Heavy Industries, Ltd."}
			out, stderr, err := runCLI(t, env, "demo", "--customers", "200")
			if err != nil {
				t.Fatalf("demo: %v\n%s", err, stderr)
			}
			// The printed preview is the Japanese notice's facts.
			for _, s := range []string{"本件は、2020年6月11日に判明いたしました。", seed.Translations["ja"].Summary,
				"2020年6月11日　" + seedEvents[0].translations["ja"].Description, "（川崎重工業株式会社）"} {
				if !strings.Contains(out, s) {
					t.Errorf("demo output lacks %q:\n%s", s, out)
				}
			}
			id := regexp.MustCompile(`Demo incident (\S+)`).FindStringSubmatch(out)
			if id == nil {
				t.Fatalf("no incident id in:\n%s", out)
			}
			ctx := context.Background()
			db, err := store.Open(ctx, d.URL, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			// The customers are sealed with the data key the CLI ran with.
			kr, err := vault.ParseKeyring(strings.TrimPrefix(testKeyEnv, "CANDOR_DATA_KEY="), "")
			if err != nil {
				t.Fatal(err)
			}
			db.SetKeyring(kr)
			drafts, err := db.ListDisclosures(ctx, id[1], "", 0)
			if err != nil {
				t.Fatal(err)
			}
			var notice candor.Disclosure
			for _, dr := range drafts.Items {
				if dr.Kind == candor.KindCustomerNotice {
					notice = dr
				}
			}
			if notice.ID == "" {
				t.Fatalf("no customer notice among %+v", drafts.Items)
			}
			facts, err := compose.Load(ctx, db, id[1], compose.Org("Kawasaki Heavy Industries, Ltd.", "privacy@example.com", "", ""), "", time.Now())
			if err != nil {
				t.Fatal(err)
			}
			if len(facts.Events) != len(seedEvents) {
				t.Fatalf("%d events, want %d", len(facts.Events), len(seedEvents))
			}
			for _, w := range want {
				t.Run(w.lang, func(t *testing.T) {
					page, err := db.ListCustomers(ctx, candor.CustomerFilter{IncidentID: id[1], Locale: w.lang, Limit: 1})
					if err != nil || len(page.Items) == 0 {
						t.Fatalf("no demo customer of locale %s: %v", w.lang, err)
					}
					c := page.Items[0]
					key, v := render.PickVariant(notice.Variants, notice.DefaultLocale, c.Locale)
					if key != w.lang {
						t.Fatalf("customer of locale %s gets variant %q", c.Locale, key)
					}
					data, _ := facts.Base(key)
					data.Customer = compose.Customer(&c)
					msg, err := render.Render(ctx, v, key, data)
					if err != nil {
						t.Fatal(err)
					}
					m := discovery.FindStringSubmatch(msg.HTML)
					if m == nil || !strings.Contains(html.UnescapeString(m[1]), w.discovered) {
						t.Errorf("discovery date: %q, want %q", m, w.discovered)
					}
					summary, first := seed.Summary, seedEvents[0].description
					if w.lang != "en" {
						summary, first = seed.Translations[w.lang].Summary, seedEvents[0].translations[w.lang].Description
						if summary == "" || first == "" {
							t.Fatalf("the seed has no %s summary or first event", w.lang)
						}
						if strings.Contains(msg.Text, seed.Summary) || strings.Contains(msg.Text, seedEvents[0].description) {
							t.Errorf("the %s notice shows English facts:\n%s", w.lang, msg.Text)
						}
					}
					for _, s := range []string{summary, first} {
						if !strings.Contains(msg.Text, s) {
							t.Errorf("the %s notice lacks %q:\n%s", w.lang, s, msg.Text)
						}
					}
					if w.lang == "ja" && !strings.Contains(msg.Subject+msg.Text, "川崎重工業株式会社") {
						t.Errorf("the ja notice does not name 川崎重工業株式会社:\n%s\n%s", msg.Subject, msg.Text)
					}
					fb, err := facts.Untranslated(ctx, key, v, compose.Customer(&c))
					if err != nil || len(fb) != 0 {
						t.Errorf("untranslated in %s: %+v %v", key, fb, err)
					}
				})
			}
		})
	}
}
