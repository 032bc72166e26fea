package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/compose"
	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/pages"
	"github.com/candor-dev/candor/store"
)

// export-statements writes what is public now, and nothing under embargo.
func TestExportStatements(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			db := testenv.Open(t, d)
			publishFixture(t, db, "kawasaki-2020", time.Now().Add(-time.Minute))
			publishFixture(t, db, "embargoed", time.Now().Add(time.Hour))
			dir := filepath.Join(t.TempDir(), "site")
			env := []string{"CANDOR_DATABASE_URL=" + d.URL, "CANDOR_ORG_NAME=Kawasaki", "CANDOR_ORG_TIMEZONE=Asia/Tokyo"}
			out, stderr, err := runCLI(t, env, "export-statements", "--base-url", "https://www.example.com/statements", dir)
			if err != nil || !strings.Contains(out, "(1 statements)") {
				t.Fatalf("export: %q %s %v", out, stderr, err)
			}
			for _, f := range []string{"index.html", "feed.atom", "kawasaki-2020/index.html", "kawasaki-2020/index.ja.html", "kawasaki-2020/v/1/index.en.html"} {
				if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
					t.Errorf("missing %s", f)
				}
			}
			if _, err := os.Stat(filepath.Join(dir, "embargoed")); err == nil {
				t.Error("an embargoed statement was exported")
			}
			page, _ := os.ReadFile(filepath.Join(dir, "kawasaki-2020", "index.ja.html"))
			if !strings.Contains(string(page), `<html lang="ja"`) || !strings.Contains(string(page), "JST") {
				t.Errorf("Japanese page:\n%s", page)
			}
			if _, _, err := runCLI(t, env, "export-statements"); err == nil {
				t.Error("no DIR accepted")
			}
			if _, stderr, err := runCLI(t, append(env, "CANDOR_ORG_TIMEZONE=Mars/Base"), "export-statements", dir); err == nil ||
				!strings.Contains(stderr, "CANDOR_ORG_TIMEZONE") {
				t.Errorf("bad zone: %s %v", stderr, err)
			}
		})
	}
}

func publishFixture(t *testing.T, db *store.DB, slug string, at time.Time) {
	t.Helper()
	comms, legal := testenv.Actor(candor.RoleComms), testenv.Actor(candor.RoleLegal)
	in, err := db.CreateIncident(comms, candor.Incident{Title: "Unauthorized access", Timezone: "Asia/Tokyo", DiscoveredAt: time.Date(2020, 6, 11, 0, 0, 0, 0, time.UTC),
		Severity: "high", DataCategories: []string{"email"}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := db.CreateDisclosure(comms, in.ID, candor.KindPublicStatement, candor.DisclosureContent{}, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SubmitDisclosure(comms, d.ID, d.Revision); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ApproveDisclosure(legal, d.ID, d.Revision); err != nil {
		t.Fatal(err)
	}
	_, rev, err := db.ApprovedRevision(context.Background(), d.ID)
	if err != nil {
		t.Fatal(err)
	}
	c, err := pages.RenderContent(context.Background(), rev, &compose.Facts{Incident: in, Org: compose.Org("Kawasaki", "p@example.com", "", "")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreatePublication(legal, store.NewPublication{DisclosureID: d.ID, IncidentID: in.ID, Slug: slug,
		Revision: rev.Number, PublishAt: at, Content: c}); err != nil {
		t.Fatal(err)
	}
}

func TestWebhookURLs(t *testing.T) {
	got, err := webhookURLs(" https://cms.example.com/hook?token=x , ,http://127.0.0.1:9/h")
	if err != nil || len(got) != 2 {
		t.Fatalf("%v %v", got, err)
	}
	if _, err := webhookURLs("https://ok.example.com,ftp://secret@x"); err == nil || strings.Contains(err.Error(), "secret") {
		t.Errorf("bad URL: %v", err)
	}
}
