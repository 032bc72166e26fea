package candor_test

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// The domain (this package) and the deadline engine hold rules only: no web
// framework, queue, mailer, database or ORM reaches them, directly or
// through another package, so a reader finds the law apart from the
// plumbing and the engine can be tested on its own.
func TestDomainImportsNoPlumbing(t *testing.T) {
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	out, err := exec.Command(goTool, "list", "-deps", ".", "./deadline", "./jurisdictions", "./holidays").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	forbidden := []string{"github.com/gin-gonic/", "github.com/hibiken/asynq", "github.com/wneessen/go-mail",
		"gorm.io/", "github.com/redis/", "github.com/jackc/", "github.com/mattn/go-sqlite3", "database/sql",
		"github.com/candor-dev/candor/store", "github.com/candor-dev/candor/api", "github.com/candor-dev/candor/jobs"}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list named %d packages: %q", len(deps), deps)
	}
	for _, d := range deps {
		for _, f := range forbidden {
			if strings.HasPrefix(d, f) {
				t.Errorf("the domain depends on %s", d)
			}
		}
	}
}
