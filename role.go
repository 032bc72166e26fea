package candor

import "context"

// Role is what a token may do. Roles are ordered: each one can do everything
// the roles before it can (viewer < comms < legal < admin).
type Role string

const (
	RoleViewer Role = "viewer" // read
	RoleComms  Role = "comms"  // edit incidents, customers, drafts; submit drafts
	RoleLegal  Role = "legal"  // plus approve/reject, schedule sends and publications
	RoleAdmin  Role = "admin"  // plus tokens
)

var roleRank = map[Role]int{RoleViewer: 1, RoleComms: 2, RoleLegal: 3, RoleAdmin: 4}

// Valid reports whether r is one of the four roles.
func (r Role) Valid() bool { return roleRank[r] > 0 }

// Allows reports whether a token of role r may do what needs role min.
func (r Role) Allows(min Role) bool { return r.Valid() && min.Valid() && roleRank[r] >= roleRank[min] }

// Actor is who makes a change: an API token, or the command line, which acts
// as a named operator with the admin role. PersonID is the person holding
// the token ("" for the command line, the worker and the scheduler, which
// hold none): the four-eyes rule compares people, so that a second token of
// the same person is still that person.
type Actor struct {
	TokenID  string
	PersonID string
	Name     string
	Role     Role
}

// PersonActorPrefix starts the token id of a person acting through a
// console session, which holds no token: "person:<person id>".
const PersonActorPrefix = "person:"

// SessionActor is the actor for person p signed in to the console. Its
// token id names the person (PersonActorPrefix), so that the four-eyes rule
// finds the same person behind a session as behind any of their tokens.
func SessionActor(p Person) Actor {
	return Actor{TokenID: PersonActorPrefix + p.ID, PersonID: p.ID, Name: p.Name, Role: p.Role}
}

// CLIActor is the actor recorded for changes made with the candor command.
func CLIActor(name string) Actor {
	if name == "" {
		name = "cli"
	}
	return Actor{TokenID: "cli", Name: name, Role: RoleAdmin}
}

type actorKey struct{}

// NewContextWithActor returns ctx carrying the actor that makes the request.
func NewContextWithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFromContext returns the actor carried by ctx; ok is false when none is.
func ActorFromContext(ctx context.Context) (a Actor, ok bool) {
	a, ok = ctx.Value(actorKey{}).(Actor)
	return a, ok
}

// require returns EFORBIDDEN unless the actor has a token and a role of at
// least min. An actor without a token ID is refused outright: the four-eyes
// rule cannot tell two anonymous actors apart.
func (a Actor) require(min Role, action string) error {
	if a.TokenID == "" {
		return Errorf(EFORBIDDEN, "%s needs an identified token", action)
	}
	if !a.Role.Allows(min) {
		return Errorf(EFORBIDDEN, "role %q may not %s; %s or above only", a.Role, action, min)
	}
	return nil
}

// SystemActor is recorded for what Candor does by itself: a send started or
// completed by the worker, a statement published at its hour.
var SystemActor = Actor{TokenID: "system", Name: "candor worker", Role: RoleAdmin}
