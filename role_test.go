package candor_test

import (
	"fmt"
	"testing"

	"github.com/candor-dev/candor"
)

func TestRoleAllows(t *testing.T) {
	roles := []candor.Role{candor.RoleViewer, candor.RoleComms, candor.RoleLegal, candor.RoleAdmin}
	for i, r := range roles {
		for j, min := range roles {
			t.Run(fmt.Sprintf("%s for %s", r, min), func(t *testing.T) {
				if got, want := r.Allows(min), i >= j; got != want {
					t.Errorf("%s.Allows(%s) = %v, want %v", r, min, got, want)
				}
			})
		}
	}
	t.Run("unknown roles", func(t *testing.T) {
		if candor.Role("root").Allows(candor.RoleViewer) || candor.RoleAdmin.Allows("root") || candor.Role("").Valid() {
			t.Error("an unknown role granted or was required")
		}
	})
}
