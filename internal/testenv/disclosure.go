package testenv

import (
	"strings"

	"github.com/candor-dev/candor/roster"
	"testing"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/store"
)

// ApprovedDisclosure creates a disclosure of kind from the default templates
// (with regulator for a regulator report), submits it as comms and approves
// it as legal: two tokens, as the four-eyes rule needs.
func ApprovedDisclosure(t testing.TB, db *store.DB, incidentID string, kind candor.DisclosureKind, regulator *candor.Regulator) candor.Disclosure {
	t.Helper()
	d, err := db.CreateDisclosure(Actor(candor.RoleComms), incidentID, kind,
		candor.DisclosureContent{Title: "Notice", Regulator: regulator}, true)
	if err != nil {
		t.Fatalf("create disclosure: %v", err)
	}
	if d, err = db.SubmitDisclosure(Actor(candor.RoleComms), d.ID, d.Revision); err != nil {
		t.Fatalf("submit disclosure: %v", err)
	}
	if d, err = db.ApproveDisclosure(Actor(candor.RoleLegal), d.ID, d.Revision); err != nil {
		t.Fatalf("approve disclosure: %v", err)
	}
	return d
}

// ImportCSV imports customers from CSV text into an incident.
func ImportCSV(t testing.TB, db *store.DB, incidentID, csv string) candor.ImportReport {
	t.Helper()
	rd, err := roster.NewReader("text/csv", strings.NewReader(csv), roster.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := db.ImportCustomers(Actor(candor.RoleComms), incidentID, rd, nil)
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	return rep
}
