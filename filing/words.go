package filing

import "strings"

// words are the phrases a pack's values are made of, per language. A pack
// is in its authority's language: the value of every field must read in
// it, with the incident's own text (its summary, its timeline) translated
// by the people who wrote it, never by Candor.
var words = map[string]map[string]string{
	"en": {
		"stage_preliminary": "Preliminary report", "stage_final": "Final report", "stage_notice": "Initial notification",
		"stage_full_report": "Full report", "initial": "Initial report", "follow_up": "Follow-up report (first filing: %s)",
		"yes": "Yes", "no": "No", "none_sent": "No notice has been sent to individuals yet.",
		"notified": "%d of %d individuals with an e-mail address notified (%s).", "notified_done": "completed %s",
		"notified_running": "in progress", "published": "Public statement published on %s: %s",
		"scheduled": "Public statement scheduled for %s: %s", "not_published": "Not published.",
		"contained": "Contained on %s.", "not_late": "Not applicable: within the deadline.",
		"le_yes":     "Yes: notification was delayed at the request of law enforcement.",
		"notice_ref": "%s (revision %d, approved %s)", "from": "from %s", "until": "until %s",
		"malicious": "deliberate (malicious)", "persons": "%d",
	},
	"ja": {
		"stage_preliminary": "速報", "stage_final": "確報", "stage_notice": "初報", "stage_full_report": "詳報",
		"initial": "初回報告", "follow_up": "追加報告（初回報告: %s）",
		"yes": "はい", "no": "いいえ", "none_sent": "本人への通知は未実施。",
		"notified": "電子メールで通知すべき本人%[2]d名のうち%[1]d名に通知済み（%[3]s）。", "notified_done": "%sに完了",
		"notified_running": "実施中", "published": "%sに公表済み: %s",
		"scheduled": "%sに公表予定: %s", "not_published": "未公表。",
		"contained": "%sに封じ込め済み。", "not_late": "該当なし（期限内）。",
		"le_yes":     "はい（捜査機関の要請により通知を遅らせた）。",
		"notice_ref": "%s（第%d版、%s承認）", "from": "%sから", "until": "%sまで",
		"malicious": "不正の目的によるもの", "persons": "%d名",
	},
	"th": {
		"stage_preliminary": "รายงานเบื้องต้น", "stage_final": "รายงานฉบับสมบูรณ์", "stage_notice": "การแจ้งครั้งแรก",
		"stage_full_report": "รายงานฉบับเต็ม", "initial": "การแจ้งครั้งแรก", "follow_up": "การแจ้งเพิ่มเติม (การแจ้งครั้งแรก: %s)",
		"yes": "ใช่", "no": "ไม่ใช่", "none_sent": "ยังไม่ได้แจ้งเจ้าของข้อมูลส่วนบุคคล",
		"notified": "แจ้งเจ้าของข้อมูลส่วนบุคคลทางอีเมลแล้ว %d จาก %d ราย (%s)", "notified_done": "เสร็จสิ้นเมื่อ %s",
		"notified_running": "กำลังดำเนินการ", "published": "ประกาศต่อสาธารณะเมื่อ %s: %s",
		"scheduled": "กำหนดประกาศต่อสาธารณะวันที่ %s: %s", "not_published": "ยังไม่ได้ประกาศต่อสาธารณะ",
		"contained": "ควบคุมเหตุได้เมื่อ %s", "not_late": "ไม่เกี่ยวข้อง: แจ้งภายในกำหนดเวลา",
		"le_yes":     "ใช่: การแจ้งล่าช้าตามคำขอของเจ้าหน้าที่ผู้บังคับใช้กฎหมาย",
		"notice_ref": "%s (ฉบับที่ %d อนุมัติเมื่อ %s)", "from": "ตั้งแต่ %s", "until": "ถึง %s",
		"malicious": "โดยเจตนา", "persons": "%d ราย",
	},
	"id": {
		"stage_preliminary": "Laporan awal", "stage_final": "Laporan akhir", "stage_notice": "Pemberitahuan awal",
		"stage_full_report": "Laporan lengkap", "initial": "Laporan awal", "follow_up": "Laporan lanjutan (laporan awal: %s)",
		"yes": "Ya", "no": "Tidak", "none_sent": "Subjek Data Pribadi belum diberi tahu.",
		"notified": "%d dari %d Subjek Data Pribadi telah diberi tahu melalui surel (%s).", "notified_done": "selesai %s",
		"notified_running": "sedang berlangsung", "published": "Pengumuman publik diterbitkan %s: %s",
		"scheduled": "Pengumuman publik dijadwalkan %s: %s", "not_published": "Belum diumumkan.",
		"contained": "Dikendalikan pada %s.", "not_late": "Tidak berlaku: dalam batas waktu.",
		"le_yes":     "Ya: pemberitahuan ditunda atas permintaan penegak hukum.",
		"notice_ref": "%s (revisi %d, disetujui %s)", "from": "sejak %s", "until": "sampai %s",
		"malicious": "disengaja", "persons": "%d orang",
	},
}

// categories names the data categories per language.
var categories = map[string]map[string]string{
	"en": {"name": "Name", "email": "E-mail address", "postal_address": "Postal address", "phone": "Telephone number",
		"date_of_birth": "Date of birth", "national_id": "National identification number", "passport": "Passport number",
		"financial_account": "Financial account number", "payment_card": "Payment card number", "health": "Health information",
		"biometric": "Biometric data", "credentials": "User name and password", "employment": "Employment information",
		"location": "Location data", "other": "Other"},
	"ja": {"name": "氏名", "email": "メールアドレス", "postal_address": "住所", "phone": "電話番号", "date_of_birth": "生年月日",
		"national_id": "個人番号等の識別番号", "passport": "旅券番号", "financial_account": "金融機関の口座番号",
		"payment_card": "クレジットカード番号", "health": "健康に関する情報（要配慮個人情報）", "biometric": "生体情報",
		"credentials": "ユーザーID及びパスワード", "employment": "勤務先に関する情報", "location": "位置情報", "other": "その他"},
	"th": {"name": "ชื่อ", "email": "ที่อยู่อีเมล", "postal_address": "ที่อยู่ทางไปรษณีย์", "phone": "หมายเลขโทรศัพท์",
		"date_of_birth": "วันเกิด", "national_id": "เลขประจำตัวประชาชน", "passport": "เลขหนังสือเดินทาง",
		"financial_account": "เลขบัญชีธนาคาร", "payment_card": "หมายเลขบัตรชำระเงิน", "health": "ข้อมูลสุขภาพ",
		"biometric": "ข้อมูลชีวภาพ", "credentials": "ชื่อผู้ใช้และรหัสผ่าน", "employment": "ข้อมูลการจ้างงาน",
		"location": "ข้อมูลตำแหน่งที่ตั้ง", "other": "อื่น ๆ"},
	"id": {"name": "Nama", "email": "Alamat surel", "postal_address": "Alamat pos", "phone": "Nomor telepon",
		"date_of_birth": "Tanggal lahir", "national_id": "Nomor induk kependudukan", "passport": "Nomor paspor",
		"financial_account": "Nomor rekening", "payment_card": "Nomor kartu pembayaran", "health": "Data kesehatan",
		"biometric": "Data biometrik", "credentials": "Nama pengguna dan kata sandi", "employment": "Data pekerjaan",
		"location": "Data lokasi", "other": "Lainnya"},
}

// causes names the incident's causes per language.
var causes = map[string]map[string]string{
	"en": {"unauthorized_access": "Unauthorized access", "malware": "Malware", "lost_device": "Lost or stolen device",
		"misdelivery": "Misdelivery", "insider": "Insider", "other": "Other"},
	"ja": {"unauthorized_access": "不正アクセス", "malware": "マルウェア感染", "lost_device": "機器の紛失・盗難",
		"misdelivery": "誤送付", "insider": "内部不正", "other": "その他"},
	"th": {"unauthorized_access": "การเข้าถึงโดยไม่ได้รับอนุญาต", "malware": "มัลแวร์", "lost_device": "อุปกรณ์สูญหายหรือถูกขโมย",
		"misdelivery": "การส่งผิดผู้รับ", "insider": "บุคคลภายใน", "other": "อื่น ๆ"},
	"id": {"unauthorized_access": "Akses tidak sah", "malware": "Perangkat lunak berbahaya", "lost_device": "Perangkat hilang atau dicuri",
		"misdelivery": "Salah kirim", "insider": "Orang dalam", "other": "Lainnya"},
}

// sourceWords say where a value came from, per language of the console
// reading the pack; the API gives them in English.
func word(lang, key string) string {
	if w, ok := words[lang][key]; ok {
		return w
	}
	return words["en"][key]
}

func category(lang, c string) string {
	if n, ok := categories[lang][c]; ok {
		return n
	}
	if n, ok := categories["en"][c]; ok {
		return n
	}
	return strings.ReplaceAll(c, "_", " ")
}

func cause(lang, c string) string {
	if n, ok := causes[lang][c]; ok {
		return n
	}
	return causes["en"][c]
}

// listSep joins a list in the language's way.
func listSep(lang string) string {
	switch lang {
	case "ja":
		return "、"
	case "th":
		return " "
	}
	return ", "
}
