package store_test

import (
	"context"
	"testing"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/store"
)

// TestIncidentParticipants: a person is one participant whichever of
// their tokens or console session they used; a token nobody holds keeps
// the name its entries carry; the command line is an admin.
func TestIncidentParticipants(t *testing.T) {
	for name, db := range customerStores(t) {
		t.Run(name, func(t *testing.T) {
			admin := candor.NewContextWithActor(context.Background(), candor.CLIActor(""))
			dana, err := db.CreatePerson(admin, candor.Person{Email: "dana@example.com", Name: "Dana Legal", Role: candor.RoleLegal})
			if err != nil {
				t.Fatal(err)
			}
			tok, _, err := db.CreateTokenFor(admin, dana.ID, "dana's laptop", candor.RoleLegal)
			if err != nil {
				t.Fatal(err)
			}
			byToken := candor.NewContextWithActor(context.Background(), candor.Actor{TokenID: tok.ID, Name: "dana's laptop", Role: candor.RoleLegal})
			in, err := db.CreateIncident(byToken, newIncident("who is on it"))
			if err != nil {
				t.Fatal(err)
			}
			bySession := candor.NewContextWithActor(context.Background(), candor.SessionActor(dana))
			if _, err := db.UpdateIncident(bySession, in.ID, func(i *candor.Incident) error { i.Summary = "more"; return nil }); err != nil {
				t.Fatal(err)
			}
			if _, err := db.CreateEvent(testenv.Actor(candor.RoleComms), in.ID, candor.Event{OccurredOn: "2020-06-11", Description: "found", Public: true}); err != nil {
				t.Fatal(err)
			}
			if _, err := db.UpdateIncident(admin, in.ID, func(i *candor.Incident) error { i.Summary = "by the cli"; return nil }); err != nil {
				t.Fatal(err)
			}
			ps, err := db.IncidentParticipants(context.Background(), in.ID)
			if err != nil {
				t.Fatal(err)
			}
			want := []store.Participant{{Name: "cli", Role: candor.RoleAdmin, Changes: 1}, {Name: "test comms", Changes: 1},
				{PersonID: dana.ID, Name: "Dana Legal", Role: candor.RoleLegal, Changes: 2}}
			if len(ps) != len(want) {
				t.Fatalf("participants %+v", ps)
			}
			for i, w := range want {
				p := ps[i]
				if p.PersonID != w.PersonID || p.Name != w.Name || p.Role != w.Role || p.Changes != w.Changes || p.Last.IsZero() {
					t.Errorf("participant %d: %+v, want %+v", i, p, w)
				}
			}
			if _, err := db.IncidentParticipants(context.Background(), store.NewID()); candor.ErrorCode(err) != candor.ENOTFOUND {
				t.Errorf("unknown incident: %v", err)
			}
		})
	}
}
