package filing

import (
	"bytes"
	_ "embed"
	"html/template"
	"time"
)

//go:embed pack.html
var packHTML string

var packTmpl = template.Must(template.New("pack").Funcs(template.FuncMap{
	"label": func(lang, key string) string { return pdfLabel(lang, key) },
	"utc":   func(t *time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
}).Parse(packHTML))

// pdfLabels are the few headings of a printed pack, in its language.
var pdfLabels = map[string]map[string]string{
	"en": {"authority": "Authority", "due": "Due", "version": "Pack version", "missing": "missing", "source": "Source", "filed": "Filed", "made": "Prepared"},
	"ja": {"authority": "報告先", "due": "期限", "version": "版", "missing": "未記入", "source": "出典", "filed": "報告済み", "made": "作成日時"},
	"th": {"authority": "หน่วยงาน", "due": "กำหนดส่ง", "version": "ฉบับ", "missing": "ยังไม่มีข้อมูล", "source": "ที่มา", "filed": "ยื่นแล้ว", "made": "จัดทำเมื่อ"},
	"id": {"authority": "Lembaga", "due": "Batas waktu", "version": "Versi", "missing": "belum diisi", "source": "Sumber", "filed": "Telah diajukan", "made": "Disiapkan"},
}

func pdfLabel(lang, key string) string {
	if s, ok := pdfLabels[lang][key]; ok {
		return s
	}
	return pdfLabels["en"][key]
}

// HTML renders a pack as a standalone document (its own styles, no
// external resources) for package pdf to print.
func HTML(p Pack, now time.Time) ([]byte, error) {
	var b bytes.Buffer
	err := packTmpl.Execute(&b, struct {
		Pack
		Made string
	}{p, now.UTC().Format("2006-01-02 15:04 UTC")})
	return b.Bytes(), err
}
