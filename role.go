package candor

// Role is what a token may do. Roles are ordered: each one may do everything
// the ones below it may, so a check is a single comparison (Allows).
type Role string

// Roles, from least to most privileged.
const (
	RoleViewer Role = "viewer" // read
	RoleComms  Role = "comms"  // edit incidents, customers and drafts; submit drafts
	RoleLegal  Role = "legal"  // approve and reject; schedule sends and publications
	RoleAdmin  Role = "admin"  // everything, plus tokens
)

// rank orders the roles; an unknown role ranks below viewer so that a typo
// in stored data denies rather than grants.
func (r Role) rank() int {
	switch r {
	case RoleViewer:
		return 1
	case RoleComms:
		return 2
	case RoleLegal:
		return 3
	case RoleAdmin:
		return 4
	}
	return 0
}

// Valid reports whether r is one of the four roles.
func (r Role) Valid() bool { return r.rank() > 0 }

// Allows reports whether r may do what needs at least min.
// An unknown role allows nothing, and nothing requires an unknown role.
func (r Role) Allows(min Role) bool {
	return r.Valid() && min.Valid() && r.rank() >= min.rank()
}

// Actor is who performs an action: the token's ID (what the four-eyes rule
// compares), a display name for revision history and the audit log, and the
// token's role.
type Actor struct {
	TokenID string
	Name    string
	Role    Role
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
