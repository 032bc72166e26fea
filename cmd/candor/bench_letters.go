package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/letters"
	"github.com/candor-dev/candor/pdf"
	"github.com/candor-dev/candor/roster"
	"github.com/candor-dev/candor/store"
)

// benchLetters measures a letter batch end to end: n postal customers in
// Japan, Thailand and the US (ja, th, en), one batch of the approved
// default notice, every part printed to PDF by Chromium and the manifest
// written, into --out. It reports the time of the batch and of the
// printing, pages, letters/s, this process's peak RSS and the peak of
// Chromium's processes' summed PSS (their memory, shared pages counted
// once), and the CPU time Chromium used, by kind of process.
//
//	candor bench letters --letters 100000 --out var/bench-letters
func benchLetters(ctx context.Context, cfg Config, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("bench letters", flag.ContinueOnError)
	n := fs.Int("letters", 100_000, "postal customers (letters)")
	// As many tabs as CPUs: with the fonts chosen by language the print
	// compositor's share is small, and a third renderer on two cores cost
	// more CPU a letter than the waits it filled (3,000 letters: 150-161
	// letters/s with 2 tabs, 138-149 with 3, 144 with 4).
	tabs := fs.Int("tabs", runtime.NumCPU(), "files printed at once (Chromium tabs, each its own renderer process)")
	per := fs.Int("per-file", candor.LettersPerPart, "letters per PDF file (a print job): the API's part, or up to 1000 to compare")
	dir := fs.String("out", "var/bench-letters", "directory for the PDFs and manifest.csv")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return err
	}
	db, err := openCustomerDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	comms := candor.NewContextWithActor(ctx, candor.Actor{TokenID: "bench-comms", Name: "bench comms", Role: candor.RoleComms})
	legal := candor.NewContextWithActor(ctx, candor.Actor{TokenID: "bench-legal", Name: "bench legal", Role: candor.RoleLegal})
	in, err := db.CreateIncident(comms, seedIncident())
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.WriteString("external_id,name,email,country,region,locale,address_lines,city,postal_code\n")
	for i := range *n {
		switch i % 3 {
		case 0:
			fmt.Fprintf(&buf, "jp%d,山田 太郎%d,,JP,JP-13,ja,丸の内%d-1-1|丸の内ビル %d階,千代田区,100-%04d\n", i, i, i%9+1, i%40+1, i%10000)
		case 1:
			fmt.Fprintf(&buf, "th%d,สมชาย ใจดี %d,,TH,TH-10,th,%d ถนนพระราม 1,เขตปทุมวัน,10330\n", i, i, i%999+1)
		default:
			fmt.Fprintf(&buf, "us%d,Ann Lee %d,,US,US-CA,en,%d Market St|Suite %d,San Francisco,94105\n", i, i, i%999+1, i%500)
		}
	}
	rd, err := roster.NewReader("text/csv", &buf, roster.Options{})
	if err != nil {
		return err
	}
	if rep, err := db.ImportCustomers(comms, in.ID, rd, nil); err != nil || rep.Accepted != *n {
		return fmt.Errorf("import: %+v %v", rep, err)
	}
	d, err := db.CreateDisclosure(comms, in.ID, candor.KindCustomerNotice, candor.DisclosureContent{Title: "Notice"}, true)
	if err != nil {
		return err
	}
	if d, err = db.SubmitDisclosure(comms, d.ID, d.Revision); err != nil {
		return err
	}
	if d, err = db.ApproveDisclosure(legal, d.ID, d.Revision); err != nil {
		return err
	}

	resetPeakRSS()
	tree := watchTree(250 * time.Millisecond) // memory every 2 s (pssEvery)
	stopProfile := startProfile()             // CANDOR_CPUPROFILE: candor's side of the printing
	start := time.Now()
	batch, err := db.CreateLetterBatch(legal, d.ID, candor.SendFilter{})
	if err != nil {
		return err
	}
	made := time.Since(start)
	printer, err := pdf.New(ctx, pdf.Options{Tabs: *tabs})
	if err != nil {
		return err
	}
	a4, us, err := db.CountLetters(ctx, batch.ID)
	if err != nil {
		return err
	}
	if *per < 1 || *per > 1000 {
		return fmt.Errorf("--per-file: 1 to 1000")
	}
	parts := letters.PartsOf(a4, us, *per)
	mf, err := os.Create(filepath.Join(*dir, "manifest.csv"))
	if err != nil {
		return err
	}
	defer mf.Close()
	mw := csv.NewWriter(mf)
	mw.Write(letters.ManifestHeader) //nolint:errcheck // flushed below
	var (
		mu           sync.Mutex
		pages, bytes int
		firstErr     error
	)
	work := make(chan letters.Part)
	var wg sync.WaitGroup
	for range *tabs {
		wg.Go(func() {
			book, err := letters.Open(ctx, db, batch, cfg.organisation(), cfg.BaseURL, time.Now())
			for p := range work {
				if err == nil {
					var np, nb int
					np, nb, err = printPart(ctx, db, printer, book, batch.ID, p, *dir, mw, &mu)
					mu.Lock()
					pages, bytes = pages+np, bytes+nb
					mu.Unlock()
				}
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = fmt.Errorf("part %d: %w", p.Part, err)
					}
					mu.Unlock()
				}
			}
		})
	}
	for _, p := range parts {
		work <- p
	}
	close(work)
	wg.Wait()
	mw.Flush()
	el := time.Since(start)
	stopProfile()
	chromeRSS, chromeCPU, byKind := tree.Stop()
	printer.Close()
	if firstErr != nil {
		return firstErr
	}
	fmt.Fprintf(out, "bench letters: db=%s letters=%d files=%d per_file=%d tabs=%d pages=%d pdf_mb=%.1f batch=%s total=%s letters/s=%.0f "+
		"peak_rss_mb=%.1f chromium_peak_pss_mb=%.1f chromium_cpu_s=%.0f chromium_cpu_ms_per_letter=%.1f chromium_cpu_s_by_process=%s out=%s\n",
		db.Dialect(), batch.Total, len(parts), *per, *tabs, pages, float64(bytes)/(1<<20), made.Round(time.Millisecond), el.Round(time.Second),
		float64(batch.Total)/el.Seconds(), peakRSSMB(), chromeRSS, chromeCPU, 1000*chromeCPU/float64(batch.Total), kinds(byKind), *dir)
	return nil
}

// printPart prints one part to its PDF and appends its manifest rows.
func printPart(ctx context.Context, db *store.DB, printer *pdf.Printer, book *letters.Book, batchID string, p letters.Part, dir string, mw *csv.Writer, mu *sync.Mutex) (int, int, error) {
	rows, err := db.BatchLetters(ctx, batchID, p.Paper == "Letter", p.Offset, p.Letters)
	if err != nil {
		return 0, 0, err
	}
	rs := make([]letters.Recipient, len(rows))
	for i, r := range rows {
		rs[i] = letters.Recipient{Reference: r.Letter.Reference, Customer: r.Customer}
	}
	paper := pdf.A4
	if p.Paper == "Letter" {
		paper = pdf.Letter
	}
	paper.Untagged = true // as the API prints letters
	html, langs, err := book.DocumentFor(ctx, p.Paper, rs)
	if err != nil {
		return 0, 0, err
	}
	doc, err := printer.Print(ctx, html, paper)
	if err != nil {
		return 0, 0, err
	}
	name := fmt.Sprintf("letters-part%04d-%s.pdf", p.Part, strings.ToLower(p.Paper))
	if err := os.WriteFile(filepath.Join(dir, name), doc, 0o644); err != nil {
		return 0, 0, err
	}
	// Where each letter lies, for the manifest, as the API finds it.
	links, err := pdf.PageLinks(doc)
	if err != nil {
		return 0, 0, err
	}
	refs := make([]string, len(rs))
	for i, r := range rs {
		refs[i] = r.Reference
	}
	spans, err := letters.Spans(links, refs)
	if err != nil {
		return 0, 0, err
	}
	statuses := make([]string, len(rs))
	for i := range statuses {
		statuses[i] = candor.LettersGenerated
		rs[i].FirstPage, rs[i].Pages = spans[i].FirstPage, spans[i].Pages
	}
	mu.Lock()
	err = letters.WriteManifest(mw, p, rs, langs, statuses)
	mu.Unlock()
	return len(links), len(doc), err
}

// kinds is CPU seconds by kind of process: "renderer:40,browser:3".
func kinds(m map[string]float64) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return m[keys[i]] > m[keys[j]] })
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s:%.1f", k, m[k]))
	}
	return strings.Join(parts, ",")
}
