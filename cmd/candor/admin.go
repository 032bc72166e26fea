package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/candor-dev/candor"
)

func cmdMigrate(ctx context.Context, cfg Config, args []string, out io.Writer) error {
	if len(args) != 1 || (args[0] != "up" && args[0] != "status") {
		return errors.New("usage: candor migrate up|status")
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if args[0] == "up" {
		applied, err := db.Migrate(ctx)
		if err != nil {
			return err
		}
		if len(applied) == 0 {
			fmt.Fprintln(out, "database is up to date")
		}
		for _, v := range applied {
			fmt.Fprintln(out, "applied", v)
		}
		return nil
	}
	st, err := db.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VERSION\tAPPLIED")
	for _, s := range st {
		at := "pending"
		if s.AppliedAt != nil {
			at = s.AppliedAt.UTC().Format(time.RFC3339)
		}
		fmt.Fprintf(tw, "%s\t%s\n", s.Version, at)
	}
	return tw.Flush()
}

func cmdToken(ctx context.Context, cfg Config, args []string, out io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: candor token create --name N --role R | list | revoke ID")
	}
	db, err := openMigratedDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx = cliContext(ctx)
	switch args[0] {
	case "create":
		fs := flag.NewFlagSet("token create", flag.ContinueOnError)
		name := fs.String("name", "", "who or what the token is for")
		role := fs.String("role", "", "viewer, comms, legal or admin")
		ifNone := fs.Bool("if-none", false, "create only if no token exists yet (used by make run)")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		if *ifNone {
			if n, err := db.CountTokens(ctx); err != nil || n > 0 {
				return err
			}
		}
		_, secret, err := db.CreateToken(ctx, *name, candor.Role(*role))
		if err != nil {
			return fieldError(err)
		}
		fmt.Fprintln(out, secret)
		return nil
	case "list":
		toks, err := db.ListTokens(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tROLE\tCREATED\tSTATE")
		for _, t := range toks {
			state := "active"
			if t.RevokedAt != nil {
				state = "revoked " + t.RevokedAt.Format(time.RFC3339)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.Role, t.CreatedAt.Format(time.RFC3339), state)
		}
		return tw.Flush()
	case "revoke":
		if len(args) != 2 {
			return errors.New("usage: candor token revoke ID")
		}
		t, err := db.RevokeToken(ctx, args[1])
		if err != nil {
			return fieldError(err)
		}
		fmt.Fprintf(out, "revoked %s (%s)\n", t.ID, t.Name)
		return nil
	}
	return fmt.Errorf("unknown token command %q", args[0])
}

func cmdAudit(ctx context.Context, cfg Config, args []string, out io.Writer) error {
	if len(args) != 1 || args[0] != "verify" {
		return errors.New("usage: candor audit verify")
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := db.VerifyAudit(ctx)
	if err != nil {
		return fmt.Errorf("audit chain BROKEN after %d good entries: %v", n, err)
	}
	fmt.Fprintf(out, "audit chain OK: %d entries\n", n)
	return nil
}

func cmdConfig(_ context.Context, cfg Config, _ []string, out io.Writer) error {
	for _, l := range cfg.Masked() {
		fmt.Fprintln(out, l)
	}
	return nil
}

// fieldError spells out a validation error's fields on one line.
func fieldError(err error) error {
	if candor.ErrorCode(err) == candor.EINTERNAL {
		return err
	}
	fs := candor.ErrorFields(err)
	if len(fs) == 0 {
		return errors.New(candor.ErrorMessage(err))
	}
	var parts []string
	for _, f := range fs {
		parts = append(parts, f.Field+": "+f.Message)
	}
	return errors.New(strings.Join(parts, "; "))
}
