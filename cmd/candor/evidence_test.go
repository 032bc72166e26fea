package main

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/candor-dev/candor/evidence"
)

// bundleOf writes a bundle of files with a manifest, stored uncompressed
// so a test can change one byte of a file's content in place.
func bundleOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	m := evidence.Manifest{IncidentID: "inc", AuditHead: evidence.Head{Seq: 7, Hash: strings.Repeat("ab", 32)}}
	for _, name := range []string{"timeline.json", "receipts/r.pdf"} {
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
		w.Write([]byte(files[name]))
		sum := sha256.Sum256([]byte(files[name]))
		m.Files = append(m.Files, evidence.File{Path: name, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(files[name]))})
	}
	b, _ := json.Marshal(m)
	w, _ := zw.Create(evidence.ManifestName)
	w.Write(b)
	zw.Close()
	return buf.Bytes()
}

func TestEvidenceVerifyCommand(t *testing.T) {
	good := bundleOf(t, map[string]string{"timeline.json": `[{"description":"タイからの不正アクセス"}]`, "receipts/r.pdf": "%PDF-1.4 receipt"})
	dir := t.TempDir()
	ok := filepath.Join(dir, "ok.zip")
	os.WriteFile(ok, good, 0o600)
	var out bytes.Buffer
	if err := cmdEvidence(t.Context(), Config{}, []string{"verify", ok}, &out); err != nil || !strings.Contains(out.String(), "evidence bundle OK") {
		t.Fatalf("whole bundle: %v %s", err, out.String())
	}
	for _, name := range []string{"timeline.json", "receipts/r.pdf"} {
		bad := bytes.Clone(good)
		zr, _ := zip.NewReader(bytes.NewReader(good), int64(len(good)))
		for _, f := range zr.File {
			if f.Name == name {
				off, _ := f.DataOffset()
				bad[off+2] ^= 0x20
			}
		}
		p := filepath.Join(dir, "bad.zip")
		os.WriteFile(p, bad, 0o600)
		err := cmdEvidence(t.Context(), Config{}, []string{"verify", p}, &out)
		if err == nil || !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), "NOT intact") {
			t.Errorf("a byte changed in %s: %v", name, err)
		}
	}
	if err := cmdEvidence(t.Context(), Config{}, []string{"verify"}, &out); err == nil {
		t.Error("no file: no error")
	}
}
