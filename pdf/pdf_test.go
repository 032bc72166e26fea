package pdf_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/candor-dev/candor/pdf"
)

// newPrinter starts the real browser; a missing one fails under CI.
func newPrinter(t *testing.T) *pdf.Printer {
	t.Helper()
	if _, err := pdf.Find(""); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	p, err := pdf.New(ctx, pdf.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// pdfText extracts the text of a PDF with poppler's pdftotext.
func pdfText(t *testing.T, doc []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatal("pdftotext (poppler-utils) is needed: ", err)
	}
	f := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(f, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", f, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

func doc(lang, body string) []byte {
	return []byte(`<!doctype html><html lang="` + lang + `"><head><meta charset="utf-8"><style>body{font-family:sans-serif}h1{color:#234}</style></head><body>` + body + `</body></html>`)
}

func TestPrint(t *testing.T) {
	p := newPrinter(t)
	cases := []struct {
		name, lang, body string
		page             pdf.Page
		want             []string
	}{
		{"en", "en", `<h1>Report to the regulator</h1><p>Unauthorized access identified on 11 June 2020.</p>`, pdf.Letter,
			[]string{"Report to the regulator", "11 June 2020"}},
		{"ja", "ja", `<h1>個人情報保護委員会への速報</h1><p>当社グループへの不正アクセスについて</p>`, pdf.A4,
			[]string{"個人情報保護委員会への速報", "当社グループへの不正アクセスについて"}},
		{"th", "th", `<h1>การแจ้งเหตุการละเมิดข้อมูลส่วนบุคคล</h1><p>สำนักงานคณะกรรมการคุ้มครองข้อมูลส่วนบุคคล</p>`, pdf.A4,
			[]string{"การแจ้งเหตุการละเมิดข้อมูลส่วนบุคคล", "สำนักงานคณะกรรมการคุ้มครองข้อมูลส่วนบุคคล"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := p.Print(context.Background(), doc(c.lang, c.body), c.page)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(out, []byte("%PDF-")) {
				t.Fatalf("not a PDF: %q", out[:min(len(out), 16)])
			}
			text := pdfText(t, out)
			for _, w := range c.want {
				if !strings.Contains(text, w) {
					t.Errorf("text lacks %q:\n%s", w, text)
				}
			}
			if dir := os.Getenv("CANDOR_PDF_ARTIFACTS"); dir != "" {
				os.WriteFile(filepath.Join(dir, "pdf-"+c.name+".pdf"), out, 0o644)
			}
		})
	}
}

// Tabs run side by side on one browser.
func TestPrintConcurrent(t *testing.T) {
	p := newPrinter(t)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Go(func() {
			out, err := p.Print(context.Background(), doc("ja", strings.Repeat("<p>速報 "+string(rune('A'+i))+"</p>", 50)), pdf.A4)
			if err == nil && !bytes.HasPrefix(out, []byte("%PDF-")) {
				err = os.ErrInvalid
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

// A document cannot fetch anything: the image fails, the print succeeds.
func TestPrintNoNetwork(t *testing.T) {
	p := newPrinter(t)
	out, err := p.Print(context.Background(), doc("en", `<img src="http://127.0.0.1:1/x.png"><p>offline</p>`), pdf.A4)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(pdfText(t, out), "offline") {
		t.Error("text missing")
	}
}

func TestPrintBadPage(t *testing.T) {
	p := newPrinter(t)
	for _, pg := range []pdf.Page{{}, {WidthMM: 100, HeightMM: 100, MarginMM: 60}, {WidthMM: -1, HeightMM: 10}} {
		if _, err := p.Print(context.Background(), doc("en", "x"), pg); err == nil {
			t.Errorf("%+v: no error", pg)
		}
	}
}

func TestPrintCancelled(t *testing.T) {
	p := newPrinter(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := p.Print(ctx, doc("en", "x"), pdf.A4); err == nil {
		t.Error("a cancelled print succeeded")
	}
	// The printer still works afterwards.
	if _, err := p.Print(context.Background(), doc("en", "x"), pdf.A4); err != nil {
		t.Fatal(err)
	}
}
