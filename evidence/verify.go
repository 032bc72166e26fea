package evidence

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
)

// Verify checks a bundle: its manifest lists every other file once, and
// each file's content has the listed SHA-256. The error names the first
// file that does not hold (changed, missing, added, or unreadable).
func Verify(r io.ReaderAt, size int64) (Manifest, error) {
	var m Manifest
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return m, fmt.Errorf("not a readable zip: %w", err)
	}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		if _, dup := files[f.Name]; dup {
			return m, fmt.Errorf("%s: in the bundle twice", f.Name)
		}
		files[f.Name] = f
	}
	mf, ok := files[ManifestName]
	if !ok {
		return m, fmt.Errorf("%s: missing", ManifestName)
	}
	b, err := read(mf)
	if err != nil {
		return m, fmt.Errorf("%s: %w", ManifestName, err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("%s: not a manifest: %w", ManifestName, err)
	}
	listed := map[string]bool{}
	for _, e := range m.Files {
		listed[e.Path] = true
		f, ok := files[e.Path]
		if !ok {
			return m, fmt.Errorf("%s: listed in the manifest but missing", e.Path)
		}
		b, err := read(f)
		if err != nil {
			return m, fmt.Errorf("%s: changed (%v)", e.Path, err)
		}
		sum := sha256.Sum256(b)
		if got := hex.EncodeToString(sum[:]); got != e.SHA256 {
			return m, fmt.Errorf("%s: changed (SHA-256 %s, manifest says %s)", e.Path, got, e.SHA256)
		}
	}
	for name := range files {
		if name != ManifestName && !listed[name] {
			return m, fmt.Errorf("%s: not in the manifest", name)
		}
	}
	return m, nil
}

// read returns a file's content; zip's CRC-32 check makes most changes
// to compressed bytes an error here, before the hash is compared.
func read(f *zip.File) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(io.LimitReader(rc, 1<<30))
}
