package api

import (
	"context"
	"io"

	"github.com/candor-dev/candor"
)

// consoleLetters gives the console the API's letter operations
// (console.LetterActions): a batch made, printed or listed in the console
// is the API's, with the same checks, filter and download record.
type consoleLetters struct{ s *Server }

func (a consoleLetters) CreateLetters(ctx context.Context, disclosureID string, f candor.SendFilter) (candor.LetterBatch, error) {
	return a.s.createLetters(ctx, disclosureID, f)
}

func (a consoleLetters) LettersPDF(ctx context.Context, batchID string, part int) (string, []byte, error) {
	return a.s.printLetters(ctx, batchID, part)
}

func (a consoleLetters) LettersManifest(ctx context.Context, batchID string) (func(io.Writer) error, string, error) {
	return a.s.letterManifest(ctx, batchID)
}
