package store_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/store"
)

// as returns a context acting as a token named name with role.
func as(name string, role candor.Role) context.Context {
	return candor.NewContextWithActor(context.Background(), candor.Actor{TokenID: "tok-" + name, Name: name, Role: role})
}

var (
	comms  = as("comms", candor.RoleComms)
	legal  = as("legal", candor.RoleLegal)
	legal2 = as("legal2", candor.RoleLegal)
	viewer = as("viewer", candor.RoleViewer)
)

func notice(body string) candor.DisclosureContent {
	return candor.DisclosureContent{Title: "Notice", DefaultLocale: "en", Variants: map[string]candor.Variant{
		"en": {Subject: "About {{.Incident.Title}}", Body: body},
		"ja": {Subject: "{{.Incident.Title}}について", Body: "<p>{{date .Incident.DiscoveredAt}}</p>"},
	}}
}

func newDisclosure(t *testing.T, db *store.DB) candor.Disclosure {
	t.Helper()
	in, err := db.CreateIncident(comms, newIncident("Unauthorized access"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := db.CreateDisclosure(comms, in.ID, candor.KindCustomerNotice, notice("<p>Dear {{.Customer.Name}}</p>"), false)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := candor.ErrorCode(err); got != code {
		t.Fatalf("error %v: code %q, want %q", err, got, code)
	}
}

func actions(t *testing.T, db *store.DB, incidentID string) []string {
	t.Helper()
	p, err := db.ListAudit(context.Background(), candor.AuditFilter{IncidentID: incidentID})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range slices.Backward(p.Items) {
		if e.Resource == "disclosure" {
			out = append(out, e.Action+" by "+e.ActorName)
		}
	}
	return out
}

func TestDisclosureReviewCycle(t *testing.T) {
	for name, db := range testenv.Stores(t) {
		t.Run(name, func(t *testing.T) {
			d := newDisclosure(t, db)
			if d.State != candor.DisclosureDraft || d.Revision != 1 || d.EditedBy != "tok-comms" {
				t.Fatalf("created: %+v", d)
			}
			if _, err := db.SubmitDisclosure(viewer, d.ID, 1); candor.ErrorCode(err) != candor.EFORBIDDEN {
				t.Fatalf("viewer submit: %v", err)
			}
			d, err := db.SubmitDisclosure(comms, d.ID, 1)
			if err != nil || d.State != candor.DisclosureInReview || d.SubmittedBy != "tok-comms" {
				t.Fatalf("submit: %+v %v", d, err)
			}
			_, err = db.ApproveDisclosure(comms, d.ID, 1)
			wantCode(t, err, candor.EFORBIDDEN)
			_, err = db.ApproveDisclosure(legal, d.ID, 2)
			wantCode(t, err, candor.ECONFLICT)
			_, _, err = db.ApprovedRevision(context.Background(), d.ID)
			wantCode(t, err, candor.ECONFLICT)
			d, err = db.ApproveDisclosure(legal, d.ID, 1)
			if err != nil || d.State != candor.DisclosureApproved || d.ApprovedRevision != 1 || d.ApprovedAt == nil {
				t.Fatalf("approve: %+v %v", d, err)
			}
			got, rev, err := db.ApprovedRevision(context.Background(), d.ID)
			if err != nil || got.ApprovedBy != "tok-legal" || rev.Number != 1 || rev.Content.Variants["en"].Body != "<p>Dear {{.Customer.Name}}</p>" {
				t.Fatalf("approved revision: %+v %+v %v", got, rev, err)
			}

			// An edit voids the approval.
			d, err = db.EditDisclosure(comms, d.ID, notice("<p>Dear {{.Customer.Name}}, sorry.</p>"), 0)
			if err != nil || d.State != candor.DisclosureDraft || d.Revision != 2 || d.ApprovedRevision != 0 || d.ApprovedAt != nil || d.ApprovedBy != "" {
				t.Fatalf("edit after approval: %+v %v", d, err)
			}
			_, _, err = db.ApprovedRevision(context.Background(), d.ID)
			wantCode(t, err, candor.ECONFLICT)
			if got, _ := db.GetDisclosure(context.Background(), d.ID); got.Variants["en"].Body != "<p>Dear {{.Customer.Name}}, sorry.</p>" || got.Revision != 2 {
				t.Fatalf("read back: %+v", got)
			}
			// The same content again changes nothing.
			if again, err := db.EditDisclosure(comms, d.ID, notice("<p>Dear {{.Customer.Name}}, sorry.</p>"), 2); err != nil || again.Revision != 2 {
				t.Fatalf("unchanged edit: %+v %v", again, err)
			}
			_, err = db.EditDisclosure(comms, d.ID, notice("<p>x</p>"), 1)
			wantCode(t, err, candor.ECONFLICT)

			_, err = db.SubmitDisclosure(comms, d.ID, 1)
			wantCode(t, err, candor.ECONFLICT)
			if _, err = db.SubmitDisclosure(comms, d.ID, 2); err != nil {
				t.Fatal(err)
			}
			_, err = db.RejectDisclosure(legal, d.ID, "  ")
			wantCode(t, err, candor.EINVALID)
			d, err = db.RejectDisclosure(legal, d.ID, "Say when we found out.")
			if err != nil || d.State != candor.DisclosureDraft || d.RejectReason != "Say when we found out." {
				t.Fatalf("reject: %+v %v", d, err)
			}

			want := []string{"disclosure.create by comms", "disclosure.submit by comms", "disclosure.approve by legal",
				"disclosure.edit by comms", "disclosure.submit by comms", "disclosure.reject by legal"}
			if got := actions(t, db, d.IncidentID); !slices.Equal(got, want) {
				t.Fatalf("audit:\n got %q\nwant %q", got, want)
			}
			if _, err := db.VerifyAudit(context.Background()); err != nil {
				t.Fatal(err)
			}
			p, err := db.ListRevisions(context.Background(), d.ID, "", 1)
			if err != nil || len(p.Items) != 1 || p.Items[0].Number != 1 || p.NextCursor == nil || p.Items[0].AuthorName != "comms" {
				t.Fatalf("revisions page 1: %+v %v", p, err)
			}
			p, err = db.ListRevisions(context.Background(), d.ID, *p.NextCursor, 1)
			if err != nil || len(p.Items) != 1 || p.Items[0].Number != 2 || p.NextCursor != nil {
				t.Fatalf("revisions page 2: %+v %v", p, err)
			}
		})
	}
}

// The token that last edited a revision cannot approve it, even with the
// legal role; another legal token can.
func TestFourEyes(t *testing.T) {
	for name, db := range testenv.Stores(t) {
		t.Run(name, func(t *testing.T) {
			d := newDisclosure(t, db)
			d, err := db.EditDisclosure(legal, d.ID, notice("<p>edited by legal</p>"), 1)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.SubmitDisclosure(comms, d.ID, 2); err != nil {
				t.Fatal(err)
			}
			_, err = db.ApproveDisclosure(legal, d.ID, 2)
			wantCode(t, err, candor.EFORBIDDEN)
			if d, err = db.ApproveDisclosure(legal2, d.ID, 2); err != nil || d.ApprovedBy != "tok-legal2" {
				t.Fatalf("second pair of eyes: %+v %v", d, err)
			}
		})
	}
}

// Bad content is refused before anything is stored.
func TestDisclosureBadInputStoresNothing(t *testing.T) {
	tests := []struct {
		name string
		c    func() candor.DisclosureContent
		code string
	}{
		{"syntax error", func() candor.DisclosureContent { return notice("<p>{{if .Customer.Name}}</p>") }, candor.EINVALID},
		{"undefined template", func() candor.DisclosureContent { return notice(`{{template "x"}}`) }, candor.EINVALID},
		{"bad locale", func() candor.DisclosureContent {
			c := notice("<p>x</p>")
			c.Variants["en_GB!"] = c.Variants["en"]
			return c
		}, candor.EINVALID},
		{"no variants", func() candor.DisclosureContent { return candor.DisclosureContent{Title: "x", DefaultLocale: "en"} }, candor.EINVALID},
	}
	for name, db := range testenv.Stores(t) {
		t.Run(name, func(t *testing.T) {
			d := newDisclosure(t, db)
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					_, err := db.EditDisclosure(comms, d.ID, tt.c(), 0)
					wantCode(t, err, tt.code)
					_, err = db.CreateDisclosure(comms, d.IncidentID, candor.KindCustomerNotice, tt.c(), false)
					wantCode(t, err, tt.code)
				})
			}
			got, _ := db.GetDisclosure(context.Background(), d.ID)
			p, _ := db.ListRevisions(context.Background(), d.ID, "", 0)
			list, _ := db.ListDisclosures(context.Background(), d.IncidentID, "", 0)
			if got.Revision != 1 || len(p.Items) != 1 || len(list.Items) != 1 {
				t.Fatalf("something was stored: revision %d, %d revisions, %d disclosures", got.Revision, len(p.Items), len(list.Items))
			}
			if err := db.Gorm().Exec("UPDATE disclosure_revisions SET author_name = 'x'").Error; err == nil {
				t.Fatal("a revision could be updated")
			}
		})
	}
}

func TestCreateFromDefaults(t *testing.T) {
	for name, db := range testenv.Stores(t) {
		t.Run(name, func(t *testing.T) {
			in, _ := db.CreateIncident(comms, newIncident("Unauthorized access"))
			for _, kind := range candor.DisclosureKinds() {
				var c candor.DisclosureContent
				if kind == candor.KindRegulatorReport {
					c.Regulator = &candor.Regulator{Jurisdiction: "JP", Email: "report@example.com"}
				}
				body := "<p>custom</p>"
				if kind == candor.KindFAQ {
					body = "<dl><dt>custom?</dt><dd>yes</dd></dl>"
				}
				c.Variants = map[string]candor.Variant{"EN": {Subject: "Custom", Body: body}}
				d, err := db.CreateDisclosure(comms, in.ID, kind, c, true)
				if err != nil {
					t.Fatalf("%s: %v %+v", kind, err, candor.ErrorFields(err))
				}
				wantLocale := "en"
				if kind == candor.KindRegulatorReport {
					wantLocale = "ja" // a report to Japan's PPC defaults to Japanese
				}
				if d.Title != "Unauthorized access" || d.DefaultLocale != wantLocale || len(d.Variants) != 5 || d.Variants["en"].Body != body {
					t.Fatalf("%s: %+v", kind, d)
				}
			}
			list, err := db.ListDisclosures(context.Background(), in.ID, "", 2)
			if err != nil || len(list.Items) != 2 || list.NextCursor == nil || list.Items[0].Kind != candor.KindCustomerNotice {
				t.Fatalf("list: %+v %v", list, err)
			}
			if _, err := db.CreateDisclosure(comms, in.ID, candor.KindRegulatorReport, candor.DisclosureContent{}, true); candor.ErrorCode(err) != candor.EINVALID {
				t.Fatalf("regulator report without a regulator: %v", err)
			}
			if _, err := db.CreateDisclosure(comms, store.NewID(), candor.KindPublicStatement, candor.DisclosureContent{}, true); candor.ErrorCode(err) != candor.ENOTFOUND {
				t.Fatalf("unknown incident: %v", err)
			}
		})
	}
}

// Concurrent edits each get their own revision number.
func TestConcurrentEdits(t *testing.T) {
	for name, db := range testenv.Stores(t) {
		t.Run(name, func(t *testing.T) {
			d := newDisclosure(t, db)
			const n = 12
			var wg sync.WaitGroup
			revs := make(chan int, n)
			for i := range n {
				wg.Go(func() {
					got, err := db.EditDisclosure(comms, d.ID, notice(fmt.Sprintf("<p>edit %d</p>", i)), 0)
					if err != nil {
						t.Error(err)
						return
					}
					revs <- got.Revision
				})
			}
			wg.Wait()
			close(revs)
			seen := map[int]bool{}
			for r := range revs {
				if seen[r] {
					t.Fatalf("revision %d returned twice", r)
				}
				seen[r] = true
			}
			p, _ := db.ListRevisions(context.Background(), d.ID, "", 0)
			got, _ := db.GetDisclosure(context.Background(), d.ID)
			if len(p.Items) != n+1 || got.Revision != n+1 {
				t.Fatalf("%d revisions, current %d; want %d", len(p.Items), got.Revision, n+1)
			}
		})
	}
}

// TestDisclosureKindCheck: the migration that admits faq kept the CHECK on
// kind (SQLite's edited definition included) and left SQLite's file whole.
func TestDisclosureKindCheck(t *testing.T) {
	for name, db := range testenv.Stores(t) {
		t.Run(name, func(t *testing.T) {
			in, _ := db.CreateIncident(comms, newIncident("Unauthorized access"))
			insert := func(kind string) error {
				now := time.Now().UTC()
				return db.Gorm().Exec(`INSERT INTO disclosures (id, incident_id, kind, title, default_locale, state, revision,
					last_editor, created_at, updated_at) VALUES (?, ?, ?, 't', 'en', 'draft', 1, 'x', ?, ?)`,
					store.NewID(), in.ID, kind, now, now).Error
			}
			if err := insert("faq"); err != nil {
				t.Errorf("faq refused by the schema: %v", err)
			}
			if err := insert("press_release"); err == nil {
				t.Error("the schema admits any kind")
			}
			if name == "sqlite" {
				var res string
				if err := db.Gorm().Raw("PRAGMA integrity_check").Scan(&res).Error; err != nil || res != "ok" {
					t.Errorf("integrity_check: %q %v", res, err)
				}
			}
		})
	}
}
