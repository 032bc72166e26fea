package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/compose"
	"github.com/candor-dev/candor/pages"
	"github.com/candor-dev/candor/templates"
)

// hostileTail is pasted under the default Japanese and Thai statements:
// each line would run, navigate or restyle the page if it got through.
const hostileTail = `
<script>document.title = "script ran"</script>
<img src=x onerror="document.title = 'onerror ran'">
<meta http-equiv=refresh content="0;url=about:blank#refreshed">
<p><a href="javascript:document.title='link ran'" id="js-link">link</a></p>
<iframe src="about:blank#framed"></iframe>
<style>body{display:none;outline:9px solid red}</style>
<table><tr><th>日付</th><td>2020年6月11日</td></tr></table>`

// TestSanitisedStatementsInBrowser exports a Japanese and a Thai statement
// with hostile markup (as candor export-statements does) and opens the
// files in headless Chromium: the page is the statement, in its language,
// with nothing run, no refresh and nothing hidden. An exported page with a
// script put back in by hand shows that its CSP <meta> stops it too.
func TestSanitisedStatementsInBrowser(t *testing.T) {
	chrome := chromium(t)
	artifacts := filepath.Join(repoRoot(t), "test-artifacts")
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	defaults, _ := templates.Defaults(candor.KindPublicStatement)
	variants := map[string]candor.Variant{}
	for _, loc := range []string{"ja", "th"} {
		v := defaults[loc]
		v.Body += hostileTail
		variants[loc] = v
	}
	org := compose.Org("Kawasaki Heavy Industries", "privacy@example.com", "", "https://www.khi.co.jp")
	facts := &compose.Facts{Org: org, Statement: compose.Statement{URL: "https://www.example.com/statements/kawasaki-2020", Published: true},
		Incident: candor.Incident{Title: "不正アクセス", Summary: "海外拠点から日本国内のサーバーへの不審な接続を確認しました。",
			DiscoveredAt: time.Date(2020, 6, 11, 0, 0, 0, 0, time.UTC), Severity: "high", DataCategories: []string{"name", "email"}, Timezone: "Asia/Tokyo"},
		Events: []candor.Event{{OccurredOn: "2020-06-11", Description: "タイの海外拠点からの不正アクセスを確認", Public: true}}}
	rev := candor.Revision{Number: 1, Content: candor.DisclosureContent{Title: "Kawasaki", DefaultLocale: "ja", Variants: variants}}
	content, err := pages.RenderContent(context.Background(), rev, facts)
	if err != nil {
		t.Fatal(err)
	}
	site, err := pages.New(pages.Config{BaseURL: "https://www.example.com", Org: org.View("", "")})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	pub := candor.Publication{ID: "p1", Slug: "kawasaki-2020", State: candor.PublicationPublished,
		PublishAt: time.Date(2020, 12, 28, 6, 0, 0, 0, time.UTC), Content: &content}
	if _, err := site.Export(dir, "https://www.example.com/statements", []candor.Publication{pub}); err != nil {
		t.Fatal(err)
	}

	for _, tt := range []struct{ lang, text string }{
		{"ja", "海外拠点から日本国内のサーバーへの不審な接続を確認しました。"},           // the summary, in the text
		{"th", "เรื่อง เหตุการละเมิดข้อมูลส่วนบุคคล</h1>"}, // the Thai heading
	} {
		t.Run(tt.lang, func(t *testing.T) {
			file := filepath.Join(dir, "kawasaki-2020", "index."+tt.lang+".html")
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			dom := browser(t, chrome, "file://"+file, "--dump-dom", "--virtual-time-budget=2000")
			for _, want := range []string{`<html lang="` + tt.lang + `" dir="ltr">`, `data-element="what_happened"`, tt.text,
				"<th>日付</th>", `<a href="mailto:privacy@example.com">`, `http-equiv="Content-Security-Policy"`} {
				if !strings.Contains(dom, want) {
					t.Errorf("DOM lacks %q", want)
				}
			}
			for _, bad := range []string{"script ran", "onerror ran", "link ran", "<script", "onerror", "refresh", "<iframe", "javascript:", "outline:9px"} {
				if strings.Contains(dom, bad) || strings.Contains(string(raw), bad) {
					t.Errorf("page holds %q", bad)
				}
			}
			shot := filepath.Join(artifacts, "statement-sanitised-"+tt.lang+"-phone.png")
			os.Remove(shot)
			browser(t, chrome, "file://"+file, "--screenshot="+shot, "--window-size=390,1400")
			if fi, err := os.Stat(shot); err != nil || fi.Size() < 1000 {
				t.Errorf("screenshot %s: %v", shot, err)
			} else {
				t.Logf("screenshot: %s", shot)
			}
		})
	}

	// Defence in depth: a script put into an exported file by hand is
	// still not run, by the file's own Content-Security-Policy.
	file := filepath.Join(dir, "kawasaki-2020", "index.ja.html")
	raw, _ := os.ReadFile(file)
	tampered := strings.Replace(string(raw), "</h1>", `</h1><script>document.title = "script ran"</script><p id="probe">probe</p>`, 1)
	probe := filepath.Join(dir, "tampered.html")
	if err := os.WriteFile(probe, []byte(tampered), 0o644); err != nil {
		t.Fatal(err)
	}
	if dom := browser(t, chrome, "file://"+probe, "--dump-dom", "--virtual-time-budget=2000"); !strings.Contains(dom, `id="probe"`) || strings.Contains(dom, "<title>script ran") {
		t.Errorf("a script in an exported page ran despite its CSP <meta>:\n%.600s", dom)
	}
	// and without the <meta> it would have: the probe is a real one.
	bare := strings.Replace(tampered, `<meta http-equiv="Content-Security-Policy"`, `<meta name="x-removed"`, 1)
	if err := os.WriteFile(probe, []byte(bare), 0o644); err != nil {
		t.Fatal(err)
	}
	if dom := browser(t, chrome, "file://"+probe, "--dump-dom", "--virtual-time-budget=2000"); !strings.Contains(dom, "<title>script ran") {
		t.Errorf("the probe script did not run without the CSP either: the check proves nothing\n%.600s", dom)
	}
}
