package main

import (
	"time"

	"github.com/candor-dev/candor"
)

// The seed case: Kawasaki Heavy Industries' statement of 28 December 2020,
// "Concerning Unauthorized Access to Kawasaki Group" (「当社グループへの
// 不正アクセスについて」). It is compiled in, so the demo needs nothing but
// the binary. The facts are written in English with translations into the
// languages of the demo's customers (ja, th, id, fil), so that every
// default customer-notice variant shows them in its own language.

// seedZone is where the case happened: its dates are Tokyo dates.
const seedZone = "Asia/Tokyo"

var seedLocation = func() *time.Location {
	loc, err := time.LoadLocation(seedZone)
	if err != nil {
		panic("demo: time zone " + seedZone + ": " + err.Error())
	}
	return loc
}()

// seedDate is midnight of a 2020 date in Tokyo.
func seedDate(m time.Month, d int) time.Time { return time.Date(2020, m, d, 0, 0, 0, 0, seedLocation) }

func seedIncident() candor.Incident {
	determined := seedDate(time.June, 15) // "Confirmed a possibility of data breach to external parties"
	malicious := true
	return candor.Incident{
		Title: "Unauthorized access to Kawasaki Group",
		Summary: "On June 11, 2020, an internal system audit revealed a connection to a server in Japan from an " +
			"overseas office (Thailand) that should not have occurred. Within the same day, communication between " +
			"that office and the Japan office was terminated. Other unauthorized accesses to servers in Japan from " +
			"overseas sites in Indonesia, the Philippines and the United States were subsequently discovered. An " +
			"investigation with an independent external security specialist firm found that information of unknown " +
			"content may have been leaked to a third party; no evidence has been found that personal information " +
			"leaked to external parties.",
		DiscoveredAt:    seedDate(time.June, 11),
		DeterminedAt:    &determined,
		Severity:        "high",
		Cause:           "unauthorized_access",
		Malicious:       &malicious,
		DataCategories:  []string{"name", "email"},
		ReportingEntity: &candor.ReportingEntity{Name: "Kawasaki Heavy Industries, Ltd.", Country: "JP"},
		Timezone:        seedZone,
		DefaultLanguage: "en",
		Translations: map[string]candor.IncidentText{
			"ja": {
				Title: "当社グループへの不正アクセスについて",
				Summary: "2020年6月11日、社内のシステム監査により、海外拠点（タイ）から国内のサーバーに対して、" +
					"本来発生するはずのない接続が行われていたことが判明しました。同日中に、当該海外拠点と国内拠点との通信を遮断しました。" +
					"その後、他の海外拠点（インドネシア、フィリピン及び米国）から国内のサーバーへの不正アクセスも発見されました。" +
					"社外の独立したセキュリティ専門会社と共に調査を行った結果、内容不明の情報が第三者に流出した可能性があることが判明しましたが、" +
					"現時点では、個人情報が外部に流出した形跡は確認されておりません。",
				ReportingEntity: "川崎重工業株式会社",
			},
			"th": {
				Title: "การเข้าถึงระบบโดยไม่ได้รับอนุญาตต่อกลุ่มบริษัทคาวาซากิ",
				Summary: "เมื่อวันที่ 11 มิถุนายน 2563 การตรวจสอบระบบภายในพบการเชื่อมต่อซึ่งไม่ควรเกิดขึ้นจากสำนักงานต่างประเทศในประเทศไทย" +
					"ไปยังเซิร์ฟเวอร์ในประเทศญี่ปุ่น บริษัทฯ ได้ตัดการสื่อสารระหว่างสำนักงานดังกล่าวกับสำนักงานในประเทศญี่ปุ่นภายในวันเดียวกัน " +
					"ต่อมาได้ตรวจพบการเข้าถึงเซิร์ฟเวอร์ในประเทศญี่ปุ่นโดยไม่ได้รับอนุญาตจากสำนักงานต่างประเทศแห่งอื่นในอินโดนีเซีย ฟิลิปปินส์ " +
					"และสหรัฐอเมริกา ผลการตรวจสอบร่วมกับบริษัทผู้เชี่ยวชาญด้านความมั่นคงปลอดภัยภายนอกที่เป็นอิสระพบว่า " +
					"ข้อมูลซึ่งไม่ทราบเนื้อหาอาจรั่วไหลไปยังบุคคลที่สาม ทั้งนี้ ยังไม่พบหลักฐานว่าข้อมูลส่วนบุคคลรั่วไหลออกสู่ภายนอก",
			},
			"id": {
				Title: "Akses tidak sah terhadap Grup Kawasaki",
				Summary: "Pada 11 Juni 2020, audit sistem internal mengungkap adanya koneksi yang seharusnya tidak terjadi dari " +
					"kantor luar negeri (Thailand) ke server di Jepang. Pada hari yang sama, komunikasi antara kantor tersebut dan " +
					"kantor di Jepang diputus. Selanjutnya, ditemukan pula akses tidak sah lain ke server di Jepang dari lokasi luar " +
					"negeri di Indonesia, Filipina, dan Amerika Serikat. Investigasi bersama perusahaan spesialis keamanan eksternal " +
					"yang independen menemukan bahwa informasi yang isinya tidak diketahui mungkin telah bocor kepada pihak ketiga; " +
					"namun, tidak ditemukan bukti bahwa data pribadi telah bocor kepada pihak eksternal.",
			},
			"fil": {
				Title: "Hindi awtorisadong pag-access sa Kawasaki Group",
				Summary: "Noong Hunyo 11, 2020, natuklasan sa isang panloob na pag-audit ng sistema ang isang koneksyon mula sa " +
					"isang tanggapan sa ibang bansa (Thailand) patungo sa isang server sa Japan na hindi dapat naganap. Sa araw ding " +
					"iyon, pinutol ang komunikasyon sa pagitan ng tanggapang iyon at ng tanggapan sa Japan. Kalaunan, natuklasan din " +
					"ang iba pang hindi awtorisadong pag-access sa mga server sa Japan mula sa mga lugar sa ibang bansa sa Indonesia, " +
					"Pilipinas at Estados Unidos. Natuklasan ng imbestigasyong isinagawa kasama ang isang independiyenteng panlabas na " +
					"kumpanyang dalubhasa sa seguridad na maaaring tumagas sa isang ikatlong partido ang impormasyong hindi matukoy ang " +
					"nilalaman; walang natagpuang ebidensiya na tumagas sa mga panlabas na partido ang personal na impormasyon.",
			},
		},
	}
}

// seedEvent is one entry of the statement's course of events, with its
// description in the demo customers' other languages.
type seedEvent struct {
	on           time.Time // midnight in Tokyo; the event is date-only
	description  string
	translations map[string]candor.EventText
}

// seedScope is when each country entered the seed case's scope, as the
// statement tells it: Thailand on discovery, Indonesia and the Philippines
// on 24 June, the United States on 8 July. The events of those days carry
// it, so each country's duties run from its own day.
var seedScope = map[string][]string{"2020-06-11": {"TH"}, "2020-06-24": {"ID", "PH"}, "2020-07-08": {"US"}}

// event is the date-only, public timeline entry the demo creates.
func (e seedEvent) event() candor.Event {
	ev := candor.Event{OccurredOn: e.on.Format(candor.DateLayout), Description: e.description,
		Translations: e.translations, Public: true}
	if js, ok := seedScope[ev.OccurredOn]; ok {
		ev.Scope = &candor.EventScope{Jurisdictions: js}
	}
	return ev
}

// tr builds an event's translations from its descriptions in ja, th, id
// and fil.
func tr(ja, th, id, fil string) map[string]candor.EventText {
	return map[string]candor.EventText{"ja": {Description: ja}, "th": {Description: th}, "id": {Description: id}, "fil": {Description: fil}}
}

// seedEvents is the statement's course of events. Entries the statement
// dates "onward" carry the day they began.
var seedEvents = []seedEvent{
	{seedDate(time.June, 11), "Identified unauthorized access from an overseas office in Thailand by an internal system audit of the Japan office", tr(
		"国内拠点の社内システム監査により、タイの海外拠点からの不正アクセスを確認しました",
		"ตรวจพบการเข้าถึงโดยไม่ได้รับอนุญาตจากสำนักงานต่างประเทศในประเทศไทย จากการตรวจสอบระบบภายในของสำนักงานในประเทศญี่ปุ่น",
		"Mengidentifikasi akses tidak sah dari kantor luar negeri di Thailand melalui audit sistem internal kantor di Jepang",
		"Natukoy ang hindi awtorisadong pag-access mula sa isang tanggapan sa ibang bansa sa Thailand sa pamamagitan ng panloob na pag-audit ng sistema ng tanggapan sa Japan")},
	{seedDate(time.June, 11), "Terminated the internal network between the overseas office in Thailand and the Japan office", tr(
		"タイの海外拠点と国内拠点との間の社内ネットワークを遮断しました",
		"ตัดการเชื่อมต่อเครือข่ายภายในระหว่างสำนักงานต่างประเทศในประเทศไทยกับสำนักงานในประเทศญี่ปุ่น",
		"Memutus jaringan internal antara kantor luar negeri di Thailand dan kantor di Jepang",
		"Pinutol ang panloob na network sa pagitan ng tanggapan sa ibang bansa sa Thailand at ng tanggapan sa Japan")},
	{seedDate(time.June, 11), "Initiated an investigation to determine the scope and target of the intrusion", tr(
		"侵入の範囲及び対象を特定するための調査を開始しました",
		"เริ่มการตรวจสอบเพื่อระบุขอบเขตและเป้าหมายของการบุกรุก",
		"Memulai investigasi untuk menentukan cakupan dan sasaran penyusupan",
		"Sinimulan ang imbestigasyon upang matukoy ang saklaw at target ng panghihimasok")},
	{seedDate(time.June, 15), "Confirmed a possibility of data breach to external parties through the overseas office in Thailand", tr(
		"タイの海外拠点を経由した外部への情報流出の可能性を確認しました",
		"ยืนยันความเป็นไปได้ที่ข้อมูลจะรั่วไหลไปยังบุคคลภายนอกผ่านสำนักงานต่างประเทศในประเทศไทย",
		"Mengonfirmasi kemungkinan kebocoran data kepada pihak eksternal melalui kantor luar negeri di Thailand",
		"Kinumpirma ang posibilidad ng pagtagas ng datos sa mga panlabas na partido sa pamamagitan ng tanggapan sa ibang bansa sa Thailand")},
	{seedDate(time.June, 16), "Confirmed unauthorized access from the overseas office in Thailand to multiple servers in the Japan data center", tr(
		"タイの海外拠点から国内データセンターの複数のサーバーへの不正アクセスを確認しました",
		"ยืนยันการเข้าถึงเซิร์ฟเวอร์หลายเครื่องในศูนย์ข้อมูลในประเทศญี่ปุ่นโดยไม่ได้รับอนุญาตจากสำนักงานต่างประเทศในประเทศไทย",
		"Mengonfirmasi akses tidak sah dari kantor luar negeri di Thailand ke beberapa server di pusat data di Jepang",
		"Kinumpirma ang hindi awtorisadong pag-access mula sa tanggapan sa ibang bansa sa Thailand sa maraming server sa data center sa Japan")},
	{seedDate(time.June, 24), "Confirmed unauthorized accesses from other overseas offices in Indonesia and the Philippines to the Japan office", tr(
		"インドネシア及びフィリピンの他の海外拠点から国内拠点への不正アクセスを確認しました",
		"ยืนยันการเข้าถึงสำนักงานในประเทศญี่ปุ่นโดยไม่ได้รับอนุญาตจากสำนักงานต่างประเทศแห่งอื่นในอินโดนีเซียและฟิลิปปินส์",
		"Mengonfirmasi akses tidak sah dari kantor luar negeri lain di Indonesia dan Filipina ke kantor di Jepang",
		"Kinumpirma ang mga hindi awtorisadong pag-access mula sa iba pang tanggapan sa ibang bansa, sa Indonesia at Pilipinas, patungo sa tanggapan sa Japan")},
	{seedDate(time.June, 24), "Cut off the connection between both overseas offices and the Japan office", tr(
		"両海外拠点と国内拠点との接続を遮断しました",
		"ตัดการเชื่อมต่อระหว่างสำนักงานต่างประเทศทั้งสองแห่งกับสำนักงานในประเทศญี่ปุ่น",
		"Memutus koneksi antara kedua kantor luar negeri tersebut dan kantor di Jepang",
		"Pinutol ang koneksyon sa pagitan ng dalawang tanggapang iyon sa ibang bansa at ng tanggapan sa Japan")},
	{seedDate(time.July, 8), "Confirmed suspicious unauthorized accesses from the overseas office in the United States to the Japan office", tr(
		"米国の海外拠点から国内拠点への不審な不正アクセスを確認しました",
		"ยืนยันการเข้าถึงสำนักงานในประเทศญี่ปุ่นโดยไม่ได้รับอนุญาตที่น่าสงสัยจากสำนักงานต่างประเทศในสหรัฐอเมริกา",
		"Mengonfirmasi akses tidak sah yang mencurigakan dari kantor luar negeri di Amerika Serikat ke kantor di Jepang",
		"Kinumpirma ang mga kahina-hinalang hindi awtorisadong pag-access mula sa tanggapan sa ibang bansa sa Estados Unidos patungo sa tanggapan sa Japan")},
	{seedDate(time.July, 8), "Added further restrictions to the network between the overseas office in the United States and the Japan office", tr(
		"米国の海外拠点と国内拠点との間のネットワークに追加の制限を設けました",
		"กำหนดข้อจำกัดเพิ่มเติมสำหรับเครือข่ายระหว่างสำนักงานต่างประเทศในสหรัฐอเมริกากับสำนักงานในประเทศญี่ปุ่น",
		"Menambahkan pembatasan lebih lanjut pada jaringan antara kantor luar negeri di Amerika Serikat dan kantor di Jepang",
		"Nagdagdag ng karagdagang paghihigpit sa network sa pagitan ng tanggapan sa ibang bansa sa Estados Unidos at ng tanggapan sa Japan")},
	{seedDate(time.August, 3), "Began enhanced network communication restrictions at all overseas offices and the Japan office", tr(
		"全海外拠点及び国内拠点において、ネットワーク通信制限の強化を開始しました",
		"เริ่มใช้มาตรการจำกัดการสื่อสารผ่านเครือข่ายที่เข้มงวดยิ่งขึ้นในสำนักงานต่างประเทศทุกแห่งและสำนักงานในประเทศญี่ปุ่น",
		"Mulai menerapkan pembatasan komunikasi jaringan yang diperketat di semua kantor luar negeri dan kantor di Jepang",
		"Sinimulang ipatupad ang mas mahigpit na limitasyon sa komunikasyon sa network sa lahat ng tanggapan sa ibang bansa at sa tanggapan sa Japan")},
	{seedDate(time.August, 3), "Began a thorough security soundness inspection of approximately 26,000 terminals in the Japan and Thailand networks (normalization confirmed by the end of October)", tr(
		"国内及びタイのネットワークにある約26,000台の端末について、セキュリティ健全性の徹底的な検査を開始しました（10月末までに正常化を確認）",
		"เริ่มการตรวจสอบความมั่นคงปลอดภัยอย่างละเอียดของเครื่องปลายทางประมาณ 26,000 เครื่องในเครือข่ายของญี่ปุ่นและไทย (ยืนยันว่ากลับสู่สภาวะปกติภายในสิ้นเดือนตุลาคม)",
		"Memulai pemeriksaan menyeluruh atas kondisi keamanan sekitar 26.000 terminal di jaringan Jepang dan Thailand (kondisi normal dipastikan paling lambat akhir Oktober)",
		"Sinimulan ang masusing inspeksyon sa seguridad ng humigit-kumulang 26,000 terminal sa mga network ng Japan at Thailand (nakumpirma ang pagbabalik sa normal pagsapit ng katapusan ng Oktubre)")},
	{seedDate(time.October, 5), "Began a thorough security soundness inspection of approximately 3,000 terminals in the overseas office networks where breaches possibly occurred, excluding Thailand (eradication confirmed by the end of November)", tr(
		"不正アクセスの可能性があった海外拠点（タイを除く）のネットワークにある約3,000台の端末について、セキュリティ健全性の徹底的な検査を開始しました（11月末までに脅威の排除を確認）",
		"เริ่มการตรวจสอบความมั่นคงปลอดภัยอย่างละเอียดของเครื่องปลายทางประมาณ 3,000 เครื่องในเครือข่ายของสำนักงานต่างประเทศที่อาจถูกเจาะระบบ ยกเว้นประเทศไทย (ยืนยันการกำจัดภัยคุกคามภายในสิ้นเดือนพฤศจิกายน)",
		"Memulai pemeriksaan menyeluruh atas kondisi keamanan sekitar 3.000 terminal di jaringan kantor luar negeri yang kemungkinan mengalami pembobolan, kecuali Thailand (pembersihan ancaman dipastikan paling lambat akhir November)",
		"Sinimulan ang masusing inspeksyon sa seguridad ng humigit-kumulang 3,000 terminal sa mga network ng mga tanggapan sa ibang bansa kung saan maaaring nagkaroon ng paglabag, maliban sa Thailand (nakumpirma ang ganap na pag-aalis ng banta pagsapit ng katapusan ng Nobyembre)")},
	{seedDate(time.October, 30), "Confirmed by continuous network monitoring that no further unauthorized access to the Japan office had occurred after August", tr(
		"継続的なネットワーク監視により、8月以降、国内拠点への新たな不正アクセスが発生していないことを確認しました",
		"ยืนยันจากการเฝ้าติดตามเครือข่ายอย่างต่อเนื่องว่าไม่มีการเข้าถึงสำนักงานในประเทศญี่ปุ่นโดยไม่ได้รับอนุญาตเกิดขึ้นอีกหลังเดือนสิงหาคม",
		"Mengonfirmasi melalui pemantauan jaringan yang berkelanjutan bahwa tidak ada lagi akses tidak sah ke kantor di Jepang setelah bulan Agustus",
		"Kinumpirma sa pamamagitan ng tuloy-tuloy na pagsubaybay sa network na wala nang naganap na hindi awtorisadong pag-access sa tanggapan sa Japan pagkatapos ng Agosto")},
	{seedDate(time.November, 1), "Established the Cyber Security Group under the direct control of the corporate president", tr(
		"社長直轄の組織として「サイバーセキュリティグループ」を新設しました",
		"จัดตั้งกลุ่มงานความมั่นคงปลอดภัยไซเบอร์ (Cyber Security Group) ขึ้นภายใต้การกำกับดูแลโดยตรงของประธานบริษัท",
		"Membentuk Cyber Security Group yang berada langsung di bawah presiden direktur perusahaan",
		"Itinatag ang Cyber Security Group sa ilalim ng direktang pamamahala ng pangulo ng korporasyon")},
	{seedDate(time.November, 30), "Restored the network communication between the overseas offices and the Japan office", tr(
		"海外拠点と国内拠点との間のネットワーク通信を復旧しました",
		"กลับมาเปิดการสื่อสารผ่านเครือข่ายระหว่างสำนักงานต่างประเทศกับสำนักงานในประเทศญี่ปุ่นอีกครั้ง",
		"Memulihkan komunikasi jaringan antara kantor-kantor luar negeri dan kantor di Jepang",
		"Naibalik ang komunikasyon sa network sa pagitan ng mga tanggapan sa ibang bansa at ng tanggapan sa Japan")},
	{seedDate(time.December, 21), "Confirmed, by monitoring network traffic after the restricted overseas offices were reconnected, that there were no suspicious transactions or activities from them", tr(
		"通信を制限していた海外拠点の再接続後のネットワーク通信を監視し、当該拠点からの不審な通信や挙動がないことを確認しました",
		"ยืนยันจากการเฝ้าติดตามปริมาณการใช้งานเครือข่ายหลังจากเชื่อมต่อสำนักงานต่างประเทศที่ถูกจำกัดกลับคืนแล้วว่า ไม่มีธุรกรรมหรือกิจกรรมที่น่าสงสัยจากสำนักงานดังกล่าว",
		"Mengonfirmasi, melalui pemantauan lalu lintas jaringan setelah kantor-kantor luar negeri yang dibatasi terhubung kembali, bahwa tidak ada transaksi atau aktivitas mencurigakan dari kantor-kantor tersebut",
		"Kinumpirma, sa pamamagitan ng pagsubaybay sa trapiko ng network matapos muling ikonekta ang mga tanggapan sa ibang bansa na nilimitahan, na walang kahina-hinalang transaksyon o aktibidad mula sa mga ito")},
}

// seedDrafts is one draft of each kind, created from the default templates.
var seedDrafts = []struct {
	kind      candor.DisclosureKind
	title     string
	regulator *candor.Regulator
}{
	{candor.KindCustomerNotice, "Notice to customers who may have been affected", nil},
	{candor.KindRegulatorReport, "Report to the data protection authority (JP)", &candor.Regulator{Jurisdiction: "JP", Email: "breach-reports@example.com"}},
	{candor.KindPublicStatement, "Concerning Unauthorized Access to Kawasaki Group", nil},
}
