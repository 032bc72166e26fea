package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/candor-dev/candor/roster"
	"github.com/candor-dev/candor/store"
	"github.com/candor-dev/candor/vault"
	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// loadKeyring reads the data key from CANDOR_DATA_KEY, else from
// CANDOR_DATA_KEY_FILE; old keys (CANDOR_DATA_KEY_OLD) still decrypt during
// a rotation.
func loadKeyring(cfg Config) (*vault.Keyring, error) {
	key := cfg.DataKey
	if key == "" {
		b, err := vault.ReadKeyFile(cfg.DataKeyFile) // refused if others may read it
		if errors.Is(err, vault.ErrKeyFileMode) {
			return nil, fmt.Errorf("data key: %w", err)
		}
		if err != nil {
			return nil, fmt.Errorf("data key: set CANDOR_DATA_KEY or create %s (make run does): %v", cfg.DataKeyFile, err)
		}
		key = b
	}
	kr, err := vault.ParseKeyring(key, cfg.DataKeyOld)
	if err != nil {
		return nil, err
	}
	return kr, nil
}

// openCustomerDB opens the migrated database with the data key.
func openCustomerDB(ctx context.Context, cfg Config) (*store.DB, error) {
	kr, err := loadKeyring(cfg)
	if err != nil {
		return nil, err
	}
	db, err := openMigratedDB(ctx, cfg)
	if err != nil {
		return nil, err
	}
	db.SetKeyring(kr)
	return db, nil
}

// cmdImport imports a CSV or JSON file of customers, with a progress bar
// (rows/s, ETA from the bytes read) when stderr is a terminal.
func cmdImport(ctx context.Context, cfg Config, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	incident := fs.String("incident", "", "incident id")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *incident == "" || fs.NArg() != 1 {
		return errors.New("usage: candor import --incident ID FILE (.csv or .json)")
	}
	path := fs.Arg(0)
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	db, err := openCustomerDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	ct := "text/csv"
	if strings.EqualFold(filepath.Ext(path), ".json") {
		ct = "application/json"
	}
	var body io.Reader = f
	var bar *progressbar.ProgressBar
	if st, err := f.Stat(); err == nil && term.IsTerminal(int(os.Stderr.Fd())) {
		bar = progressbar.NewOptions64(st.Size(), progressbar.OptionSetWriter(os.Stderr),
			progressbar.OptionShowBytes(true), progressbar.OptionSetDescription("importing"),
			progressbar.OptionShowCount(), progressbar.OptionThrottle(200*time.Millisecond))
		r := progressbar.NewReader(f, bar)
		body = &r
	}
	rd, err := roster.NewReader(ct, body, roster.Options{})
	if err != nil {
		return err
	}
	start := time.Now()
	rows := 0
	rep, err := db.ImportCustomers(cliContext(ctx), *incident, rd, func(p store.ImportProgress) {
		rows = p.Report.Accepted + p.Report.Updated + p.Report.Unchanged + p.Report.Rejected
		if bar != nil {
			bar.Describe(fmt.Sprintf("importing: %d rows, %.0f rows/s", rows, float64(rows)/time.Since(start).Seconds()))
		}
	})
	if bar != nil {
		bar.Finish()
		fmt.Fprintln(os.Stderr)
	}
	var ie *store.ImportError
	if errors.As(err, &ie) {
		return fmt.Errorf("import stopped: %v (lines up to %d landed: %d new, %d updated)", ie.Err, ie.ThroughLine, ie.Landed.Accepted, ie.Landed.Updated)
	}
	if err != nil {
		return fieldError(err)
	}
	el := time.Since(start)
	fmt.Fprintf(out, "accepted %d, updated %d, unchanged %d, rejected %d in %s (%.0f rows/s)\n",
		rep.Accepted, rep.Updated, rep.Unchanged, rep.Rejected, el.Round(time.Millisecond),
		float64(rep.Accepted+rep.Updated+rep.Unchanged+rep.Rejected)/el.Seconds())
	for i, e := range rep.Errors {
		if i == 20 {
			fmt.Fprintf(out, "... and %d more errors\n", rep.Rejected-20)
			break
		}
		fmt.Fprintf(out, "line %d: %s: %s\n", e.Line, e.Field, e.Message)
	}
	return nil
}

// cmdRekey re-encrypts customers sealed under an old key. Rotation: set the
// new key as CANDOR_DATA_KEY and the old one in CANDOR_DATA_KEY_OLD, run
// `candor rekey`, then drop the old key.
func cmdRekey(ctx context.Context, cfg Config, args []string, out io.Writer) error {
	db, err := openCustomerDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := db.Rekey(cliContext(ctx), nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "re-encrypted %d customers with the current key\n", n)
	return nil
}

// cmdKeygen prints a new random data key.
func cmdKeygen(_ context.Context, _ Config, _ []string, out io.Writer) error {
	k, err := vault.GenerateKey()
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(out, k)
	return err
}
