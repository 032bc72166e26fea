package api_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/evidence"
	"github.com/candor-dev/candor/internal/testenv"
	"github.com/candor-dev/candor/pdf"
)

// The seed case's bundle, after the PPC's preliminary report was filed:
// every file is in the manifest, the bundle verifies, the report reads in
// the incident's language, and a changed byte in any file fails
// verification naming that file.
func TestEvidenceBundle(t *testing.T) {
	if _, err := pdf.Find(""); err != nil && os.Getenv("CI") != "true" {
		t.Skip(err)
	}
	printer := pdf.NewLazy(pdf.Options{})
	t.Cleanup(func() { printer.Close() })
	for _, d := range testenv.Databases(t) {
		t.Run(d.Name, func(t *testing.T) {
			// The incident's own language is Japanese here.
			inc := map[string]any{}
			for k, v := range seedIncident {
				inc[k] = v
			}
			inc["language"], inc["title"], inc["summary"] = "ja", "当社グループへの不正アクセス", "海外拠点から日本国内のサーバーへの接続。"
			inc["reporting_entity"] = map[string]any{"name": "川崎重工業株式会社", "country": "JP"}
			inc["translations"] = map[string]any{"en": map[string]any{"title": "Unauthorized access to Kawasaki Group",
				"summary": "Connections from overseas offices to servers in Japan.", "reporting_entity": "Kawasaki Heavy Industries"}}
			e, id := filingEnvWith(t, d, printer, inc)
			if r := e.postFiling(id, "jp-appi-ppc-preliminary", candor.RoleLegal,
				map[string]string{"filed_at": "2020-06-14T10:00:00+09:00", "channel": "portal", "reference": "PPC-2020-0001"}, "r.pdf", receiptPDF); r.Status != 201 {
				t.Fatalf("filing: %d %s", r.Status, r.Raw)
			}
			if r := e.do("GET", "/api/v1/incidents/"+id+"/evidence.zip", candor.RoleComms, nil); r.Status != 403 {
				t.Errorf("comms reads the bundle: %d", r.Status)
			}
			r := e.do("GET", "/api/v1/incidents/"+id+"/evidence.zip", candor.RoleLegal, nil)
			if r.Status != 200 || r.ContentType != "application/zip" {
				t.Fatalf("bundle: %d %s", r.Status, r.Raw)
			}
			bundle := r.Raw
			m, err := evidence.Verify(bytes.NewReader(bundle), int64(len(bundle)))
			if err != nil {
				t.Fatalf("a fresh bundle does not verify: %v", err)
			}
			var head struct {
				Seq  int64
				Hash string
			}
			e.db.Gorm().Raw("SELECT seq, hash FROM audit_head WHERE id = 1").Scan(&head)
			if m.IncidentID != id || m.AuditHead.Hash != head.Hash || m.AuditHead.Seq != head.Seq || len(m.AuditHead.Hash) != 64 {
				t.Errorf("manifest: %+v, head %+v", m, head)
			}
			paths := map[string]evidence.File{}
			for _, f := range m.Files {
				paths[f.Path] = f
			}
			fid := ""
			var filed []candor.Filing
			json.Unmarshal(unzip(t, bundle, "filings.json"), &filed)
			if len(filed) == 1 {
				fid = filed[0].ID
			}
			for _, p := range []string{"incident.json", "timeline.json", "scope.json", "decisions.json", "obligations.json",
				"disclosures.json", "sends.json", "publications.json", "filings.json", "filing_packs.json", "audit.json",
				"report.html", "report.pdf", "receipts/" + fid + ".pdf"} {
				if _, ok := paths[p]; !ok {
					t.Errorf("bundle lacks %s", p)
				}
			}
			if !bytes.Equal(unzip(t, bundle, "receipts/"+fid+".pdf"), receiptPDF) {
				t.Error("the receipt in the bundle is not the one uploaded")
			}
			var audit []candor.AuditEntry
			json.Unmarshal(unzip(t, bundle, "audit.json"), &audit)
			if len(audit) < 3 || audit[len(audit)-1].Action != "filing.create" {
				t.Errorf("audit: %d entries", len(audit))
			}
			text := strings.ReplaceAll(pdfText(t, unzip(t, bundle, "report.pdf")), "\n", "")
			for _, w := range []string{"証跡報告書", "当社グループへの不正アクセス", "把握した事実とその時期", "行った報告・届出", "PPC-2020-0001", "jp-appi-ppc-preliminary"} {
				if !strings.Contains(text, w) {
					t.Errorf("report lacks %q:\n%s", w, text)
				}
			}
			if dir := os.Getenv("CANDOR_PDF_ARTIFACTS"); dir != "" && d.Name == "sqlite" {
				os.WriteFile(filepath.Join(dir, "evidence-report.pdf"), unzip(t, bundle, "report.pdf"), 0o644)
				os.WriteFile(filepath.Join(dir, "evidence.zip"), bundle, 0o644)
			}
			// One changed byte, in the data of each file in turn.
			zr, _ := zip.NewReader(bytes.NewReader(bundle), int64(len(bundle)))
			for _, f := range zr.File {
				off, err := f.DataOffset()
				if err != nil || f.CompressedSize64 == 0 {
					continue
				}
				bad := bytes.Clone(bundle)
				bad[off+int64(f.CompressedSize64)/2] ^= 0x01
				_, err = evidence.Verify(bytes.NewReader(bad), int64(len(bad)))
				if err == nil || !strings.HasPrefix(err.Error(), f.Name+":") {
					t.Errorf("a changed byte in %s: %v", f.Name, err)
				}
			}
		})
	}
}

func unzip(t *testing.T, bundle []byte, name string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(bundle), int64(len(bundle)))
	if err != nil {
		t.Fatal(err)
	}
	f, err := zr.Open(name)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	defer f.Close()
	b, _ := io.ReadAll(f)
	return b
}
