package store_test

import (
	"context"
	"io/fs"
	"path"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/migrations"
	"github.com/candor-dev/candor/store"
)

// tokenActor is the actor the API's authenticate builds for tok.
func tokenActor(tok candor.Token) context.Context {
	return candor.NewContextWithActor(context.Background(),
		candor.Actor{TokenID: tok.ID, PersonID: tok.PersonID, Name: tok.Name, Role: tok.Role})
}

// An admin who edited and submitted cannot approve with a legal token they
// mint for themself, with or without the person carried by the actor (the
// dashboard's session builds none); a different legal person can.
func TestFourEyesComparesPeople(t *testing.T) {
	admin := testenv.Actor(candor.RoleAdmin)
	for name, db := range testenv.Stores(t) {
		t.Run(name, func(t *testing.T) {
			db.SetKeyring(testenv.Keyring(t))
			alice, err := db.CreatePerson(admin, candor.Person{Email: "Alice@Example.com", Name: "Alice", Role: candor.RoleAdmin})
			if err != nil {
				t.Fatal(err)
			}
			adminTok, _, err := db.CreateTokenFor(admin, "alice@example.COM", "alice laptop", candor.RoleAdmin)
			if err != nil || adminTok.PersonID != alice.ID {
				t.Fatalf("token for alice by e-mail: %+v %v", adminTok, err)
			}
			d := newDisclosure(t, db)
			as := tokenActor(adminTok)
			if d, err = db.EditDisclosure(as, d.ID, notice("<p>Hello {{.Customer.Name}}</p>"), 0); err != nil {
				t.Fatal(err)
			}
			if d, err = db.SubmitDisclosure(as, d.ID, d.Revision); err != nil {
				t.Fatal(err)
			}
			legalTok, _, err := db.CreateTokenFor(as, alice.ID, "", candor.RoleLegal)
			if err != nil || legalTok.PersonID != alice.ID || legalTok.Name != "Alice" {
				t.Fatalf("fresh legal token: %+v %v", legalTok, err)
			}
			for _, ctx := range []context.Context{tokenActor(legalTok),
				candor.NewContextWithActor(context.Background(), candor.Actor{TokenID: legalTok.ID, Name: "Alice", Role: candor.RoleLegal})} {
				_, err = db.ApproveDisclosure(ctx, d.ID, d.Revision)
				wantCode(t, err, candor.EFORBIDDEN)
				if !strings.Contains(candor.ErrorMessage(err), "four eyes compares people") {
					t.Fatalf("message does not explain: %v", err)
				}
			}
			bob, _, err := db.CreateToken(admin, "Bob", candor.RoleLegal)
			if err != nil {
				t.Fatal(err)
			}
			got, err := db.ApproveDisclosure(tokenActor(bob), d.ID, d.Revision)
			if err != nil || got.State != candor.DisclosureApproved {
				t.Fatalf("another legal person: %+v %v", got, err)
			}
		})
	}
}

// A person who edits in a console session (candor.SessionActor) cannot
// approve with a token of theirs, nor the other way round; another legal
// person's session can.
func TestFourEyesSessionAndToken(t *testing.T) {
	admin := testenv.Actor(candor.RoleAdmin)
	for name, db := range testenv.Stores(t) {
		t.Run(name, func(t *testing.T) {
			db.SetKeyring(testenv.Keyring(t))
			dana, err := db.CreatePerson(admin, candor.Person{Email: "dana@example.com", Name: "Dana", Role: candor.RoleLegal})
			if err != nil {
				t.Fatal(err)
			}
			tok, _, err := db.CreateTokenFor(admin, dana.ID, "", candor.RoleLegal)
			if err != nil {
				t.Fatal(err)
			}
			session := candor.NewContextWithActor(context.Background(), candor.SessionActor(dana))
			for _, tc := range []struct {
				name, other   string
				edit, approve context.Context
			}{
				{"edited in a session, approves with a token", "eve", session, tokenActor(tok)},
				{"edited with a token, approves in a session", "frank", tokenActor(tok), session},
			} {
				d := newDisclosure(t, db)
				if d, err = db.EditDisclosure(tc.edit, d.ID, notice("<p>Hi {{.Customer.Name}}</p>"), 0); err != nil {
					t.Fatal(tc.name, err)
				}
				if d, err = db.SubmitDisclosure(admin, d.ID, d.Revision); err != nil {
					t.Fatal(tc.name, err)
				}
				_, err = db.ApproveDisclosure(tc.approve, d.ID, d.Revision)
				wantCode(t, err, candor.EFORBIDDEN)
				other, err := db.CreatePerson(admin, candor.Person{Email: tc.other + "@example.com", Name: tc.other, Role: candor.RoleLegal})
				if err != nil {
					t.Fatal(err)
				}
				got, err := db.ApproveDisclosure(candor.NewContextWithActor(context.Background(), candor.SessionActor(other)), d.ID, d.Revision)
				if err != nil || got.State != candor.DisclosureApproved || got.ApprovedBy != candor.PersonActorPrefix+other.ID {
					t.Fatalf("%s: another person's session: %+v %v", tc.name, got, err)
				}
			}
		})
	}
}

func TestPeopleAndTokens(t *testing.T) {
	admin := testenv.Actor(candor.RoleAdmin)
	for name, db := range testenv.Stores(t) {
		t.Run(name, func(t *testing.T) {
			if _, err := db.CreatePerson(admin, candor.Person{Email: "a@example.com", Name: "A", Role: candor.RoleLegal}); candor.ErrorCode(err) != candor.EUNAVAILABLE {
				t.Fatalf("person without a data key: %v", err)
			}
			db.SetKeyring(testenv.Keyring(t))
			carol, err := db.CreatePerson(admin, candor.Person{Email: " carol@example.com ", Name: "Carol\nSmith", Role: candor.RoleComms})
			if err != nil || carol.Email != "carol@example.com" || carol.Name != "Carol Smith" {
				t.Fatalf("create: %+v %v", carol, err)
			}
			// The address is stored sealed: neither it nor its local part is
			// in the row.
			var n int64
			db.Gorm().Raw("SELECT count(*) FROM people WHERE email_enc LIKE '%carol%' OR email_hash LIKE '%carol%' OR name LIKE '%@%'").Scan(&n)
			if n != 0 {
				t.Fatal("e-mail stored in clear")
			}
			bad := []struct {
				p     candor.Person
				field string
				code  string
			}{
				{candor.Person{Email: "CAROL@example.com", Name: "C2", Role: candor.RoleViewer}, "", candor.ECONFLICT},
				{candor.Person{Name: "No Mail", Role: candor.RoleViewer}, "email", candor.EINVALID},
				{candor.Person{Email: "x@", Name: "X", Role: candor.RoleViewer}, "email", candor.EINVALID},
				{candor.Person{Email: "y@example.com", Name: "", Role: candor.RoleViewer}, "name", candor.EINVALID},
				{candor.Person{Email: "y@example.com", Name: "Y\u202e", Role: candor.RoleViewer}, "name", candor.EINVALID},
				{candor.Person{Email: "y@example.com", Name: "Y\x00", Role: candor.RoleViewer}, "name", candor.EINVALID},
				{candor.Person{Email: "y@example.com", Name: "Y", Role: "root"}, "role", candor.EINVALID},
			}
			for _, b := range bad {
				_, err := db.CreatePerson(admin, b.p)
				wantCode(t, err, b.code)
				if b.field != "" && (len(candor.ErrorFields(err)) == 0 || candor.ErrorFields(err)[0].Field != b.field) {
					t.Errorf("%+v: %v, want field %s", b.p, err, b.field)
				}
			}
			// A token may not exceed its person's role; unknown people are
			// the field person.
			_, _, err = db.CreateTokenFor(admin, carol.ID, "", candor.RoleLegal)
			wantField(t, err, "role")
			_, _, err = db.CreateTokenFor(admin, "nobody@example.com", "", candor.RoleViewer)
			wantField(t, err, "person")
			_, _, err = db.CreateTokenFor(admin, "not an address", "", candor.RoleViewer)
			wantField(t, err, "person")
			// Without a person, the token is for the person of its name:
			// created the first time, the same one after.
			t1, _, err := db.CreateToken(admin, "dana", candor.RoleComms)
			if err != nil {
				t.Fatal(err)
			}
			t2, _, err := db.CreateToken(admin, "dana", candor.RoleViewer)
			if err != nil || t2.PersonID != t1.PersonID || t1.PersonID == "" {
				t.Fatalf("second token for dana: %+v %+v %v", t1, t2, err)
			}
			_, _, err = db.CreateToken(admin, "dana", candor.RoleLegal)
			wantField(t, err, "role")
			people, err := db.ListPeople(admin)
			if err != nil || len(people) != 2 || people[0].Email != "carol@example.com" || people[1].Name != "dana" || people[1].Email != "" {
				t.Fatalf("list: %+v %v", people, err)
			}
			// A disabled person's tokens no longer authenticate.
			_, secret, err := db.CreateTokenFor(admin, carol.ID, "carol", candor.RoleViewer)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.Authenticate(admin, secret); err != nil {
				t.Fatal(err)
			}
			db.Gorm().Exec("UPDATE people SET disabled_at = ? WHERE id = ?", time.Now(), carol.ID)
			if _, err := db.Authenticate(admin, secret); candor.ErrorCode(err) != candor.EUNAUTHORIZED {
				t.Fatalf("disabled person's token: %v", err)
			}
			_, _, err = db.CreateTokenFor(admin, carol.ID, "", candor.RoleViewer)
			wantCode(t, err, candor.EFORBIDDEN)
		})
	}
}

func wantField(t *testing.T, err error, field string) {
	t.Helper()
	if fs := candor.ErrorFields(err); candor.ErrorCode(err) != candor.EINVALID || len(fs) == 0 || fs[0].Field != field {
		t.Fatalf("error %v: want EINVALID naming %s", err, field)
	}
}

// Of concurrent revocations of one token exactly one succeeds and is
// audited; the others are ECONFLICT (PostgreSQL answered 200 to each and
// audited each before the update was made conditional).
func TestConcurrentRevocation(t *testing.T) {
	admin := testenv.Actor(candor.RoleAdmin)
	const tokens, racers = 15, 6
	for name, db := range testenv.Stores(t) {
		t.Run(name, func(t *testing.T) {
			for i := 0; i < tokens; i++ {
				tok, _, err := db.CreateToken(admin, "racer", candor.RoleViewer)
				if err != nil {
					t.Fatal(err)
				}
				var wg sync.WaitGroup
				var mu sync.Mutex
				codes := map[string]int{}
				start := make(chan struct{})
				for range racers {
					wg.Add(1)
					go func() {
						defer wg.Done()
						<-start
						_, err := db.RevokeToken(admin, tok.ID)
						mu.Lock()
						codes[candor.ErrorCode(err)]++
						mu.Unlock()
					}()
				}
				close(start)
				wg.Wait()
				if codes[""] != 1 || codes[candor.ECONFLICT] != racers-1 {
					t.Fatalf("token %d: outcomes %v, want one success and %d conflicts", i, codes, racers-1)
				}
			}
			var n int64
			db.Gorm().Raw("SELECT count(*) FROM audit_log WHERE action = 'token.revoke'").Scan(&n)
			if n != tokens {
				t.Fatalf("%d revocations audited, want %d", n, tokens)
			}
		})
	}
}

// Tokens made before people existed each become one person, named after
// the token, with its role and id and no e-mail, and keep working.
func TestPeopleMigration(t *testing.T) {
	people := map[string]string{store.SQLite: "0012_people", store.Postgres: "0013_people"}
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			ctx := context.Background()
			db, err := store.Open(ctx, d.URL, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			// The schema as it was before people: every migration up to it.
			ts := "DATETIME"
			if d.Name == store.Postgres {
				ts = "TIMESTAMPTZ"
			}
			g := db.Gorm()
			if err := g.Exec("CREATE TABLE schema_migrations (version TEXT PRIMARY KEY, applied_at " + ts + " NOT NULL)").Error; err != nil {
				t.Fatal(err)
			}
			entries, _ := fs.ReadDir(migrations.FS, d.Name)
			for _, e := range entries {
				v := strings.TrimSuffix(e.Name(), ".sql")
				if v >= people[d.Name] {
					break
				}
				sql, _ := fs.ReadFile(migrations.FS, path.Join(d.Name, e.Name()))
				if err := g.Exec(string(sql)).Error; err != nil {
					t.Fatalf("%s: %v", v, err)
				}
				g.Exec("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)", v, time.Now())
			}
			old := []struct{ id, name, role, secret string }{
				{"0190f5c2-0000-7000-8000-000000000001", "ops", "admin", "cnd_old1"},
				{"0190f5c2-0000-7000-8000-000000000002", "ops", "legal", "cnd_old2"},
				{"0190f5c2-0000-7000-8000-000000000003", "reader", "viewer", "cnd_old3"},
			}
			for _, o := range old {
				err := g.Exec("INSERT INTO tokens (id, name, role, hash, created_by, created_at) VALUES (?, ?, ?, ?, 'cli', ?)",
					o.id, o.name, o.role, candor.HashToken(o.secret), time.Now()).Error
				if err != nil {
					t.Fatal(err)
				}
			}
			applied, err := db.Migrate(ctx)
			if err != nil || len(applied) == 0 || applied[0] != people[d.Name] {
				t.Fatalf("migrate: %v %v", applied, err)
			}
			list, err := db.ListPeople(ctx)
			if err != nil || len(list) != len(old) {
				t.Fatalf("people: %+v %v", list, err)
			}
			byID := map[string]candor.Person{}
			for _, p := range list {
				byID[p.ID] = p
			}
			for _, o := range old {
				p := byID[o.id]
				if p.Name != o.name || string(p.Role) != o.role || p.Email != "" || !strings.HasPrefix(p.CreatedBy, "migration ") {
					t.Errorf("token %s became %+v", o.id, p)
				}
				tok, err := db.Authenticate(ctx, o.secret)
				if err != nil || tok.PersonID != o.id {
					t.Errorf("old token after migration: %+v %v", tok, err)
				}
			}
			// Two migrated people are named ops: a new token names which.
			admin := testenv.Actor(candor.RoleAdmin)
			_, _, err = db.CreateToken(admin, "ops", candor.RoleViewer)
			wantCode(t, err, candor.ECONFLICT)
			tok, _, err := db.CreateTokenFor(admin, old[1].id, "", candor.RoleLegal)
			if err != nil || tok.PersonID != old[1].id || tok.Name != "ops" {
				t.Fatalf("token for a migrated person: %+v %v", tok, err)
			}
			var nulls int64
			g.Raw("SELECT count(*) FROM tokens WHERE person_id IS NULL").Scan(&nulls)
			if nulls != 0 {
				t.Fatal("a token without a person")
			}
			if err := g.Exec("INSERT INTO tokens (id, name, role, hash, created_by, created_at) VALUES (?, 'x', 'viewer', 'h', 'cli', ?)",
				"0190f5c2-0000-7000-8000-000000000009", time.Now()).Error; err == nil {
				t.Fatal("a token without a person was stored")
			}
		})
	}
}
