package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/candor-dev/candor/deadline"
	"github.com/candor-dev/candor/holidays"

	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/compose"
	"github.com/candor-dev/candor/internal/synth"
	"github.com/candor-dev/candor/render"
	"github.com/candor-dev/candor/roster"
	"github.com/candor-dev/candor/store"
)

// cmdDemo loads the seed case: the incident with its course of events,
// synthetic customers in JP, TH, ID, PH and US through the real import
// path, and a draft of each kind from the default templates. Each run makes
// a new demo incident.
func cmdDemo(ctx context.Context, cfg Config, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	n := fs.Int("customers", 3000, "synthetic customers to import")
	seed := fs.Uint64("seed", 2020, "seed of the synthetic customers")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *n < 1 || *n > 1_000_000 || fs.NArg() != 0 {
		return errors.New("usage: candor demo [--customers N (1 to 1000000)] [--seed S]")
	}
	db, err := openCustomerDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx = cliContext(ctx)

	in, err := db.CreateIncident(ctx, seedIncident())
	if err != nil {
		return fieldError(err)
	}
	for _, e := range seedEvents {
		if _, err := db.CreateEvent(ctx, in.ID, e.event()); err != nil {
			return fieldError(err)
		}
	}
	byCountry, rep, err := importSynthetic(ctx, db, in.ID, *n, *seed)
	if err != nil {
		return err
	}
	var drafts []candor.Disclosure
	for _, s := range seedDrafts {
		d, err := db.CreateDisclosure(ctx, in.ID, s.kind, candor.DisclosureContent{Title: s.title, Regulator: s.regulator}, true)
		if err != nil {
			return fmt.Errorf("create %s: %w", s.kind, fieldError(err))
		}
		drafts = append(drafts, d)
	}

	fmt.Fprintf(out, "Demo incident %s\n  %s, discovered %s, reported by %s (%s)\n", in.ID, in.Title,
		in.DiscoveredAt.In(in.Location()).Format(candor.DateLayout), in.ReportingEntity.Name, in.ReportingEntity.Country)
	fmt.Fprintf(out, "  timeline: %d public events\n", len(seedEvents))
	var parts []string
	for _, c := range slices.Sorted(maps.Keys(byCountry)) {
		parts = append(parts, fmt.Sprintf("%s %d", c, byCountry[c]))
	}
	fmt.Fprintf(out, "  customers: %d imported (%s), %d rejected\n", rep.Accepted+rep.Updated+rep.Unchanged, strings.Join(parts, ", "), rep.Rejected)
	fmt.Fprintln(out, "  drafts (from the default templates):")
	for _, d := range drafts {
		fmt.Fprintf(out, "    %-17s %s  revision %d, locales %s\n", d.Kind, d.ID, d.Revision, strings.Join(slices.Sorted(maps.Keys(d.Variants)), " "))
	}
	sample, err := demoPreview(ctx, db, cfg, in, drafts[0])
	if err != nil {
		return err
	}
	fmt.Fprint(out, sample)
	if err := printDemoObligations(ctx, cfg, db, in.ID, out); err != nil {
		return err
	}
	printNextSteps(out, cfg, in.ID, drafts[0].ID)
	return nil
}

// printDemoObligations shows the seed case's legal deadlines twice: under
// the rules in force when Kawasaki found the intrusion (2020) and under
// today's, each with its status on 2020-12-28, the day of the statement.
func printDemoObligations(ctx context.Context, cfg Config, db *store.DB, incidentID string, out io.Writer) error {
	rules, err := loadRules(cfg)
	if err != nil {
		return err
	}
	statement := time.Date(2020, 12, 28, 0, 0, 0, 0, time.FixedZone("JST", 9*3600))
	for _, asOf := range []struct{ title, flag string }{
		{"under the rules in force on discovery (2020)", ""}, {"under today's rules", "today"},
	} {
		when, err := deadline.ParseAsOf("as_of", asOf.flag, time.Now().UTC())
		if err != nil {
			return err
		}
		rep, err := deadline.AssessObligations(ctx, db, incidentID, rules, holidays.New(), when, statement.UTC())
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "\nLegal deadlines %s, as they stood on the day of the statement (2020-12-28):\n", asOf.title)
		if err := printObligations(out, rep); err != nil {
			return err
		}
	}
	return nil
}

// importSynthetic generates n customers and imports them as a CSV upload
// would be, counting them by country on the way.
func importSynthetic(ctx context.Context, db *store.DB, incidentID string, n int, seed uint64) (map[string]int, candor.ImportReport, error) {
	var buf bytes.Buffer
	if err := synth.WriteCSV(&buf, n, seed); err != nil {
		return nil, candor.ImportReport{}, err
	}
	byCountry := map[string]int{}
	r := csv.NewReader(bytes.NewReader(buf.Bytes()))
	if _, err := r.Read(); err != nil { // header
		return nil, candor.ImportReport{}, err
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		} else if err != nil {
			return nil, candor.ImportReport{}, err
		}
		byCountry[rec[4]]++ // synth.Header: country is the fifth column
	}
	rd, err := roster.NewReader("text/csv", &buf, roster.Options{})
	if err != nil {
		return nil, candor.ImportReport{}, err
	}
	rep, err := db.ImportCustomers(ctx, incidentID, rd, nil)
	if err != nil {
		return nil, rep, fmt.Errorf("import customers: %w", fieldError(err))
	}
	return byCountry, rep, nil
}

// demoPreview renders the customer notice for the first Japanese customer,
// as a send would, and prints its subject and the lines of the discovery
// day (2020年6月11日): the summary, the discovery date and the timeline's
// first entry, all in Japanese.
func demoPreview(ctx context.Context, db *store.DB, cfg Config, in candor.Incident, notice candor.Disclosure) (string, error) {
	page, err := db.ListCustomers(ctx, candor.CustomerFilter{IncidentID: in.ID, Locale: "ja", Limit: 1})
	if err != nil || len(page.Items) == 0 {
		return "", err
	}
	c := page.Items[0]
	facts, err := compose.Load(ctx, db, in.ID, cfg.organisation(), cfg.BaseURL, time.Now())
	if err != nil {
		return "", err
	}
	loc, v := render.PickVariantFor(notice.Variants, notice.DefaultLocale, c.Locale, c.Country, c.Region)
	data := facts.Data(loc)
	data.Customer = compose.Customer(&c)
	msg, err := render.Render(ctx, v, loc, data)
	if err != nil {
		return "", fmt.Errorf("render the demo notice: %w", fieldError(err))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "  the notice for customer %s (locale %s) renders in %s:\n    Subject: %s\n", c.ExternalID, c.Locale, loc, msg.Subject)
	for _, line := range strings.Split(msg.Text, "\n") {
		line = strings.TrimSpace(line)
		if !strings.Contains(line, "2020年6月11日") {
			continue
		}
		fmt.Fprintf(&b, "    %s\n", line)
		if len(data.Incident.Events) == 0 || strings.Contains(line, data.Incident.Events[0].Description) {
			break
		}
	}
	return b.String(), nil
}

func printNextSteps(out io.Writer, cfg Config, incidentID, noticeID string) {
	fmt.Fprintf(out, `
Next: start the service (candor run) and, in another terminal, make two tokens
(the one that edits or submits may not approve):
  COMMS=$(candor token create --name comms --role comms)
  LEGAL=$(candor token create --name legal --role legal)
  API=http://%[1]s/api/v1
Preview the notice for a customer (or without one, for a sample customer):
  curl -s -H "Authorization: Bearer $COMMS" "$API/incidents/%[2]s/customers?locale=ja&limit=1"
  curl -s -H "Authorization: Bearer $COMMS" -H 'Content-Type: application/json' \
       -d '{"locale":"ja"}' $API/disclosures/%[3]s/preview
Edit it (PUT the whole content; a new revision), submit it, approve it:
  curl -s -H "Authorization: Bearer $COMMS" -X POST $API/disclosures/%[3]s/submit
  curl -s -H "Authorization: Bearer $LEGAL" -H 'Content-Type: application/json' \
       -d '{"revision":1}' $API/disclosures/%[3]s/approve
History and audit:
  curl -s -H "Authorization: Bearer $LEGAL" $API/disclosures/%[3]s/revisions
  curl -s -H "Authorization: Bearer $LEGAL" "$API/audit?incident=%[2]s"
Set CANDOR_ORG_NAME, CANDOR_ORG_CONTACT_EMAIL and CANDOR_ORG_CONTACT_PHONE to name your organisation in the templates.
`, cfg.Listen, incidentID, noticeID)
}
