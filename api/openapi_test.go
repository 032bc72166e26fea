package api_test

import (
	"context"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/api"
	"github.com/candor-dev/candor/internal/testenv"
	"github.com/getkin/kin-openapi/openapi3"
)

func loadOpenAPI(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(api.OpenAPI)
	if err != nil {
		t.Fatalf("load openapi.yaml: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.yaml is not valid OpenAPI 3: %v", err)
	}
	return doc
}

var ginParam = regexp.MustCompile(`[:*](\w+)`)

// The document and the router list the same operations, both ways.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	doc := loadOpenAPI(t)
	e := newEnv(t, testenv.SQLite(t))
	routes := map[string]bool{}
	for _, r := range e.api.Routes() {
		routes[r.Method+" "+ginParam.ReplaceAllString(r.Path, "{$1}")] = true
	}
	documented := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented[method+" "+path] = true
		}
	}
	var missing, extra []string
	for r := range routes {
		if !documented[r] {
			missing = append(missing, r)
		}
	}
	for d := range documented {
		if !routes[d] {
			extra = append(extra, d)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 {
		t.Errorf("routes missing from openapi.yaml: %v", missing)
	}
	if len(extra) > 0 {
		t.Errorf("openapi.yaml documents routes that do not exist: %v", extra)
	}
	if r := e.do("GET", "/api/v1/openapi.json", candor.RoleViewer, nil); r.Status != 200 || r.Body["openapi"] != "3.0.3" {
		t.Errorf("openapi.json: %d", r.Status)
	}
}

var lower = map[string]candor.Role{"comms": candor.RoleViewer, "legal": candor.RoleComms, "admin": candor.RoleLegal}

// Every /api route refuses a request without a token, refuses the role just
// below the one the document names, and lets the named role through.
func TestEveryAPIRouteChecksItsRole(t *testing.T) {
	doc := loadOpenAPI(t)
	e := newEnv(t, testenv.SQLite(t))
	for _, r := range e.api.Routes() {
		if !strings.HasPrefix(r.Path, "/api/") || strings.HasPrefix(r.Path, "/api/v1/webhooks/") {
			continue
		}
		path := ginParam.ReplaceAllString(r.Path, "01a2000a-0000-7000-8000-000000000000")
		name := r.Method + " " + r.Path
		t.Run(name, func(t *testing.T) {
			if got := e.do(r.Method, path, "", nil); got.Status != 401 {
				t.Errorf("without a token: %d", got.Status)
			}
			op := doc.Paths.Find(ginParam.ReplaceAllString(r.Path, "{$1}")).GetOperation(r.Method)
			role, _ := op.Extensions["x-candor-role"].(string)
			if !candor.Role(role).Valid() {
				t.Fatalf("x-candor-role %q is not a role", role)
			}
			if below, ok := lower[role]; ok {
				if got := e.do(r.Method, path, below, "{}"); got.Status != 403 {
					t.Errorf("role %s (below %s): %d %s", below, role, got.Status, got.Raw)
				}
			}
			if got := e.do(r.Method, path, candor.Role(role), "{}"); got.Status == 401 || got.Status == 403 {
				t.Errorf("role %s: %d %s", role, got.Status, got.Raw)
			}
		})
	}
}
