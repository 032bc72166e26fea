package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/internal/testenv"
)

// TestSubmitOptionsAreKept: a submit's waivers and accepted languages are
// stored on the submitted revision and in the audit entry; a resubmit
// without any clears them; the revision's content stays immutable.
func TestSubmitOptionsAreKept(t *testing.T) {
	for name, db := range testenv.Stores(t) {
		t.Run(name, func(t *testing.T) {
			d := newDisclosure(t, db)
			opts := candor.SubmitOptions{AcceptUntranslated: []string{"ja"},
				Waivers: []candor.Waiver{{Jurisdiction: "us-ca", Element: "title", Reason: "counsel: heading approved"}}}
			_, err := db.SubmitDisclosureWith(comms, d.ID, 1, opts)
			wantCode(t, err, candor.EFORBIDDEN)
			if _, err := db.SubmitDisclosureWith(legal, d.ID, 1, candor.SubmitOptions{Waivers: []candor.Waiver{{Jurisdiction: "US-CA", Element: "title"}}}); candor.ErrorCode(err) != candor.EINVALID {
				t.Fatalf("waiver without a reason: %v", err)
			}
			if _, err := db.SubmitDisclosureWith(legal, d.ID, 1, opts); err != nil {
				t.Fatal(err)
			}
			rev, err := db.GetRevision(context.Background(), d.ID, 1)
			if err != nil {
				t.Fatal(err)
			}
			o := rev.SubmitOptions
			if o == nil || len(o.Waivers) != 1 || o.Waivers[0].Jurisdiction != "US-CA" || o.Waivers[0].By != "legal" ||
				len(o.AcceptUntranslated) != 1 || rev.Content.Variants["en"].Body != d.Variants["en"].Body {
				t.Fatalf("revision after submit: %+v", rev)
			}
			p, err := db.ListAudit(context.Background(), candor.AuditFilter{IncidentID: d.IncidentID})
			if err != nil {
				t.Fatal(err)
			}
			var submit *candor.AuditEntry
			for i := range p.Items {
				if p.Items[i].Action == "disclosure.submit" {
					submit = &p.Items[i]
				}
			}
			if submit == nil || !strings.Contains(string(submit.Summary), `"reason":"counsel: heading approved"`) ||
				!strings.Contains(string(submit.Summary), `"accept_untranslated":["ja"]`) {
				t.Fatalf("audit entry of the submit: %+v", submit)
			}
			if n, err := db.VerifyAudit(context.Background()); err != nil {
				t.Fatalf("audit chain after %d: %v", n, err)
			}

			// Reject and submit again with nothing: the options go.
			if _, err := db.RejectDisclosure(legal2, d.ID, "redo"); err != nil {
				t.Fatal(err)
			}
			if _, err := db.SubmitDisclosure(comms, d.ID, 1); err != nil {
				t.Fatal(err)
			}
			if rev, _ := db.GetRevision(context.Background(), d.ID, 1); rev.SubmitOptions != nil {
				t.Errorf("options after a plain resubmit: %+v", rev.SubmitOptions)
			}
			// The content of a revision still cannot change.
			err = db.Gorm().Exec("UPDATE disclosure_revisions SET content = '{}' WHERE disclosure_id = ?", d.ID).Error
			if err == nil {
				t.Error("a revision's content was updated")
			}
		})
	}
}

func TestCustomerPlaceLocales(t *testing.T) {
	for name, db := range testenv.Stores(t) {
		t.Run(name, func(t *testing.T) {
			db.SetKeyring(testenv.Keyring(t))
			in, err := db.CreateIncident(comms, newIncident("Places"))
			if err != nil {
				t.Fatal(err)
			}
			testenv.ImportCSV(t, db, in.ID, "external_id,name,email,country,region,locale\n"+
				"a,A,a@example.com,US,US-CA,en-US\nb,B,b@example.com,US,US-CA,en-US\nc,C,c@example.com,US,US-TX,es\n"+
				"d,D,d@example.com,JP,,ja\ne,E,e@example.com,,,\n")
			got, err := db.CustomerPlaceLocales(context.Background(), in.ID)
			if err != nil {
				t.Fatal(err)
			}
			want := map[candor.PlaceLocaleCount]bool{
				{Country: "US", Region: "US-CA", Locale: "en-US", N: 2}: true, {Country: "US", Region: "US-TX", Locale: "es", N: 1}: true,
				{Country: "JP", Locale: "ja", N: 1}: true, {N: 1}: true,
			}
			if len(got) != len(want) {
				t.Fatalf("got %+v", got)
			}
			for _, g := range got {
				if !want[g] {
					t.Errorf("unexpected %+v in %+v", g, got)
				}
			}
		})
	}
}
