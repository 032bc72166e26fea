package templates_test

import (
	"context"
	"html"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/render"
	"github.com/candor-dev/candor/templates"
)

// shipped is every locale each kind must ship, with how that locale writes
// 11 June 2020, the discovery date of the test incident (midnight in Tokyo:
// 10 June in UTC, so a date formatted in the wrong zone shows).
var shipped = map[string]string{
	"en":  "11 June 2020",
	"ja":  "2020年6月11日",
	"th":  "11 มิถุนายน พ.ศ. 2563",
	"id":  "11 Juni 2020",
	"fil": "Hunyo 11, 2020",
}

// vocabulary is every data-element key the content checker knows
// (jurisdictions/elements.json).
var vocabulary = []string{
	"title", "organisation", "notice_date", "reference", "what_happened", "breach_date", "discovery_date",
	"cause", "data_involved", "affected_count", "consequences", "measures_taken", "what_you_can_do",
	"contact", "statement", "delay_reasons", "credit_agencies", "security_freeze", "signatory", "individual_notice",
}

// elements are the data-element keys each kind must mark, with non-empty
// text, for a full incident and a sample customer; extra are those of one
// locale only (the English notice's US consumer information).
var elements = map[candor.DisclosureKind][]string{
	candor.KindCustomerNotice: {"title", "organisation", "notice_date", "reference", "what_happened", "breach_date",
		"discovery_date", "cause", "data_involved", "consequences", "measures_taken", "what_you_can_do", "contact",
		"statement", "signatory"},
	candor.KindPublicStatement: {"title", "organisation", "notice_date", "reference", "what_happened", "breach_date",
		"discovery_date", "cause", "data_involved", "affected_count", "consequences", "measures_taken",
		"what_you_can_do", "contact", "signatory"},
	candor.KindRegulatorReport: {"title", "organisation", "notice_date", "reference", "what_happened", "breach_date",
		"discovery_date", "cause", "data_involved", "affected_count", "consequences", "measures_taken", "contact",
		"statement", "delay_reasons", "individual_notice", "signatory"},
	// A FAQ answers what a reader asks; it is not a letter, so it has no
	// title, date, signatory or reference block of its own.
	candor.KindFAQ: {"what_happened", "discovery_date", "data_involved", "affected_count", "what_you_can_do",
		"measures_taken", "contact"},
}

var extra = map[candor.DisclosureKind]map[string][]string{
	candor.KindCustomerNotice: {"en": {"credit_agencies", "security_freeze"}},
	// Advice and assistance to the individuals: NPC, OAIC, Florida; the PPC's list has no such item.
	candor.KindRegulatorReport: {"en": {"what_you_can_do"}, "th": {"what_you_can_do"}, "id": {"what_you_can_do"}, "fil": {"what_you_can_do"}},
}

var tokyo = mustZone("Asia/Tokyo")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func jst(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, tokyo)
}

// localText is what arrives in the variant's language: the organisation,
// the signatory, the incident's title, summary and event descriptions, and
// the regulator of a report in that language.
type localText struct {
	org, signatory, title, summary string
	events                         [3]string
	jurisdiction, authority        string
}

var texts = map[string]localText{
	"en": {"Kawasaki Heavy Industries, Ltd.", "Data Protection Officer", "Unauthorized access from overseas offices",
		"An internal system audit revealed a connection to a server in Japan from an overseas office that should not have occurred.",
		[3]string{"Identified unauthorized access from an overseas office in Thailand", "Confirmed a possibility of data breach to external parties", "Restricted suspicious access from the United States office"},
		"PH", "National Privacy Commission"},
	"ja": {"川崎重工業株式会社", "代表取締役社長　橋本 康彦", "海外拠点からの不正アクセスについて",
		"社内システムの監査により、海外拠点から国内サーバーへの本来発生しない接続が判明しました。",
		[3]string{"タイの海外拠点からの不正アクセスを確認", "外部への情報流出の可能性を確認", "米国拠点からの不審なアクセスを確認し、遮断"},
		"JP", "個人情報保護委員会"},
	"th": {"บริษัท คาวาซากิ เฮฟวี่ อินดัสทรีส์ จำกัด", "เจ้าหน้าที่คุ้มครองข้อมูลส่วนบุคคล", "การเข้าถึงโดยไม่ได้รับอนุญาตจากสำนักงานต่างประเทศ",
		"การตรวจสอบระบบภายในพบการเชื่อมต่อจากสำนักงานต่างประเทศไปยังเซิร์ฟเวอร์ในญี่ปุ่นซึ่งไม่ควรเกิดขึ้น",
		[3]string{"พบการเข้าถึงโดยไม่ได้รับอนุญาตจากสำนักงานในประเทศไทย", "ยืนยันความเป็นไปได้ที่ข้อมูลจะรั่วไหลสู่ภายนอก", "จำกัดการเข้าถึงที่น่าสงสัยจากสำนักงานในสหรัฐอเมริกา"},
		"TH", "สำนักงานคณะกรรมการคุ้มครองข้อมูลส่วนบุคคล"},
	"id": {"PT Kawasaki Heavy Industries Indonesia", "Petugas Pelindungan Data Pribadi", "Akses tidak sah dari kantor luar negeri",
		"Audit sistem internal menemukan koneksi dari kantor luar negeri ke server di Jepang yang seharusnya tidak terjadi.",
		[3]string{"Teridentifikasi akses tidak sah dari kantor di Thailand", "Terkonfirmasi kemungkinan kebocoran data ke pihak luar", "Akses mencurigakan dari kantor di Amerika Serikat dibatasi"},
		"ID", "Kementerian Komunikasi dan Digital"},
	"fil": {"Kawasaki Heavy Industries, Ltd.", "Data Protection Officer", "Hindi awtorisadong pag-access mula sa mga opisina sa ibang bansa",
		"Natuklasan sa isang panloob na pagsusuri ng sistema ang isang koneksiyon mula sa isang opisina sa ibang bansa patungo sa isang server sa Japan na hindi dapat nangyari.",
		[3]string{"Natukoy ang hindi awtorisadong pag-access mula sa opisina sa Thailand", "Nakumpirma ang posibilidad ng paglabas ng datos sa labas", "Nilimitahan ang kahina-hinalang pag-access mula sa opisina sa Estados Unidos"},
		"PH", "National Privacy Commission"},
}

// fullData is the seed case in the variant's language with every field
// set, its times in Asia/Tokyo: discovered at midnight on 11 June 2020,
// 1,234 of 26,000 affected people in the regulator's country.
func fullData(loc string) render.Data {
	tx := texts[loc]
	return render.Data{
		Incident: render.IncidentView{
			Title:          tx.title,
			Summary:        tx.summary,
			Reference:      "INC-7Q4M-2K9D",
			TimeZone:       "Asia/Tokyo",
			DiscoveredAt:   jst(2020, 6, 11, 0, 0),
			OccurredFrom:   jst(2020, 6, 1, 8, 30),
			OccurredTo:     jst(2020, 8, 3, 0, 0),
			DeterminedAt:   jst(2020, 6, 15, 10, 0),
			ContainedAt:    jst(2020, 7, 8, 18, 0),
			Severity:       "high",
			Cause:          "unauthorized_access",
			Malicious:      true,
			DataCategories: []string{"name", "email", "postal_address", "phone"},
			Affected:       26000,
			Events: []render.EventView{
				{Date: jst(2020, 6, 11, 0, 0), DateOnly: true, Description: tx.events[0]},
				{Date: jst(2020, 6, 15, 7, 0), Description: tx.events[1]},
				{Date: jst(2020, 7, 8, 0, 0), DateOnly: true, Description: tx.events[2]},
			},
		},
		Org: render.OrgView{Name: tx.org, Signatory: tx.signatory, ContactEmail: "privacy@example.com",
			ContactPhone: "+81 3 0000 0000", WebsiteURL: "https://example.com"},
		Statement: render.StatementView{URL: "https://example.com/statements/2020-12-28", Published: true, PublishAt: jst(2020, 12, 28, 9, 0)},
		Affected: render.AffectedView{Total: 26000, Jurisdiction: 1234,
			Countries: []render.CountView{{Code: "US", Count: 24766}, {Code: tx.jurisdiction, Count: 1234}}},
		Regulator: render.RegulatorView{Jurisdiction: tx.jurisdiction, Authority: tx.authority},
		Notice:    render.NoticeView{Date: jst(2020, 12, 28, 10, 0), Reference: "INC-7Q4M-2K9D"},
	}
}

// customers are the recipients every default must render for: a sample
// customer of the locale (American for English, so that the US consumer
// information shows), nobody (regulator reports and statements), and a
// postal customer without email or categories of their own.
var customers = []struct {
	name string
	of   func(loc string) render.CustomerView
}{
	{"sample customer", func(loc string) render.CustomerView {
		if loc == "en" {
			loc = "en-US"
		}
		return render.SampleCustomer(loc, []string{"name", "email"})
	}},
	{"empty customer", func(string) render.CustomerView { return render.CustomerView{} }},
	{"postal customer", func(loc string) render.CustomerView {
		c := render.SampleCustomer(loc, nil)
		c.Email, c.DataCategories = "", nil
		return c
	}},
}

func content(t *testing.T, kind candor.DisclosureKind) candor.DisclosureContent {
	t.Helper()
	variants, def := templates.Defaults(kind)
	c := candor.DisclosureContent{Title: "Default " + string(kind), DefaultLocale: def, Variants: variants}
	if kind == candor.KindRegulatorReport {
		c.Regulator = &candor.Regulator{Jurisdiction: "JP", Email: "report@example.go.jp"}
	}
	return c
}

func renderDefault(t *testing.T, kind candor.DisclosureKind, loc string, d render.Data) render.Rendered {
	t.Helper()
	variants, _ := templates.Defaults(kind)
	got, err := render.Render(context.Background(), variants[loc], loc, d)
	if err != nil {
		t.Fatalf("%s/%s: Render: %v %+v", kind, loc, err, candor.ErrorFields(err))
	}
	return got
}

// each runs f for every kind and shipped locale.
func each(t *testing.T, f func(t *testing.T, kind candor.DisclosureKind, loc string)) {
	for _, kind := range candor.DisclosureKinds() {
		for _, loc := range slices.Sorted(maps.Keys(shipped)) {
			t.Run(string(kind)+"/"+loc, func(t *testing.T) { f(t, kind, loc) })
		}
	}
}

var (
	tagRE     = regexp.MustCompile(`<[^>]*>`)
	elementRE = regexp.MustCompile(`<([a-z0-9]+)\b[^>]*\bdata-element="([^"]*)"[^>]*>`)
)

// plain is the text of an HTML fragment: tags dropped, entities decoded,
// white space collapsed.
func plain(s string) string {
	return strings.Join(strings.Fields(html.UnescapeString(tagRE.ReplaceAllString(s, " "))), " ")
}

// marked returns the text of every block marked with data-element, by key
// (blocks of one key joined).
func marked(t *testing.T, h string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, m := range elementRE.FindAllStringSubmatchIndex(h, -1) {
		tag, keys := h[m[2]:m[3]], strings.Fields(h[m[4]:m[5]])
		// The block ends at its own closing tag: count nested tags of its name.
		depth, end := 1, -1
		for i := m[1]; i < len(h) && end < 0; {
			j := strings.Index(h[i:], "<")
			if j < 0 {
				break
			}
			i += j
			switch {
			case strings.HasPrefix(h[i:], "</"+tag+">"):
				if depth--; depth == 0 {
					end = i
				}
			case strings.HasPrefix(h[i:], "<"+tag+">") || strings.HasPrefix(h[i:], "<"+tag+" "):
				depth++
			}
			i++
		}
		if end < 0 {
			t.Fatalf("unclosed <%s data-element=%q>", tag, keys)
		}
		for _, k := range keys {
			if !slices.Contains(vocabulary, k) {
				t.Errorf("data-element %q is not in the checker's vocabulary", k)
			}
			out[k] = strings.TrimSpace(out[k] + " " + plain(h[m[1]:end]))
		}
	}
	return out
}

func TestDefaultsShipEveryLocale(t *testing.T) {
	for _, kind := range candor.DisclosureKinds() {
		t.Run(string(kind), func(t *testing.T) {
			variants, def := templates.Defaults(kind)
			if def != "en" {
				t.Errorf("default locale %q", def)
			}
			for loc := range shipped {
				if v, ok := variants[loc]; !ok || v.Subject == "" || v.Body == "" {
					t.Errorf("locale %s: %+v", loc, v)
				}
			}
			if len(variants) != len(shipped) {
				t.Errorf("locales %v, want %d", slices.Sorted(maps.Keys(variants)), len(shipped))
			}
			if _, err := candor.NormalizeContent(kind, content(t, kind), render.CanonicalLocale); err != nil {
				t.Errorf("NormalizeContent: %v %+v", err, candor.ErrorFields(err))
			}
			if err := render.CheckSyntax(content(t, kind).Clone()); err != nil {
				t.Errorf("CheckSyntax: %v %+v", err, candor.ErrorFields(err))
			}
			for loc, v := range variants {
				if strings.Contains(v.Body, "<style") || strings.Contains(v.Body, "<script") || strings.Contains(v.Body, "style=") {
					t.Errorf("%s: the body carries its own styles or scripts", loc)
				}
			}
		})
	}
	t.Run("unknown kind", func(t *testing.T) {
		if v, def := templates.Defaults("press_release"); v != nil || def != "" {
			t.Errorf("Defaults = %v, %q", v, def)
		}
	})
	t.Run("a fresh map each time", func(t *testing.T) {
		v, _ := templates.Defaults(candor.KindCustomerNotice)
		delete(v, "en")
		if v, _ := templates.Defaults(candor.KindCustomerNotice); v["en"].Body == "" {
			t.Error("Defaults shares its map")
		}
	})
}

// TestDefaultsRender renders every default (kind × language) for a sample,
// an empty and a postal customer with the full incident: the discovery date
// is the Tokyo date in the language's own form, the letter is dated and
// referenced, and every content element of the kind is marked and says
// something.
func TestDefaultsRender(t *testing.T) {
	each(t, func(t *testing.T, kind candor.DisclosureKind, loc string) {
		for _, cu := range customers {
			t.Run(cu.name, func(t *testing.T) {
				d := fullData(loc)
				d.Customer = cu.of(loc)
				got := renderDefault(t, kind, loc, d)
				if got.Text == "" || got.Subject == "" || strings.ContainsAny(got.Subject, "\r\n") {
					t.Fatalf("subject %q, text %q", got.Subject, got.Text)
				}
				for _, part := range []string{got.Subject, got.HTML, got.Text} {
					if strings.Contains(part, "{{") || strings.Contains(part, "<no value>") || strings.Contains(part, "ZgotmplZ") {
						t.Errorf("leftover template syntax or unsafe value in %q", part)
					}
				}
				if !strings.Contains(got.Subject, d.Org.Name) {
					t.Errorf("subject %q does not name the organisation", got.Subject)
				}
				for _, want := range []string{shipped[loc], d.Org.Name, d.Org.ContactEmail, d.Notice.Reference} {
					if !strings.Contains(got.Text, want) {
						t.Errorf("text lacks %q:\n%s", want, got.Text)
					}
				}
				if name := d.Customer.Name; kind == candor.KindCustomerNotice && name != "" && !strings.Contains(got.Text, name) {
					t.Errorf("customer notice does not address %q", name)
				}
				if kind != candor.KindCustomerNotice && d.Customer.Name != "" && strings.Contains(got.Text, d.Customer.Name) {
					t.Errorf("a %s addresses a customer", kind)
				}
				els := marked(t, got.HTML)
				if !strings.Contains(els["discovery_date"], shipped[loc]) {
					t.Errorf("discovery_date %q, want %q in it", els["discovery_date"], shipped[loc])
				}
				if cu.name != "sample customer" {
					return
				}
				for _, k := range append(slices.Clone(elements[kind]), extra[kind][loc]...) {
					if els[k] == "" {
						t.Errorf("no text marked data-element=%q", k)
					}
				}
				for _, k := range []string{"credit_agencies", "security_freeze"} {
					if _, ok := els[k]; ok && !slices.Contains(extra[kind][loc], k) {
						t.Errorf("unexpected %s", k)
					}
				}
			})
		}
	})
}

// TestDefaultsUSConsumerInformation: the credit reporting agencies and the
// FTC are for US readers of the English notice only.
func TestDefaultsUSConsumerInformation(t *testing.T) {
	for _, country := range []string{"US", "GB", ""} {
		d := fullData("en")
		d.Customer = render.SampleCustomer("en", nil)
		d.Customer.Country = country
		els := marked(t, renderDefault(t, candor.KindCustomerNotice, "en", d).HTML)
		_, shown := els["credit_agencies"]
		if shown != (country == "US") || (shown && !strings.Contains(els["credit_agencies"], "Federal Trade Commission")) {
			t.Errorf("country %q: credit agencies %q", country, els["credit_agencies"])
		}
	}
}

// TestDefaultsCaliforniaHeadings: the English notice is titled and headed as
// Cal. Civ. Code 1798.82 prescribes, in that order.
func TestDefaultsCaliforniaHeadings(t *testing.T) {
	d := fullData("en")
	d.Customer = render.SampleCustomer("en-US", nil)
	h := renderDefault(t, candor.KindCustomerNotice, "en", d).HTML
	at := 0
	for _, heading := range []string{">Notice of Data Breach</h1>", ">What Happened</h2>", ">What Information Was Involved</h2>",
		">What We Are Doing</h2>", ">What You Can Do</h2>", ">For More Information</h2>"} {
		i := strings.Index(h[at:], heading)
		if i < 0 {
			t.Fatalf("no %q after byte %d:\n%s", heading, at, h)
		}
		at += i
	}
}

// statementClaims are, per language, words that only a sentence about a
// published or scheduled statement uses.
var statementLink = "https://example.com/statements/2020-12-28"

// TestDefaultsStatementOnlyWhenThere: no notice mentions a public statement
// while there is none; a regulator report says there is none; one that is
// scheduled is announced with its date, not as published.
func TestDefaultsStatementOnlyWhenThere(t *testing.T) {
	each(t, func(t *testing.T, kind candor.DisclosureKind, loc string) {
		d := fullData(loc)
		d.Customer = render.SampleCustomer(loc, nil)
		d.Statement = render.StatementView{}
		h := renderDefault(t, kind, loc, d).HTML
		els := marked(t, h)
		if strings.Contains(h, "/statements") {
			t.Errorf("links a statement that does not exist:\n%s", h)
		}
		switch text, ok := els["statement"]; {
		case kind == candor.KindRegulatorReport && (!ok || text == ""):
			t.Errorf("the report does not say whether a statement was published")
		case kind != candor.KindRegulatorReport && ok:
			t.Errorf("statement %q without one", text)
		}
		if kind == candor.KindPublicStatement {
			return
		}
		published := els["statement"]

		d.Statement = render.StatementView{URL: statementLink, PublishAt: jst(2021, 1, 5, 9, 0)}
		els = marked(t, renderDefault(t, kind, loc, d).HTML)
		when := map[string]string{"en": "5 January 2021", "ja": "2021年1月5日", "th": "5 มกราคม พ.ศ. 2564", "id": "5 Januari 2021", "fil": "Enero 5, 2021"}[loc]
		if s := els["statement"]; !strings.Contains(s, statementLink) || !strings.Contains(s, when) || s == published {
			t.Errorf("scheduled statement %q, want its address and %q", s, when)
		}
	})
}

// containment is, per language, the words of the containment sentence.
var containment = map[string]string{
	"en":  "contained",
	"ja":  "被害の拡大を防止するための措置を完了",
	"th":  "ควบคุมเหตุดังกล่าวแล้ว",
	"id":  "tanggulangi",
	"fil": "Napigilan",
}

// TestDefaultsContainment: containment is claimed only when recorded, and
// then with its date.
func TestDefaultsContainment(t *testing.T) {
	contained := map[string]string{"en": "8 July 2020", "ja": "2020年7月8日", "th": "8 กรกฎาคม พ.ศ. 2563", "id": "8 Juli 2020", "fil": "Hulyo 8, 2020"}
	each(t, func(t *testing.T, kind candor.DisclosureKind, loc string) {
		d := fullData(loc)
		d.Customer = render.SampleCustomer(loc, nil)
		d.Incident.Events = nil // an event on the same day must not stand in for the sentence
		m := marked(t, renderDefault(t, kind, loc, d).HTML)["measures_taken"]
		if !strings.Contains(m, containment[loc]) || !strings.Contains(m, contained[loc]) {
			t.Errorf("contained: measures %q lack %q on %q", m, containment[loc], contained[loc])
		}
		d.Incident.ContainedAt = time.Time{}
		got := renderDefault(t, kind, loc, d)
		if strings.Contains(got.Text, containment[loc]) {
			t.Errorf("not contained, but the text says %q:\n%s", containment[loc], got.Text)
		}
		if m := marked(t, got.HTML)["measures_taken"]; m == "" {
			t.Error("no measures without containment")
		}
	})
}

// undetermined is, per language, how a report says a count is not yet known.
var undetermined = map[string]string{
	"en":  "being determined",
	"ja":  "調査中",
	"th":  "อยู่ระหว่างการตรวจสอบ",
	"id":  "masih dalam proses identifikasi",
	"fil": "inaalam pa",
}

// TestRegulatorReportCounts: a report gives the count in its jurisdiction
// (and the total, by country, when they differ), and says "being
// determined" only while the count is 0.
func TestRegulatorReportCounts(t *testing.T) {
	for _, loc := range slices.Sorted(maps.Keys(shipped)) {
		t.Run(loc, func(t *testing.T) {
			sep := ","
			if loc == "id" {
				sep = "."
			}
			d := fullData(loc)
			c := marked(t, renderDefault(t, candor.KindRegulatorReport, loc, d).HTML)["affected_count"]
			for _, want := range []string{"1" + sep + "234", "26" + sep + "000", "24" + sep + "766"} {
				if !strings.Contains(c, want) {
					t.Errorf("count %q lacks %q", c, want)
				}
			}
			if strings.Contains(c, undetermined[loc]) {
				t.Errorf("count %q says %q although it is known", c, undetermined[loc])
			}

			d.Affected = render.AffectedView{Total: 1234, Jurisdiction: 1234}
			c = marked(t, renderDefault(t, candor.KindRegulatorReport, loc, d).HTML)["affected_count"]
			if !strings.Contains(c, "1"+sep+"234") || strings.Contains(c, undetermined[loc]) || strings.Contains(c, "24"+sep+"766") {
				t.Errorf("all in the jurisdiction: count %q", c)
			}

			d.Affected = render.AffectedView{}
			c = marked(t, renderDefault(t, candor.KindRegulatorReport, loc, d).HTML)["affected_count"]
			if !strings.Contains(c, undetermined[loc]) {
				t.Errorf("unknown count %q, want %q", c, undetermined[loc])
			}
		})
	}
}

var (
	urlRE     = regexp.MustCompile(`(https?://|mailto:|www\.)\S+`)
	emailRE   = regexp.MustCompile(`\S+@\S+`)
	latinRE   = regexp.MustCompile(`[A-Za-z]{4,}`)
	englishRE = regexp.MustCompile(`(?i)\b(the|and|of|to|with|your|our|we|you|is|are|has|have|been|this|that|will|please)\b`)
)

// TestDefaultsStayInLanguage: with the data's own text (names, titles,
// summaries, addresses, codes) taken out, what a template says is in its
// language: no run of 4 or more Latin letters in Japanese or Thai, and no
// English function words in Indonesian or Filipino (whose own script is
// Latin, and where loanwords such as email, phishing or password are
// normal).
func TestDefaultsStayInLanguage(t *testing.T) {
	each(t, func(t *testing.T, kind candor.DisclosureKind, loc string) {
		if loc == "en" {
			return
		}
		for _, cu := range customers {
			d := fullData(loc)
			d.Customer = cu.of(loc)
			got := renderDefault(t, kind, loc, d)
			s := plain(got.Subject + "\n" + got.HTML)
			s = urlRE.ReplaceAllString(s, " ")
			s = emailRE.ReplaceAllString(s, " ")
			tx := texts[loc]
			known := []string{d.Org.Name, d.Org.Signatory, d.Org.ContactPhone, d.Notice.Reference, d.Regulator.Authority,
				d.Customer.Name, tx.title, tx.summary, tx.events[0], tx.events[1], tx.events[2]}
			for _, k := range known {
				if k != "" {
					s = strings.ReplaceAll(s, k, " ")
				}
			}
			var bad []string
			switch loc {
			case "ja", "th":
				bad = latinRE.FindAllString(s, -1)
			default:
				bad = englishRE.FindAllString(s, -1)
			}
			if len(bad) > 0 {
				t.Errorf("%s: words from another language %q in:\n%s", cu.name, bad, s)
			}
		}
	})
}

// TestDefaultsSalutation: a stored name that already carries its title is
// not given a second one.
func TestDefaultsSalutation(t *testing.T) {
	for _, c := range []struct{ loc, name, want, not string }{
		{"th", "สมศรี ใจดี", "เรียน คุณสมศรี ใจดี", ""},
		{"th", "นายสมชาย ใจดี", "เรียน นายสมชาย ใจดี", "คุณนาย"},
		{"th", "นางสาวสมหญิง ใจดี", "เรียน นางสาวสมหญิง ใจดี", "คุณนาง"},
		{"th", "Alex Morgan", "เรียน คุณ Alex Morgan", ""},
		{"id", "Siti Rahayu", "Yth. Bapak/Ibu Siti Rahayu,", ""},
		{"id", "Bapak Budi", "Yth. Bapak Budi,", "Bapak/Ibu Bapak"},
		{"id", "Ibu Siti", "Yth. Ibu Siti,", "Bapak/Ibu Ibu"},
		{"ja", "山田 花子", "山田 花子 様", ""},
		{"fil", "Maria Santos", "Mahal na Maria Santos:", ""},
		{"en", "Alex Morgan", "Dear Alex Morgan,", ""},
	} {
		d := fullData(c.loc)
		d.Customer = render.CustomerView{Name: c.name}
		text := renderDefault(t, candor.KindCustomerNotice, c.loc, d).Text
		if !strings.Contains(text, c.want) || (c.not != "" && strings.Contains(text, c.not)) {
			t.Errorf("%s %q: want %q (not %q) in\n%s", c.loc, c.name, c.want, c.not, text)
		}
	}
}

// TestRegulatorLocale: a report goes out in its authority's language, and
// the default locale of a new report follows its regulator.
func TestRegulatorLocale(t *testing.T) {
	for code, want := range map[string]string{"JP": "ja", "TH": "th", "ID": "id", "PH": "en", "US-CA": "en", "EU": "en", "DE": "en", "": "en"} {
		if got := templates.RegulatorLocale(code); got != want {
			t.Errorf("RegulatorLocale(%q) = %q, want %q", code, got, want)
		}
	}
	variants, _ := templates.Defaults(candor.KindRegulatorReport)
	for code, want := range map[string]string{"JP": "ja", "TH": "th", "ID": "id", "PH": "en"} {
		def := templates.DefaultLocaleFor(candor.KindRegulatorReport, &candor.Regulator{Jurisdiction: code})
		// A report is rendered with no customer locale: the default's variant goes.
		if loc, _ := render.PickVariant(variants, def, ""); loc != want {
			t.Errorf("report to %s goes in %q, want %q", code, loc, want)
		}
	}
	if got := templates.DefaultLocaleFor(candor.KindRegulatorReport, nil); got != "en" {
		t.Errorf("no regulator: %q", got)
	}
	if got := templates.DefaultLocaleFor(candor.KindCustomerNotice, &candor.Regulator{Jurisdiction: "JP"}); got != "en" {
		t.Errorf("customer notice: %q", got)
	}
}

func TestDefaultsPassCheck(t *testing.T) {
	for _, kind := range candor.DisclosureKinds() {
		t.Run(string(kind), func(t *testing.T) {
			locales := []string{"ja-JP", "th", "id", "tl", "en-US", "pt-BR"}
			base := fullData("en")
			if err := render.Check(context.Background(), content(t, kind), base, locales); err != nil {
				t.Fatalf("Check: %v %+v", err, candor.ErrorFields(err))
			}
			// An incident early on: nothing known but the discovery.
			base.Incident = render.IncidentView{DiscoveredAt: base.Incident.DiscoveredAt}
			base.Affected, base.Statement, base.Regulator, base.Notice = render.AffectedView{}, render.StatementView{}, render.RegulatorView{}, render.NoticeView{}
			base.Org = render.OrgView{Name: base.Org.Name, ContactEmail: base.Org.ContactEmail}
			if err := render.Check(context.Background(), content(t, kind), base, locales); err != nil {
				t.Fatalf("Check, sparse: %v %+v", err, candor.ErrorFields(err))
			}
		})
	}
}
