package main

import (
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/candor-dev/candor/internal/testenv"
)

// bench letters with a tiny N and small files: every customer has exactly
// one row in the manifest, and each row's file, first_page and pages are
// where pdftotext finds its reference, adding up to pdfinfo's page count.
func TestBenchLetters(t *testing.T) {
	d := testenv.SQLite(t)
	dir := t.TempDir()
	env := []string{"CANDOR_DATABASE_URL=" + d.URL, "CANDOR_LOG_LEVEL=warn"}
	if _, _, err := runCLI(t, env, "bench", "letters", "--letters", "5", "--per-file", "5000", "--out", dir); err == nil {
		t.Fatal("--per-file over the API's part: no error")
	}
	out, stderr, err := runCLI(t, env, "bench", "letters", "--letters", "13", "--per-file", "3", "--tabs", "2", "--out", dir)
	if err != nil {
		t.Fatalf("bench letters: %v\n%s\n%s", err, out, stderr)
	}
	num := `[0-9]+(\.[0-9]+)?`
	// 9 A4 letters (JP, TH) in 3 files, 4 US Letter ones in 2.
	re := regexp.MustCompile(`^bench letters: db=sqlite letters=13 files=5 per_file=3 tabs=2 pages=([0-9]+) pdf_mb=` + num +
		` batch=\S+ total=\S+ letters/s=` + num + ` peak_rss_mb=` + num + ` chromium_peak_pss_mb=` + num + ` chromium_cpu_s=` + num +
		` chromium_cpu_ms_per_letter=` + num + ` chromium_cpu_s_by_process=\S+ out=` + regexp.QuoteMeta(dir) + `$`)
	m := re.FindStringSubmatch(strings.TrimSpace(out))
	if m == nil {
		t.Fatalf("output %q does not match %s", out, re)
	}
	f, err := os.Open(filepath.Join(dir, "manifest.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil || len(rows) != 14 || rows[0][8] != "first_page" || rows[0][9] != "pages" {
		t.Fatalf("manifest: %v %q", err, rows)
	}
	seen, total, perFile := map[string]bool{}, 0, map[string]int{}
	for _, r := range rows[1:] {
		if seen[r[0]] {
			t.Errorf("reference %s twice", r[0])
		}
		seen[r[0]] = true
		part, _ := strconv.Atoi(r[6])
		name := filepath.Join(dir, "letters-part"+leftPad(part)+"-"+strings.ToLower(r[5])+".pdf")
		first, _ := strconv.Atoi(r[8])
		n, _ := strconv.Atoi(r[9])
		if first < 1 || n < 1 {
			t.Fatalf("row %q: no pages", r)
		}
		text, err := exec.Command("pdftotext", "-f", r[8], "-l", r[8], name, "-").Output()
		if err != nil {
			t.Fatalf("pdftotext (poppler-utils) %s: %v", name, err)
		}
		if !strings.Contains(string(text), r[0]) {
			t.Errorf("%s: %s is not on page %d", name, r[0], first)
		}
		total += n
		perFile[name] += n
	}
	for name, n := range perFile {
		info, err := exec.Command("pdfinfo", name).Output()
		if err != nil || !regexp.MustCompile(`(?m)^Pages:\s+`+strconv.Itoa(n)+`$`).Match(info) {
			t.Errorf("%s: the manifest gives %d pages; pdfinfo: %v\n%s", name, n, err, info)
		}
	}
	if strconv.Itoa(total) != m[1] {
		t.Errorf("the manifest's pages add up to %d, the bench printed %s", total, m[1])
	}
}

func leftPad(n int) string {
	s := strconv.Itoa(n)
	for len(s) < 4 {
		s = "0" + s
	}
	return s
}
