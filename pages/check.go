package pages

import (
	"maps"
	"net/url"
	"strings"
	"time"

	"github.com/candor-dev/candor/render"
)

// CheckView is what the reference lookup page (/notices/check) shows:
// the form, and the answer to what was asked. It holds nothing personal.
type CheckView struct {
	Ref, Email string // as typed, to keep in the form
	RefError   string // a malformed reference: ParseReference's message
	EmailError string
	Unknown    bool // no such reference (or nothing public yet): one answer for both
	Found      bool
	Channel    string     // email or letter
	SentAt     *time.Time // an e-mail's
	MailedOn   string     // a letter's, YYYY-MM-DD
	Zone       string     // the incident's zone, for SentAt
	Statement  string     // the statement's address
	Asked      bool       // the e-mail question was asked
	Matches    bool
	Action     string // the form's target
}

type checkPage struct {
	frame
	CheckView
	When                         string
	Verdict, Detail, Affected    string
	StatementLink, StatementText string
}

// checkWords are the lookup page's words; languages without them get
// English (Negotiate offers en, ja and th).
var checkWords = map[string]map[string]string{
	"en": {
		"check_title": "Check a notice", "check_intro": "Received a letter or e-mail about our data breach? Enter the reference printed on it to check that it really comes from us.",
		"check_ref": "Reference", "check_ref_hint": "15 characters, such as K7QM4-XR2TD-9HWPA", "check_submit": "Check",
		"check_email": "Your e-mail address (optional)", "check_email_hint": "To check whether this notice was addressed to you. We only say yes or no.",
		"check_genuine": "This notice is genuine.", "check_unknown": "We have no notice with this reference. If you received a message quoting it, do not follow its instructions: it may be a phishing attempt. Check that you typed the reference correctly.",
		"check_sent_email": "We sent it by e-mail on %s.", "check_mailed": "We posted it as a letter on %s.", "check_pending": "It has not been sent yet.",
		"check_do": "What happened and what you can do is explained in our statement:", "check_statement": "read the statement",
		"check_match": "This notice was addressed to the e-mail address you entered: you are among the people affected.", "check_nomatch": "This notice was not addressed to the e-mail address you entered.",
	},
	"ja": {
		"check_title": "通知の確認", "check_intro": "当社の個人データ漏えいに関する手紙やメールを受け取られた方は、記載の参照番号を入力して、当社からの正規の通知であることをご確認ください。",
		"check_ref": "参照番号", "check_ref_hint": "15文字（例：K7QM4-XR2TD-9HWPA）", "check_submit": "確認する",
		"check_email": "メールアドレス（任意）", "check_email_hint": "この通知があなた宛てかどうかを確認できます。お答えするのは「はい」か「いいえ」のみです。",
		"check_genuine": "この通知は当社からの正規の通知です。", "check_unknown": "この参照番号の通知はありません。この番号を記載したメッセージを受け取られた場合は、その指示に従わないでください。フィッシングのおそれがあります。参照番号の入力に誤りがないかもご確認ください。",
		"check_sent_email": "%sにメールでお送りしました。", "check_mailed": "%sに郵便で発送しました。", "check_pending": "まだ送付しておりません。",
		"check_do": "事案の内容とお客様にお願いしたいことは、当社の公表文に掲載しております：", "check_statement": "公表文を読む",
		"check_match": "この通知は入力されたメールアドレス宛てにお送りしたものです。お客様は本件の対象となる方です。", "check_nomatch": "この通知は入力されたメールアドレス宛てではありません。",
	},
	"th": {
		"check_title": "ตรวจสอบหนังสือแจ้ง", "check_intro": "หากท่านได้รับจดหมายหรืออีเมลเกี่ยวกับเหตุการณ์ข้อมูลส่วนบุคคลรั่วไหลของบริษัทฯ กรุณากรอกเลขที่อ้างอิงที่ระบุไว้ เพื่อตรวจสอบว่าออกโดยบริษัทฯ จริง",
		"check_ref": "เลขที่อ้างอิง", "check_ref_hint": "15 ตัวอักษร เช่น K7QM4-XR2TD-9HWPA", "check_submit": "ตรวจสอบ",
		"check_email": "อีเมลของท่าน (ไม่บังคับ)", "check_email_hint": "เพื่อตรวจสอบว่าหนังสือแจ้งนี้ส่งถึงท่านหรือไม่ บริษัทฯ จะตอบเพียงว่าใช่หรือไม่ใช่",
		"check_genuine": "หนังสือแจ้งฉบับนี้ออกโดยบริษัทฯ จริง", "check_unknown": "ไม่พบหนังสือแจ้งที่มีเลขที่อ้างอิงนี้ หากท่านได้รับข้อความที่อ้างถึงเลขนี้ โปรดอย่าปฏิบัติตามคำแนะนำในข้อความนั้น เนื่องจากอาจเป็นการหลอกลวง (ฟิชชิง) และโปรดตรวจสอบว่ากรอกเลขที่อ้างอิงถูกต้อง",
		"check_sent_email": "บริษัทฯ ได้ส่งทางอีเมลเมื่อ %s", "check_mailed": "บริษัทฯ ได้ส่งทางไปรษณีย์เมื่อ %s", "check_pending": "ยังไม่ได้จัดส่ง",
		"check_do": "รายละเอียดของเหตุการณ์และสิ่งที่ท่านควรทำ ระบุไว้ในประกาศของบริษัทฯ:", "check_statement": "อ่านประกาศ",
		"check_match": "หนังสือแจ้งฉบับนี้ส่งถึงอีเมลที่ท่านกรอก ท่านเป็นผู้ได้รับผลกระทบจากเหตุการณ์นี้", "check_nomatch": "หนังสือแจ้งฉบับนี้ไม่ได้ส่งถึงอีเมลที่ท่านกรอก",
	},
}

// CheckLocales are the languages the lookup page speaks.
var CheckLocales = []string{"en", "ja", "th"}

// CheckHTML renders the lookup page in loc (one of CheckLocales).
func (s *Site) CheckHTML(v CheckView, loc string, l Links) ([]byte, error) {
	w, ok := checkWords[loc]
	if !ok {
		loc, w = "en", checkWords["en"]
	}
	t := maps.Clone(words(loc))
	maps.Copy(t, w)
	page := checkPage{frame: s.frame(loc, w["check_title"], l), CheckView: v}
	page.T = t
	for _, lang := range CheckLocales {
		page.Languages = append(page.Languages, langLink{Lang: lang, Name: languageName(lang), Href: "?lang=" + lang, Current: lang == loc})
	}
	if v.Found {
		page.Verdict = w["check_genuine"]
		switch {
		case v.SentAt != nil:
			page.Detail = wordf(w, "check_sent_email", s.whenIn(v.Zone, loc, *v.SentAt).Text)
		case v.MailedOn != "":
			d, err := time.Parse(time.DateOnly, v.MailedOn)
			if err == nil {
				page.Detail = wordf(w, "check_mailed", render.FormatDate(loc, d))
			}
		default:
			page.Detail = w["check_pending"]
		}
		if v.Asked {
			page.Affected = w["check_nomatch"]
			if v.Matches {
				page.Affected = w["check_match"]
			}
		}
	}
	return s.execute("check.html", page)
}

// CheckPolicy is ContentSecurityPolicy for the lookup page, whose form
// posts back to itself.
func (s *Site) CheckPolicy() string {
	return strings.Replace(s.ContentSecurityPolicy(), "form-action 'none'", "form-action 'self'", 1)
}

// Check is the lookup page's address in lang: on the live site under the
// base URL, in an export under the base it will be served from ("" when
// none is known: the export has no such page of its own).
func (l Links) Check(lang string) string {
	if l.static && l.base == "" {
		return ""
	}
	u := l.base + "/notices/check"
	if lang != "" && !l.static {
		u += "?lang=" + url.QueryEscape(lang)
	}
	return u
}
