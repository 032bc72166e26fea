// Package deploy_test checks the Kubernetes manifests in this directory and
// ../compose.yaml by parsing them: no Docker engine or cluster runs where the
// tests run, so this is what keeps them honest.
package deploy_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

type obj = map[string]any

// get walks a path of map keys and list indexes.
func get(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(obj)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

func str(v any, path ...any) string { s, _ := get(v, path...).(string); return s }

func decodeAll(t *testing.T, path string) []obj {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var docs []obj
	dec := yaml.NewDecoder(bytes.NewReader(b))
	for {
		var d obj
		err := dec.Decode(&d)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if d != nil {
			docs = append(docs, d)
		}
	}
	return docs
}

// manifests returns every Kubernetes object in deploy/, by file.
func manifests(t *testing.T) map[string][]obj {
	t.Helper()
	files, _ := filepath.Glob("*.yaml")
	out := map[string][]obj{}
	for _, f := range files {
		if f != "kustomization.yaml" {
			out[f] = decodeAll(t, f)
		}
	}
	if len(out) < 7 {
		t.Fatalf("only %d manifests in deploy/", len(out))
	}
	return out
}

func find(all map[string][]obj, kind, name string) obj {
	for _, docs := range all {
		for _, d := range docs {
			if d["kind"] == kind && str(d, "metadata", "name") == name {
				return d
			}
		}
	}
	return nil
}

// settings are the CANDOR_* variables the binary reads (cmd/candor/config.go).
func settings(t *testing.T) map[string]bool {
	t.Helper()
	b, err := os.ReadFile("../cmd/candor/config.go")
	if err != nil {
		t.Fatal(err)
	}
	// MALLOC_ARENA_MAX is glibc's, read by the C library under SQLite
	// (README, Operations, Memory).
	out := map[string]bool{"MALLOC_ARENA_MAX": true}
	for _, m := range regexp.MustCompile(`env:"(CANDOR_[A-Z0-9_]+)"`).FindAllStringSubmatch(string(b), -1) {
		out[m[1]] = true
	}
	return out
}

func TestEveryManifestIsAnObject(t *testing.T) {
	for file, docs := range manifests(t) {
		for i, d := range docs {
			if str(d, "apiVersion") == "" || str(d, "kind") == "" || str(d, "metadata", "name") == "" {
				t.Errorf("%s document %d lacks apiVersion, kind or metadata.name", file, i+1)
			}
			if d["kind"] != "Namespace" && str(d, "metadata", "namespace") != "candor" {
				t.Errorf("%s %s/%s is not in namespace candor", file, d["kind"], str(d, "metadata", "name"))
			}
		}
	}
}

// kubectl apply -k deploy/ applies every manifest but the example Secret.
func TestKustomizationListsEveryManifest(t *testing.T) {
	k := decodeAll(t, "kustomization.yaml")[0]
	var listed []string
	for _, r := range get(k, "resources").([]any) {
		listed = append(listed, r.(string))
	}
	var want []string
	for f := range manifests(t) {
		if f != "secret.example.yaml" {
			want = append(want, f)
		}
	}
	sort.Strings(listed)
	sort.Strings(want)
	if !slices.Equal(listed, want) {
		t.Fatalf("kustomization lists %v, the directory has %v", listed, want)
	}
}

func container(d obj) obj {
	c, _ := get(d, "spec", "template", "spec", "containers", 0).(obj)
	return c
}

func TestCandorDeployments(t *testing.T) {
	all := manifests(t)
	known := settings(t)
	api, worker := find(all, "Deployment", "candor-api"), find(all, "Deployment", "candor-worker")
	if api == nil || worker == nil {
		t.Fatal("candor-api or candor-worker Deployment missing")
	}
	ac, wc := container(api), container(worker)
	if str(ac, "image") == "" || str(ac, "image") != str(wc, "image") {
		t.Errorf("api image %q, worker image %q: must be the same", str(ac, "image"), str(wc, "image"))
	}
	for _, c := range []struct {
		name string
		c    obj
		d    obj
		arg  string
	}{{"candor-api", ac, api, "serve"}, {"candor-worker", wc, worker, "worker"}} {
		if args := get(c.c, "args"); len(args.([]any)) != 1 || get(args, 0) != c.arg {
			t.Errorf("%s runs %v, want [%s]", c.name, args, c.arg)
		}
		if get(c.d, "spec", "template", "spec", "securityContext", "runAsNonRoot") != true ||
			get(c.c, "securityContext", "allowPrivilegeEscalation") != false {
			t.Errorf("%s may run as root or escalate", c.name)
		}
		if str(c.c, "livenessProbe", "httpGet", "path") != "/healthz" {
			t.Errorf("%s liveness probe is not /healthz", c.name)
		}
		if str(c.c, "readinessProbe", "httpGet", "path") != "/readyz" {
			t.Errorf("%s readiness probe is not /readyz", c.name)
		}
		for _, src := range get(c.c, "envFrom").([]any) {
			if n := str(src, "configMapRef", "name"); n != "" && find(all, "ConfigMap", n) == nil {
				t.Errorf("%s reads ConfigMap %s, which is not defined", c.name, n)
			}
			if n := str(src, "secretRef", "name"); n != "" && find(all, "Secret", n) == nil {
				t.Errorf("%s reads Secret %s, which the example does not define", c.name, n)
			}
		}
	}
	// The API's probes are on its public port; the worker's on the
	// operations listener, which the ConfigMap must then turn on.
	if get(ac, "readinessProbe", "httpGet", "port") != "http" {
		t.Errorf("api readiness probe port: %v", get(ac, "readinessProbe", "httpGet", "port"))
	}
	cm := find(all, "ConfigMap", "candor")
	if !strings.HasSuffix(str(cm, "data", "CANDOR_METRICS_LISTEN"), ":9090") || get(wc, "livenessProbe", "httpGet", "port") != "metrics" {
		t.Error("worker probes need CANDOR_METRICS_LISTEN on the metrics port")
	}
	for _, src := range []obj{get(cm, "data").(obj), get(find(all, "Secret", "candor"), "stringData").(obj)} {
		for k := range src {
			if strings.HasPrefix(k, "CANDOR_") && !known[k] {
				t.Errorf("%s is not a setting candor reads", k)
			}
		}
	}
	for k, v := range get(find(all, "Secret", "candor"), "stringData").(obj) {
		if !strings.Contains(v.(string), "CHANGE-ME") {
			t.Errorf("example Secret %s holds a value, not a placeholder", k)
		}
	}
	svc := find(all, "Service", "candor-api")
	for k, v := range get(svc, "spec", "selector").(obj) {
		if get(api, "spec", "template", "metadata", "labels", k) != v {
			t.Errorf("Service candor-api selects %s=%v, which the API pods do not carry", k, v)
		}
	}
}

func TestBackingServices(t *testing.T) {
	all := manifests(t)
	redis := find(all, "StatefulSet", "redis")
	args := strings.Join(toStrings(get(container(redis), "args")), " ")
	if !strings.Contains(args, "--appendonly yes") || get(redis, "spec", "volumeClaimTemplates", 0) == nil {
		t.Errorf("redis without AOF on a volume: %q", args)
	}
	if pg := find(all, "StatefulSet", "postgres"); pg == nil || get(pg, "spec", "volumeClaimTemplates", 0) == nil {
		t.Error("postgres StatefulSet with a volume missing")
	}
	for _, kind := range []string{"Deployment", "Service"} {
		if find(all, kind, "mailpit") == nil {
			t.Errorf("mailpit %s missing", kind)
		}
	}
	for _, name := range []string{"redis", "postgres", "mailpit", "candor-api"} {
		if find(all, "Service", name) == nil {
			t.Errorf("Service %s missing", name)
		}
	}
	cm := find(all, "ConfigMap", "candor")
	if !strings.Contains(str(cm, "data", "CANDOR_REDIS_URL"), "//redis:6379") ||
		!strings.Contains(str(cm, "data", "CANDOR_SMTP_URL"), "//mailpit:1025") {
		t.Error("ConfigMap does not point at the redis and mailpit Services")
	}
}

func toStrings(v any) []string {
	var out []string
	l, _ := v.([]any)
	for _, x := range l {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

func TestCompose(t *testing.T) {
	c := decodeAll(t, "../compose.yaml")[0]
	svcs, _ := get(c, "services").(obj)
	known := settings(t)
	api, worker := svcs["api"], svcs["worker"]
	if api == nil || worker == nil {
		t.Fatal("compose lacks api or worker")
	}
	if !slices.Equal(toStrings(get(api, "command")), []string{"serve"}) || !slices.Equal(toStrings(get(worker, "command")), []string{"worker"}) {
		t.Errorf("api runs %v, worker runs %v", get(api, "command"), get(worker, "command"))
	}
	if get(api, "build") != get(worker, "build") || get(api, "image") != get(worker, "image") {
		t.Error("api and worker are built from different images")
	}
	for _, s := range []any{api, worker} {
		env, _ := get(s, "environment").(obj)
		if str(env, "CANDOR_DATABASE_URL") == "" || str(env, "CANDOR_REDIS_URL") == "" {
			t.Errorf("a candor service lacks its database or Redis URL: %v", env)
		}
		for k := range env {
			if !known[k] {
				t.Errorf("compose sets %s, which candor does not read", k)
			}
		}
	}
	if !strings.Contains(strings.Join(toStrings(get(svcs["redis"], "command")), " "), "--appendonly yes") {
		t.Error("compose redis without --appendonly yes")
	}
	if svcs["postgres"] == nil {
		t.Error("compose lacks postgres")
	}
	catcher := ""
	for name, s := range svcs {
		if img := str(s, "image"); strings.Contains(img, "mailpit") || strings.Contains(img, "mailhog") {
			catcher = name
		}
	}
	if catcher == "" || !strings.Contains(str(get(api, "environment"), "CANDOR_SMTP_URL"), "//"+catcher+":") {
		t.Errorf("no SMTP catcher that CANDOR_SMTP_URL points at (catcher %q)", catcher)
	}
}
