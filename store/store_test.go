package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/store"
)

func newIncident(title string) candor.Incident {
	return candor.Incident{Title: title, DiscoveredAt: time.Date(2020, 6, 11, 0, 0, 0, 0, time.UTC),
		Severity: "high", DataCategories: []string{"name", "email"}}
}

func TestMigrateIsIdempotent(t *testing.T) {
	for name, db := range testenv.Stores(t) {
		t.Run(name, func(t *testing.T) {
			applied, err := db.Migrate(context.Background())
			if err != nil || len(applied) != 0 {
				t.Fatalf("second migrate applied %v, err %v", applied, err)
			}
			st, err := db.MigrationStatus(context.Background())
			if err != nil || len(st) == 0 {
				t.Fatalf("status %v, err %v", st, err)
			}
			for _, s := range st {
				if s.AppliedAt == nil {
					t.Errorf("migration %s pending after migrate", s.Version)
				}
			}
		})
	}
}

func TestIncidentLifecycle(t *testing.T) {
	ctx := testenv.Actor(candor.RoleComms)
	for name, db := range testenv.Stores(t) {
		t.Run(name, func(t *testing.T) {
			in, err := db.CreateIncident(ctx, newIncident("Unauthorized access"))
			if err != nil {
				t.Fatal(err)
			}
			got, err := db.GetIncident(ctx, in.ID)
			if err != nil || got.Title != "Unauthorized access" || !got.DiscoveredAt.Equal(in.DiscoveredAt) {
				t.Fatalf("get: %+v, %v", got, err)
			}
			up, err := db.UpdateIncident(ctx, in.ID, func(i *candor.Incident) error { i.Severity = "critical"; return nil })
			if err != nil || up.Severity != "critical" {
				t.Fatalf("update: %+v, %v", up, err)
			}
			ev, err := db.CreateEvent(ctx, in.ID, candor.Event{OccurredOn: "2020-06-15", Description: "breach confirmed", Public: true})
			if err != nil {
				t.Fatal(err)
			}
			at := time.Date(2020, 6, 11, 9, 0, 0, 0, time.UTC)
			if _, err := db.CreateEvent(ctx, in.ID, candor.Event{OccurredAt: &at, Description: "found", Public: false}); err != nil {
				t.Fatal(err)
			}
			all, err := db.ListEvents(ctx, in.ID, false)
			if err != nil || len(all) != 2 || all[0].Description != "found" || all[1].ID != ev.ID {
				t.Fatalf("events in order: %+v, %v", all, err)
			}
			pub, _ := db.ListEvents(ctx, in.ID, true)
			if len(pub) != 1 || !pub[0].Public {
				t.Fatalf("public events: %+v", pub)
			}
			if n, err := db.VerifyAudit(ctx); err != nil || n != 4 {
				t.Fatalf("audit verify: %d entries, %v", n, err)
			}
		})
	}
}

func TestErrorsAreDomainCodes(t *testing.T) {
	ctx := testenv.Actor(candor.RoleComms)
	for name, db := range testenv.Stores(t) {
		t.Run(name, func(t *testing.T) {
			tests := []struct {
				name string
				err  error
				code string
			}{
				{"unknown id", func() error { _, err := db.GetIncident(ctx, store.NewID()); return err }(), candor.ENOTFOUND},
				{"malformed id", func() error { _, err := db.GetIncident(ctx, "1 OR 1=1"); return err }(), candor.ENOTFOUND},
				{"invalid incident", func() error { _, err := db.CreateIncident(ctx, candor.Incident{Title: "x"}); return err }(), candor.EINVALID},
				{"event on unknown incident", func() error {
					_, err := db.CreateEvent(ctx, store.NewID(), candor.Event{OccurredOn: "2020-06-11", Description: "x"})
					return err
				}(), candor.ENOTFOUND},
				{"bad cursor", func() error { _, err := db.ListIncidents(ctx, candor.IncidentFilter{Cursor: "zzz"}); return err }(), candor.EINVALID},
			}
			for _, tt := range tests {
				if got := candor.ErrorCode(tt.err); got != tt.code {
					t.Errorf("%s: code %q (%v), want %q", tt.name, got, tt.err, tt.code)
				}
			}
			if n, _ := db.VerifyAudit(ctx); n != 0 {
				t.Errorf("failed operations left %d audit entries", n)
			}
		})
	}
}

func TestListIncidentsPages(t *testing.T) {
	ctx := testenv.Actor(candor.RoleComms)
	for name, db := range testenv.Stores(t) {
		t.Run(name, func(t *testing.T) {
			for i := range 5 {
				if _, err := db.CreateIncident(ctx, newIncident(string(rune('a'+i)))); err != nil {
					t.Fatal(err)
				}
			}
			var titles []string
			cursor := ""
			for {
				p, err := db.ListIncidents(ctx, candor.IncidentFilter{Limit: 2, Cursor: cursor})
				if err != nil {
					t.Fatal(err)
				}
				for _, in := range p.Items {
					titles = append(titles, in.Title)
				}
				if p.NextCursor == nil {
					break
				}
				cursor = *p.NextCursor
			}
			if got := len(titles); got != 5 || titles[0] != "e" || titles[4] != "a" {
				t.Fatalf("pages gave %v, want e..a newest first", titles)
			}
		})
	}
}

func TestAuditChainDetectsTampering(t *testing.T) {
	ctx := testenv.Actor(candor.RoleComms)
	tamper := []struct {
		name string
		sql  string
	}{
		{"edited summary", "UPDATE audit_log SET summary = '{\"after\":{\"title\":\"nothing happened\"}}' WHERE seq = 2"},
		{"edited actor", "UPDATE audit_log SET actor_name = 'someone else' WHERE seq = 1"},
		{"deleted middle", "DELETE FROM audit_log WHERE seq = 2"},
		{"deleted last", "DELETE FROM audit_log WHERE seq = 3"},
	}
	for _, tt := range tamper {
		for _, d := range testenv.Databases(t) {
			t.Run(d.Name+"/"+tt.name, func(t *testing.T) {
				db := testenv.Open(t, d)
				for _, title := range []string{"a", "b", "c"} {
					if _, err := db.CreateIncident(ctx, newIncident(title)); err != nil {
						t.Fatal(err)
					}
				}
				if _, err := db.VerifyAudit(ctx); err != nil {
					t.Fatalf("untouched chain: %v", err)
				}
				if err := db.Gorm().Exec(tt.sql).Error; err != nil {
					t.Fatal(err)
				}
				if _, err := db.VerifyAudit(ctx); err == nil {
					t.Fatal("tampered chain verified")
				}
			})
		}
	}
}

// Concurrent writers must extend the chain one after another: a fork would
// show as two entries with the same previous hash.
func TestAuditChainUnderConcurrency(t *testing.T) {
	ctx := testenv.Actor(candor.RoleComms)
	for name, db := range testenv.Stores(t) {
		t.Run(name, func(t *testing.T) {
			var wg sync.WaitGroup
			errs := make(chan error, 40)
			for i := range 40 {
				wg.Go(func() {
					_, err := db.CreateIncident(ctx, newIncident(string(rune('A'+i%26))))
					errs <- err
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			if n, err := db.VerifyAudit(ctx); err != nil || n != 40 {
				t.Fatalf("verify after concurrent writes: %d, %v", n, err)
			}
		})
	}
}

func TestTokens(t *testing.T) {
	ctx := testenv.Actor(candor.RoleAdmin)
	for name, db := range testenv.Stores(t) {
		t.Run(name, func(t *testing.T) {
			tok, secret, err := db.CreateToken(ctx, "legal team", candor.RoleLegal)
			if err != nil {
				t.Fatal(err)
			}
			var stored int64
			db.Gorm().Raw("SELECT count(*) FROM tokens WHERE hash = ?", secret).Scan(&stored)
			if stored != 0 {
				t.Fatal("the secret itself is stored")
			}
			got, err := db.Authenticate(ctx, secret)
			if err != nil || got.ID != tok.ID || got.Role != candor.RoleLegal {
				t.Fatalf("authenticate: %+v, %v", got, err)
			}
			if _, err := db.Authenticate(ctx, secret+"x"); candor.ErrorCode(err) != candor.EUNAUTHORIZED {
				t.Fatalf("wrong secret: %v", err)
			}
			if _, err := db.RevokeToken(ctx, tok.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := db.RevokeToken(ctx, tok.ID); candor.ErrorCode(err) != candor.ECONFLICT {
				t.Fatalf("second revoke: %v", err)
			}
			if _, err := db.Authenticate(ctx, secret); candor.ErrorCode(err) != candor.EUNAUTHORIZED {
				t.Fatalf("revoked token authenticated: %v", err)
			}
			if _, _, err := db.CreateToken(ctx, "", "root"); candor.ErrorCode(err) != candor.EINVALID {
				t.Fatalf("bad token input: %v", err)
			}
		})
	}
}
