package e2e

import (
	"context"
	"encoding/json"
	"html"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/render"
	"github.com/candor-dev/candor/templates"
)

// letterProbe is appended to a letter before it is loaded: it measures the
// page as laid out and leaves the result, as JSON, in an attribute of the
// top page's <html>, which --dump-dom prints. The screenshots are of the
// letter alone.
const letterProbe = `<script>
(function () {
  var d = document.documentElement, r = {lang: d.lang, dir: d.dir, innerWidth: window.innerWidth,
    scrollWidth: d.scrollWidth, scrollHeight: d.scrollHeight};
  // The first text a reader sees: the first non-blank text node with a box.
  var w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT), n;
  while ((n = w.nextNode())) {
    if (!n.nodeValue.trim() || n.parentElement.closest('script')) continue;
    var rg = document.createRange(); rg.selectNodeContents(n);
    var b = rg.getBoundingClientRect();
    if (b.width > 0 && b.height > 0) { r.firstText = n.nodeValue.trim(); break; }
  }
  // The body's paragraphs: each laid out with a height, none wider than the page.
  var ps = document.querySelectorAll('p, li, h2'), min = 1e9, right = 0, left = 1e9;
  for (var i = 0; i < ps.length; i++) {
    var pb = ps[i].getBoundingClientRect();
    min = Math.min(min, pb.height); right = Math.max(right, pb.right); left = Math.min(left, pb.left);
  }
  r.paragraphs = ps.length; r.minHeight = min; r.right = right; r.left = left;
  var p = ps[1] || ps[0];
  if (p) { var s = getComputedStyle(p); r.font = s.fontFamily; r.lineHeight = parseFloat(s.lineHeight); r.fontSize = parseFloat(s.fontSize); }
  // In the harness's frame (see frame) the result goes to the top page,
  // which is what --dump-dom prints.
  window.top.document.documentElement.setAttribute('data-probe', JSON.stringify(r));
})();
</script>`

type letterMeasure struct {
	Lang, Dir    string
	InnerWidth   float64 `json:"innerWidth"`
	ScrollWidth  float64 `json:"scrollWidth"`
	ScrollHeight float64 `json:"scrollHeight"`
	FirstText    string  `json:"firstText"`
	Paragraphs   int
	MinHeight    float64 `json:"minHeight"`
	Left, Right  float64
	Font         string
	LineHeight   float64 `json:"lineHeight"`
	FontSize     float64 `json:"fontSize"`
}

// fonts fails the test when the machine has no font for a language the
// letters are checked in: the screenshots would show boxes. `make test`
// installs them (scripts/test.sh); like chromium, they are never skipped.
func fonts(t *testing.T, langs ...string) {
	t.Helper()
	for _, l := range langs {
		out, err := exec.Command("fc-list", ":lang="+l, "family").Output()
		if err != nil || strings.TrimSpace(string(out)) == "" {
			t.Fatalf("no font for %q (CI=%q, fc-list: %v): run the tests with `make test`, which installs fonts-noto-cjk and fonts-thai-tlwg", l, os.Getenv("CI"), err)
		}
	}
}

// TestLetterInBrowser lays out the default customer notice, wrapped by
// render.Letter, in headless Chromium on a phone and a desktop, in
// English, Japanese and Thai, and keeps screenshots in test-artifacts/.
func TestLetterInBrowser(t *testing.T) {
	chrome := chromium(t)
	fonts(t, "ja", "th")
	artifacts := filepath.Join(repoRoot(t), "test-artifacts")
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	variants, def := templates.Defaults(candor.KindCustomerNotice)
	zone := time.FixedZone("JST", 9*3600)
	orgs := map[string]string{"en": "Kawasaki Heavy Industries, Ltd.", "ja": "川崎重工業株式会社", "th": "บริษัท คาวาซากิ เฮฟวี่ อินดัสทรีส์ จำกัด"}
	summaries := map[string]string{
		"en": "On June 11, 2020, an internal system audit revealed a connection to a server in Japan from an overseas office (Thailand) that should not have occurred.",
		"ja": "2020年6月11日、社内監査により、海外拠点（タイ）から日本国内のサーバーへの本来発生しないはずの接続が判明いたしました。",
		"th": "เมื่อวันที่ 11 มิถุนายน 2563 การตรวจสอบระบบภายในพบการเชื่อมต่อจากสำนักงานในต่างประเทศ (ประเทศไทย) ไปยังเซิร์ฟเวอร์ในญี่ปุ่นซึ่งไม่ควรเกิดขึ้น",
	}
	for _, loc := range []string{"en", "ja", "th"} {
		t.Run(loc, func(t *testing.T) {
			got, v := render.PickVariant(variants, def, loc)
			if got != loc {
				t.Fatalf("no default %s variant (got %q)", loc, got)
			}
			cats := []string{"name", "email", "postal_address"}
			data := render.Data{
				Customer: render.SampleCustomer(loc, cats),
				Incident: render.IncidentView{Title: "Unauthorized access", Summary: summaries[loc],
					DiscoveredAt: time.Date(2020, 6, 11, 0, 0, 0, 0, zone), Severity: "high", DataCategories: cats,
					Events: []render.EventView{
						{Date: time.Date(2020, 6, 11, 0, 0, 0, 0, zone), DateOnly: true, Description: summaries[loc]},
						{Date: time.Date(2020, 7, 8, 0, 0, 0, 0, zone), DateOnly: true, Description: "https://statements.example.com/kawasaki-2020/v/1/a-very-long-address-without-any-place-to-break-it"},
					}},
				Org:       render.OrgView{Name: orgs[loc], ContactEmail: "privacy-office@global.kawasaki-heavy-industries.example.com", ContactPhone: "+81 3 0000 0000"},
				Statement: render.StatementView{URL: "https://www.khi.example.co.jp/statements/concerning-unauthorized-access-to-kawasaki-group-2020"},
				Notice:    render.NoticeView{Date: time.Date(2020, 12, 28, 0, 0, 0, 0, zone), Reference: "INC-7Q4M-2K9D"},
			}
			r, err := render.Render(context.Background(), v, loc, data)
			if err != nil {
				t.Fatal(err)
			}
			doc := render.Letter(r, loc, data.Org.Name).HTML
			probed := strings.Replace(doc, "</body>", letterProbe+"\n</body>", 1)
			for _, width := range []int{390, 1024} {
				m := probeLetter(t, chrome, probed, width)
				t.Logf("%s at %dpx: %+v", loc, width, m)
				if m.Lang != loc || m.Dir != "ltr" {
					t.Errorf("%dpx: lang %q dir %q", width, m.Lang, m.Dir)
				}
				if m.FirstText != data.Org.Name {
					t.Errorf("%dpx: the first text is %q, not the organisation", width, m.FirstText)
				}
				if m.InnerWidth != float64(width) {
					t.Errorf("the window is %vpx wide, not %d", m.InnerWidth, width)
				}
				if m.ScrollWidth > float64(width) || m.Right > float64(width) || m.Left < 0 {
					t.Errorf("%dpx: overflows: scrollWidth %v, text from %v to %v", width, m.ScrollWidth, m.Left, m.Right)
				}
				if width == 1024 && m.Right-m.Left > 600 {
					t.Errorf("the text is %vpx wide on a desktop, past the 600px sheet", m.Right-m.Left)
				}
				if m.Paragraphs < 5 || m.MinHeight <= 0 || m.FontSize < 15 {
					t.Errorf("%dpx: the body is not laid out: %d blocks, smallest %vpx high, font %vpx", width, m.Paragraphs, m.MinHeight, m.FontSize)
				}
				if !strings.Contains(m.Font, "Noto Sans CJK JP") {
					t.Errorf("font-family %q", m.Font)
				}
				if loc != "en" && m.LineHeight < 1.65*m.FontSize {
					t.Errorf("%s line height %v for %vpx text", loc, m.LineHeight, m.FontSize)
				}
				shot := filepath.Join(artifacts, "letter-"+loc+"-"+strconv.Itoa(width)+".png")
				screenshot(t, chrome, doc, width, int(m.ScrollHeight), shot)
			}
		})
	}
}

var probeAttr = regexp.MustCompile(`data-probe="([^"]*)"`)

// Headless Chromium's window is at least 500px wide, so a phone's 390px is
// a frame of that width in a page of the window's: the letter lays out in
// its own 390px viewport (innerWidth, scrollWidth and the viewport meta
// are the frame's). frame writes that page into dir and returns its URL.
func frame(t *testing.T, doc string, width, height int) string {
	t.Helper()
	page := `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="margin:0;background:#fff">` +
		`<iframe style="border:0;display:block" width="` + strconv.Itoa(width) + `" height="` + strconv.Itoa(height) +
		`" srcdoc="` + html.EscapeString(doc) + `"></iframe></body></html>`
	path := filepath.Join(t.TempDir(), "frame.html")
	if err := os.WriteFile(path, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	return "file://" + path
}

func windowSize(width, height int) string {
	return "--window-size=" + strconv.Itoa(max(width, 500)) + "," + strconv.Itoa(height)
}

func probeLetter(t *testing.T, chrome, doc string, width int) letterMeasure {
	t.Helper()
	dom := browser(t, chrome, frame(t, doc, width, 900), "--dump-dom", windowSize(width, 900))
	m := probeAttr.FindStringSubmatch(dom)
	if m == nil {
		t.Fatalf("the probe left nothing in:\n%s", tail(dom, 2000))
	}
	var out letterMeasure
	if err := json.Unmarshal([]byte(html.UnescapeString(m[1])), &out); err != nil {
		t.Fatalf("probe %q: %v", m[1], err)
	}
	return out
}

// screenshot saves the whole letter laid out at width to path, cut to the
// frame.
func screenshot(t *testing.T, chrome, doc string, width, height int, path string) {
	t.Helper()
	raw := filepath.Join(t.TempDir(), "shot.png")
	browser(t, chrome, frame(t, doc, width, height), "--screenshot="+raw, windowSize(width, height))
	f, err := os.Open(raw)
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if b := img.Bounds(); b.Dx() < width || b.Dy() < height {
		t.Fatalf("screenshot is %v, want %dx%d", b, width, height)
	}
	cut := img.(interface {
		SubImage(image.Rectangle) image.Image
	}).SubImage(image.Rect(0, 0, width, height))
	os.Remove(path)
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(out, cut); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}
