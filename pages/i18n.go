package pages

import (
	"fmt"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// messages are the words of the page frame, in the languages Candor ships
// default templates for. A page in another language gets English frame
// words around its own text.
var messages = map[string]map[string]string{
	"en": {
		"check_link": "Received a notice from us? Check that it is genuine",
		"published":  "Published", "updated": "Last updated", "versions": "Earlier versions",
		"events": "Course of events", "withdrawn_title": "Statement withdrawn",
		"withdrawn":    "This statement, published on %[1]s, was withdrawn on %[2]s.",
		"statements":   "Statements",
		"version_note": "This is version %[1]d of this statement, published on %[2]s.",
		"read_current": "Read the current version.", "version": "Version %d", "version_withdrawn": "withdrawn on %s",
		"languages": "Languages", "feed": "Atom feed", "contact": "Contact",
		"none": "No statements have been published.", "notfound_title": "Not found",
		"notfound": "There is no statement at this address.",
	},
	"ja": {
		"check_link": "当社からの通知が正規のものかどうかを確認する",
		"published":  "公開日", "updated": "最終更新日", "versions": "過去の版",
		"events": "経緯", "withdrawn_title": "お知らせの取り下げ",
		"withdrawn":    "%[1]sに公開した本お知らせは、%[2]sに取り下げました。",
		"statements":   "お知らせ一覧",
		"version_note": "これは%[2]sに公開した本お知らせの第%[1]d版です。",
		"read_current": "最新版を読む", "version": "第%d版", "version_withdrawn": "%sに取り下げ",
		"languages": "言語", "feed": "Atomフィード", "contact": "お問い合わせ",
		"none": "公開中のお知らせはありません。", "notfound_title": "ページが見つかりません",
		"notfound": "このアドレスにお知らせはありません。",
	},
	"th": {
		"check_link": "ตรวจสอบว่าหนังสือแจ้งที่ท่านได้รับออกโดยบริษัทฯ จริง",
		"published":  "เผยแพร่เมื่อ", "updated": "ปรับปรุงล่าสุด", "versions": "ฉบับก่อนหน้า",
		"events": "ลำดับเหตุการณ์", "withdrawn_title": "แถลงการณ์ถูกเพิกถอน",
		"withdrawn":    "แถลงการณ์นี้ซึ่งเผยแพร่เมื่อ %[1]s ได้ถูกเพิกถอนเมื่อ %[2]s",
		"statements":   "แถลงการณ์",
		"version_note": "นี่คือฉบับที่ %[1]d ของแถลงการณ์นี้ เผยแพร่เมื่อ %[2]s",
		"read_current": "อ่านฉบับล่าสุด", "version": "ฉบับที่ %d", "version_withdrawn": "เพิกถอนเมื่อ %s",
		"languages": "ภาษา", "feed": "ฟีด Atom", "contact": "ติดต่อ",
		"none": "ยังไม่มีแถลงการณ์ที่เผยแพร่", "notfound_title": "ไม่พบหน้านี้",
		"notfound": "ไม่มีแถลงการณ์ที่ที่อยู่นี้",
	},
	"id": {
		"check_link": "Menerima pemberitahuan dari kami? Periksa keasliannya",
		"published":  "Diterbitkan", "updated": "Terakhir diperbarui", "versions": "Versi sebelumnya",
		"events": "Kronologi kejadian", "withdrawn_title": "Pernyataan ditarik",
		"withdrawn":    "Pernyataan ini, yang diterbitkan pada %[1]s, telah ditarik pada %[2]s.",
		"statements":   "Pernyataan",
		"version_note": "Ini adalah versi %[1]d dari pernyataan ini, yang diterbitkan pada %[2]s.",
		"read_current": "Baca versi terbaru.", "version": "Versi %d", "version_withdrawn": "ditarik pada %s",
		"languages": "Bahasa", "feed": "Umpan Atom", "contact": "Kontak",
		"none": "Belum ada pernyataan yang diterbitkan.", "notfound_title": "Tidak ditemukan",
		"notfound": "Tidak ada pernyataan di alamat ini.",
	},
	"fil": {
		"check_link": "Nakatanggap ng abiso mula sa amin? Tiyaking tunay ito",
		"published":  "Inilathala", "updated": "Huling na-update", "versions": "Mga naunang bersyon",
		"events": "Takbo ng mga pangyayari", "withdrawn_title": "Binawi ang pahayag",
		"withdrawn":    "Ang pahayag na ito, na inilathala noong %[1]s, ay binawi noong %[2]s.",
		"statements":   "Mga pahayag",
		"version_note": "Ito ang bersyon %[1]d ng pahayag na ito, na inilathala noong %[2]s.",
		"read_current": "Basahin ang kasalukuyang bersyon.", "version": "Bersyon %d", "version_withdrawn": "binawi noong %s",
		"languages": "Mga wika", "feed": "Atom feed", "contact": "Makipag-ugnayan",
		"none": "Wala pang inilathalang pahayag.", "notfound_title": "Hindi nahanap",
		"notfound": "Walang pahayag sa address na ito.",
	},
}

// words returns the frame words for locale loc: its base language's, else
// English.
func words(loc string) map[string]string {
	if m, ok := messages[baseOf(loc)]; ok {
		return m
	}
	return messages["en"]
}

func wordf(w map[string]string, key string, args ...any) string {
	return fmt.Sprintf(w[key], args...)
}

func baseOf(loc string) string {
	t, err := language.Parse(loc)
	if err != nil {
		return "en"
	}
	b, _ := t.Base()
	return b.String()
}

// languageName is a language's name in itself ("日本語", "ไทย"): what a
// reader looks for in a language switcher.
func languageName(loc string) string {
	t, err := language.Parse(loc)
	if err != nil {
		return loc
	}
	if n := display.Self.Name(t); n != "" {
		return n
	}
	return loc
}

// direction is "rtl" for the scripts written right to left, else "ltr".
func direction(loc string) string {
	t, err := language.Parse(loc)
	if err != nil {
		return "ltr"
	}
	s, _ := t.Script()
	switch s.String() {
	case "Arab", "Hebr", "Thaa", "Syrc", "Nkoo", "Adlm", "Rohg":
		return "rtl"
	}
	return "ltr"
}

// Negotiate picks the locale a reader gets among available (the first is
// the default): the one ?lang= names, else the best match for
// Accept-Language, else the default. A lang or header that is malformed
// or matches nothing is passed over, never an error.
func Negotiate(available []string, lang, acceptLanguage string) string {
	if len(available) == 0 {
		return ""
	}
	tags := make([]language.Tag, 0, len(available))
	idx := make([]int, 0, len(available))
	for i, a := range available {
		if t, err := language.Parse(a); err == nil {
			tags = append(tags, t)
			idx = append(idx, i)
		}
	}
	if len(tags) == 0 {
		return available[0]
	}
	m := language.NewMatcher(tags)
	if lang = strings.TrimSpace(lang); lang != "" && len(lang) <= 64 {
		if want, err := language.Parse(lang); err == nil {
			if _, i, conf := m.Match(want); conf >= language.High {
				return available[idx[i]]
			}
		}
	}
	if acceptLanguage = capAcceptLanguage(acceptLanguage); acceptLanguage != "" {
		if want, _, err := language.ParseAcceptLanguage(acceptLanguage); err == nil && len(want) > 0 {
			if _, i, conf := m.Match(want...); conf != language.No {
				return available[idx[i]]
			}
		}
	}
	return available[0]
}

// Accept-Language is read up to these bounds: a browser sends a few
// languages in a few dozen bytes, and anyone may send a megabyte.
const (
	maxAcceptLanguageBytes   = 256
	maxAcceptLanguageEntries = 16
)

// capAcceptLanguage is the part of an Accept-Language header that is
// parsed: its first 16 entries within its first 256 bytes, an entry cut
// by the byte limit left out.
func capAcceptLanguage(h string) string {
	if len(h) > maxAcceptLanguageBytes {
		h = h[:maxAcceptLanguageBytes]
		if i := strings.LastIndexByte(h, ','); i >= 0 {
			h = h[:i]
		} else {
			return ""
		}
	}
	for i, k := 0, 0; i < len(h); i++ {
		if h[i] == ',' {
			if k++; k == maxAcceptLanguageEntries {
				return h[:i]
			}
		}
	}
	return h
}
