package jobs_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/internal/testenv"
)

// The seed case end to end: an incident in Asia/Tokyo, found at midnight
// on 11 June 2020 there (15:00 UTC the day before), with its facts in
// English and Japanese, notified to Japanese, Thai and English customers
// through the SMTP server; and a report to Japan's regulator.
func TestSeedCaseNoticesReadRightInEachLanguage(t *testing.T) {
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			tokyo, _ := time.LoadLocation("Asia/Tokyo")
			in := candor.Incident{Title: "Unauthorized access to Kawasaki Group", Severity: "high", Timezone: "Asia/Tokyo",
				Summary:        "An internal system audit revealed a connection to a server in Japan from an overseas office.",
				DiscoveredAt:   time.Date(2020, 6, 11, 0, 0, 0, 0, tokyo),
				DataCategories: []string{"name", "email"}, Cause: "unauthorized_access",
				ReportingEntity: &candor.ReportingEntity{Name: "Kawasaki Heavy Industries, Ltd.", Country: "JP"},
				Translations: map[string]candor.IncidentText{
					"ja": {Title: "当社グループへの不正アクセスについて", Summary: "社内監査により、海外拠点から国内サーバーへの不審な接続が判明しました。", ReportingEntity: "川崎重工業株式会社"},
					"th": {Title: "การเข้าถึงโดยไม่ได้รับอนุญาต", Summary: "การตรวจสอบระบบภายในพบการเชื่อมต่อจากสำนักงานต่างประเทศไปยังเซิร์ฟเวอร์ในญี่ปุ่น"},
				}}
			events := []candor.Event{{OccurredOn: "2020-06-11", Public: true,
				Description: "Identified unauthorized access from the overseas office in Thailand",
				Translations: map[string]candor.EventText{"ja": {Description: "タイの海外拠点からの不正アクセスを確認"},
					"th": {Description: "ตรวจพบการเข้าถึงโดยไม่ได้รับอนุญาตจากสำนักงานในประเทศไทย"}}}}
			csv := "external_id,name,email,country,locale\n" +
				"c1,山田 花子,hanako@example.jp,JP,ja\nc2,大野 太郎,taro@example.jp,JP,ja\n" +
				"c3,สมศรี ใจดี,somsri@example.th,TH,th\nc4,Ann Lee,ann@example.com,US,en\n"
			p := newPipe(t, d, pipeOpts{incident: &in, events: events, csv: csv})

			s := p.send(p.notice())
			p.wait(s.ID, 60*time.Second, "completed", completed)
			want := map[string]struct{ date, fact, lang, otherScript string }{
				"hanako@example.jp": {"2020年6月11日", "タイの海外拠点からの不正アクセスを確認", "ja", `[\p{Thai}]`},
				"somsri@example.th": {"11 มิถุนายน พ.ศ. 2563", "ตรวจพบการเข้าถึงโดยไม่ได้รับอนุญาต", "th", `[\p{Hiragana}\p{Katakana}]`},
				"ann@example.com":   {"11 June 2020", "Identified unauthorized access", "en", `[\p{Thai}\p{Hiragana}\p{Katakana}]`},
			}
			seen := 0
			for _, m := range p.smtp.Messages() {
				w, ok := want[m.To[0]]
				if !ok {
					continue
				}
				seen++
				msg := parseMessage(t, m.Data)
				html, text := msg.parts["text/html"], msg.parts["text/plain"]
				if !strings.Contains(html, `<html lang="`+w.lang+`"`) {
					t.Errorf("%s: no <html lang=%q>", m.To[0], w.lang)
				}
				for _, part := range []string{html, text} {
					if !strings.Contains(part, w.date) || !strings.Contains(part, w.fact) {
						t.Errorf("%s: lacks %q or %q:\n%s", m.To[0], w.date, w.fact, text)
					}
				}
				// The day before in UTC never shows.
				for _, wrong := range []string{"2020年6月10日", "10 มิถุนายน พ.ศ. 2563", "10 June 2020"} {
					if strings.Contains(text, wrong) {
						t.Errorf("%s: shows the UTC date %q", m.To[0], wrong)
					}
				}
				// No paragraph in another language: none in another script,
				// and in ja and th no English sentence (the English facts).
				if regexp.MustCompile(w.otherScript).MatchString(text) {
					t.Errorf("%s: text in another script:\n%s", m.To[0], text)
				}
				if w.lang != "en" && (strings.Contains(text, in.Summary) || strings.Contains(text, events[0].Description)) {
					t.Errorf("%s: English facts in a %s notice:\n%s", m.To[0], w.lang, text)
				}
			}
			if seen != 3 {
				t.Fatalf("saw %d of the 3 messages checked", seen)
			}

			// The report to Japan's regulator: in Japanese, with the number
			// of customers in Japan (2 of 4).
			rep := testenv.ApprovedDisclosure(t, p.db, p.in.ID, candor.KindRegulatorReport,
				&candor.Regulator{Jurisdiction: "JP", Email: "ppc@example.go.jp"})
			s = p.send(rep)
			p.wait(s.ID, 60*time.Second, "completed", completed)
			var report string
			for _, m := range p.smtp.Messages() {
				if m.To[0] == "ppc@example.go.jp" {
					report = parseMessage(t, m.Data).parts["text/plain"]
				}
			}
			if !strings.Contains(report, "個人情報保護委員会") || !strings.Contains(report, "2020年6月11日") ||
				!regexp.MustCompile(`2\s*人|2\s*名`).MatchString(report) || strings.Contains(report, "確認中") && !strings.Contains(report, "2") {
				t.Errorf("report to the PPC:\n%s", report)
			}
		})
	}
}
