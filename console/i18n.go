package console

import (
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/text/language"
)

// The console's own words, in English and Japanese. Facts (titles,
// summaries, the timeline) are shown as they were written, with their
// translations; rule names are the catalogue's.
var messages = map[string]map[string]string{
	"en": {
		"app": "Candor console", "sign_in": "Sign in", "sign_out": "Sign out", "email": "E-mail", "password": "Password",
		"bad_credentials": "The e-mail or password is wrong.", "rate_limited": "Too many failed sign-ins from this address; try again in %d s.",
		"set_password": "Set your password", "new_password": "New password (at least 12 characters)", "confirm_password": "Repeat it",
		"save": "Save", "mismatch": "The two passwords differ.", "bad_link": "This link is unknown, used or expired. Ask an admin for a new one (candor person invite).",
		"password_set": "Your password is set. Sign in.", "incidents": "Incidents", "no_incidents": "No incidents yet.",
		"title": "Title", "discovered": "Discovered", "severity": "Severity", "timezone": "Time zone", "room": "Incident room",
		"deadlines": "Deadline board", "summary": "Summary", "translations": "Translations", "language": "Language",
		"timeline": "Public timeline", "no_events": "No public events yet.", "categories": "Data categories", "none": "none",
		"customers": "Affected customers", "channel": "Channel", "count": "Count", "total": "Total",
		"duty": "Duty", "jurisdiction": "Jurisdiction", "due": "Due", "status": "Status", "met_by": "Met by",
		"open": "open", "met": "met", "overdue": "OVERDUE", "met_late": "MET LATE", "soft": "soft deadline",
		"no_due": "no due time yet", "send": "send", "disclosure": "notice", "at": "at", "status_at": "Status at",
		"no_obligations": "No obligations apply with what is known.", "next": "Next page",
		"csrf":      "The form expired or came from another site. Go back, reload the page and try again.",
		"not_found": "Not found.", "error": "Something went wrong; it has been logged.", "signed_in_as": "Signed in as",
		"back": "All incidents", "disclaimer": "Deadlines computed from the rule catalogue; not legal advice.",
		"people_count": "%d", "facts": "Facts", "unknown_date": "—", "late_by": "late by",
	},
	"ja": {
		"app": "Candor コンソール", "sign_in": "ログイン", "sign_out": "ログアウト", "email": "メールアドレス", "password": "パスワード",
		"bad_credentials": "メールアドレスまたはパスワードが正しくありません。", "rate_limited": "このアドレスからのログイン失敗が多すぎます。%d 秒後に再度お試しください。",
		"set_password": "パスワードの設定", "new_password": "新しいパスワード（12文字以上）", "confirm_password": "もう一度入力",
		"save": "保存", "mismatch": "2つのパスワードが一致しません。", "bad_link": "このリンクは無効か、使用済みか、期限切れです。管理者に新しいリンクを依頼してください（candor person invite）。",
		"password_set": "パスワードを設定しました。ログインしてください。", "incidents": "インシデント", "no_incidents": "インシデントはまだありません。",
		"title": "件名", "discovered": "発覚日時", "severity": "重大度", "timezone": "タイムゾーン", "room": "インシデントルーム",
		"deadlines": "期限ボード", "summary": "概要", "translations": "翻訳", "language": "言語",
		"timeline": "公開経緯", "no_events": "公開された経緯はまだありません。", "categories": "データ分類", "none": "なし",
		"customers": "影響を受けた顧客", "channel": "連絡手段", "count": "件数", "total": "合計",
		"duty": "義務", "jurisdiction": "法域", "due": "期限", "status": "状態", "met_by": "履行",
		"open": "未了", "met": "履行済み", "overdue": "期限超過", "met_late": "MET LATE", "soft": "努力義務の期限",
		"no_due": "期限未確定", "send": "送信", "disclosure": "通知", "at": "日時", "status_at": "状態の基準日時",
		"no_obligations": "現在判明している事実では、適用される義務はありません。", "next": "次のページ",
		"csrf":      "フォームの有効期限が切れたか、別のサイトから送信されました。戻ってページを再読み込みし、もう一度お試しください。",
		"not_found": "見つかりません。", "error": "エラーが発生しました（記録済み）。", "signed_in_as": "ログイン中",
		"back": "インシデント一覧", "disclaimer": "期限は規則カタログから算出したもので、法的助言ではありません。",
		"people_count": "%d 人", "facts": "事実", "unknown_date": "—", "late_by": "遅延",
	},
}

var languages = []string{"en", "ja"}

// words adds one area's words to messages (each area of the console keeps
// its words in its own file, in an init). A key given twice is a
// programming error.
func words(en, ja map[string]string) {
	for l, m := range map[string]map[string]string{"en": en, "ja": ja} {
		for k, v := range m {
			if _, dup := messages[l][k]; dup {
				panic("console: word " + k + " defined twice")
			}
			messages[l][k] = v
		}
	}
}

var matcher = language.NewMatcher([]language.Tag{language.English, language.Japanese})

// lang is the person's choice (cookie), else the best of Accept-Language.
func lang(c *gin.Context) string {
	if v, err := c.Cookie(langCookie); err == nil {
		if _, ok := messages[v]; ok {
			return v
		}
	}
	h := c.GetHeader("Accept-Language")
	if len(h) > 256 {
		h = h[:256]
	}
	tags, _, _ := language.ParseAcceptLanguage(h)
	_, i, _ := matcher.Match(tags...)
	return languages[i]
}

// setLanguage keeps the chosen language for a year and goes back.
func (cs *Console) setLanguage(c *gin.Context) {
	l := c.Query("l")
	if _, ok := messages[l]; !ok {
		l = "en"
	}
	cs.setCookie(c, langCookie, l, 365*24*3600)
	next := c.Query("next")
	if next == "/" {
		next = "/"
	} else {
		next = localPath(next)
	}
	c.Redirect(http.StatusSeeOther, next)
}

func tr(l, key string, args ...any) string {
	s, ok := messages[l][key]
	if !ok {
		s = messages["en"][key]
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

var enMonths = [...]string{"January", "February", "March", "April", "May", "June", "July", "August", "September",
	"October", "November", "December"}

// formatTime shows t in loc: "11 June 2020 10:00 JST", "2020年6月11日 10:00 JST".
func formatTime(l string, t time.Time, loc *time.Location) string {
	t = t.In(loc)
	if l == "ja" {
		return fmt.Sprintf("%d年%d月%d日 %s", t.Year(), int(t.Month()), t.Day(), t.Format("15:04 MST"))
	}
	return fmt.Sprintf("%d %s %d %s", t.Day(), enMonths[t.Month()-1], t.Year(), t.Format("15:04 MST"))
}

// formatDate shows a date-only value ("2020-06-11").
func formatDate(l, d string) string {
	t, err := time.Parse("2006-01-02", d)
	if err != nil {
		return d
	}
	if l == "ja" {
		return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
	}
	return fmt.Sprintf("%d %s %d", t.Day(), enMonths[t.Month()-1], t.Year())
}

// langLinks lists the other languages with the link that picks each.
func langLinks(c *gin.Context, current string) []langLink {
	names := map[string]string{"en": "English", "ja": "日本語"}
	var out []langLink
	for _, l := range languages {
		out = append(out, langLink{Code: l, Name: names[l], Current: l == current,
			Href: "/console/lang?l=" + l + "&next=" + url.QueryEscape(c.Request.URL.RequestURI())})
	}
	return out
}

type langLink struct {
	Code, Name, Href string
	Current          bool
}
