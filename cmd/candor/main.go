// Command candor is the whole of Candor in one binary: the API, the workers
// and the scheduler, and the operator's commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/candor-dev/candor/jobs"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

const usage = `usage: candor <command> [flags]

Service:
  run                 API, worker and scheduler in one process
  serve               the API only
  worker              the worker and scheduler only

Operations:
  migrate up|status   apply or list database migrations
  person create --email E --name N --role R | list | invite --email E | end-sessions --email E
                      the people who hold tokens (four eyes compares people)
  token create --name N --role R [--person ID|EMAIL] | list | revoke ID
  audit verify        check the audit log's hash chain
  import --incident ID FILE   import customers from .csv or .json
  rekey               re-encrypt customer data with the current key
  keygen              print a new random data key
  bench import [--rows N]     import benchmark (rows/s, peak RSS)
  export-statements DIR       write the published statements as static files
  bench send [--recipients N] [--conns N] [--runs N]
                      send pipeline against the raw SMTP ceiling (msgs/s, peak RSS)
  bench load [--recipients N] [--rate N]
                      API latency (p50, p99) while a send runs
  demo [--customers N]        load the seed case: incident, timeline, customers, drafts
  obligations --incident ID [--as-of today|DATE] [--at TIME]
                      an incident's legal deadlines and their status
  evidence verify FILE
                      check an evidence bundle (evidence.zip) against its manifest
  config              print the configuration (secrets masked)
  version             print the version

Configuration comes from CANDOR_* environment variables (see docs/operations.md).
`

// command is one subcommand; it writes its normal output to out.
type command func(ctx context.Context, cfg Config, args []string, out io.Writer) error

func commands() map[string]command {
	return map[string]command{
		"run": func(ctx context.Context, c Config, a []string, o io.Writer) error {
			defer startProfile()() // the server's side of bench console / bench load
			return runService(ctx, c, a, o, true, true)
		},
		"serve": func(ctx context.Context, c Config, a []string, o io.Writer) error {
			return runService(ctx, c, a, o, true, false)
		},
		"worker": func(ctx context.Context, c Config, a []string, o io.Writer) error {
			return runService(ctx, c, a, o, false, true)
		},
		"migrate": cmdMigrate,
		"import":  cmdImport,
		"rekey":   cmdRekey,
		"keygen":  cmdKeygen,
		"bench":   cmdBench,
		"demo":    cmdDemo,
		"token":   cmdToken,
		"person":  cmdPerson,
		"audit":   cmdAudit,
		"config":  cmdConfig,
		"version": func(_ context.Context, _ Config, _ []string, o io.Writer) error {
			_, err := fmt.Fprintln(o, "candor", version)
			return err
		},
		"obligations": cmdObligations,
		"evidence":    cmdEvidence,

		"export-statements": cmdExportStatements,
	}
}

func main() {
	if len(os.Args) < 2 || os.Args[1] == "-h" || os.Args[1] == "--help" || os.Args[1] == "help" {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	cmd, ok := commands()[os.Args[1]]
	if !ok {
		fmt.Fprintf(os.Stderr, "candor: unknown command %q\n\n%s", os.Args[1], usage)
		os.Exit(2)
	}
	jobs.SilenceDriverLogs()
	cfg, err := loadConfig()
	if err != nil {
		fail(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := cmd(ctx, cfg, os.Args[2:], os.Stdout); err != nil {
		fail(err)
	}
}

// fail prints one line, never a stack, and exits.
func fail(err error) {
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(2)
	}
	// Drivers write multi-line errors (pgx lists each address it tried);
	// the operator gets one line.
	fmt.Fprintln(os.Stderr, "candor:", strings.Join(strings.Fields(err.Error()), " "))
	os.Exit(1)
}
