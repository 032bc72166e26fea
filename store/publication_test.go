package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/store"
)

// pubActor returns a context acting as a token named name with role.
func pubActor(name string, role candor.Role) context.Context {
	return candor.NewContextWithActor(context.Background(), candor.Actor{TokenID: "tok-" + name, Name: name, Role: role})
}

var (
	pubComms = pubActor("pub-comms", candor.RoleComms)
	pubLegal = pubActor("pub-legal", candor.RoleLegal)
)

// approvedStatement creates an incident and an approved public statement
// from the default templates.
func approvedStatement(t *testing.T, db *store.DB, kind candor.DisclosureKind) (candor.Incident, candor.Disclosure) {
	t.Helper()
	in, err := db.CreateIncident(pubComms, newIncident("Unauthorized access to Kawasaki Group"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := db.CreateDisclosure(pubComms, in.ID, kind, candor.DisclosureContent{}, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SubmitDisclosure(pubComms, d.ID, d.Revision); err != nil {
		t.Fatal(err)
	}
	if d, err = db.ApproveDisclosure(pubLegal, d.ID, d.Revision); err != nil {
		t.Fatal(err)
	}
	return in, d
}

func newPub(in candor.Incident, d candor.Disclosure, slug string, at time.Time) store.NewPublication {
	return store.NewPublication{DisclosureID: d.ID, IncidentID: in.ID, Slug: slug, Revision: d.ApprovedRevision, PublishAt: at,
		Content: candor.PublicationContent{Title: d.Title, DefaultLocale: "en",
			Variants: map[string]candor.StatementText{"en": {Title: "Statement", HTML: "<p>text</p>", Text: "text"}}}}
}

func pubActions(t *testing.T, db *store.DB, incidentID string) []string {
	t.Helper()
	p, err := db.ListAudit(context.Background(), candor.AuditFilter{IncidentID: incidentID})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range slices.Backward(p.Items) {
		if e.Resource == "publication" {
			out = append(out, e.Action)
		}
	}
	return out
}

func TestPublicationLifecycle(t *testing.T) {
	for name, db := range testenv.Stores(t) {
		t.Run(name, func(t *testing.T) {
			in, d := approvedStatement(t, db, candor.KindPublicStatement)
			now := time.Now().UTC()
			at := now.Add(time.Hour)
			p, err := db.CreatePublication(pubLegal, newPub(in, d, "kawasaki-2020", at))
			if err != nil {
				t.Fatal(err)
			}
			if p.State != candor.PublicationScheduled || p.Revision != d.ApprovedRevision || p.CreatedBy != "tok-pub-legal" ||
				p.Content == nil || p.Content.Variants["en"].HTML != "<p>text</p>" {
				t.Fatalf("created: %+v", p)
			}
			// Embargo: nothing before publish_at, exactly as for an unknown slug.
			if _, err := db.SlugVersions(context.Background(), "kawasaki-2020", now); candor.ErrorCode(err) != candor.ENOTFOUND {
				t.Fatalf("before publish_at: %v", err)
			}
			if vis, _ := db.VisiblePublications(context.Background(), now); len(vis) != 0 {
				t.Fatalf("visible before publish_at: %v", vis)
			}
			// Not due: the worker records nothing.
			if _, ok, err := db.MarkPublished(pubActor("x", candor.RoleAdmin), p.ID, now); err != nil || ok {
				t.Fatalf("early mark: %v %v", ok, err)
			}
			// At publish_at the pages show it even before the worker marks it.
			v, err := db.SlugVersions(context.Background(), "kawasaki-2020", at)
			if err != nil || len(v) != 1 || v[0].State != candor.PublicationPublished || !v[0].PublishedAt.Equal(at.Truncate(time.Microsecond)) {
				t.Fatalf("at publish_at: %+v %v", v, err)
			}
			worker := candor.NewContextWithActor(context.Background(), candor.PublishingActor())
			for i, want := range []bool{true, false} {
				got, ok, err := db.MarkPublished(worker, p.ID, at.Add(2*time.Second))
				if err != nil || ok != want || got.State != candor.PublicationPublished {
					t.Fatalf("mark %d: %v %v %s", i, ok, err, got.State)
				}
			}
			r, err := db.WithdrawPublication(pubLegal, p.ID, at.Add(time.Minute))
			if err != nil || r.State != candor.PublicationRetracted || r.RetractedAt == nil {
				t.Fatalf("retract: %+v %v", r, err)
			}
			if _, err := db.WithdrawPublication(pubLegal, p.ID, at.Add(2*time.Minute)); candor.ErrorCode(err) != candor.ECONFLICT {
				t.Fatalf("retract twice: %v", err)
			}
			// A retracted version stays listed (as a withdrawal notice).
			if v, err := db.SlugVersions(context.Background(), "kawasaki-2020", at.Add(time.Hour)); err != nil || v[0].State != candor.PublicationRetracted {
				t.Fatalf("after retraction: %+v %v", v, err)
			}
			want := []string{"publication.scheduled", "publication.published", "publication.retracted"}
			if got := pubActions(t, db, in.ID); !slices.Equal(got, want) {
				t.Errorf("audit %v, want %v", got, want)
			}
			if n, err := db.VerifyAudit(context.Background()); err != nil || n == 0 {
				t.Errorf("audit chain: %d %v", n, err)
			}
		})
	}
}

func TestPublicationCancel(t *testing.T) {
	for name, db := range testenv.Stores(t) {
		t.Run(name, func(t *testing.T) {
			in, d := approvedStatement(t, db, candor.KindPublicStatement)
			now := time.Now().UTC()
			p, err := db.CreatePublication(pubLegal, newPub(in, d, "cancel-me", now.Add(time.Hour)))
			if err != nil {
				t.Fatal(err)
			}
			c, err := db.WithdrawPublication(pubLegal, p.ID, now)
			if err != nil || c.State != candor.PublicationCancelled || c.CancelledAt == nil {
				t.Fatalf("cancel: %+v %v", c, err)
			}
			if _, err := db.WithdrawPublication(pubLegal, p.ID, now); candor.ErrorCode(err) != candor.ECONFLICT {
				t.Fatalf("cancel twice: %v", err)
			}
			if _, ok, _ := db.MarkPublished(pubLegal, p.ID, now.Add(2*time.Hour)); ok {
				t.Fatal("a cancelled publication was marked published")
			}
			if _, err := db.SlugVersions(context.Background(), "cancel-me", now.Add(2*time.Hour)); candor.ErrorCode(err) != candor.ENOTFOUND {
				t.Fatalf("cancelled is visible: %v", err)
			}
			// Cancelled, the revision may be scheduled again.
			if _, err := db.CreatePublication(pubLegal, newPub(in, d, "cancel-me", now.Add(time.Hour))); err != nil {
				t.Fatalf("reschedule after cancel: %v", err)
			}
			if slug, err := db.StatementSlug(context.Background(), in.ID); err != nil || slug != "" {
				t.Fatalf("slug under embargo: %q %v", slug, err)
			}
			if _, err := db.CreatePublication(pubLegal, newPub(in, d, "now-public", now)); err != nil {
				t.Fatal(err)
			}
			if slug, err := db.StatementSlug(context.Background(), in.ID); err != nil || slug != "now-public" {
				t.Fatalf("statement slug: %q %v", slug, err)
			}
			if due, err := db.DuePublications(context.Background(), now.Add(2*time.Hour)); err != nil || len(due) != 2 {
				t.Fatalf("due: %v %v", due, err)
			}
		})
	}
}

func TestPublicationRefusals(t *testing.T) {
	for name, db := range testenv.Stores(t) {
		t.Run(name, func(t *testing.T) {
			in, d := approvedStatement(t, db, candor.KindPublicStatement)
			other, od := approvedStatement(t, db, candor.KindPublicStatement)
			at := time.Now().UTC()
			if _, err := db.CreatePublication(pubLegal, newPub(in, d, "shared", at)); err != nil {
				t.Fatal(err)
			}
			n := len(pubActions(t, db, in.ID))
			tests := []struct {
				name string
				ctx  context.Context
				np   store.NewPublication
				code string
			}{
				{"same revision twice", pubLegal, newPub(in, d, "shared", at), candor.ECONFLICT},
				{"another incident's slug", pubLegal, newPub(other, od, "shared", at), candor.ECONFLICT},
				{"bad slug", pubLegal, newPub(in, d, "a/../b", at), candor.EINVALID},
				{"stale revision", pubLegal, func() store.NewPublication { p := newPub(in, d, "x", at); p.Revision = 99; return p }(), candor.ECONFLICT},
				{"no actor", context.Background(), newPub(in, d, "y", at), candor.EUNAUTHORIZED},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					_, err := db.CreatePublication(tt.ctx, tt.np)
					if candor.ErrorCode(err) != tt.code {
						t.Fatalf("error %v, want %s", err, tt.code)
					}
				})
			}
			_, notice := approvedStatement(t, db, candor.KindCustomerNotice)
			if _, err := db.CreatePublication(pubLegal, newPub(in, notice, "notice", at)); candor.ErrorCode(err) != candor.EINVALID {
				t.Fatalf("customer notice: %v", err)
			}
			edited := d.DisclosureContent.Clone()
			edited.Title += " (edited)"
			if _, err := db.EditDisclosure(pubComms, d.ID, edited, d.Revision); err != nil {
				t.Fatal(err)
			}
			if _, err := db.CreatePublication(pubLegal, newPub(in, d, "edited", at)); candor.ErrorCode(err) != candor.ECONFLICT {
				t.Fatalf("edited since approval: %v", err)
			}
			if got := len(pubActions(t, db, in.ID)); got != n {
				t.Errorf("refusals wrote %d audit entries", got-n)
			}
		})
	}
}
