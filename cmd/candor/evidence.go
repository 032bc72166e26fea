package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/candor-dev/candor/evidence"
)

// cmdEvidence checks an evidence bundle (GET /api/v1/incidents/{id}/evidence.zip):
// exit 0 when every file matches the manifest, 1 naming the first that does not.
func cmdEvidence(_ context.Context, _ Config, args []string, out io.Writer) error {
	if len(args) != 2 || args[0] != "verify" {
		return errors.New("usage: candor evidence verify FILE")
	}
	f, err := os.Open(args[1])
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	m, err := evidence.Verify(f, st.Size())
	if err != nil {
		return fmt.Errorf("evidence bundle %s is NOT intact: %v", args[1], err)
	}
	fmt.Fprintf(out, "evidence bundle OK: incident %s, %d files match the manifest, audit head #%d %s\n",
		m.IncidentID, len(m.Files), m.AuditHead.Seq, m.AuditHead.Hash)
	return nil
}
