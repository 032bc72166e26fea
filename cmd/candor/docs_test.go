package main

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// The README and the guides are read by people who type what they say, so
// what they name must exist: every CANDOR_* variable the code reads is
// documented in a guide, and every `candor ...` command they show is one
// the binary has.

func repoFile(t *testing.T, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", rel))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// docs returns the README and every guide, by path.
func docs(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{"README.md": repoFile(t, "README.md")}
	guides, err := filepath.Glob(filepath.Join("..", "..", "docs", "*.md"))
	if err != nil || len(guides) == 0 {
		t.Fatalf("no guides in docs/: %v", err)
	}
	for _, g := range guides {
		rel, _ := filepath.Rel(filepath.Join("..", ".."), g)
		out[rel] = repoFile(t, rel)
	}
	return out
}

var envName = regexp.MustCompile(`CANDOR_[A-Z0-9_]*[A-Z0-9]`)

// envLiteral is a name as the code reads it: a string literal or a struct
// tag (env:"CANDOR_X"), not a mention in a comment.
var envLiteral = regexp.MustCompile(`"(CANDOR_[A-Z0-9_]*[A-Z0-9])"`)

// envRead lists the CANDOR_* names the Go code reads, outside tests and
// test-only packages.
func envRead(t *testing.T) map[string]string {
	t.Helper()
	found := map[string]string{}
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "var", "testdata", "node_modules", "testenv", "e2e", "test-artifacts":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range envLiteral.FindAllStringSubmatch(string(b), -1) {
			if _, ok := found[m[1]]; !ok {
				found[m[1]] = path
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

func TestEveryVariableIsDocumented(t *testing.T) {
	all := ""
	for _, text := range docs(t) {
		all += text
	}
	documented := map[string]bool{}
	for _, m := range envName.FindAllString(all, -1) {
		documented[m] = true
	}
	read := envRead(t)
	if len(read) < 20 {
		t.Fatalf("found only %d CANDOR_* names in the code; the scan is broken", len(read))
	}
	var missing []string
	for name, where := range read {
		if !documented[name] {
			missing = append(missing, name+" (read in "+where+")")
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("CANDOR_* variables the code reads but no guide documents (add them to docs/operations.md):\n  %s",
			strings.Join(missing, "\n  "))
	}
}

// invocation matches `candor X [Y]` as a reader would type it: at the start
// of a line in a code block (optionally ./bin/candor or after $), or in
// backticks in the text.
var invocation = regexp.MustCompile("(?m)(?:^\\s*(?:\\$ )?(?:\\./bin/)?candor|`(?:\\./bin/)?candor|\\$\\(\\./bin/candor|\\$\\(candor) ([a-z][a-z-]*)(?: ([a-z][a-z-]*))?")

func TestEveryDocumentedCommandExists(t *testing.T) {
	cmds := commands()
	checked := 0
	for path, text := range docs(t) {
		for _, m := range invocation.FindAllStringSubmatch(text, -1) {
			name, sub := m[1], m[2]
			if _, ok := cmds[name]; !ok {
				t.Errorf("%s shows `candor %s`, which is not a command", path, name)
				continue
			}
			checked++
			if sub == "" || !hasSubcommands(name) {
				continue
			}
			if !subcommandExists(name, sub) {
				t.Errorf("%s shows `candor %s %s`, which `candor %s` does not have", path, name, sub, name)
			}
		}
	}
	if checked < 10 {
		t.Fatalf("only %d commands found in the README and guides; the scan is broken", checked)
	}
}

// hasSubcommands: commands whose first argument picks what they do.
func hasSubcommands(name string) bool {
	switch name {
	case "migrate", "person", "token", "audit", "bench", "evidence":
		return true
	}
	return false
}

// subcommandExists reads the usage text, which lists each subcommand as
// "name sub"; the benchmarks are also checked against their dispatch table.
func subcommandExists(name, sub string) bool {
	if name == "bench" {
		if _, ok := benches[sub]; ok || sub == "import" || sub == "load" {
			return true
		}
		return false
	}
	line := regexp.MustCompile(`(?m)^\s+` + regexp.QuoteMeta(name) + ` (.*)$`).FindStringSubmatch(usage)
	if line == nil {
		return false
	}
	for _, alt := range regexp.MustCompile(`(?:^|\| )([a-z][a-z-]*)`).FindAllStringSubmatch(line[1], -1) {
		if alt[1] == sub {
			return true
		}
	}
	return strings.Contains(line[1], sub+"|") || strings.Contains(line[1], "|"+sub)
}

func TestEveryMakeTargetExists(t *testing.T) {
	makefile := repoFile(t, "Makefile")
	for path, text := range docs(t) {
		for _, m := range regexp.MustCompile("(?m)(?:^\\s*|`)make ([a-z-]+)").FindAllStringSubmatch(text, -1) {
			if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(m[1]) + `:`).MatchString(makefile) {
				t.Errorf("%s shows `make %s`, which the Makefile does not have", path, m[1])
			}
		}
	}
}
