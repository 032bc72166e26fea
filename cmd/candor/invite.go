package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/candor-dev/candor/store"
)

// inviteTTL is how long a set-password link works.
const inviteTTL = 24 * time.Hour

// cmdPersonInvite prints a one-time link at which the person sets their
// console password (`candor person invite --email E`), and
// cmdPersonEndSessions ends their console sessions at once.
func cmdPersonConsole(ctx context.Context, db *store.DB, cfg Config, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("person "+args[0], flag.ContinueOnError)
	email := fs.String("email", "", "the person's e-mail (or --person ID)")
	person := fs.String("person", "", "the person's id or e-mail")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	ref := *person
	if ref == "" {
		ref = *email
	}
	if ref == "" {
		return fmt.Errorf("usage: candor person %s --email E", args[0])
	}
	switch args[0] {
	case "invite":
		p, secret, err := db.CreatePasswordLink(ctx, ref, inviteTTL)
		if err != nil {
			return fieldError(err)
		}
		fmt.Fprintf(out, "%s/console/set-password?token=%s\n", strings.TrimRight(cfg.BaseURL, "/"), url.QueryEscape(secret))
		fmt.Fprintf(out, "for %s (%s); works once, until %s\n", p.Name, p.ID, time.Now().Add(inviteTTL).UTC().Format(time.RFC3339))
		return nil
	case "end-sessions":
		if err := db.EndSessions(ctx, ref); err != nil {
			return fieldError(err)
		}
		fmt.Fprintln(out, "console sessions ended")
		return nil
	}
	return errors.New("unknown person command")
}
