// Package evidence builds an incident's evidence bundle: one zip with
// what Candor knows of how the incident was handled (the timeline, the
// scope changes, every approved revision, the filings with their receipts,
// the sends and who they reached, proof of reach per jurisdiction and the
// substitute notices, the published versions, the audit entries
// of the incident and the audit chain's head), a readable PDF report of the
// same, and a manifest giving each file's SHA-256, so that anyone can check
// later that nothing in it changed (Verify, `candor evidence verify`).
package evidence

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/deadline"
	"github.com/candor-dev/candor/filing"
	"github.com/candor-dev/candor/pdf"
)

// Source is what a bundle is read from; *store.DB provides it.
type Source interface {
	filing.Source
	IncidentDisclosures(ctx context.Context, incidentID string) ([]candor.Disclosure, error)
	AllRevisions(ctx context.Context, disclosureID string) ([]candor.Revision, error)
	ListSends(ctx context.Context, disclosureID string) ([]candor.Send, error)
	ListPublications(ctx context.Context, incidentID string, now time.Time) ([]candor.Publication, error)
	FilingReceipt(ctx context.Context, id string) (candor.Filing, []byte, error)
	IncidentAudit(ctx context.Context, incidentID string) ([]candor.AuditEntry, error)
	AuditHead(ctx context.Context) (seq int64, hash string, err error)
	ListDecisions(ctx context.Context, incidentID, obligationID string) ([]candor.Decision, error)
	// Proof of reach and the substitute notices (issue 22).
	ReachRows(ctx context.Context, incidentID string) ([]candor.ReachRow, error)
	ListSubstituteNotices(ctx context.Context, incidentID string) ([]candor.SubstituteNotice, error)
}

// Printer prints the report; nil leaves report.pdf out (report.html stays).
type Printer interface {
	Print(ctx context.Context, html []byte, page pdf.Page) ([]byte, error)
}

// Manifest is manifest.json: every other file of the bundle with its hash.
type Manifest struct {
	IncidentID string    `json:"incident_id"`
	CreatedAt  time.Time `json:"created_at"`
	Files      []File    `json:"files"`
	AuditHead  Head      `json:"audit_head"`
	Note       string    `json:"note"`
}

// File is one entry of the manifest.
type File struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

// Head is the audit chain's head when the bundle was made: its last
// sequence number and hash (`candor audit verify` checks the chain up to
// it in the database the bundle came from).
type Head struct {
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
}

// ManifestName is the manifest's path in the bundle.
const ManifestName = "manifest.json"

// disclosureRecord is one disclosure with every revision.
type disclosureRecord struct {
	Disclosure candor.Disclosure `json:"disclosure"`
	Revisions  []candor.Revision `json:"revisions"`
	Sends      []candor.Send     `json:"sends"`
}

// writer collects the files of a bundle and their hashes.
type writer struct {
	zw    *zip.Writer
	files []File
	at    time.Time
}

func (w *writer) add(path string, b []byte) error {
	f, err := w.zw.CreateHeader(&zip.FileHeader{Name: path, Method: zip.Deflate, Modified: w.at})
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		return err
	}
	sum := sha256.Sum256(b)
	w.files = append(w.files, File{Path: path, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(b))})
	return nil
}

func (w *writer) json(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("evidence: %s: %w", path, err)
	}
	return w.add(path, append(b, '\n'))
}

// Build writes the bundle of incident id as of now. cfg gives the rules
// and forms the obligations and packs are computed with (those in force at
// discovery); printer prints the report (nil: report.html only).
func Build(ctx context.Context, src Source, id string, cfg filing.Config, printer Printer, now time.Time) ([]byte, error) {
	asOf := now.UTC() // reach counts what was decided up to the call, not its second's start
	now = now.UTC().Truncate(time.Second)
	in, packs, err := filing.Load(ctx, src, id, cfg, time.Time{}, now)
	if err != nil {
		return nil, err
	}
	scope, err := src.ScopeChanges(ctx, id)
	if err != nil {
		return nil, err
	}
	var discl []disclosureRecord
	all, err := src.IncidentDisclosures(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, d := range all {
		rec := disclosureRecord{Disclosure: d}
		if rec.Revisions, err = src.AllRevisions(ctx, d.ID); err != nil {
			return nil, err
		}
		if rec.Sends, err = src.ListSends(ctx, d.ID); err != nil {
			return nil, err
		}
		discl = append(discl, rec)
	}
	pubs, err := src.ListPublications(ctx, id, now)
	if err != nil {
		return nil, err
	}
	decisions, err := src.ListDecisions(ctx, id, "")
	if err != nil {
		return nil, err
	}
	substitutes, err := src.ListSubstituteNotices(ctx, id)
	if err != nil {
		return nil, err
	}
	reachNow, err := candor.IncidentReach(ctx, src, id, deadline.RuleAreas(cfg.Rules), asOf)
	if err != nil {
		return nil, err
	}
	audit, err := src.IncidentAudit(ctx, id)
	if err != nil {
		return nil, err
	}
	seq, hash, err := src.AuditHead(ctx)
	if err != nil {
		return nil, err
	}

	var buf bytes.Buffer
	w := &writer{zw: zip.NewWriter(&buf), at: now}
	inc := in.Facts.Incident
	reach := map[string]*deadline.AreaReach{}
	for _, st := range in.Obligations {
		if st.Reach != nil {
			reach[st.Jurisdiction] = st.Reach
		}
	}
	steps := []struct {
		path string
		v    any
	}{
		{"incident.json", inc},
		{"timeline.json", in.Facts.Events},
		{"scope.json", scope},
		{"decisions.json", decisions},
		{"obligations.json", in.Obligations},
		{"disclosures.json", discl},
		{"sends.json", map[string]any{"customers_per_country": in.Facts.Countries, "customers_per_region": in.Facts.Regions,
			"reach_per_jurisdiction": reach, "sends": sendsOf(discl)}},
		{"reach.json", map[string]any{"jurisdictions": reachNow, "total": candor.SumReach(reachNow)}},
		{"substitute_notices.json", substitutes},
		{"publications.json", pubs},
		{"filing_packs.json", packs},
		{"filings.json", in.Filed},
		{"audit.json", audit},
	}
	for _, s := range steps {
		if err := w.json(s.path, s.v); err != nil {
			return nil, err
		}
	}
	for _, f := range in.Filed {
		_, b, err := src.FilingReceipt(ctx, f.ID)
		if err != nil {
			return nil, err
		}
		if err := w.add("receipts/"+ReceiptName(f), b); err != nil {
			return nil, err
		}
	}
	head := Head{Seq: seq, Hash: hash}
	html, err := reportHTML(report{In: in, Scope: scope, Disclosures: discl, Publications: pubs, Reach: reachNow, Substitutes: substitutes, Head: head, Now: now})
	if err != nil {
		return nil, err
	}
	if err := w.add("report.html", html); err != nil {
		return nil, err
	}
	if printer != nil {
		out, err := printer.Print(ctx, html, pdf.A4)
		if err != nil {
			return nil, fmt.Errorf("evidence: print report: %w", err)
		}
		if err := w.add("report.pdf", out); err != nil {
			return nil, err
		}
	}
	m := Manifest{IncidentID: inc.ID, CreatedAt: now, Files: w.files, AuditHead: head,
		Note: "Each file's SHA-256 is listed; `candor evidence verify` checks them. The audit head is the hash of the last audit entry when the bundle was made."}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	f, err := w.zw.CreateHeader(&zip.FileHeader{Name: ManifestName, Method: zip.Deflate, Modified: now})
	if err != nil {
		return nil, err
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		return nil, err
	}
	if err := w.zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// ReceiptName is the file name a filing's receipt has in the bundle.
func ReceiptName(f candor.Filing) string {
	ext := map[string]string{"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg", "message/rfc822": ".eml"}[f.Receipt.ContentType]
	if ext == "" {
		ext = ".txt"
	}
	return f.ID + ext
}

func sendsOf(ds []disclosureRecord) []candor.Send {
	var out []candor.Send
	for _, d := range ds {
		out = append(out, d.Sends...)
	}
	slices.SortFunc(out, func(a, b candor.Send) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return out
}
