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

	"github.com/candor-dev/candor/deadline"
	"github.com/candor-dev/candor/holidays"
	"github.com/candor-dev/candor/jurisdictions"
)

// loadRules loads the deadline catalogue once: the embedded rules with
// CANDOR_RULES_DIR merged over them. A bad override stops start-up rather
// than compute wrong deadlines.
func loadRules(cfg Config) ([]deadline.Rule, error) {
	rules, err := jurisdictions.LoadDir(cfg.RulesDir)
	if err != nil {
		return nil, fmt.Errorf("deadline rules (CANDOR_RULES_DIR=%q): %v", cfg.RulesDir, err)
	}
	return rules, nil
}

// cmdObligations prints an incident's obligations as a table, for operators
// and the demo:
//
//	candor obligations --incident ID [--as-of today|DATE] [--at TIME]
func cmdObligations(ctx context.Context, cfg Config, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("obligations", flag.ContinueOnError)
	id := fs.String("incident", "", "incident id")
	asOfFlag := fs.String("as-of", "", `whose rules: "" (those in force at discovery), "today", a date or an RFC 3339 time`)
	atFlag := fs.String("at", "", "give statuses at this RFC 3339 time (default now)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *id == "" || fs.NArg() > 0 {
		return errors.New("usage: candor obligations --incident ID [--as-of today|DATE] [--at TIME]")
	}
	now := time.Now().UTC()
	asOf, err := deadline.ParseAsOf("--as-of", *asOfFlag, now)
	if err != nil {
		return fieldError(err)
	}
	at := now
	if *atFlag != "" {
		if at, err = time.Parse(time.RFC3339, *atFlag); err != nil {
			return errors.New("--at: must be an RFC 3339 time such as 2020-12-28T00:00:00+09:00")
		}
	}
	rules, err := loadRules(cfg)
	if err != nil {
		return err
	}
	db, err := openMigratedDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := deadline.AssessObligations(ctx, db, *id, rules, holidays.New(), asOf, at.UTC())
	if err != nil {
		return fieldError(err)
	}
	return printObligations(out, rep)
}

func printObligations(out io.Writer, rep deadline.ObligationReport) error {
	inc := rep.Incident
	loc := inc.Location() // times as the incident's people read them
	fmt.Fprintf(out, "%s (%s)\ndiscovered %s; rules in force on %s; status at %s\n\n", oneLine(inc.Title), inc.ID,
		inc.DiscoveredAt.In(loc).Format(time.RFC3339), rep.RulesAsOf.In(loc).Format(time.DateOnly), rep.At.In(loc).Format(time.RFC3339))
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "DUE ("+zoneLabel(loc)+")\tSTATUS\tCODE\tNOTIFY\tSTAGE\tKIND\tLAW\tRULE\tMET BY / NOTE")
	for _, st := range rep.Items {
		due := "-"
		if st.DueAt != nil {
			due = st.DueAt.In(loc).Format("2006-01-02 15:04")
		}
		kind := "hard"
		if st.Soft {
			kind = "soft"
		}
		if len(st.DependsOn) > 0 {
			kind += " if " + strings.Join(st.DependsOn, ",")
		}
		note := st.Missing
		switch {
		case st.MetBy != nil && st.MetBy.SendID == "" && len(st.MetBy.LetterBatches)+len(st.MetBy.SubstituteNotices) > 0:
			// Completed by a letter (or covered by a substitute notice) after the sends.
			note = fmt.Sprintf("letters (%d batches), substitute notices %d, at %s", len(st.MetBy.LetterBatches),
				len(st.MetBy.SubstituteNotices), st.MetBy.At.In(loc).Format("2006-01-02 15:04"))
		case st.MetBy != nil:
			note = fmt.Sprintf("send %s at %s", st.MetBy.SendID, st.MetBy.At.In(loc).Format("2006-01-02 15:04"))
		case st.Reach != nil && st.Reach.EmailCustomers > 0:
			note = fmt.Sprintf("%d of %d email customers notified", st.Reach.Notified, st.Reach.EmailCustomers)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", due, statusText(st), st.Jurisdiction,
			strings.ReplaceAll(string(st.Audience), "_", " "), dash(st.Stage), kind, st.Law, st.RuleID, dash(note))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(out, "\n%d obligations: %s.", len(rep.Items), deadline.CountStatuses(rep.Items))
	switch n := rep.Countries[""]; {
	case n == 1:
		fmt.Fprint(out, " 1 customer has no country: no rule was applied to them.")
	case n > 1:
		fmt.Fprintf(out, " %d customers have no country: no rule was applied to them.", n)
	}
	_, err := fmt.Fprintf(out, "\n\n%s\n", jurisdictions.Disclaimer)
	return err
}

// statusText is the STATUS column: OPEN, OVERDUE, MET, or for a duty met
// after its due instant MET LATE and by how much ("MET LATE +6y 5mo").
func statusText(st deadline.ObligationState) string {
	if span, ok := st.LateSpan(); ok && st.Status == deadline.StatusMet {
		return "MET LATE " + span.Short()
	}
	return strings.ToUpper(st.Status)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// zoneLabel names a zone for a column header: "UTC" or "Asia/Tokyo".
func zoneLabel(loc *time.Location) string {
	if loc == time.UTC {
		return "UTC"
	}
	return loc.String()
}
