package main

import (
	"strings"
	"testing"

	"github.com/candor-dev/candor/internal/testenv"
)

// candor person create and list, and token create for a person (by e-mail
// or by name), on both databases.
func TestPersonCommands(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			env := []string{"CANDOR_DATABASE_URL=" + d.URL}
			out, stderr, err := runCLI(t, env, "person", "create", "--email", "Rita@Example.com", "--name", "Rita Legal", "--role", "legal")
			if err != nil || !strings.Contains(out, "Rita@example.com") || !strings.Contains(out, "Rita Legal") || !strings.Contains(out, "legal") {
				t.Fatalf("person create: %q %q %v", out, stderr, err)
			}
			rita := strings.Fields(strings.Split(out, "\n")[1])[0]
			if _, stderr, err := runCLI(t, env, "person", "create", "--email", "rita@example.com", "--name", "R", "--role", "viewer"); err == nil || !strings.Contains(stderr, "exists") {
				t.Fatalf("same e-mail twice: %q %v", stderr, err)
			}
			if _, stderr, err := runCLI(t, env, "person", "create", "--name", "R", "--role", "viewer"); err == nil || !strings.Contains(stderr, "email: is required") {
				t.Fatalf("no e-mail: %q %v", stderr, err)
			}
			secret, stderr, err := runCLI(t, env, "token", "create", "--person", "RITA@example.com", "--role", "legal")
			if err != nil || !strings.HasPrefix(secret, "cnd_") {
				t.Fatalf("token for rita: %q %q %v", secret, stderr, err)
			}
			if _, stderr, err := runCLI(t, env, "token", "create", "--person", "rita@example.com", "--role", "admin"); err == nil || !strings.Contains(stderr, "role") {
				t.Fatalf("token above rita's role: %q %v", stderr, err)
			}
			// --name without --person keeps working: the person of that name,
			// created the first time.
			for _, role := range []string{"admin", "comms"} {
				if _, stderr, err := runCLI(t, env, "token", "create", "--name", "ops", "--role", role); err != nil {
					t.Fatalf("token create --name ops --role %s: %s", role, stderr)
				}
			}
			list, _, err := runCLI(t, env, "person", "list")
			if err != nil || strings.Count(list, "ops") != 1 || !strings.Contains(list, rita) || !strings.Contains(list, "Rita@example.com") {
				t.Fatalf("person list: %q %v", list, err)
			}
			toks, _, _ := runCLI(t, env, "token", "list")
			if strings.Count(toks, rita) != 1 || strings.Count(toks, "\n") != 4 {
				t.Fatalf("token list: %q", toks)
			}
		})
	}
}
