package api_test

import (
	"context"
	"encoding/csv"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"math"

	"github.com/candor-dev/candor/api"
	"github.com/candor-dev/candor/compose"
	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/letters"
	"github.com/candor-dev/candor/pdf"
	"github.com/candor-dev/candor/roster"
	"github.com/candor-dev/candor/store"
)

const lettersRoster = "external_id,name,email,country,region,locale,address_lines,city,postal_code\n" +
	"jp-mail,佐藤花子,hana@example.com,JP,JP-13,ja,,,\n" +
	"jp-post,山田太郎,,JP,JP-13,ja,丸の内1-1-1|丸の内ビル 5階,千代田区,1000001\n" +
	"th-post,สมชาย ใจดี,,TH,TH-10,th,999 ถนนพระราม 1,เขตปทุมวัน,10330\n" +
	"us-post,Ann Lee,,US,CA,en,1 Market St|Suite 200,San Francisco,94105\n" +
	"us-bounce,Bob Ray,bob@bounce.example.com,US,NY,en,5 Main St,Albany,12207\n" +
	"th-fail,Niran,niran@fail.example.com,TH,TH-50,th,,,\n"

// TestLetterBatch makes letters for a notice sent to a mix of e-mail and
// postal customers in JP, TH and US where one e-mail bounced and one
// failed: every customer with an address is in the batch exactly once (a
// retry adds nobody), the PDF shows each address in its country's format
// in the customer's language, and mailing, returns and the lookup follow.
func TestLetterBatch(t *testing.T) {
	printer, err := pdf.New(context.Background(), pdf.Options{})
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}
	t.Cleanup(func() { printer.Close() })
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			e := newEnv(t, d)
			ck := &clock{t: time.Now().UTC()}
			srv := httptest.NewUnstartedServer(nil)
			s := api.New(api.Config{MaxBodyBytes: 64 << 10, Logger: quiet, BaseURL: "http://" + srv.Listener.Addr().String(), Printer: printer,
				Org:    compose.Org("Kawasaki Heavy Industries", "privacy@example.com", "", ""),
				Public: api.Public{Location: time.FixedZone("JST", 9*3600), Queue: &queue{}, Now: ck.Now}}, e.db)
			srv.Config.Handler = s
			srv.Start()
			t.Cleanup(srv.Close)
			e.srv, e.api = srv, s
			pe := &pubEnv{env: e, clock: ck}
			incidentID, statement := pe.statementFixture(candor.KindPublicStatement)
			rd, _ := roster.NewReader("text/csv", strings.NewReader(lettersRoster), roster.Options{})
			if rep, err := e.db.ImportCustomers(testenv.Actor(candor.RoleComms), incidentID, rd, nil); err != nil || rep.Accepted != 6 {
				t.Fatalf("import: %+v %v", rep, err)
			}
			notice := pe.approve(incidentID, "", candor.KindCustomerNotice, nil)
			if r := e.do("POST", "/api/v1/disclosures/"+notice.ID+"/letters", candor.RoleComms, map[string]any{}); r.Status != 403 {
				t.Fatalf("comms made letters: %d", r.Status)
			}
			if r := e.do("POST", "/api/v1/disclosures/"+notice.ID+"/letters", candor.RoleLegal, map[string]any{"filter": map[string]any{"countries": []string{"JP", "XX"}}}); r.Status != 422 ||
				!strings.Contains(string(r.Raw), "filter.countries") || e.rowCount("letter_batches") != 0 {
				t.Fatalf("bad filter: %d %s", r.Status, r.Raw)
			}
			sendOutcomes(t, e.db, incidentID, notice.ID, map[string]string{"hana@example.com": candor.DeliverySent,
				"bob@bounce.example.com": candor.DeliveryBounced, "niran@fail.example.com": candor.DeliveryFailed})

			r := e.do("POST", "/api/v1/disclosures/"+notice.ID+"/letters", candor.RoleLegal, map[string]any{})
			if r.Status != 201 || r.Body["total"] != 4.0 || r.Body["state"] != "generated" {
				t.Fatalf("create: %d %s", r.Status, r.Raw)
			}
			batch := r.Body["id"].(string)
			// A retry finds nobody left, and stores nothing.
			if r := e.do("POST", "/api/v1/disclosures/"+notice.ID+"/letters", candor.RoleLegal, nil); r.Status != 409 ||
				!strings.Contains(string(r.Raw), "already has a letter") || e.rowCount("letters") != 4 || e.rowCount("letter_batches") != 1 {
				t.Fatalf("retry: %d %s", r.Status, r.Raw)
			}
			r = e.do("GET", "/api/v1/letter-batches/"+batch, candor.RoleViewer, nil)
			parts, _ := r.Body["parts"].([]any)
			if len(parts) != 2 || parts[0].(map[string]any)["paper"] != "A4" || parts[1].(map[string]any)["letters"] != 2.0 {
				t.Fatalf("parts: %s", r.Raw)
			}

			man := e.do("GET", "/api/v1/letter-batches/"+batch+"/manifest.csv", candor.RoleComms, nil)
			rows, err := csv.NewReader(strings.NewReader(string(man.Raw))).ReadAll()
			if err != nil || len(rows) != 5 {
				t.Fatalf("manifest: %v %q", err, man.Raw)
			}
			refs := map[string]string{} // by name
			for _, row := range rows[1:] {
				refs[row[1]] = row[0]
			}
			if _, ok := refs["Bob Ray"]; !ok || refs["Niran"] != "" || refs["佐藤花子"] != "" {
				t.Fatalf("manifest rows: %q", rows)
			}
			if !strings.Contains(string(man.Raw), "〒100-0001 / 東京都千代田区 / 丸の内1-1-1 / 丸の内ビル 5階 / 山田太郎 様,JP,ja,A4") {
				t.Errorf("JP row: %s", man.Raw)
			}

			dir := filepath.Join("..", "test-artifacts", "letters-"+d.Name)
			os.MkdirAll(dir, 0o755)
			for part, wants := range map[string][]string{
				"1": {refs["山田太郎"], "〒100-0001", "東京都千代田区", "山田太郎 様", refs["สมชาย ใจดี"], "กรุงเทพมหานคร 10330", "เขตปทุมวัน"},
				"2": {refs["Ann Lee"], "San Francisco CA 94105", "Albany NY 12207", "Notice of Data Breach"},
			} {
				res := e.do("GET", "/api/v1/letter-batches/"+batch+"/letters.pdf?part="+part, candor.RoleComms, nil)
				if res.Status != 200 || !strings.HasPrefix(string(res.Raw), "%PDF") {
					t.Fatalf("part %s: %d %.300s", part, res.Status, res.Raw)
				}
				file := filepath.Join(dir, "part"+part+".pdf")
				os.WriteFile(file, res.Raw, 0o644)
				text, err := exec.Command("pdftotext", "-layout", file, "-").Output()
				if err != nil {
					t.Fatalf("pdftotext: %v", err)
				}
				flat := strings.Join(strings.Fields(string(text)), " ")
				for _, w := range wants {
					if !strings.Contains(flat, strings.Join(strings.Fields(w), " ")) {
						t.Errorf("part %s: %q missing from the PDF's text", part, w)
					}
				}
				if out, err := exec.Command("pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", file, filepath.Join(dir, "part"+part)).CombinedOutput(); err != nil {
					t.Fatalf("pdftoppm: %v %s", err, out)
				}
			}
			// The manifest now says where each letter lies: the pages pdftotext
			// finds its reference on, adding up to pdfinfo's count per part.
			if rows[1][8] != "" || rows[1][9] != "" {
				t.Errorf("pages before any print: %q", rows[1])
			}
			man = e.do("GET", "/api/v1/letter-batches/"+batch+"/manifest.csv", candor.RoleComms, nil)
			rows, err = csv.NewReader(strings.NewReader(string(man.Raw))).ReadAll()
			if err != nil || len(rows) != 5 || strings.Join(rows[0][8:], ",") != "first_page,pages" {
				t.Fatalf("manifest after printing: %v %q", err, man.Raw)
			}
			checkLetterPages(t, dir, rows[1:])
			if b := e.do("GET", "/api/v1/letter-batches/"+batch, candor.RoleViewer, nil); b.Body["state"] != "downloaded" {
				t.Errorf("after the download: %s", b.Raw)
			}

			// Mailed, with bad dates refused.
			for _, bad := range []string{"2026-13-01", "yesterday", time.Now().AddDate(0, 0, 3).Format(time.DateOnly)} {
				if r := e.do("POST", "/api/v1/letter-batches/"+batch+"/mailed", candor.RoleLegal, map[string]any{"mailed_on": bad}); r.Status != 422 ||
					!strings.Contains(string(r.Raw), "mailed_on") {
					t.Errorf("mailed_on %q: %d %s", bad, r.Status, r.Raw)
				}
			}
			mailed := time.Now().AddDate(0, 0, -1).Format(time.DateOnly)
			if r := e.do("POST", "/api/v1/letter-batches/"+batch+"/mailed", candor.RoleLegal, map[string]any{"mailed_on": mailed}); r.Status != 200 || r.Body["state"] != "mailed" {
				t.Fatalf("mailed: %d %s", r.Status, r.Raw)
			}

			// Returned mail: bad lines are named, nothing is stored.
			file := "reference\n" + refs["Ann Lee"] + "\nK7QM0-XR2TD-9HWPA\n" + candor.NewReference() + "\n"
			if r := e.do("POST", "/api/v1/letter-batches/"+batch+"/returned", candor.RoleLegal, file); r.Status != 422 ||
				!strings.Contains(string(r.Raw), `"line":3`) || !strings.Contains(string(r.Raw), `"line":4`) ||
				!strings.Contains(string(r.Raw), "not a letter of this batch") {
				t.Fatalf("bad returns: %d %s", r.Status, r.Raw)
			}
			if b := e.do("GET", "/api/v1/letter-batches/"+batch, candor.RoleViewer, nil); b.Body["returned"] != 0.0 {
				t.Fatalf("a refused file stored returns: %s", b.Raw)
			}
			if r := e.do("POST", "/api/v1/letter-batches/"+batch+"/returned", candor.RoleLegal, "reference\n"+strings.ToLower(refs["Ann Lee"])+"\n"); r.Status != 200 ||
				r.Body["newly_returned"] != 1.0 {
				t.Fatalf("returns: %d %s", r.Status, r.Raw)
			}

			// The lookup answers for a letter once the statement is out.
			if r := pe.publish(statement.ID, map[string]any{"slug": "kawasaki-2020", "publish_at": ck.Now().Add(-time.Minute)}); r.Status != 201 {
				t.Fatalf("publish: %d %s", r.Status, r.Raw)
			}
			if s, _, body := pe.page("/notices/check?ref="+refs["山田太郎"], "Accept", "application/json"); s != 200 ||
				!strings.Contains(body, `"channel":"letter"`) || !strings.Contains(body, `"mailed_on":"`+mailed+`"`) {
				t.Fatalf("lookup of a letter: %d %s", s, body)
			}
		})
	}
}

// checkLetterPages checks the manifest's first_page and pages of each
// letter against the part's PDF in dir (partN.pdf): pdfinfo's page count is
// the sum of the part's letters' pages, each letter's reference is on its
// first page (at the top, in the window's corner), and its last page is
// not the next letter's.
func checkLetterPages(t *testing.T, dir string, rows [][]string) {
	t.Helper()
	total := map[string]int{}
	for _, r := range rows {
		ref, part := r[0], r[6]
		first, err1 := strconv.Atoi(r[8])
		n, err2 := strconv.Atoi(r[9])
		if err1 != nil || err2 != nil || first < 1 || n < 1 {
			t.Fatalf("letter %s: first_page %q pages %q", ref, r[8], r[9])
		}
		total[part] += n
		file := filepath.Join(dir, "part"+part+".pdf")
		page := func(p int) string {
			out, err := exec.Command("pdftotext", "-f", strconv.Itoa(p), "-l", strconv.Itoa(p), file, "-").Output()
			if err != nil {
				t.Fatalf("pdftotext: %v", err)
			}
			return string(out)
		}
		if !strings.Contains(page(first), ref) {
			t.Errorf("letter %s: not on its first page %d of part %s", ref, first, part)
		}
		if first > 1 && strings.Contains(page(first-1), ref) {
			t.Errorf("letter %s: already on page %d, before its first", ref, first-1)
		}
		checkWindow(t, file, first, letters.PaperFor(r[3]), strings.Split(r[2], " / ")[0], ref)
		t.Logf("letter %s: part %s pages %d-%d", ref, part, first, first+n-1)
	}
	for part, n := range total {
		out, err := exec.Command("pdfinfo", filepath.Join(dir, "part"+part+".pdf")).Output()
		if err != nil {
			t.Fatalf("pdfinfo (poppler-utils): %v", err)
		}
		if !regexp.MustCompile(`(?m)^Pages:\s+` + strconv.Itoa(n) + `$`).Match(out) {
			t.Errorf("part %s: the letters' pages add up to %d; pdfinfo says\n%s", part, n, out)
		}
	}
}

// checkWindow checks where a letter's first page puts its address block and
// reference, by the words' boxes pdftotext -bbox finds: the address's first
// line (its first word) starts at the top left corner of the envelope's
// window and lies inside it, and the reference is beside the window, at
// its top, where the folded letter does not show it through the window.
func checkWindow(t *testing.T, file string, page int, paper letters.Paper, firstLine, ref string) {
	t.Helper()
	p := strconv.Itoa(page)
	out, err := exec.Command("pdftotext", "-bbox", "-f", p, "-l", p, file, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext -bbox (poppler-utils): %v", err)
	}
	const ptPerMM = 72 / 25.4
	words := regexp.MustCompile(`<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>`).FindAllStringSubmatch(string(out), -1)
	// box finds the top-most word that starts with w, in millimetres.
	box := func(w string) (x0, y0, x1, y1 float64, ok bool) {
		y0 = 1e9
		for _, m := range words {
			if !strings.HasPrefix(m[5], w) && !strings.HasPrefix(w, m[5]) || m[5] == "" {
				continue
			}
			if y, _ := strconv.ParseFloat(m[2], 64); y/ptPerMM < y0 {
				a, _ := strconv.ParseFloat(m[1], 64)
				c, _ := strconv.ParseFloat(m[3], 64)
				d, _ := strconv.ParseFloat(m[4], 64)
				x0, y0, x1, y1, ok = a/ptPerMM, y/ptPerMM, c/ptPerMM, d/ptPerMM, true
			}
		}
		return
	}
	first := strings.Fields(firstLine)[0]
	x0, y0, x1, y1, ok := box(first)
	if !ok {
		t.Fatalf("%s page %d: no word %q in\n%s", file, page, first, out)
	}
	// pdftotext's boxes run from the font's ascent to its descent, which in
	// Thai fonts reach above the line: 1.5 mm of slack (an envelope's
	// window is larger than the block, DIN 5008's 45 mm to our 38).
	const slack = 1.5
	if math.Abs(x0-paper.Left) > slack || math.Abs(y0-paper.Top) > slack || x1 > paper.Left+paper.Width || y1 > paper.Top+paper.Height {
		t.Errorf("%s page %d: the address's %q at (%.1f,%.1f)-(%.1f,%.1f) mm, outside the window at (%.1f,%.1f) %.1f × %.1f mm",
			file, page, first, x0, y0, x1, y1, paper.Left, paper.Top, paper.Width, paper.Height)
	}
	rx0, ry0, _, _, ok := box(ref)
	if !ok {
		t.Fatalf("%s page %d: no reference %s", file, page, ref)
	}
	if rx0 < paper.Left+paper.Width || math.Abs(ry0-paper.Top) > slack {
		t.Errorf("%s page %d: the reference at (%.1f,%.1f) mm, not beside the window's top", file, page, rx0, ry0)
	}
}

// sendOutcomes sends the notice to the incident's e-mail customers (the
// store's steps, as a worker takes them) with the outcome given per
// address.
func sendOutcomes(t *testing.T, db *store.DB, incidentID, disclosureID string, outcome map[string]string) {
	t.Helper()
	ctx := testenv.Actor(candor.RoleLegal)
	s, err := db.CreateSend(ctx, store.NewSend{DisclosureID: disclosureID, IncidentID: incidentID, Kind: "customer_notice", Revision: 1, SendAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := db.Dispatch(ctx, s.ID, "", "n.example.com"); !ok || err != nil {
		t.Fatalf("dispatch: %v %v", ok, err)
	}
	chunks, _ := db.Chunks(ctx, s.ID, 100)
	claimed, err := db.Claim(ctx, s.ID, chunks[0][0], chunks[0][1], store.Claimant{})
	if err != nil {
		t.Fatal(err)
	}
	who, err := db.RecipientsOf(ctx, claimed)
	if err != nil {
		t.Fatal(err)
	}
	var out []store.Outcome
	for _, c := range claimed {
		st := outcome[who[c.CustomerID.String].Email]
		if st == candor.DeliveryBounced {
			st = candor.DeliverySent // bounced later, below
		}
		out = append(out, store.Outcome{ID: c.ID, SendID: s.ID, CustomerID: c.CustomerID.String, Status: st, Error: "550 no such user"})
	}
	if err := db.Record(ctx, out); err != nil {
		t.Fatal(err)
	}
	for _, c := range claimed {
		if outcome[who[c.CustomerID.String].Email] == candor.DeliveryBounced {
			if err := db.MarkBounced(ctx, c.MessageID, "hard"); err != nil {
				t.Fatal(err)
			}
		}
	}
}
