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
	"github.com/candor-dev/candor/store"
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
		return errors.New("usage: candor token create --name N --role R [--person ID|EMAIL] | list | revoke ID")
	}
	db, err := openPeopleDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx = cliContext(ctx)
	switch args[0] {
	case "create":
		fs := flag.NewFlagSet("token create", flag.ContinueOnError)
		name := fs.String("name", "", "who or what the token is for; without --person, the person of that name (created if nobody is)")
		role := fs.String("role", "", "viewer, comms, legal or admin (at most the person's role)")
		person := fs.String("person", "", "the id or e-mail of the person who will hold the token")
		ifNone := fs.Bool("if-none", false, "create only if no token exists yet (used by make run)")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		if *ifNone {
			if n, err := db.CountTokens(ctx); err != nil || n > 0 {
				return err
			}
		}
		_, secret, err := db.CreateTokenFor(ctx, *person, *name, candor.Role(*role))
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
		fmt.Fprintln(tw, "ID\tNAME\tROLE\tCREATED\tSTATE\tPERSON")
		for _, t := range toks {
			state := "active"
			if t.RevokedAt != nil {
				state = "revoked " + t.RevokedAt.Format(time.RFC3339)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.Role, t.CreatedAt.Format(time.RFC3339), state, t.PersonID)
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

// openPeopleDB opens the migrated database with the data key if one is
// configured: people's e-mails are sealed with it, but a token for a person
// named by name or id (make run's first token) needs none.
func openPeopleDB(ctx context.Context, cfg Config) (*store.DB, error) {
	db, err := openMigratedDB(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if kr, err := loadKeyring(cfg); err == nil {
		db.SetKeyring(kr)
	}
	return db, nil
}

func cmdPerson(ctx context.Context, cfg Config, args []string, out io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: candor person create --email E --name N --role R | list | invite --email E | end-sessions --email E")
	}
	db, err := openPeopleDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx = cliContext(ctx)
	var people []candor.Person
	switch args[0] {
	case "create":
		fs := flag.NewFlagSet("person create", flag.ContinueOnError)
		email := fs.String("email", "", "the person's e-mail (unique, compared case-insensitively)")
		name := fs.String("name", "", "the person's display name")
		role := fs.String("role", "", "viewer, comms, legal or admin: the most any of their tokens may have")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		p, err := db.CreatePerson(ctx, candor.Person{Email: *email, Name: *name, Role: candor.Role(*role)})
		if err != nil {
			return fieldError(err)
		}
		people = []candor.Person{p}
	case "invite", "end-sessions": // invite.go
		return cmdPersonConsole(ctx, db, cfg, args, out)
	case "list":
		if people, err = db.ListPeople(ctx); err != nil {
			return fieldError(err)
		}
	default:
		return fmt.Errorf("unknown person command %q", args[0])
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tEMAIL\tROLE\tCREATED\tSTATE")
	for _, p := range people {
		state, email := "active", p.Email
		if p.DisabledAt != nil {
			state = "disabled " + p.DisabledAt.Format(time.RFC3339)
		}
		if email == "" {
			email = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", p.ID, p.Name, email, p.Role, p.CreatedAt.Format(time.RFC3339), state)
	}
	return tw.Flush()
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
