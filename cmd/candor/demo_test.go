package main

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/store"
)

// The demo loads the seed case through the real paths; a second run makes
// a second incident.
func TestDemo(t *testing.T) {
	d := testenv.SQLite(t)
	env := []string{"CANDOR_DATABASE_URL=" + d.URL, "CANDOR_ORG_NAME=Kawasaki Heavy Industries, Ltd."}
	out, stderr, err := runCLI(t, env, "demo")
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, stderr)
	}
	for _, want := range []string{"customers: 3000 imported (ID ", "JP ", "PH ", "TH ", "US ", "timeline: 16 public events",
		"customer_notice", "regulator_report", "public_statement", "locales en fil id ja th",
		"2020年6月11日", "Kawasaki Heavy Industries, Ltd.", "/approve"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	id := regexp.MustCompile(`Demo incident (\S+)`).FindStringSubmatch(out)
	if id == nil {
		t.Fatalf("no incident id in:\n%s", out)
	}
	if _, stderr, err := runCLI(t, env, "demo", "--customers", "50"); err != nil {
		t.Fatalf("second demo: %v\n%s", err, stderr)
	}

	db, err := store.Open(context.Background(), d.URL, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	in, err := db.GetIncident(ctx, id[1])
	if err != nil || in.Timezone != "Asia/Tokyo" || in.DiscoveredAt.In(in.Location()).Format("2006-01-02 15:04") != "2020-06-11 00:00" ||
		in.ReportingEntity.Country != "JP" || in.Translations["ja"].ReportingEntity != "川崎重工業株式会社" {
		t.Fatalf("incident: %+v %v", in, err)
	}
	events, _ := db.ListEvents(ctx, in.ID, true)
	if len(events) != 16 || events[0].OccurredOn != "2020-06-11" || events[15].OccurredOn != "2020-12-21" {
		t.Fatalf("events: %+v", events)
	}
	drafts, err := db.ListDisclosures(ctx, in.ID, "", 0)
	if err != nil || len(drafts.Items) != 3 {
		t.Fatalf("drafts: %+v %v", drafts, err)
	}
	for _, dr := range drafts.Items {
		if dr.State != candor.DisclosureDraft || len(dr.Variants) < 5 {
			t.Errorf("draft %s: %s, %d variants", dr.Kind, dr.State, len(dr.Variants))
		}
	}
	if n, err := db.CountCustomers(ctx, in.ID); err != nil || n["email"]+n["postal"] != 3000 {
		t.Fatalf("customers: %v %v", n, err)
	}
	list, _ := db.ListIncidents(ctx, candor.IncidentFilter{})
	if len(list.Items) != 2 {
		t.Fatalf("%d incidents after two runs", len(list.Items))
	}
	if _, err := db.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}

	// Issue 21: discovery is stored as Japan's 11 June, and the seed's names
	// and e-mail addresses bring no US notice; Japan's final report falls on
	// 11 August 2020 (day 60 a Sunday, 10 August Mountain Day).
	if got := in.DiscoveredAt.UTC().Format("2006-01-02T15:04Z"); got != "2020-06-10T15:00Z" {
		t.Errorf("discovered_at stored as %s, want 2020-06-11 00:00 in Tokyo", got)
	}
	obs, stderr, err := runCLI(t, env, "obligations", "--incident", in.ID, "--as-of", "today", "--at", "2020-12-28T00:00:00+09:00")
	if err != nil {
		t.Fatalf("obligations: %v\n%s", err, stderr)
	}
	if !strings.Contains(obs, "2020-08-11 23:59") || !strings.Contains(obs, "jp-appi-ppc-final-malicious") {
		t.Errorf("Japan's final report not due 2020-08-11 23:59:59 JST:\n%s", obs)
	}
	if strings.Contains(obs, "US-") || strings.Contains(obs, "us-ny-regulators") {
		t.Errorf("a US notice for names and e-mail addresses:\n%s", obs)
	}
	// The timeline carries the scope as it grew: the Philippines from 24 June.
	changes, err := db.ScopeChanges(ctx, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	entered := map[string]string{}
	for _, c := range changes { // in time order: the first is when it entered
		if _, seen := entered[c.Code]; !seen && c.Kind == candor.ScopeJurisdiction {
			entered[c.Code] = c.At.In(time.FixedZone("JST", 9*3600)).Format("2006-01-02")
		}
	}
	for code, day := range map[string]string{"TH": "2020-06-11", "ID": "2020-06-24", "PH": "2020-06-24", "US": "2020-07-08"} {
		if entered[code] != day {
			t.Errorf("%s entered the scope on %q, want %s (%v)", code, entered[code], day, entered)
		}
	}
}
