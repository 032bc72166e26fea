package jobs_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
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
	"github.com/candor-dev/candor/api"
	"github.com/candor-dev/candor/compose"
	"github.com/candor-dev/candor/internal/smtptest"
	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/pdf"
)

// The mixed roster of issue 22's test: e-mail and postal customers in JP,
// TH and US; the addresses at fail.example.com are refused with a 550 by
// the SMTP server, yu@bounce.example.com is accepted and then bounces.
const mixedRoster = "external_id,name,email,country,region,locale,address_lines,city,postal_code\n" +
	"jp-mail,佐藤花子,hana@example.com,JP,JP-13,ja,,,\n" +
	"jp-fail,鈴木一郎,ichiro@fail.example.com,JP,JP-13,ja,丸の内2-2-2,千代田区,1000005\n" +
	"jp-post,山田太郎,,JP,JP-13,ja,丸の内1-1-1|丸の内ビル 5階,千代田区,1000001\n" +
	"jp-bounce,高橋優,yu@bounce.example.com,JP,JP-27,ja,梅田1-1,大阪市北区,5300001\n" +
	"th-mail,สมหญิง รักดี,somying@example.com,TH,TH-10,th,,,\n" +
	"th-post,สมชาย ใจดี,,TH,TH-10,th,999 ถนนพระราม 1,เขตปทุมวัน,10330\n" +
	"us-mail,Carol Diaz,carol@example.com,US,CA,en,,,\n" +
	"us-post,Ann Lee,,US,CA,en,1 Market St|Suite 200,San Francisco,94105\n" +
	"us-fail,Bob Ray,bob@fail.example.com,US,CA,en,5 Main St,Los Angeles,90012\n"

// mixedAPI is the API over the pipe's database, with a token per role.
type mixedAPI struct {
	t      *testing.T
	url    string
	tokens map[candor.Role]string
}

func (a *mixedAPI) do(method, path string, role candor.Role, body any, header ...string) (int, []byte) {
	a.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, a.url+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+a.tokens[role])
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

func (a *mixedAPI) json(method, path string, role candor.Role, body any, want int, into any) {
	a.t.Helper()
	status, b := a.do(method, path, role, body)
	if status != want {
		a.t.Fatalf("%s %s: %d %s", method, path, status, b)
	}
	if into != nil {
		if err := json.Unmarshal(b, into); err != nil {
			a.t.Fatalf("%s %s: %v", method, path, err)
		}
	}
}

// TestMixedSendLettersReach is issue 22's test: a send to e-mail and
// postal customers in JP, TH and US through the SMTP server, where two
// addresses fail permanently and one bounces; a letter batch then takes
// the postal customers and the failed ones with an address; every customer
// is reached exactly once, by e-mail or letter; the letters' pages show the
// address in the country's format and the notice in the customer's
// language; the lookup page answers for a real reference and gives a
// guessed one the same answer as an unknown one; proof of reach per
// jurisdiction matches; and the duties to individuals become met, met_by
// naming the send and the letter batch. Both databases.
func TestMixedSendLettersReach(t *testing.T) {
	printer, err := pdf.New(context.Background(), pdf.Options{Tabs: 2})
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}
	t.Cleanup(func() { printer.Close() })
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) { mixedCase(t, d, printer) })
	}
}

func mixedCase(t *testing.T, d testenv.DB, printer *pdf.Printer) {
	yes := true
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	inc := candor.Incident{Title: "Unauthorized access", Severity: "high", Timezone: "Asia/Tokyo",
		DiscoveredAt: time.Now().UTC().Add(-48 * time.Hour), DataCategories: []string{"name", "national_id"},
		Cause: "unauthorized_access", Malicious: &yes, Acquired: &yes, HighRisk: &yes,
		ReportingEntity: &candor.ReportingEntity{Name: "Example Corp", Country: "JP"}}
	refuse := func(a smtptest.Attempt) error {
		if a.Stage == smtptest.StageRcpt && strings.HasSuffix(a.Rcpt, "@fail.example.com") {
			return smtptest.Reply(550, "5.1.1", "no such user")
		}
		return nil
	}
	p := newPipe(t, d, pipeOpts{csv: mixedRoster, incident: &inc, smtp: []smtptest.Option{smtptest.WithDecider(refuse)},
		events: []candor.Event{{OccurredOn: time.Now().In(tokyo).AddDate(0, 0, -2).Format("2006-01-02"), Description: "Unauthorized access identified", Public: true}}})
	ctx := testenv.Actor(candor.RoleLegal)

	// The API over the same database, printing with Chromium.
	srv := httptest.NewUnstartedServer(nil)
	s := api.New(api.Config{MaxBodyBytes: 64 << 10, Logger: testLogger(), BaseURL: "http://" + srv.Listener.Addr().String(), Printer: printer,
		Org: compose.Org("Example Corp", "privacy@example.com", "", ""), Public: api.Public{Location: tokyo}}, p.db)
	srv.Config.Handler = s
	srv.Start()
	t.Cleanup(srv.Close)
	a := &mixedAPI{t: t, url: srv.URL, tokens: map[candor.Role]string{}}
	for _, r := range []candor.Role{candor.RoleViewer, candor.RoleComms, candor.RoleLegal} {
		_, secret, err := p.db.CreateToken(testenv.Actor(candor.RoleAdmin), "mixed "+string(r), r)
		if err != nil {
			t.Fatal(err)
		}
		a.tokens[r] = secret
	}

	// The send: four of six e-mails accepted, two refused for good.
	notice := p.notice()
	sent := p.wait(p.send(notice).ID, 60*time.Second, "completed", completed)
	if sent.Sent != 4 || sent.Failed != 2 {
		t.Fatalf("send counts %+v, want 4 sent and 2 failed", sent.SendCounts)
	}
	for _, m := range p.smtp.Messages() {
		if m.To[0] == "yu@bounce.example.com" {
			if err := p.db.MarkBounced(ctx, m.MessageID, "hard"); err != nil {
				t.Fatal(err)
			}
		}
	}

	// The letter batch: the three postal customers, the two refused and the
	// bounced one, all with an address; a retry finds nobody left.
	var batch struct {
		ID    string `json:"id"`
		Total int    `json:"total"`
		Parts []struct {
			Paper   string `json:"paper"`
			Letters int    `json:"letters"`
		} `json:"parts"`
	}
	a.json("POST", "/api/v1/disclosures/"+notice.ID+"/letters", candor.RoleLegal, map[string]any{}, 201, &batch)
	if batch.Total != 6 {
		t.Fatalf("batch of %d letters, want 6", batch.Total)
	}
	if st, b := a.do("POST", "/api/v1/disclosures/"+notice.ID+"/letters", candor.RoleLegal, map[string]any{}); st != 409 {
		t.Fatalf("retry: %d %s", st, b)
	}
	a.json("GET", "/api/v1/letter-batches/"+batch.ID, candor.RoleViewer, nil, 200, &batch)

	// Print every part, then read the manifest for where each letter lies.
	dir := filepath.Join("..", "test-artifacts", "mixed-"+d.Name)
	os.MkdirAll(dir, 0o755)
	for i, part := range batch.Parts {
		n := strconv.Itoa(i + 1)
		st, b := a.do("GET", "/api/v1/letter-batches/"+batch.ID+"/letters.pdf?part="+n, candor.RoleComms, nil)
		if st != 200 || !bytes.HasPrefix(b, []byte("%PDF")) {
			t.Fatalf("part %s (%s): %d %.200s", n, part.Paper, st, b)
		}
		file := filepath.Join(dir, "part"+n+".pdf")
		os.WriteFile(file, b, 0o644)
		if out, err := exec.Command("pdftoppm", "-png", "-r", "50", file, filepath.Join(dir, "part"+n)).CombinedOutput(); err != nil {
			t.Fatalf("pdftoppm: %v %s", err, out)
		}
	}
	_, man := a.do("GET", "/api/v1/letter-batches/"+batch.ID+"/manifest.csv", candor.RoleComms, nil)
	rows, err := csv.NewReader(bytes.NewReader(man)).ReadAll()
	if err != nil || len(rows) != 7 {
		t.Fatalf("manifest: %v %s", err, man)
	}
	// Each letter's first page: its address in the country's order and
	// the notice in its language, and no paragraph of another's.
	lang := map[string]string{"ja": "参照番号", "th": "เลขที่อ้างอิง", "en": "Notice of Data Breach"}
	address := map[string][]string{
		"鈴木一郎": {"〒100-0005", "東京都千代田区", "丸の内2-2-2", "鈴木一郎 様"}, "山田太郎": {"〒100-0001", "丸の内ビル 5階", "山田太郎 様"},
		"高橋優": {"〒530-0001", "大阪府大阪市北区", "梅田1-1", "高橋優 様"}, "สมชาย ใจดี": {"สมชาย ใจดี", "เขตปทุมวัน", "กรุงเทพมหานคร 10330"},
		"Ann Lee": {"Ann Lee", "1 Market St", "San Francisco CA 94105"}, "Bob Ray": {"Bob Ray", "5 Main St", "Los Angeles CA 90012"},
	}
	letterRef := map[string]string{}
	for _, r := range rows[1:] {
		ref, name, locale, part, first := r[0], r[1], r[4], r[6], r[8]
		letterRef[name] = ref
		text := pageText(t, filepath.Join(dir, "part"+part+".pdf"), first)
		for _, w := range append(address[name], ref, lang[locale]) {
			if !strings.Contains(text, strings.Join(strings.Fields(w), " ")) {
				t.Errorf("letter to %s (page %s of part %s): %q missing", name, first, part, w)
			}
		}
		for l, w := range lang {
			if l != locale && strings.Contains(text, w) {
				t.Errorf("letter to %s in %s holds %q", name, locale, w)
			}
		}
	}
	if len(address) != len(letterRef) {
		t.Fatalf("letters to %v, want %d", letterRef, len(address))
	}
	mailedOn := time.Now().In(tokyo).Format("2006-01-02")
	a.json("POST", "/api/v1/letter-batches/"+batch.ID+"/mailed", candor.RoleLegal, map[string]any{"mailed_on": mailedOn}, 200, nil)

	// Every customer reached exactly once: a sent (not bounced) e-mail or a
	// letter, never both, never twice; the SMTP server got one message per
	// accepted address.
	var once []struct {
		ID    string
		Times int
	}
	p.db.Gorm().Raw(`SELECT c.id, (SELECT COUNT(*) FROM deliveries d WHERE d.recipient_key = c.id AND d.status = 'sent')
		+ (SELECT COUNT(*) FROM letters l WHERE l.customer_id = c.id) AS times FROM customers c WHERE c.incident_id = ?`, p.in.ID).Scan(&once)
	if len(once) != 9 {
		t.Fatalf("%d customers, want 9", len(once))
	}
	for _, c := range once {
		if c.Times != 1 {
			t.Errorf("customer %s reached %d times", c.ID, c.Times)
		}
	}
	for _, addr := range []string{"hana@example.com", "somying@example.com", "carol@example.com", "yu@bounce.example.com"} {
		if n := p.smtp.CountFor(addr); n != 1 {
			t.Errorf("%s got %d messages", addr, n)
		}
	}
	for _, addr := range []string{"ichiro@fail.example.com", "bob@fail.example.com"} {
		if n := p.smtp.CountFor(addr); n != 0 {
			t.Errorf("%s got %d messages", addr, n)
		}
	}

	// Proof of reach per jurisdiction.
	var reach struct {
		Jurisdictions []candor.JurisdictionReach `json:"jurisdictions"`
	}
	a.json("GET", "/api/v1/incidents/"+p.in.ID+"/reach", candor.RoleViewer, nil, 200, &reach)
	want := map[string][3]int{"JP": {4, 1, 3}, "TH": {2, 1, 1}, "US-CA": {3, 1, 2}} // customers, email, letter
	for _, j := range reach.Jurisdictions {
		w, ok := want[j.Jurisdiction]
		if !ok || j.Customers != w[0] || j.Email != w[1] || j.Letter != w[2] || j.Pending+j.Unreachable+j.Substitute != 0 {
			t.Errorf("reach %+v, want %v", j, w)
		}
		delete(want, j.Jurisdiction)
	}
	if len(want) != 0 {
		t.Errorf("jurisdictions missing from reach: %v", want)
	}

	// The duties to individuals are met, by the send and the letters.
	var obs struct {
		Items []struct {
			RuleID       string `json:"rule_id"`
			Jurisdiction string `json:"jurisdiction"`
			Audience     string `json:"audience"`
			Status       string `json:"status"`
			MetAt        *time.Time
			MetBy        *struct {
				Sends []struct {
					SendID string `json:"send_id"`
				} `json:"sends"`
				LetterBatches []struct {
					BatchID string `json:"batch_id"`
				} `json:"letter_batches"`
			} `json:"met_by"`
		} `json:"items"`
	}
	a.json("GET", "/api/v1/incidents/"+p.in.ID+"/obligations", candor.RoleViewer, nil, 200, &obs)
	met := 0
	for _, o := range obs.Items {
		if o.Audience != "individuals" || !strings.Contains("JP TH US-CA", o.Jurisdiction) || o.Status == "conditional" {
			continue
		}
		if o.Status != "met" || o.MetBy == nil || len(o.MetBy.Sends) != 1 || o.MetBy.Sends[0].SendID != sent.ID ||
			len(o.MetBy.LetterBatches) != 1 || o.MetBy.LetterBatches[0].BatchID != batch.ID {
			t.Errorf("%s: %s %+v", o.RuleID, o.Status, o.MetBy)
			continue
		}
		met++
	}
	if met < 2 {
		t.Errorf("%d duties to individuals in JP, TH, US-CA met, want at least 2: %+v", met, obs.Items)
	}

	// The lookup page, once the statement is public: a real reference is
	// genuine; one symbol changed, it gets the very answer an unknown one
	// does.
	st := testenv.ApprovedDisclosure(t, p.db, p.in.ID, candor.KindPublicStatement, nil)
	a.json("POST", "/api/v1/disclosures/"+st.ID+"/publications", candor.RoleLegal, map[string]any{"slug": "mixed-" + d.Name}, 201, nil)
	var emailRef string
	p.db.Gorm().Raw(`SELECT d.reference FROM deliveries d WHERE d.send_id = ? AND d.status = 'sent' ORDER BY d.id LIMIT 1`, sent.ID).Scan(&emailRef)
	for _, ref := range []string{emailRef, letterRef["山田太郎"]} {
		if code, body := a.do("GET", "/notices/check?ref="+ref, "", nil, "Accept", "application/json"); code != 200 || !strings.Contains(string(body), `"genuine":true`) {
			t.Errorf("real reference %s: %d %s", ref, code, body)
		}
	}
	guessed := []byte(letterRef["山田太郎"])
	if guessed[len(guessed)-1] == '2' {
		guessed[len(guessed)-1] = '3'
	} else {
		guessed[len(guessed)-1] = '2'
	}
	unknown := candor.NewReference()
	for _, accept := range []string{"application/json", "text/html"} {
		var answers []string
		for _, ref := range []string{string(guessed), unknown} {
			code, body := a.do("GET", "/notices/check?ref="+ref, "", nil, "Accept", accept, "Accept-Language", "th")
			// The request id is each answer's own.
			body = requestID.ReplaceAll(body, []byte(`"request_id":""`))
			answers = append(answers, strconv.Itoa(code)+" "+strings.ReplaceAll(string(body), ref, "REF"))
		}
		if answers[0] != answers[1] || !strings.HasPrefix(answers[0], "404 ") {
			t.Errorf("%s: a guessed reference's answer differs from an unknown one's:\n%s\n---\n%s", accept, answers[0], answers[1])
		}
	}
	if code, body := a.do("GET", "/notices/check?ref="+letterRef["สมชาย ใจดี"], "", nil, "Accept-Language", "th"); code != 200 || !strings.Contains(string(body), `lang="th"`) {
		t.Errorf("the lookup in Thai: %d %.300s", code, body)
	}
}

var requestID = regexp.MustCompile(`"request_id":"[^"]*"`)

// pageText is the text of one page of a PDF, its white space folded.
func pageText(t *testing.T, file, page string) string {
	t.Helper()
	out, err := exec.Command("pdftotext", "-layout", "-f", page, "-l", page, file, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext (poppler-utils): %v", err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}
